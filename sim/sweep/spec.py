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

Axis paths follow the scenario's keys: `levers.cadres.per_grid`,
`residents.voice`. Inside a list (`departments`, `categories`) a path step is
an index (`departments.0.acceptance`), a name (`departments.court.acceptance`)
or `*`, which sets the field on every item (`departments.*.acceptance`).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from sim import limits, scenarios
from sim.experiments import replication_seeds
from sim.files import not_a_file
from sim.params import Scenario
from sim.scenarios import ScenarioError
from sim.tasks import Task

SAMPLERS = ("lhs", "sobol", "morris")
DESIGNS = ("grid", "list", "csv", *SAMPLERS)
DEFAULT_METRICS = ("resolution_rate", "satisfaction_rate", "needs_met_rate")


class SweepError(ScenarioError):
    """A sweep that cannot be used or run; one line, exit code 2 on the command line."""

    more_hint = ""


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


# a dotted path into the scenario; `days` is the spec's own key, not an axis
AxisPath = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*(\.([a-z0-9_]+|\*))+$")]


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
        for key, only in (("levels", "morris"), ("second_order", "sobol")):
            if key in self.model_fields_set and d != only:
                raise ValueError(f"{key}: only for design {only} (design is {d})")
        ranges = [k for k, v in self.axes.items() if isinstance(v, Range)]
        lists = [k for k, v in self.axes.items() if not isinstance(v, Range)]
        if d in SAMPLERS:
            if not self.axes:
                raise ValueError(f"axes: design {d} needs at least one axis")
            if lists:
                raise ValueError(
                    f"axes.{lists[0]}: design {d} samples ranges: give {{low: .., high: ..}}"
                )
            if self.samples is None:
                raise ValueError(f"samples: required for design {d}")
            if d == "sobol" and self.samples & (self.samples - 1):
                raise ValueError(
                    f"samples: sobol needs a power of 2 (got {self.samples}; e.g. 32, 64, 128)"
                )
        else:
            if ranges:
                raise ValueError(
                    f"axes.{ranges[0]}: design {d} takes a list of values; "
                    "ranges {low, high} are for lhs, sobol, morris"
                )
            if self.samples is not None:
                raise ValueError(f"samples: only for lhs, sobol, morris (design is {d})")
        for k, v in self.axes.items():
            if isinstance(v, list) and not v:
                raise ValueError(f"axes.{k}: give at least one value")
        if d == "grid" and not self.axes:
            raise ValueError("axes: design grid needs at least one axis")
        if d == "list" and not self.points:
            raise ValueError("points: design list needs a non-empty list of points")
        if d != "list" and self.points is not None:
            raise ValueError(f"points: only for design list (design is {d})")
        if d == "csv" and not self.points_file:
            raise ValueError("points_file: design csv needs a CSV file of points")
        if d != "csv" and self.points_file is not None:
            raise ValueError(f"points_file: only for design csv (design is {d})")
        return self


# ---------------------------------------------------------------- parameter paths
class PathError(ValueError):
    pass


def _step(node: Any, part: str, path: str, value: Any, rest: list[str]) -> Any:
    if isinstance(node, dict):
        child = node.get(part, {} if rest else None)
        node = dict(node)
        node[part] = _set(child, rest, value, path) if rest else value
        return node
    if isinstance(node, (list, tuple)):
        items = list(node)
        if part == "*":
            idx = range(len(items))
        elif part.isdigit():
            if int(part) >= len(items):
                raise PathError(f"{path}: index {part} out of range ({len(items)} items)")
            idx = [int(part)]
        else:
            idx = [
                i for i, it in enumerate(items) if isinstance(it, dict) and it.get("name") == part
            ]
            if not idx:
                names = [it.get("name") for it in items if isinstance(it, dict)]
                raise PathError(f"{path}: no item named {part!r} (known: {', '.join(names)})")
        for i in idx:
            items[i] = _set(items[i], rest, value, path) if rest else value
        return items
    raise PathError(f"{path}: {part!r} is not inside a mapping or list")


def _set(node: Any, parts: list[str], value: Any, path: str) -> Any:
    return _step(node, parts[0], path, value, parts[1:])


def set_path(data: dict, path: str, value: Any) -> dict:
    """A copy of `data` with the dotted `path` set (`*` sets every item of a list)."""
    return _set(data, path.split("."), value, path)


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (for `*`, the first item's)."""
    node = data
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, (list, tuple)) and node:
            if part == "*":
                node = node[0]
            elif part.isdigit():
                node = node[int(part)] if int(part) < len(node) else None
            else:
                node = next(
                    (x for x in node if isinstance(x, dict) and x.get("name") == part), None
                )
        else:
            return None
    return node


def _plain(v: Any) -> Any:
    """numpy scalars -> Python, for YAML/JSON and pydantic."""
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict)):
        return v.item()
    return v


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
        if self.spec.design not in SAMPLERS:
            return None
        return {
            "num_vars": len(self.spec.axes),
            "names": list(self.spec.axes),
            "bounds": [[r.low, r.high] for r in self.spec.axes.values()],
        }

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


def _coerce(template: Any, v: Any) -> Any:
    """A sampled float in the type of the base's value (int rounds, bool thresholds)."""
    if isinstance(template, bool):
        return bool(v >= 0.5)
    if isinstance(template, int):
        return round(v)
    return float(v)


def _count_points(spec: SweepSpec) -> int | None:
    """Design points, computed before any are made (None: csv, known once read)."""
    d, n, k = spec.design, int(spec.samples or 0), len(spec.axes)
    if d == "grid":
        return math.prod(len(v) for v in spec.axes.values() if isinstance(v, list))
    if d == "list":
        return len(spec.points or [])
    if d == "lhs":
        return n
    if d == "sobol":
        return n * (2 * k + 2 if spec.second_order else k + 2)
    if d == "morris":
        return n * (k + 1)
    return None


def _check_size(sweep_path: Path, spec: SweepSpec, points: int) -> None:
    if points > limits.MAX_SWEEP_POINTS:
        raise SweepError(
            f"{sweep_path}: {points:,} design points; at most {limits.MAX_SWEEP_POINTS:,} "
            "(fewer axis values or samples, or split the sweep)"
        )
    runs = points * spec.replications
    if runs > limits.MAX_SWEEP_RUNS:
        raise SweepError(
            f"{sweep_path}: {points:,} points x {spec.replications:,} replications = {runs:,} "
            f"runs; at most {limits.MAX_SWEEP_RUNS:,}"
        )


def _design_points(sweep_path: Path, spec: SweepSpec, base_dump: dict) -> list[Point]:
    import itertools

    import numpy as np

    d = spec.design
    count = _count_points(spec)
    if count is not None:
        _check_size(sweep_path, spec, count)
    if d == "grid":
        keys = list(spec.axes)
        combos = itertools.product(*(spec.axes[k] for k in keys))
        rows = [(dict(zip(keys, c, strict=True)), None) for c in combos]
    elif d == "list":
        rows = [(dict(p), None) for p in spec.points or []]
    elif d == "csv":
        import pandas as pd

        f = sweep_path.parent / str(spec.points_file)
        why = not_a_file(f)
        if why:
            raise SweepError(f"{sweep_path}: points_file: {why} ({f})")
        text = scenarios.read_text(f, SweepError)
        try:
            df = pd.read_csv(io.StringIO(text))
        except Exception as e:
            msg = scenarios.clip(str(e) or type(e).__name__, 120)
            raise SweepError(f"{sweep_path}: points_file: cannot read {f} ({msg})") from None
        if df.empty:
            raise SweepError(f"{sweep_path}: points_file: {f} has no rows")
        _check_size(sweep_path, spec, len(df))
        for c in df.columns:
            if "." not in str(c):
                raise SweepError(
                    f"{sweep_path}: points_file: column {c!r} is not a dotted parameter path"
                )
        rows = [
            ({k: _plain(v) for k, v in r.items() if not pd.isna(v)}, None)
            for r in df.to_dict("records")
        ]
    else:
        problem = {
            "num_vars": len(spec.axes),
            "names": list(spec.axes),
            "bounds": [[r.low, r.high] for r in spec.axes.values()],
        }
        n = int(spec.samples or 0)
        if d == "lhs":
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(spec.axes), seed=spec.seed).random(n)
            lo = np.array([b[0] for b in problem["bounds"]])
            hi = np.array([b[1] for b in problem["bounds"]])
            x = qmc.scale(unit, lo, hi) if len(lo) else unit
        elif d == "sobol":
            from SALib.sample import sobol

            x = sobol.sample(problem, n, calc_second_order=spec.second_order, seed=spec.seed)
        else:
            from SALib.sample import morris

            x = morris.sample(problem, n, num_levels=spec.levels, seed=spec.seed)
        keys = list(spec.axes)
        rows = []
        for row in x:
            vals = {
                k: _coerce(get_path(base_dump, k), float(v)) for k, v in zip(keys, row, strict=True)
            }
            rows.append((vals, [float(v) for v in row]))
    width = max(4, len(str(len(rows) - 1)))
    return [Point(f"p{i:0{width}d}", vals, x) for i, (vals, x) in enumerate(rows)]


def point_scenario(base: Scenario | None, base_dump: dict, values: dict) -> Scenario:
    """The base scenario with a design point's values set (raises PathError/ValidationError).

    Validated strictly, like a scenario file: an axis value `true` is not 1. Only the
    sections the point changes are validated again (with the scenario's checks across
    sections), not the departments and categories it leaves as they were: thousands of
    points then take a second, not a quarter of a minute. Anything it refuses is
    validated in full, so the message names the field as a scenario file would.
    """
    data = base_dump
    for k, v in values.items():
        data = set_path(data, k, v)
    sections = {k.split(".")[0] for k in values}
    if base is not None and sections <= QUICK_SECTIONS:  # base: the validated base_dump
        try:
            update = {
                name: _section(name).validate_json(json.dumps(data[name], default=str), strict=True)
                for name in sections
            }
            return base.model_copy(update=update).check_across()
        except (ValidationError, ValueError):
            pass  # the full validation below names the field
    return Scenario.model_validate_json(json.dumps(data, default=str), strict=True)


# Sections a point may change and be validated alone (not the long departments and
# categories, which other sections' checks refer to by name).
QUICK_SECTIONS = frozenset(Scenario.model_fields) - {"departments", "categories"}


@functools.cache
def _section(name: str) -> TypeAdapter:
    return TypeAdapter(Scenario.model_fields[name].annotation)


def _point_params(path: Path, spec: SweepSpec, base: Scenario, points: list[Point]) -> dict:
    """Every design point's scenario, validated (one line naming the point if not)."""
    base_dump = base.model_dump(mode="json")
    params: dict[str, Scenario] = {}
    cache: dict[str, Scenario] = {}
    for p in points:
        ck = json.dumps(p.values, sort_keys=True, default=str)
        if ck in cache:
            params[p.id] = cache[ck]
            continue
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
        params[p.id] = cache[ck] = s.model_copy(update={"name": base.name})
    return params


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
    blob = json.dumps(what, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
