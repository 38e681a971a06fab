"""Sweep files (`scenarios/sweeps/*.yaml`): validation, design points, tasks.

A sweep names a `base:` scenario, `axes:` (dotted parameter paths) and a
`design:`; every design point is the base with the axis values set, run for
`replications` seeds drawn from one master seed. Replication i uses the same
seed at every point (common random numbers), so differences between points
are not blurred by different random draws.

A paired sweep names `compare: [A, B]` instead of `base:`: the axes (and
`overrides`) apply to both, and each task runs A and B at one point with one
seed, so its row holds `A_<metric>`, `B_<metric>` and `gain_<metric>` (B - A)
and a pair is never half written.

Axis paths follow the scenario's keys (`levers.cadres.per_grid`,
`departments.*.acceptance`: sim/sweep/paths.py); each design, how it is checked and
how it makes its points, is a class in sim/sweep/designs.py. This module holds the
file's schema, the checks common to every design, and the loaded sweep.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim import limits, scenarios
from sim.experiments import replication_seeds
from sim.params import Scenario
from sim.sweep.designs import DESIGNS, SweepError, check_size, owners, problem_of
from sim.sweep.paths import AxisPath, PathError, point_scenario
from sim.tasks import Task

DEFAULT_METRICS = ("resolution_rate", "satisfaction_rate", "needs_met_rate")


class Range(BaseModel):
    """A continuous axis for samplers: `{low: 0, high: 4}`."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"low must be < high (got low={self.low}, high={self.high})")
        return self


class SweepSpec(BaseModel):
    """What a sweep file may contain (extra keys are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = ""
    description: str = ""
    base: str | None = Field(None, description="scenario name or path relative to the sweep file")
    compare: list[str] | None = Field(
        None, description="a paired sweep: [A, B], both run at every point and seed"
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="merged into the base (like a scenario file)"
    )
    design: Literal["grid", "list", "csv", "lhs", "sobol", "morris"] = "grid"
    axes: dict[AxisPath, list[Any] | Range] = Field(default_factory=dict)
    points: list[dict[AxisPath, Any]] | None = None
    points_file: str | None = None
    samples: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    levels: Annotated[int, Field(ge=2, le=20)] = Field(4, description="morris grid levels")
    second_order: bool = Field(False, description="sobol: second-order indices too")
    replications: Annotated[int, Field(ge=1, le=10_000)] = 5
    seed: Annotated[int, Field(ge=0)] = 0
    days: Annotated[int, Field(ge=1, le=limits.MAX_DAYS)] | None = None
    keep_daily: bool = False
    metrics: tuple[str, ...] = DEFAULT_METRICS

    @model_validator(mode="after")
    def _design(self) -> SweepSpec:
        if (self.base is None) == (self.compare is None):
            raise ValueError(
                "base: give either base: SCENARIO, or compare: [A, B] for a paired sweep"
                + (" (not both)" if self.base is not None else "")
            )
        if self.compare is not None and len(self.compare) != 2:
            raise ValueError(
                f"compare: give exactly two scenarios, e.g. [solo, chorus] "
                f"(got {len(self.compare)})"
            )
        d = self.design
        for key in ("levels", "second_order", "samples", "points", "points_file"):
            takes = owners(key)
            if key in self.model_fields_set and getattr(self, key) is not None and d not in takes:
                who = f"design {takes[0]}" if len(takes) == 1 else ", ".join(takes)
                raise ValueError(f"{key}: only for {who} (design is {d})")
        DESIGNS[d].check(self)
        return self


# ---------------------------------------------------------------- the loaded sweep
@dataclass
class Point:
    id: str
    values: dict  # axis path -> value used
    x: list[float] | None = None  # sampler's raw row (for SALib analysis)


@dataclass
class Sweep:
    """A validated sweep: spec, base scenario, design points, seeds.

    In a paired sweep (`compare: [A, B]`) `base`/`params` are A and `versus`/
    `versus_params` are B, and `names` holds their column prefixes.
    """

    path: Path
    spec: SweepSpec
    base: Scenario
    base_files: dict
    points: list[Point]
    seeds: list[int]
    params: dict[str, Scenario] = field(repr=False)
    hash: str = ""
    names: tuple[str, str] | None = None
    versus: Scenario | None = None
    versus_files: dict = field(default_factory=dict)
    versus_params: dict[str, Scenario] = field(default_factory=dict, repr=False)
    city: Any = None  # a sweep over a city file: the city as loaded (`sim.city.City`)
    cities: dict[str, Any] = field(default_factory=dict, repr=False)  # point -> its city

    @property
    def name(self) -> str:
        return self.spec.name or self.path.stem

    @property
    def paired(self) -> bool:
        return self.names is not None

    @property
    def axes(self) -> list[str]:
        if self.spec.axes:
            return list(self.spec.axes)
        keys: list[str] = []
        for p in self.points:
            keys += [k for k in p.values if k not in keys]
        return keys

    def problem(self) -> dict | None:
        """SALib's problem for sampler designs."""
        return problem_of(self.spec) if DESIGNS[self.spec.design].sampler else None

    def key(self, point: Point, rep: int) -> str:
        return f"{point.id}-r{rep:03d}"

    def tasks(self) -> list[Task]:
        """One task per point and seed; in a paired sweep it runs both A and B."""
        out = []
        for p in self.points:
            for r, seed in enumerate(self.seeds):
                out.append(
                    Task(
                        key=self.key(p, r),
                        params=self.params[p.id],
                        seed=seed,
                        days=self.spec.days,
                        keep_daily=self.spec.keep_daily,
                        meta={"point": p.id, "replication": r, "values": p.values},
                        versus=self.versus_params.get(p.id),
                        names=self.names or (),
                        city=self.cities.get(p.id),
                    )
                )
        return out


def _spec_problem(path: Path, err: dict) -> str:
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden" and len(loc) == 1:
        allowed = ", ".join(SweepSpec.model_fields)
        return f"{path}: {loc[0]}: unknown key (allowed here: {allowed})"
    if err["type"] == "extra_forbidden":
        return f"{path}: {'.'.join(map(str, loc))}: unknown key (allowed: low, high)"
    if err["type"] == "string_pattern_mismatch":
        where = ".".join(map(str, loc[:-1]))
        return (
            f"{path}: {where}: {scenarios.show(err['input'])} is not a dotted parameter path "
            "(e.g. levers.cadres.per_grid, departments.*.acceptance)"
        )
    if not loc and err["type"] == "value_error":  # our own checks name the field
        return f"{path}: {err['msg'].removeprefix('Value error, ')}"
    if len(loc) >= 4 and loc[0] == "axes" and "Range" in str(loc[2]):  # inside {low, high}
        inner = {**err, "loc": ("axes", loc[1], *loc[3:])}
        return f"{path}: {scenarios.one_error(inner)[1]}"
    if len(loc) >= 3 and loc[0] == "axes":  # `list[Any] | Range`: say both forms
        return (
            f"{path}: axes.{loc[1]}: must be a list of values, or {{low: .., high: ..}} "
            f"for a sampler (got {scenarios.show(err.get('input'))})"
        )
    return f"{path}: {scenarios.one_error(err)[1]}"


def _wrong_branch(err: dict, data: dict) -> bool:
    """An axis error from the union branch that does not match what was written."""
    loc = tuple(err["loc"])
    if len(loc) < 3 or loc[0] != "axes" or not isinstance(data.get("axes"), dict):
        return False
    given = data["axes"].get(loc[1])
    if isinstance(given, dict):
        return "Range" not in str(loc[2])
    return isinstance(given, list) and "Range" in str(loc[2])


def _spec_error(path: Path, e: ValidationError, data: dict | None = None) -> SweepError:
    errors = [err for err in e.errors() if not _wrong_branch(err, data or {})]
    problems = list(dict.fromkeys(_spec_problem(path, err) for err in errors or e.errors()))
    return SweepError(problems[0], problems)


def _read_spec(path: Path) -> dict:
    return scenarios.read_mapping(path, SweepError, "sweep keys (base, axes, design, ...)")


SIDE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _side_names(path: Path, files: list[Path]) -> tuple[str, str]:
    """Column prefixes of a paired sweep: the scenario files' stems (`solo`, `chorus`)."""
    names = [f.stem for f in files]
    for n, f in zip(names, files, strict=True):
        if not SIDE_NAME.match(n) or n == "gain":
            why = "is reserved for B - A" if n == "gain" else "is not lower_snake_case"
            raise SweepError(
                f"{path}: compare: {f.name}: its name {n!r} prefixes the columns and {why}; "
                "rename the file"
            )
    if names[0] == names[1]:
        raise SweepError(
            f"{path}: compare: both scenarios are named {names[0]!r}; compare two different "
            "files (their names prefix the columns)"
        )
    return names[0], names[1]


def _design_points(sweep_path: Path, spec: SweepSpec, base_dump: dict) -> list[Point]:
    design = DESIGNS[spec.design]
    count = design.count(spec)
    if count is not None:
        check_size(sweep_path, spec, count)
    rows = design.rows(sweep_path, spec, base_dump)
    width = max(4, len(str(len(rows) - 1)))
    return [Point(f"p{i:0{width}d}", vals, x) for i, (vals, x) in enumerate(rows)]


def _point_params(path: Path, spec: SweepSpec, base: Scenario, points: list[Point]) -> dict:
    """Every design point's scenario, validated (one line naming the point if not)."""
    base_dump = base.model_dump(mode="json")
    params: dict[str, Scenario] = {}
    cache: dict[str, Scenario] = {}
    for p in points:
        ck = json.dumps(p.values, sort_keys=True, default=str)
        if ck not in cache:
            cache[ck] = _one_point(path, spec, base, base_dump, p)
        params[p.id] = cache[ck]
    return params


def _one_point(path: Path, spec: SweepSpec, base: Scenario, base_dump: dict, p: Point) -> Scenario:
    """The base scenario with point p's values, checked (graph file, memory)."""
    try:
        s = point_scenario(base, base_dump, p.values)
    except PathError as e:
        raise SweepError(f"{path}: axes.{e}") from None
    except ValidationError as e:
        shown = ", ".join(f"{k}={v!r}" for k, v in p.values.items())
        raise SweepError(f"{path}: point {p.id} ({shown}): {scenarios.describe(e)}") from None
    graph = s.community.graph_file
    if graph is not None and not Path(graph).is_file():
        raise SweepError(f"{path}: point {p.id}: community.graph_file: no such file ({graph})")
    try:
        limits.check(s, days=spec.days)
    except limits.TooBig as e:
        raise SweepError(f"{path}: point {p.id}: {e}") from None
    return s.model_copy(update={"name": base.name})


# ---------------------------------------------------------------- a sweep over a city
# What a city sweep records by default (its figures: `sim.city.run.SUMMARY`).
CITY_METRICS = ("resolution_rate", "callback_resolution_rate", "satisfaction_rate")


def _load_city(path: Path, spec: SweepSpec, file: Path) -> Sweep:
    """A sweep whose base is a city: the axes and overrides set every street's scenario,
    and each run is the whole city (its seed the city's master seed)."""
    from sim import city
    from sim.city.run import SUMMARY

    if spec.keep_daily:
        raise SweepError(f"{path}: keep_daily: a city sweep keeps each run's figures only")
    if "metrics" in spec.model_fields_set:
        for m in spec.metrics:
            if m not in SUMMARY:
                raise SweepError(
                    f"{path}: metrics: {m!r} is not a city figure (a city records: "
                    f"{', '.join(SUMMARY)})"
                )
    else:
        spec = spec.model_copy(update={"metrics": CITY_METRICS})
    try:
        town = city.load(file, **({"days": spec.days} if spec.days else {}))
        if spec.overrides:
            town = town.with_overrides(spec.overrides)
    except city.CityError as e:
        raise SweepError(str(e)) from None
    except ValidationError as e:
        raise SweepError(f"{path}: overrides: {scenarios.describe(e)}") from None
    base = town.streets[0].params
    points = _design_points(path, spec, base.model_dump(mode="json"))
    cities: dict[str, Any] = {}
    cache: dict[str, Any] = {}
    for p in points:
        ck = json.dumps(p.values, sort_keys=True, default=str)
        if ck not in cache:
            cache[ck] = town.with_params(
                lambda s, p=p: _one_point(path, spec, s, s.model_dump(mode="json"), p)
            )
            try:
                city.spec.fits(path, cache[ck].streets, what=f"point {p.id}")
            except city.CityError as e:
                raise SweepError(str(e)) from None
        cities[p.id] = cache[ck]
    sweep = Sweep(
        path=path,
        spec=spec,
        base=base.model_copy(update={"name": town.spec.name}),
        base_files=town.files,
        points=points,
        seeds=replication_seeds(spec.seed, spec.replications),
        params={pid: c.streets[0].params for pid, c in cities.items()},
        city=town,
        cities=cities,
    )
    sweep.hash = spec_hash(sweep)
    return sweep


def load(path: str | Path) -> Sweep:
    """Read and validate a sweep file; every design point is validated up front."""
    path = Path(path)
    data = _read_spec(path)
    try:
        spec = SweepSpec.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as e:
        raise _spec_error(path, e, data) from None
    key = "base" if spec.compare is None else "compare"
    refs = [spec.base] if spec.compare is None else list(spec.compare)
    from sim.city.spec import named_beside

    towns = [named_beside(path, str(ref)) for ref in refs]
    if spec.compare is not None and any(towns):
        raise SweepError(
            f"{path}: compare: a paired sweep compares two scenarios; over a city, sweep "
            "base: CITY (its ranking or reforms as axes of the streets' scenarios)"
        )
    if towns[0] is not None:
        return _load_city(path, spec, towns[0])
    files = [scenarios.resolve_beside(path, str(ref), SweepError, key, "sweep") for ref in refs]
    names = _side_names(path, files) if spec.compare is not None else None
    sides = [
        scenarios.load_with(f, copy.deepcopy(spec.overrides), source=f"{path} (overrides)")
        for f in files
    ]
    base = sides[0]
    points = _design_points(path, spec, base.model_dump(mode="json"))
    seeds = replication_seeds(spec.seed, spec.replications)
    sweep = Sweep(
        path=path,
        spec=spec,
        base=base,
        base_files=scenarios.file_hashes(files[0]),
        points=points,
        seeds=seeds,
        params=_point_params(path, spec, base, points),
    )
    if names is not None:
        sweep.names = names
        sweep.versus = sides[1]
        sweep.versus_files = scenarios.file_hashes(files[1])
        sweep.versus_params = _point_params(path, spec, sides[1], points)
    sweep.hash = spec_hash(sweep)
    return sweep


def spec_hash(sweep: Sweep) -> str:
    """What determines the results: spec (bar name/description), base parameters, points."""
    skip = {"name", "description", "metrics"}
    if not sweep.paired:  # a sweep made before paired sweeps existed keeps its hash
        skip |= {"compare"}
    spec = sweep.spec.model_dump(mode="json", exclude=skip)
    what = {
        "spec": spec,
        "base": sweep.base.digest(),
        "points": [[p.id, p.values] for p in sweep.points],
        "seeds": sweep.seeds,
    }
    if sweep.versus is not None:
        what["versus"] = sweep.versus.digest()
    if sweep.city is not None:
        what["city"] = sweep.city.digest
    blob = json.dumps(what, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
