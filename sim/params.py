"""Validated, frozen parameters of one scenario.

Validated once here, at the boundary; the model trusts them afterwards.
Every lever has `enabled: bool = False`; off means its mechanism is never
called, so results stay bit-identical to a model without it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from sim.data import default_records
from sim.limits import MAX_DAYS

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0, le=1e6)]  # finite and sane: hours, growths, gains
Day = Annotated[int, Field(ge=1, le=MAX_DAYS)]
# counts and multipliers that size arrays: bounded so that a typo cannot ask for petabytes
Ties = Annotated[float, Field(ge=0.0, le=1000.0)]
Multiplier = Annotated[float, Field(ge=0.0, le=1000.0)]
MAX_ITEMS = 1000  # departments, categories (their indices are int16 in the case book)


class Frozen(BaseModel):
    # finite numbers only: inf or NaN would pass every bound and poison the run
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def override(default: float, description: str, source: str, **bounds):
    """A probability a mechanism sets outright or adjusts: named, sourced, listed in the docs.

    `docs/model.md` gathers every such field into one table (`sim.docgen`).
    """
    return Field(default, description=description, json_schema_extra={"override": source}, **bounds)


def premium(description: str, source: str, default: float):
    """A joint body's coordination premium: the share of its members' joint failures that
    sitting at one table averts (0: no better than the departments one after another)."""
    return override(default, description, source, ge=0.0, le=1.0)


# ---------------------------------------------------------------- community
class CommunityParams(Frozen):
    """The street (街道): communities (社区) split into grids (网格)."""

    residents: int = Field(6400, ge=10, le=5_000_000, description="households (graph nodes)")
    communities: int | None = Field(
        None, ge=1, le=5_000_000, description="社区 in the street; null: one per ~1,600 households"
    )
    grid_size: tuple[int, int] = Field(
        (300, 500), description="households per grid (网格), drawn uniformly; urban norm 300-500"
    )
    ties_within_grid: Ties = Field(6.0, description="mean social ties to the same grid")
    ties_across_grids: Ties = Field(0.8, description="mean ties to other grids, same community")
    ties_across_communities: Ties = Field(0.2, description="mean ties to other communities")
    seed: int | None = Field(
        None, ge=0, description="fix the graph across replications; null: drawn from the run's seed"
    )
    graph_file: Path | None = Field(
        None, description="GraphML or edge list; overrides the generator"
    )
    graph_model: Literal["grid_clustered", "erdos_renyi", "watts_strogatz", "no_ties"] = Field(
        "grid_clustered",
        description="how the generator ties households (same households and grids, same mean "
        "degree): dense in grids, uniformly at random, a rewired ring, or none",
    )
    rewiring: Prob = Field(0.1, description="watts_strogatz: chance each tie is rewired")

    @model_validator(mode="after")
    def _sizes(self) -> CommunityParams:
        lo, hi = self.grid_size
        if not 2 <= lo <= hi <= 5_000_000:
            raise ValueError(
                "community.grid_size: must be [low, high] with 2 <= low <= high <= 5,000,000 "
                f"(got {lo}, {hi})"
            )
        return self


# ---------------------------------------------------------------- data: categories, departments
class Department(Frozen):
    """职能部门 (条): a vertical line with its own powers and priorities."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str = ""
    hours_per_day: NonNeg = Field(
        24.0, description="hours a day for grassroots cases, per 10,000 households served"
    )
    hours_per_case: Annotated[float, Field(gt=0)] = 4.0
    acceptance: Prob = Field(
        0.6, description="silo: chance it accepts a forwarded case (else 推诿)"
    )
    handling_days: Annotated[int, Field(ge=0, le=365)] = 3
    success: Prob = Field(0.85, description="chance its part of a case is truly solved")
    priority: Literal["fifo", "counted_first", "need_first"] = Field(
        "fifo",
        description="its own queue order: first come first served, its counted "
        "categories first, or the most severe first",
    )


class Category(Frozen):
    """A kind of need (诉求)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str = ""
    rate: Annotated[float, Field(ge=0.0, le=1e6)] = Field(
        description="needs per 1,000 households per year"
    )
    severity: Prob = 0.3
    departments: tuple[str, ...] = Field((), description="departments whose powers it needs")
    grid_solvable: bool = False
    collective: bool = Field(
        False,
        description="touches the household's ties in its grid too (one case for all); "
        "needs consent (协商)",
    )
    dispute: bool = Field(
        False, description="arises between two tied households (邻里纠纷); can spread"
    )
    counted: bool = Field(False, description="counted in targets (易于量化的任务)")
    service: bool = Field(False, description="social forces can serve it (购买服务)")
    volunteer: bool = Field(
        False, description="volunteer teams can take it (线下编队, e.g. 环境卫生整治)"
    )
    deadline_days: Annotated[int, Field(ge=1, le=365)] = 7
    grid_hours: Annotated[float, Field(gt=0)] = 1.5


class Difficulty(Frozen):
    """Each need's latent difficulty: the hard case that beat one handler is hard for the next."""

    weight: Annotated[float, Field(ge=0.0, le=0.95)] = Field(
        0.5,
        description="share of a success draw's variance that is the case's own difficulty "
        "(0: every attempt independent; near 1: a case's difficulty decides every attempt)",
    )


class Scale(Frozen):
    """Multipliers on the data as given, for sensitivity analysis and calibration (1: as
    given): one number moves every category or department together."""

    caseload: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        1.0, description="multiplier on every category's rate (needs per household a year)"
    )
    department_acceptance: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        1.0, description="multiplier on every department's acceptance (capped at 1)"
    )
    department_success: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        1.0, description="multiplier on every department's success (capped at 1)"
    )
    department_hours: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        1.0, description="multiplier on every department's hours a day"
    )


# ---------------------------------------------------------------- actors
class ResidentParams(Frozen):
    """居民: voice, trust, word of mouth, volunteering."""

    trust_mean: Prob = 0.5
    trust_concentration: Annotated[float, Field(gt=0)] = 8.0
    voice: Prob = Field(0.55, description="openness of bottom-up channels (民意表达通道)")
    revoice: Prob = Field(0.04, description="daily chance a silent need is raised later (x voice)")
    severity_growth: NonNeg = Field(0.01, description="daily growth of an unheard need's severity")
    conflict_rate: Prob = Field(0.02, description="daily conflict hazard at severity 1 (矛盾激化)")
    conflict_spread: Prob = Field(
        0.05,
        description="when a dispute escalates, chance each tie of either party is drawn into "
        "a dispute of its own with that party (矛盾激化 spreading)",
    )
    trust_learning: Prob = Field(0.3, description="pull of one's own outcome on trust")
    word_of_mouth: Prob = Field(0.1, description="pull of neighbours' outcomes on trust")
    party_member_share: Prob = Field(
        0.07, description="households with a 双报到 party member (~3 per 100 people, ~2.5 a home)"
    )
    volunteer_rate: Prob = Field(
        0.0002, description="daily chance a resident offers help (x trust)"
    )
    volunteer_contagion: NonNeg = Field(
        4.0,
        description="joining is (1 + this x share of one's ties who volunteer) times as likely",
    )
    volunteer_dropout: Prob = Field(
        1 / 120, description="daily chance a volunteer stops (party members stay)"
    )
    satisfaction_resolved: Prob = 0.85
    satisfaction_late: Prob = override(
        0.7, "multiplier on satisfaction when resolved after the deadline", "guess"
    )
    satisfaction_unresolved: Prob = 0.1
    topdown_satisfaction: Prob = override(
        0.6,
        "multiplier on satisfaction with a collective case settled top down (no 协商); "
        "deliberation raises it toward 1 by the share taking part",
        "guess",
    )
    # 满意率 as call-back surveys ask it: three parts (sim/core.py `satisfaction`)
    satisfaction_model: Literal["three_part", "outcome"] = Field(
        "three_part",
        description="three_part: satisfied by the response, the explanation and the result, "
        "each with its weight; outcome: by the result alone (satisfaction_resolved, "
        "satisfaction_unresolved: the formula before three parts); weights adding up to "
        "more than 1 count relative to their sum",
    )
    satisfaction_response: Prob = override(
        0.3, "three_part: weight of a first contact within hotline.response_days (响应)", "guess"
    )
    satisfaction_explanation: Prob = override(
        0.3, "three_part: weight of the attitude and explanation (told what will happen)", "guess"
    )
    satisfaction_result: Prob = override(
        0.4, "three_part: weight of the result (x satisfaction_late when late)", "guess"
    )
    explanation: Prob = override(
        0.8,
        "three_part: chance the desk that closes a case explains its outcome (one closed "
        "after too many bounces never is; one closed at its horizon always is)",
        "guess",
    )


class GridWorkerParams(Frozen):
    """网格员: one per grid by default."""

    per_grid: Annotated[int, Field(ge=0, le=20)] = 1
    hours_per_day: NonNeg = 8.0
    admin_hours: NonNeg = Field(5.0, description="counted tasks from above, per worker per day")
    detection: Prob = Field(0.03, description="daily chance a patrol finds an unvoiced need")
    overload_detection: Prob = override(
        0.5, "multiplier on patrol detection on an overloaded day", "guess"
    )
    success: Prob = Field(0.85, description="chance a grid-solvable case is settled at the grid")
    rushed_success: Prob = override(
        0.8,
        "二(三) counted_first: multiplier on success for an uncounted case settled on an "
        "overloaded day (done to the minimum standard, 按照最基本标准)",
        "guess",
    )
    triage_hours: NonNeg = Field(
        0.5, description="hours to take in, record (台账) and escalate a case"
    )
    priority: Literal["counted_first", "need_first"] = "counted_first"
    retry_after_helper: bool = Field(
        True,
        description="a simple case a helper of the retry chain failed is tried again by the "
        "grid worker (a second attempt); false: the grid worker escalates it",
    )


class StreetOfficeParams(Frozen):
    """街道 (块) and the silo (条块分割) it forwards into."""

    info_loss: Prob = Field(0.03, description="chance a hand-off drops the case (管理信息失真)")
    max_bounces: Annotated[int, Field(ge=0, le=50)] = 3
    forward_days: Annotated[int, Field(ge=0, le=30)] = 1


class HotlineParams(Frozen):
    """12345 接诉即办 as it measures itself: response (响应) and the call-back (回访)."""

    response_days: Annotated[int, Field(ge=0, le=30)] = Field(
        1,
        description="standard time for the first contact (响应), in days after intake "
        "(guess: hotlines publish about one working day)",
    )
    callback_share: Prob = Field(
        0.3, description="share of closed voiced cases the hotline calls back (回访; guess)"
    )
    callback_answer: Prob = Field(0.7, description="chance a called-back resident answers (guess)")


class HorizonParams(Frozen):
    """Every case ends: a case that waits too long is escalated once (督办), then closed
    unresolved with an answer. Days after intake; 0: no such horizon."""

    grid_days: Annotated[int, Field(ge=0, le=MAX_DAYS)] = Field(
        14, description="a case waiting this long at the grid goes up to the street office"
    )
    escalate_days: Annotated[int, Field(ge=0, le=MAX_DAYS)] = Field(
        30, description="a case waiting this long is escalated (督办): first in every queue"
    )
    close_days: Annotated[int, Field(ge=0, le=MAX_DAYS)] = Field(
        60, description="a case waiting this long is closed unresolved, with an answer"
    )


# ---------------------------------------------------------------- levers
class Lever(Frozen):
    enabled: bool = False
    start_day: Annotated[int, Field(ge=0, le=MAX_DAYS)] = Field(
        0, description="reform timing: the lever acts from this day on (0: from the start)"
    )
    ramp_days: Annotated[int, Field(ge=0, le=MAX_DAYS)] = Field(
        0,
        description="its strength grows linearly to full over these days from start_day "
        "(0: full at once); see docs/model.md for what strength means per lever",
    )


class Whistle(Lever):
    """吹哨报到: the street office whistles, departments must report."""

    deadline_days: Annotated[int, Field(ge=1, le=60)] = 3
    after_bounces: Annotated[int, Field(ge=0, le=50)] = 1
    multi_department: bool = Field(True, description="whistle at once for multi-department cases")
    acceptance: Prob = override(
        1.0,
        "chance the departments report when whistled (报到); else the case bounces",
        "Pinggu, Nanjing Gulou: reporting is compulsory",
    )
    members_accept: bool = Field(
        False,
        description="the alternative rule: each member department left on the route must "
        "report with its own acceptance, raised by the mandate by mandate_gain, instead of "
        "the named acceptance",
    )
    mandate_gain: Prob = override(
        0.5,
        "members_accept: share of each member department's refusals the mandate removes "
        "(own acceptance a becomes a + gain x (1 - a))",
        "guess",
    )
    coordination: Prob = premium(
        "share of the departments' joint failures averted by handling a whistled case together",
        "guess",
        0.3,
    )


class SwitchOnly(Lever):
    """A lever without a strength to ramp: it switches on at `start_day`."""

    @model_validator(mode="after")
    def _no_ramp(self) -> SwitchOnly:
        if self.ramp_days:
            raise ValueError(
                f"ramp_days: {type(self).__name__.lower()} switches on at start_day and has "
                f"no strength to ramp (give 0, got {self.ramp_days})"
            )
        return self


class Workstation(SwitchOnly):
    """一体化工作站, 一支队伍管执法: one team for its member departments."""

    departments: tuple[str, ...] = ("market", "urban", "fire", "emergency")
    acceptance: Prob = override(
        1.0,
        "chance the workstation accepts a forwarded case (一体化领导: one command)",
        "guess: the article's 一体化领导 leaves the team no line of its own to refuse for",
    )
    members_accept: bool = Field(
        False,
        description="the alternative rule: the team accepts as its member departments do "
        "on average, each with its own acceptance raised by the mandate by mandate_gain, "
        "instead of the named acceptance",
    )
    mandate_gain: Prob = override(
        0.5,
        "members_accept: share of each member department's refusals the mandate removes "
        "(own acceptance a becomes a + gain x (1 - a))",
        "guess",
    )
    coordination: Prob = premium(
        "share of the member departments' joint failures averted by one team (全科执法)",
        "guess",
        0.3,
    )


class Mediation(Lever):
    """综治中心 "1+N" 联动调解: convene the N departments at once."""

    departments: tuple[str, ...] = ("justice", "police", "court", "procuratorate")
    sessions_per_day: Annotated[float, Field(gt=0)] = Field(
        9.0, description="joint sessions the centre can convene a day, per 10,000 households"
    )
    hours_per_session: NonNeg = 2.0
    wait_days: Annotated[int, Field(ge=1, le=60)] = Field(
        5, description="how far ahead the centre may book a department that is busy today"
    )
    acceptance: Prob = override(
        1.0,
        "chance the convened departments all come (the centre convenes: 统筹); else it bounces",
        "guess: the article's 1 个综治中心统筹",
    )
    members_accept: bool = Field(
        False,
        description="the alternative rule: each member department convened must come, "
        "with its own acceptance raised by the mandate by mandate_gain, instead of the "
        "named acceptance",
    )
    mandate_gain: Prob = override(
        0.5,
        "members_accept: share of each member department's refusals the mandate removes "
        "(own acceptance a becomes a + gain x (1 - a))",
        "guess",
    )
    coordination: Prob = premium(
        "share of the N departments' joint failures averted by joint mediation",
        "guess, set so mediated disputes resolve ~80 %, the low end of the 82-98 % centres "
        "report (which include the units' own word)",
        0.5,
    )


class Cadres(Lever):
    """机关干部下沉 / 包小区: cadres from organs paired with grids."""

    per_grid: Annotated[float, Field(ge=0, le=50)] = 2.0
    hours_per_week: Annotated[float, Field(ge=0, le=60)] = 6.0
    probe: Prob = Field(0.02, description="探头: daily detection chance per cadre-hour per day")
    case_share: Prob = Field(0.4, description="share of hours on simple cases")
    visit_hours: Annotated[float, Field(ge=0.01)] = 0.75
    visit_trust: Prob = Field(0.15, description="入户: pull of a home visit on trust")
    success: Prob | None = Field(
        0.85,
        description="chance cadres settle a simple case they serve (guess: as the grid "
        "workers' default); null: the grid workers' own",
    )
    bridge_acceptance: Prob = override(
        0.95,
        "acceptance when its home organ is bridged (at least this)",
        "guess: the article's 有资源、调不动 read as a refusal the bridge removes",
    )
    organ_cost: Prob = Field(
        0.25,
        description="share of cadre hours the home department's street office loses from its "
        "case hours (the rest comes from the organ's other work)",
    )


class Deliberation(Lever):
    """协商民主: collective cases settled with those affected."""

    join: Prob = Field(0.5, description="chance an affected neighbour joins (x trust)")
    meeting_days: Annotated[int, Field(ge=0, le=60)] = 3
    meeting_hours: NonNeg = 3.0
    success_gain: NonNeg = override(
        0.3,
        "relative gain in success at full participation (x share taking part)",
        "guess: 协商 reaches consent, so settlements hold more often",
    )


class SocialForces(Lever):
    """社会组织 / 驻区企业 via 政府购买服务: capacity for service categories."""

    hours_per_day: NonNeg = Field(8.0, description="per community")
    success: Prob | None = Field(
        0.85,
        description="chance purchased services settle a simple case they serve (guess: as the grid "
        "workers' default); null: the grid workers' own",
    )


class Mobilisation(Lever):
    """线上组群+线下编队: online groups surface needs, offline teams help."""

    online_detection: Prob = Field(
        0.03,
        description="daily chance the group surfaces a silent need it can hear: one of the "
        "affected households or one of their ties is a member",
    )
    online_members: Prob = Field(
        0.1,
        description="share of households in their grid's online group at the start, beside "
        "the 双报到 party members",
    )
    online_growth: Prob = Field(
        0.01,
        description="daily chance a household is invited (x share of its ties in the group)",
    )
    recruit: Multiplier = Field(10.0, description="multiplier on the volunteering rate")
    volunteer_hours: NonNeg = Field(
        0.03, description="hours a volunteer gives a day (guess: about 10 hours a year)"
    )
    success: Prob | None = Field(
        0.85,
        description="chance volunteer teams settle a simple case they serve (guess: as the grid "
        "workers' default); null: the grid workers' own",
    )
    emergency_factor: float = override(
        3.0,
        "战时: multiplier on online detection and on cadres' hours during an emergency",
        "guess (Wuhan 2020 sent ~31 people per community, far above normal-time cadres)",
        ge=1.0,
        le=1000.0,
    )


class PaperResolution(Lever):
    """管理信息失真: unresolved cases reported as resolved under target pressure."""

    rate: Prob = 0.3


class Persuasion(Lever):
    """做工作: under a satisfaction target, staff work on residents before the call-back."""

    rate: Prob = override(
        0.5,
        "chance a called-back resident not satisfied (or not solved) is persuaded to say "
        "they are (做工作; true satisfaction and trust unmoved)",
        "guess",
    )


class Campaign(SwitchOnly):
    """运动型治理: a window in which one category jumps every queue."""

    category: str = "sanitation"
    start: Day = 60
    days: Day = 60


class BuiltInLevers(Frozen):
    whistle: Whistle = Whistle()
    workstation: Workstation = Workstation()
    mediation: Mediation = Mediation()
    cadres: Cadres = Cadres()
    deliberation: Deliberation = Deliberation()
    social_forces: SocialForces = SocialForces()
    mobilisation: Mobilisation = Mobilisation()
    paper_resolution: PaperResolution = PaperResolution()
    campaign: Campaign = Campaign()
    persuasion: Persuasion = Persuasion()


PLUGINS_ENV = "COGOV_LEVERS"  # your own levers: files, separated by os.pathsep


def plugin_levers() -> dict:
    """Your own levers, by name: each file named in `COGOV_LEVERS` is one lever (`NAME`,
    its `SETTINGS` class, a subclass of `Lever`, its `LEVER` class, a subclass of
    `sim.actors.LeverObject`, and `LABELS`: its name as ("中文", "English")). They join the
    scenario file's `levers:` after the built-in ones, off by default."""
    import importlib.util
    import os

    out = {}
    for path in filter(None, os.environ.get(PLUGINS_ENV, "").split(os.pathsep)):
        where = f"{PLUGINS_ENV}: {path}"
        if not Path(path).is_file():
            raise LeverFileError(f"{where}: no such file (a Python file holding one lever)")
        spec = importlib.util.spec_from_file_location(f"cogov_lever_{Path(path).stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        name, settings = getattr(module, "NAME", None), getattr(module, "SETTINGS", None)
        if not isinstance(name, str) or not name.isidentifier() or name in out:
            raise LeverFileError(f"{where}: NAME must be a new lever name (a Python identifier)")
        if name in BuiltInLevers.model_fields:
            raise LeverFileError(f"{where}: NAME {name!r} is a built-in lever")
        if not (isinstance(settings, type) and issubclass(settings, Lever)):
            raise LeverFileError(f"{where}: SETTINGS must be a subclass of sim.params.Lever")
        if not isinstance(getattr(module, "LEVER", None), type):
            raise LeverFileError(f"{where}: LEVER must be its class (a sim.actors.LeverObject)")
        labels = getattr(module, "LABELS", None)
        if not (isinstance(labels, tuple) and len(labels) == 2):
            raise LeverFileError(f'{where}: LABELS must be its name as ("中文", "English")')
        out[name] = module
    return out


class LeverFileError(ValueError):
    """A lever file named in `COGOV_LEVERS` is not a lever (one line: file and field)."""


PLUGINS = plugin_levers()
Levers = create_model(
    "Levers",
    __base__=BuiltInLevers,
    **{name: (m.SETTINGS, m.SETTINGS()) for name, m in PLUGINS.items()},
)


class Emergency(Lever):
    """平时 / 战时: a shock window multiplying some categories' rates."""

    start: Day = 120
    days: Day = 30
    multipliers: dict[str, Multiplier] = Field(
        default_factory=lambda: {"infrastructure": 6.0, "public_security": 3.0, "property": 3.0}
    )


# ---------------------------------------------------------------- scenario
@cache
def default_data() -> dict:
    """The bundled departments and categories (sim/data/defaults.yaml), validated."""
    raw = default_records()
    return {
        "departments": tuple(Department(**d) for d in raw["departments"]),
        "categories": tuple(Category(**c) for c in raw["categories"]),
    }


class Scenario(Frozen):
    name: str = "scenario"
    description: str = ""
    days: Annotated[int, Field(ge=1, le=MAX_DAYS)] = 365
    community: CommunityParams = CommunityParams()
    departments: tuple[Department, ...] = Field(
        default_factory=lambda: default_data()["departments"], max_length=MAX_ITEMS
    )
    categories: tuple[Category, ...] = Field(
        default_factory=lambda: default_data()["categories"], max_length=MAX_ITEMS
    )
    residents: ResidentParams = ResidentParams()
    grid_workers: GridWorkerParams = GridWorkerParams()
    street_office: StreetOfficeParams = StreetOfficeParams()
    hotline: HotlineParams = HotlineParams()
    horizons: HorizonParams = HorizonParams()
    difficulty: Difficulty = Difficulty()
    scale: Scale = Scale()
    levers: Levers = Levers()
    emergency: Emergency = Emergency()

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        return self.check_across()

    def check_across(self) -> Scenario:
        """The checks across sections (names that must exist or be unique): also for a
        scenario whose changed sections were validated on their own (sweep points)."""
        depts = [d.name for d in self.departments]
        if len(set(depts)) != len(depts):
            raise ValueError("departments: names must be unique")
        cats = [c.name for c in self.categories]
        if len(set(cats)) != len(cats):
            raise ValueError("categories: names must be unique")
        if not cats:
            raise ValueError("categories: at least one category is needed")
        known = set(depts)
        for i, c in enumerate(self.categories):
            for d in c.departments:
                if d not in known:
                    raise ValueError(
                        f"categories.{i}.departments: unknown department {d!r} "
                        f"(known: {', '.join(depts)})"
                    )
            if not c.departments and not c.grid_solvable:
                raise ValueError(
                    f"categories.{i}: {c.name!r} needs a department or grid_solvable: true"
                )
        # a lever that is off is not there: only check what is switched on
        for lever in ("workstation", "mediation"):
            if not getattr(self.levers, lever).enabled:
                continue
            for d in getattr(self.levers, lever).departments:
                if d not in known:
                    raise ValueError(
                        f"levers.{lever}.departments: unknown department {d!r} "
                        f"(known: {', '.join(depts)})"
                    )
        for key in self.emergency.multipliers if self.emergency.enabled else ():
            if key not in cats:
                raise ValueError(
                    f"emergency.multipliers: unknown category {key!r} (known: {', '.join(cats)})"
                )
        if self.levers.campaign.enabled and self.levers.campaign.category not in cats:
            raise ValueError(
                f"levers.campaign.category: unknown category {self.levers.campaign.category!r} "
                f"(known: {', '.join(cats)})"
            )
        return self

    def with_levers(self, **changes: dict | bool) -> Scenario:
        """A copy with levers changed: `with_levers(cadres=True, whistle={"deadline_days": 2})`."""
        levers = self.levers.model_dump()
        for name, value in changes.items():
            if name not in levers:
                raise KeyError(f"unknown lever {name!r}")
            levers[name] = {
                **levers[name],
                **({"enabled": value} if isinstance(value, bool) else value),
            }
        return Scenario.model_validate({**self.model_dump(), "levers": levers})

    def digest(self) -> str:
        """Hash of every parameter and of the graph file's content, for provenance."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        h = hashlib.sha256(blob.encode())
        graph = self.community.graph_file
        if graph is not None and Path(graph).is_file():
            h.update(Path(graph).read_bytes())
        return h.hexdigest()[:16]


LEVER_NAMES: tuple[str, ...] = tuple(Levers.model_fields)
COMPILED_LEVERS: tuple[str, ...] = tuple(BuiltInLevers.model_fields)  # the kernels know these
