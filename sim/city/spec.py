"""A city of streets (issue 22, first step): a city file names districts and their
streets, each a scenario; `run_city` runs every street and pools the city's monthly
rates the way the hotline reports them (counts summed, then divided).

Streets do not yet share district departments or answer to a monthly ranking
(街乡排名): each runs as it would alone, so a one-street city is that street, bit for
bit. The city file is validated once, here; every problem is one line naming the file
and the field.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from sim import limits, scenarios
from sim.params import Frozen, Scenario
from sim.scenarios import ScenarioError

MONTH = 30  # days in a ranking month (the city's monthly window)
MAX_STREETS = 2_000  # Beijing has 343 streets and townships (街道乡镇)
MAX_HOUSEHOLDS = 10_000_000  # a Beijing-size city is ~7-8 million households
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


class CityError(ScenarioError):
    """A city file that cannot be used: one line naming the file and the field."""


class StreetSpec(Frozen):
    """One street, or `count` alike streets, of a district."""

    scenario: str = Field(
        min_length=1, description="a scenario file (beside the city file) or name"
    )
    name: Name | None = Field(None, description="default: the scenario's file stem")
    count: Annotated[int, Field(ge=1, le=MAX_STREETS)] = 1
    overrides: dict[str, Any] = Field(default_factory=dict, description="on top of the scenario")


class DistrictSpec(Frozen):
    name: Name
    streets: tuple[StreetSpec, ...] = Field(min_length=1)


class CitySpec(Frozen):
    name: str = "city"
    description: str = ""
    days: Annotated[int, Field(ge=MONTH, le=limits.MAX_DAYS)] | None = Field(
        None, description="every street's days (default: each scenario's own)"
    )
    districts: tuple[DistrictSpec, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Street:
    name: str  # unique in the city: `<name>` or `<name>_<k>` for a count
    district: str
    params: Scenario
    files: dict[str, str]  # sha256 of its scenario file and every file it extends


@dataclass(frozen=True)
class City:
    path: Path
    spec: CitySpec
    streets: tuple[Street, ...]
    digest: str

    @property
    def days(self) -> int:
        return max(s.params.days for s in self.streets)

    @property
    def households(self) -> int:
        return sum(s.params.community.residents for s in self.streets)


def _problem(path: Path, err: dict) -> str:
    loc = tuple(err["loc"])
    where = ".".join(str(x) for x in loc) or "(top level)"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        model = {0: CitySpec, 2: DistrictSpec, 4: StreetSpec}.get(len(loc) - 1, CitySpec)
        allowed = ", ".join(model.model_fields)
        return f"{path}: {where}: unknown key (allowed here: {allowed})"
    return f"{path}: {where}: {msg} (got {scenarios.show(err.get('input'))})"


def bundled() -> dict[str, Path]:
    """The bundled city files (`scenarios/cities/`), by name."""
    d = scenarios.bundled_dir() / "cities"
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


def resolve(name_or_path: str | Path) -> Path:
    """A path to a city file, or the name of a bundled one (`example`)."""
    p = Path(name_or_path)
    stem = p.name.removesuffix(".yaml").removesuffix(".yml")
    if p.exists():
        return p
    if p.parent == Path(".") and stem in bundled():
        return bundled()[stem]
    names = ", ".join(bundled()) or "none"
    raise CityError(f"{name_or_path}: no such file (bundled cities: {names})")


def load(path: str | Path) -> City:
    """Read and validate a city file: every street's scenario loads, names are unique,
    and the city fits in memory."""
    path = resolve(path)
    data = scenarios.read_mapping(path, CityError, "city keys (name, days, districts)")
    try:
        spec = CitySpec.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as e:
        raise CityError(_problem(path, e.errors()[0])) from None
    streets: list[Street] = []
    seen: dict[str, str] = {}
    districts: set[str] = set()
    n = 0
    for i, d in enumerate(spec.districts):
        if d.name in districts:
            raise CityError(f"{path}: districts.{i}.name: {d.name!r} is named twice")
        districts.add(d.name)
        for j, st in enumerate(d.streets):
            where = f"districts.{i}.streets.{j}"
            n += st.count
            if n > MAX_STREETS:
                raise CityError(f"{path}: {where}.count: more than {MAX_STREETS:,} streets")
            spath = scenarios.resolve_beside(
                path, st.scenario, CityError, f"{where}.scenario", "city"
            )
            over = copy.deepcopy(st.overrides)
            if spec.days is not None:
                over["days"] = spec.days
            try:
                params = scenarios.load_with(spath, over, f"{path} ({where}.overrides)")
            except ScenarioError as e:
                raise CityError(str(e)) from None
            base = st.name or spath.stem.replace("-", "_")
            files = scenarios.file_hashes(spath)
            for k in range(st.count):
                name = base if st.count == 1 else f"{base}_{k + 1}"
                if name in seen:
                    raise CityError(
                        f"{path}: {where}.name: street {name!r} is also in {seen[name]} "
                        "(give each street its own name)"
                    )
                seen[name] = where
                streets.append(Street(name, d.name, params, files))
    households = sum(s.params.community.residents for s in streets)
    if households > MAX_HOUSEHOLDS:
        raise CityError(
            f"{path}: districts: {households:,} households in all, more than the "
            f"{MAX_HOUSEHOLDS:,} allowed"
        )
    digest = hashlib.sha256(
        json.dumps(
            [spec.model_dump(mode="json"), [s.params.model_dump(mode="json") for s in streets]],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    return City(path, spec, tuple(streets), digest)


def street_seeds(master: int, n: int) -> list[int]:
    """Each street's own seed, from one SeedSequence: streets never share random numbers."""
    from sim.experiments import replication_seeds

    return replication_seeds(master, n)


# Counts behind each pooled rate: rate x basis, summed over streets, divided again.
POOLED = {
    "response_rate": "taken_in",
    "resolution_rate": "taken_in",
    "reported_resolution_rate": "taken_in",
    "callback_resolution_rate": "callbacks",
    "callback_satisfaction_rate": "callbacks",
    "true_callback_resolution_rate": "callbacks",
    "satisfaction_rate": "closed",
}
COUNTS = ("taken_in", "resolved", "closed_unresolved", "lost", "callbacks")


@dataclass
class CityResult:
    streets: pd.DataFrame  # one row per street and month
    city: pd.DataFrame  # one row per month: the city's pooled rates
    seeds: dict[str, int]  # each street's seed
    digest: str


def run_city(city: City, seed: int = 0) -> CityResult:
    """Run every street (serially, each alone) and pool the city's monthly rates."""
    from sim.experiments import run

    names = [s.name for s in city.streets]
    seeds = dict(zip(names, street_seeds(seed, len(names)), strict=True))
    rows = []
    for st in city.streets:
        days = st.params.days
        months = [(a, min(a + MONTH, days)) for a in range(0, days, MONTH)]
        r = run(st.params, seed=seeds[st.name], daily=False, periods=tuple(months))
        for m, (a, b) in enumerate(months):
            w = r.periods[f"{a}:{b}"]
            row = {"street": st.name, "district": st.district, "month": m + 1, "first_day": a + 1}
            row |= {"last_day": b, "households": st.params.community.residents}
            row |= {k: w[k] for k in COUNTS}
            row["closed"] = w["resolved"] + w["closed_unresolved"] + w["lost"]
            row |= {k: w[k] for k in POOLED}
            rows.append(row)
    streets = pd.DataFrame(rows)
    return CityResult(streets, pool(streets, ["month"]), seeds, city.digest)


def pool(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rates of groups of streets, as the hotline pools them: each rate's count (rate x
    its basis) summed, over the summed basis."""
    f = frame.copy()
    for rate, basis in POOLED.items():
        f[f"_{rate}"] = np.where(f[basis] > 0, f[rate].fillna(0) * f[basis], 0.0)
    g = f.groupby(by, sort=True)
    out = g[[*COUNTS, "closed", "households"]].sum()
    for rate, basis in POOLED.items():
        total = g[basis].sum()
        out[rate] = (g[f"_{rate}"].sum() / total).where(total > 0)
    out["streets"] = g.size()
    return out.reset_index()
