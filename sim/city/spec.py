"""A city file (issue 22): districts, the departments each shares among its streets
(区级部门), its streets (each a scenario with a type, overrides and a count), the
monthly ranking (街乡排名) and reforms that start in pilot streets first.

The file is validated once, here; every problem is one line naming the file and the
field. `generate` writes a city of N streets with a stated spread of sizes and types.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, ValidationError

from sim import limits, scenarios
from sim.city.ranking import RankingSpec
from sim.params import LEVER_NAMES, Frozen, Prob, Scenario
from sim.scenarios import ScenarioError

MONTH = 30  # days in a ranking month (the city's monthly window)
MAX_STREETS = 2_000  # Beijing has 343 streets and townships (街道乡镇)
MAX_HOUSEHOLDS = 10_000_000  # a Beijing-size city is ~7-8 million households
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Day = Annotated[int, Field(ge=0, le=limits.MAX_DAYS)]

# Street types (guess): what each changes on top of its scenario, beneath its overrides.
STREET_TYPES: dict[str, dict] = {
    "urban_core": {},  # 城区街道: the scenario as written (dense, small grids)
    "suburban": {  # 城乡结合部: larger grids, a little less demand per household
        "community": {"grid_size": [300, 450]},
        "scale": {"caseload": 0.9},
    },
    "township": {  # 乡镇: villages as grids, close ties, fewer calls per household
        "community": {"grid_size": [400, 600], "ties_within_grid": 8.0},
        "scale": {"caseload": 0.7},
    },
}
StreetType = Literal["urban_core", "suburban", "township"]


class CityError(ScenarioError):
    """A city file that cannot be used: one line naming the file and the field."""


class StreetSpec(Frozen):
    """One street, or `count` alike streets, of a district."""

    scenario: str = Field(
        min_length=1, description="a scenario file (beside the city file) or name"
    )
    name: Name | None = Field(None, description="default: the scenario's file stem")
    count: Annotated[int, Field(ge=1, le=MAX_STREETS)] = 1
    type: StreetType = "urban_core"
    overrides: dict[str, Any] = Field(default_factory=dict, description="on top of the scenario")


class SharedDepartment(Frozen):
    """A district department (区级部门) its streets share (`sim/city/district.py`)."""

    capacity: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        1.0, description="x the hours its streets would have alone"
    )
    acceptance: Prob | None = Field(None, description="its acceptance, in every street")


class DistrictSpec(Frozen):
    name: Name
    departments: dict[Name, SharedDepartment] | Literal["all"] = Field(
        default_factory=dict, description="departments shared by its streets (default: none)"
    )
    streets: tuple[StreetSpec, ...] = Field(min_length=1)


class PilotSpec(Frozen):
    """A lever that starts in pilot streets and spreads (Beijing piloted 吹哨报到 in 169
    of its 343 streets and townships, 51 %)."""

    lever: str
    share: Prob = 0.51
    streets: tuple[Name, ...] = Field((), description="the pilots (default: a share, by name)")
    pilot_day: Day = 0
    spread_day: Day | None = Field(None, description="when the rest start (default: never)")


class CitySpec(Frozen):
    name: str = "city"
    description: str = ""
    days: Annotated[int, Field(ge=MONTH, le=limits.MAX_DAYS)] | None = Field(
        None, description="every street's days (default: each scenario's own)"
    )
    ranking: RankingSpec = Field(default_factory=RankingSpec)
    reforms: tuple[PilotSpec, ...] = ()
    districts: tuple[DistrictSpec, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Street:
    name: str  # unique in the city: `<name>` or `<name>_<k>` for a count
    district: str
    params: Scenario
    files: dict[str, str]  # sha256 of its scenario file and every file it extends
    type: str = "urban_core"


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

    @property
    def files(self) -> dict[str, str]:
        """sha256 of the city file and of every scenario file its streets read."""
        out = {str(self.path): hashlib.sha256(Path(self.path).read_bytes()).hexdigest()[:16]}
        for s in self.streets:
            out |= s.files
        return out

    def with_overrides(self, overrides: dict) -> City:
        """The city with `overrides` merged into every street's scenario (pydantic's
        ValidationError if they do not fit)."""
        over = copy.deepcopy(overrides)
        return self.with_params(
            lambda s: Scenario.model_validate(scenarios.merge(s.model_dump(mode="json"), over))
        )

    def with_params(self, change) -> City:
        """The city with every street's scenario replaced by `change(params)` (alike
        streets changed once)."""
        done: dict[int, Scenario] = {}
        streets = []
        for s in self.streets:
            if id(s.params) not in done:
                done[id(s.params)] = change(s.params)
            streets.append(Street(s.name, s.district, done[id(s.params)], s.files, s.type))
        return City(self.path, self.spec, tuple(streets), digest(self.spec, streets))

    def shared(self, district: str) -> dict[str, float]:
        """The departments a district's streets share, with their capacity."""
        d = next(d for d in self.spec.districts if d.name == district)
        return {k: v.capacity for k, v in d.departments.items()}


def _model_at(loc: tuple) -> type:
    """The part of the city file a location points into (for "allowed here")."""
    import typing

    def inner(tp):
        if isinstance(tp, type) and issubclass(tp, Frozen):
            return tp
        for arg in typing.get_args(tp):
            found = inner(arg)
            if found is not None:
                return found
        return None

    model = CitySpec
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is not None:
            model = inner(field.annotation) or model
    return model


def _problem(path: Path, err: dict) -> str:
    loc = tuple(err["loc"])
    where = ".".join(str(x) for x in loc) or "(top level)"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        allowed = ", ".join(_model_at(loc).model_fields)
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


def named_beside(path: Path, ref: str) -> Path | None:
    """The city file another file names (a sweep's `base:`, a targets case's `scenario:`):
    beside that file, or a bundled city; None when the name is a scenario's."""
    local = path.parent / ref
    if local.is_file():
        try:
            keys = scenarios.read_mapping(local, CityError)
        except CityError:
            return None  # loading it as a scenario says what is wrong
        return local if "districts" in keys else None
    stem = Path(ref).name.removesuffix(".yaml")
    if stem in bundled() and stem not in scenarios.bundled():
        return bundled()[stem]
    return None


def load(path: str | Path, **overrides) -> City:
    """Read and validate a city file: every street's scenario loads, names are unique,
    each shared department is one its streets have, pilots name real levers and
    streets, and the city fits in memory. `overrides` merge into the file's top-level
    keys first (`load("example", days=90, ranking={"enabled": False})`)."""
    path = resolve(path)
    data = scenarios.read_mapping(path, CityError, "city keys (name, days, districts)")
    data = scenarios.merge(data, overrides)
    try:
        spec = CitySpec.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as e:
        raise CityError(_problem(path, e.errors()[0])) from None
    streets: list[Street] = []
    seen: dict[str, str] = {}
    districts: set[str] = set()
    loaded: dict[tuple, tuple[Scenario, dict]] = {}  # alike streets load once
    n = 0
    for i, d in enumerate(spec.districts):
        if d.name in districts:
            raise CityError(f"{path}: districts.{i}.name: {d.name!r} is named twice")
        districts.add(d.name)
        mine: list[Street] = []
        for j, st in enumerate(d.streets):
            where = f"districts.{i}.streets.{j}"
            n += st.count
            if n > MAX_STREETS:
                raise CityError(f"{path}: {where}.count: more than {MAX_STREETS:,} streets")
            spath = scenarios.resolve_beside(
                path, st.scenario, CityError, f"{where}.scenario", "city"
            )
            over = scenarios.merge(copy.deepcopy(STREET_TYPES[st.type]), st.overrides)
            if spec.days is not None:
                over["days"] = spec.days
            key = (str(spath), json.dumps(over, sort_keys=True))
            if key not in loaded:
                try:
                    params = scenarios.load_with(spath, over, f"{path} ({where}.overrides)")
                except ScenarioError as e:
                    raise CityError(str(e)) from None
                loaded[key] = params, scenarios.file_hashes(spath)
            params, files = loaded[key]
            base = st.name or spath.stem.replace("-", "_")
            for k in range(st.count):
                name = base if st.count == 1 else f"{base}_{k + 1}"
                if name in seen:
                    raise CityError(
                        f"{path}: {where}.name: street {name!r} is also in {seen[name]} "
                        "(give each street its own name)"
                    )
                seen[name] = where
                mine.append(Street(name, d.name, params, files, st.type))
        spec = _shared(path, spec, i, mine)
        streets += _accepting(spec.districts[i], mine)
    streets = _pilots(path, spec, streets)
    fits(path, streets)
    return City(path, spec, tuple(streets), digest(spec, streets))


def digest(spec: CitySpec, streets) -> str:
    """What determines a city's results: its file's settings and every street's."""
    return hashlib.sha256(
        json.dumps(
            [spec.model_dump(mode="json"), [s.params.model_dump(mode="json") for s in streets]],
            sort_keys=True,
        ).encode()
    ).hexdigest()


def _shared(path: Path, spec: CitySpec, i: int, streets: list[Street]) -> CitySpec:
    """District i's shared departments, each one some street of it has ("all": every one)."""
    d = spec.districts[i]
    have = {dep.name: None for s in streets for dep in s.params.departments}
    if d.departments == "all":
        shared = {name: SharedDepartment() for name in have}
    else:
        for name in d.departments:
            if name not in have:
                raise CityError(
                    f"{path}: districts.{i}.departments.{name}: no street of {d.name!r} has "
                    f"this department (its streets have: {', '.join(have) or 'none'})"
                )
        shared = dict(d.departments)
    districts = list(spec.districts)
    districts[i] = d.model_copy(update={"departments": shared})
    return spec.model_copy(update={"districts": tuple(districts)})


def _accepting(d: DistrictSpec, streets: list[Street]) -> list[Street]:
    """A district department's own acceptance, where the city file sets one."""
    acc = {k: v.acceptance for k, v in d.departments.items() if v.acceptance is not None}
    if not acc:
        return streets
    out = []
    for s in streets:
        deps = tuple(
            dep.model_copy(update={"acceptance": acc[dep.name]}) if dep.name in acc else dep
            for dep in s.params.departments
        )
        out.append(
            Street(
                s.name,
                s.district,
                s.params.model_copy(update={"departments": deps}),
                s.files,
                s.type,
            )
        )
    return out


def pilot_streets(names: list[str], share: float) -> set[str]:
    """A share of the streets as pilots: those whose names hash lowest (a fixed,
    arbitrary choice that does not depend on the seed or the file's order)."""
    k = round(share * len(names))
    return set(sorted(names, key=lambda s: hashlib.sha256(s.encode()).hexdigest())[:k])


def _pilots(path: Path, spec: CitySpec, streets: list[Street]) -> list[Street]:
    """Reforms that start in pilot streets on `pilot_day` and in the rest on `spread_day`."""
    names = [s.name for s in streets]
    for k, r in enumerate(spec.reforms):
        where = f"{path}: reforms.{k}"
        if r.lever not in LEVER_NAMES:
            raise CityError(
                f"{where}.lever: unknown lever {r.lever!r} (levers: {', '.join(LEVER_NAMES)})"
            )
        unknown = [s for s in r.streets if s not in names]
        if unknown:
            raise CityError(f"{where}.streets: no street named {unknown[0]!r} in the city")
        pilots = set(r.streets) if r.streets else pilot_streets(names, r.share)
        out = []
        for s in streets:
            first = r.pilot_day if s.name in pilots else r.spread_day
            if first is None:
                out.append(s)
                continue
            try:
                params = s.params.with_levers(**{r.lever: {"enabled": True, "start_day": first}})
            except (ValueError, ValidationError) as e:
                raise CityError(f"{where}: {str(e).splitlines()[0]}") from None
            out.append(Street(s.name, s.district, params, s.files, s.type))
        streets = out
    return streets


def need_bytes(streets) -> float:
    """Estimated peak bytes of a whole city in one process (`sim.limits`)."""
    return limits.BASE + sum(sum(limits.estimate(s.params).values()) for s in streets)


def fits(path, streets, parallel: int = 1, what: str = "the city") -> None:
    """The whole city in memory (`parallel` cities at once): fewer households than
    MAX_HOUSEHOLDS and within the memory allowed (`sim.limits`); else one line."""
    households = sum(s.params.community.residents for s in streets)
    if households > MAX_HOUSEHOLDS:
        raise CityError(
            f"{path}: districts: {households:,} households in all, more than the "
            f"{MAX_HOUSEHOLDS:,} allowed"
        )
    need = need_bytes(streets) * parallel
    if need > limits.memory_limit():
        times = f" ({parallel} at once)" if parallel > 1 else ""
        raise CityError(
            f"{path}: districts: {what}{times} would need about {need / 2**30:,.1f} GiB of "
            f"memory, more than the {limits.memory_limit() / 2**30:,.1f} GiB allowed here "
            "(half the RAM; COGOV_MEMORY_GB changes it): fewer or smaller streets"
        )


# A generated city's street types: share of streets and relative size (guess).
TYPE_MIX = {"urban_core": (0.45, 1.25), "suburban": (0.35, 1.0), "township": (0.20, 0.55)}


def generate(
    streets: int = 343,
    districts: int = 16,
    households: int = 7_000_000,
    spread: float = 0.5,
    scenario: str = "solo",
    days: int = 365,
    seed: int = 0,
    ranking: bool = False,
    share: str | dict = "all",
) -> dict:
    """A city file (as a mapping) of `streets` streets in `districts` districts: types
    in the shares of `TYPE_MIX`; every street 500 households and the rest of
    `households` shared in proportion to a lognormal (sigma `spread`) times the type's
    relative size. Each street, largest first, goes to the district with fewest
    households so far (at most ceil(N / districts) streets each), so districts are
    alike in households and in count. Defaults:
    Beijing's 343 streets and townships (街道乡镇) in its 16 districts."""
    if not 1 <= districts <= streets <= MAX_STREETS:
        raise ValueError(
            f"need 1 <= districts <= streets <= {MAX_STREETS} (got {districts}, {streets})"
        )
    rng = np.random.default_rng(seed)
    kinds = list(TYPE_MIX)
    counts = [round(TYPE_MIX[k][0] * streets) for k in kinds]
    counts[0] += streets - sum(counts)
    types = np.repeat(kinds, counts)
    rng.shuffle(types)
    size = rng.lognormal(0.0, spread, streets) * np.array([TYPE_MIX[t][1] for t in types])
    sizes = (500 + np.round(size / size.sum() * (households - 500 * streets))).astype(int)
    dists = [
        {"name": f"district_{d + 1:02d}", "departments": share, "streets": []}
        for d in range(districts)
    ]
    load, count, most = np.zeros(districts), np.zeros(districts), -(-streets // districts)
    for i in np.argsort(-sizes, kind="stable"):  # largest first, to the lightest district
        k = int(np.argmin(np.where(count < most, load, np.inf)))
        load[k] += sizes[i]
        count[k] += 1
        dists[k]["streets"].append(
            {
                "scenario": scenario,
                "name": f"street_{i + 1:03d}",
                "type": str(types[i]),
                "overrides": {"community": {"residents": int(sizes[i])}},
            }
        )
    return {
        "name": f"generated_{streets}",
        "description": f"{streets} streets in {districts} districts, "
        f"{int(sizes.sum()):,} households (sim.city.generate, seed {seed})",
        "days": days,
        "ranking": {"enabled": ranking},
        "districts": dists,
    }
