"""Targets files (`scenarios/targets/*.yaml`): observed figures and what is fitted to them.

A targets file names `parameters` (dotted paths, as sweep axes, each with a
uniform prior `[low, high]`) and one or more `cases`: a scenario run for some
days whose figures over a window `period: [A, B)` must match `targets`
(`metric: [observed, standard error]`). The cases share one set of fitted
values, so "the same street before and after a reform" is one file.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim import limits, scenarios
from sim.city.spec import named_beside
from sim.metrics import WINDOW_BASIS
from sim.params import Scenario
from sim.scenarios import ScenarioError
from sim.sweep.paths import AxisPath, PathError, get_path, point_scenario

# every figure a window of days reports can be a target
METRICS = tuple(m for group in WINDOW_BASIS.values() for m in group)
MAX_PARAMETERS = 20
MAX_CASES = 20
MAX_CORNERS = 8  # parameters up to which every corner of the prior box is validated


class TargetsError(ScenarioError):
    """A targets file that cannot be used; one line, exit code 2 on the command line."""

    more_hint = ""


def is_rate(metric: str) -> bool:
    return metric.endswith("_rate")


Pair = Annotated[list[float], Field(min_length=2, max_length=2)]


class CaseSpec(BaseModel):
    """One run that must reproduce observed figures."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    scenario: str = Field(description="a bundled name or a path relative to the targets file")
    days: Annotated[int, Field(ge=1, le=limits.MAX_DAYS)] | None = None
    period: Annotated[list[int], Field(min_length=2, max_length=2)] | None = Field(
        None, description="[A, B): the figures are for days A+1 ... B (default: the whole run)"
    )
    overrides: dict[str, Any] = Field(default_factory=dict)
    targets: dict[str, Pair] = Field(description="metric: [observed value, standard error]")

    @model_validator(mode="after")
    def _check(self) -> CaseSpec:
        if not self.targets:
            raise ValueError("targets: give at least one metric: [observed, standard error]")
        for metric, (value, se) in self.targets.items():
            if metric not in METRICS:
                raise ValueError(
                    f"targets.{metric}: unknown metric (allowed: {', '.join(METRICS)})"
                )
            if is_rate(metric) and not 0.0 <= value <= 1.0:
                raise ValueError(f"targets.{metric}: a rate must be in [0, 1] (got {value:g})")
            if not is_rate(metric) and value < 0:
                raise ValueError(f"targets.{metric}: must be >= 0 (got {value:g})")
            if not se > 0:
                raise ValueError(f"targets.{metric}: the standard error must be > 0 (got {se:g})")
        return self


class TargetsSpec(BaseModel):
    """What a targets file may contain (extra keys are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    name: str = ""
    description: str = ""
    source: str = Field(min_length=1, description="where the observed figures were published")
    replications: Annotated[int, Field(ge=1, le=100)] = Field(
        2, description="runs per parameter draw (their mean is compared with the targets)"
    )
    parameters: dict[AxisPath, Pair] = Field(
        description="path: [low, high], a uniform prior; paths as in sweep axes"
    )
    cases: list[CaseSpec]

    @model_validator(mode="after")
    def _check(self) -> TargetsSpec:
        if not self.parameters:
            raise ValueError("parameters: give at least one path: [low, high]")
        if len(self.parameters) > MAX_PARAMETERS:
            raise ValueError(f"parameters: at most {MAX_PARAMETERS} (got {len(self.parameters)})")
        for path, (low, high) in self.parameters.items():
            if not low < high:
                raise ValueError(f"parameters.{path}: low must be < high (got [{low:g}, {high:g}])")
        if not self.cases:
            raise ValueError("cases: give at least one case (scenario, days, targets)")
        if len(self.cases) > MAX_CASES:
            raise ValueError(f"cases: at most {MAX_CASES} (got {len(self.cases)})")
        return self


# ---------------------------------------------------------------- the loaded problem
@dataclass(frozen=True)
class Case:
    """A validated case: its base scenario (as data), days, window and targets."""

    label: str  # "c0", "c1", ...
    name: str  # the scenario's name
    base: dict  # the scenario with the case's overrides, as JSON-ready data
    days: int
    period: tuple[int, int]
    targets: dict[str, tuple[float, float]]
    files: dict[str, str]  # sha256 of the scenario files
    # a city case (`scenario:` names a city file): the city, the values set in every
    # street; `base` is then its first street's scenario
    city: Any = None
    overrides: Any = None  # a city case's overrides (set in every street)

    def scenario(self, values: dict[str, float]) -> Scenario:
        """The case's scenario with fitted values set (ints rounded)."""
        return point_scenario(None, self.base, coerce(self.base, values))

    def city_at(self, values: dict[str, float]):
        """A city case's city with the values set in every street's scenario."""

        def fitted(s: Scenario) -> Scenario:
            dump = s.model_dump(mode="json")
            return point_scenario(None, dump, coerce(dump, values)).model_copy(
                update={"name": s.name}
            )

        return self.city.with_params(fitted)


def coerce(base: dict, values: dict[str, float]) -> dict:
    """Sampled floats in the type of the base's value at each path (an int rounds)."""
    out = {}
    for path, v in values.items():
        template = get_path(base, path)
        out[path] = round(v) if isinstance(template, int) else float(v)
    return out


@dataclass(frozen=True)
class Targets:
    """A validated targets file."""

    path: Path
    spec: TargetsSpec
    cases: tuple[Case, ...]
    hash: str

    @property
    def name(self) -> str:
        return self.spec.name or self.path.stem

    @property
    def paths(self) -> list[str]:
        return list(self.spec.parameters)

    @property
    def bounds(self) -> list[tuple[float, float]]:
        return [tuple(b) for b in self.spec.parameters.values()]

    def observed(self) -> dict[str, float]:
        return {f"{c.label}:{m}": v for c in self.cases for m, (v, _) in c.targets.items()}

    def weights(self) -> dict[str, float]:
        """1 / standard error: the distance is the root sum of squared z-scores."""
        return {f"{c.label}:{m}": 1.0 / se for c in self.cases for m, (_, se) in c.targets.items()}


def _problem(path: Path, err: dict) -> str:
    loc = tuple(err["loc"])
    where = ".".join(str(x) for x in loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        model = CaseSpec if len(loc) == 3 and loc[0] == "cases" else TargetsSpec
        allowed = ", ".join(model.model_fields)
        return f"{path}: {where}: unknown key (allowed here: {allowed})"
    if err["type"] == "string_pattern_mismatch" or loc[2:3] == ("[key]",):
        return (
            f"{path}: parameters: {scenarios.show(err['input'])} is not a dotted parameter path "
            "(e.g. residents.voice, departments.*.acceptance)"
        )
    if len(loc) >= 2 and loc[0] == "parameters":
        return f"{path}: parameters.{loc[1]}: must be [low, high], two numbers"
    if len(loc) >= 4 and loc[0] == "cases" and loc[2] == "targets":
        return f"{path}: cases.{loc[1]}.targets.{loc[3]}: must be [observed, standard error]"
    if err["type"] == "value_error":
        prefix = f"{'.'.join(str(x) for x in loc)}." if loc else ""
        return f"{path}: {prefix}{msg}"
    return f"{path}: {scenarios.one_error(err)[1]}"


def _corners(bounds: list[tuple[float, float]]):
    """Points of the prior box at which every case must validate."""
    if len(bounds) <= MAX_CORNERS:
        yield from itertools.product(*bounds)
        return
    mid = [(a + b) / 2 for a, b in bounds]
    yield tuple(mid)
    for i, (a, b) in enumerate(bounds):
        for v in (a, b):
            yield tuple(v if j == i else mid[j] for j in range(len(bounds)))


def _check_parameters(path: Path, spec: TargetsSpec, case: Case, where: str) -> None:
    for p, (low, _high) in spec.parameters.items():
        v = get_path(case.base, p)
        if v is None or isinstance(v, (dict, list)):
            try:  # say what the path gets wrong, as a sweep axis would
                case.scenario({p: low})
            except PathError as e:
                raise TargetsError(f"{path}: parameters.{e}") from None
            except ValidationError as e:
                raise TargetsError(
                    f"{path}: parameters.{p}: not a parameter of {where}'s scenario "
                    f"({scenarios.describe(e)})"
                ) from None
            raise TargetsError(f"{path}: parameters.{p}: not a number in {where}'s scenario")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TargetsError(
                f"{path}: parameters.{p}: {scenarios.show(v)} in {where}'s scenario is not a "
                "number; only numbers can be fitted"
            )
    for corner in _corners([tuple(b) for b in spec.parameters.values()]):
        values = dict(zip(spec.parameters, corner, strict=True))
        try:
            s = case.scenario(values)
        except PathError as e:
            raise TargetsError(f"{path}: parameters.{e}") from None
        except ValidationError as e:
            shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
            raise TargetsError(
                f"{path}: parameters: {where} is invalid at ({shown}): {scenarios.describe(e)}"
            ) from None
        try:
            limits.check(s, days=case.days)
        except limits.TooBig as e:
            raise TargetsError(f"{path}: {where}: {e}") from None


def load(path: str | Path) -> Targets:
    """Read and validate a targets file; every case is validated at the prior's corners."""
    path = Path(path)
    data = scenarios.read_mapping(path, TargetsError, "targets keys (source, parameters, cases)")
    try:
        spec = TargetsSpec.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as e:
        raise TargetsError(_problem(path, e.errors()[0])) from None
    cases = []
    for i, c in enumerate(spec.cases):
        where = f"cases.{i}"
        town = named_beside(path, c.scenario)
        if town is not None:
            cases.append(_city_case(path, spec, c, i, town))
            continue
        spath = scenarios.resolve_beside(
            path, c.scenario, TargetsError, f"{where}.scenario", "targets"
        )
        try:
            s = scenarios.load_with(spath, copy.deepcopy(c.overrides), f"{path} ({where})")
        except ScenarioError as e:
            raise TargetsError(str(e)) from None
        days = c.days if c.days is not None else s.days
        a, b = c.period if c.period is not None else (0, days)
        if not 0 <= a < b <= days:
            raise TargetsError(
                f"{path}: {where}.period: needs 0 <= A < B <= days ({days}) (got [{a}, {b}])"
            )
        base = s.model_dump(mode="json")
        base["days"] = days
        case = Case(
            f"c{i}", s.name, base, days, (a, b), {m: tuple(v) for m, v in c.targets.items()},
            scenarios.file_hashes(spath),
        )  # fmt: skip
        _check_parameters(path, spec, case, where)
        cases.append(case)
    digest = hashlib.sha256(
        json.dumps(
            {
                "spec": spec.model_dump(mode="json"),
                "cases": [c.base if c.city is None else c.city.digest for c in cases],
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()
    return Targets(path, spec, tuple(cases), digest)


def _city_case(path: Path, spec: TargetsSpec, c: CaseSpec, i: int, file: Path) -> Case:
    """A case whose `scenario:` is a city file: its overrides and fitted values go into
    every street; its targets are the city's pooled figures over whole months."""
    from sim import city
    from sim.city.run import POOLED, on_months

    where = f"cases.{i}"
    for m in c.targets:
        if m not in POOLED:
            raise TargetsError(
                f"{path}: {where}.targets.{m}: not a city figure (a city pools: "
                f"{', '.join(POOLED)})"
            )
    try:
        town = city.load(file, **({"days": c.days} if c.days is not None else {}))
        if c.overrides:
            town = town.with_overrides(c.overrides)
    except city.CityError as e:
        raise TargetsError(str(e)) from None
    except ValidationError as e:
        raise TargetsError(f"{path}: {where}.overrides: {scenarios.describe(e)}") from None
    days = town.days
    a, b = c.period if c.period is not None else (0, days)
    if not (0 <= a < b <= days and on_months(days, a, b)):
        raise TargetsError(
            f"{path}: {where}.period: a city's figures are for whole 30-day months: needs "
            f"0 <= A < B <= days ({days}) on month boundaries (got [{a}, {b}])"
        )
    base = town.streets[0].params.model_dump(mode="json")
    case = Case(
        f"c{i}", town.spec.name, base, days, (a, b), {m: tuple(v) for m, v in c.targets.items()},
        town.files, town, copy.deepcopy(c.overrides),
    )  # fmt: skip
    _check_parameters(path, spec, case, where)
    top = {p: high for p, (_, high) in spec.parameters.items()}  # the largest it can get
    try:
        city.spec.fits(path, case.city_at(top).streets, what=f"{where}'s city")
    except city.CityError as e:
        raise TargetsError(str(e)) from None
    return case


def evaluations(budget: int, targets: Targets) -> int:
    """Parameter draws a budget of model runs pays for."""
    return budget // (targets.spec.replications * len(targets.cases))


def runs_per_draw(targets: Targets) -> int:
    return targets.spec.replications * len(targets.cases)
