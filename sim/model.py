"""The co-governance model: one street, its residents, staff and levers.

`CoGovModel.step` is one day and reads like the article: needs arise →
residents voice or stay silent → patrols and probes detect → the grid settles
→ the street office routes the rest (silo, whistle, workstation, 1+N) →
departments handle → cases close → residents give feedback → trust spreads.

Each stage's work is a compiled kernel (`sim/stages.py` on the engine of
`sim/core.py`, and each lever's own in `sim/levers/`), so a day costs
microseconds. What the kernels read is built in `sim/views.py`; levers changed
while running are `sim/reforms.py`. The core does no I/O. A lever that is off is
never constructed, so it cannot touch the results.
"""

from __future__ import annotations

from sim.imports import cheap_stack

with cheap_stack():  # Mesa's import-time stack walks cost 0.8 s (sim/imports.py)
    import mesa
import numpy as np

from sim import community as community_mod
from sim import core, day, stages
from sim.agents import Department, GovernanceCentre, GridWorker, Resident, StreetOffice
from sim.cases import CaseBook, Closer, Desk, State
from sim.difficulty import chance
from sim.levers import build_levers
from sim.metrics import Tally, daily_columns, daily_frame
from sim.params import LEVER_NAMES, Scenario
from sim.reforms import Reforms
from sim.rng import seed_streams, setup_rng
from sim.views import CompiledViews

DAILY_KEY = 1000  # spawn keys of the daily streams start here
ACTOR_DESKS = ("grid", "street")  # where your actors may take a waiting case


class Residents:
    """居民 population state: one record per household (`core.HOME`), columns as views."""

    def __init__(self, n: int, p, grid: np.ndarray, rng: np.random.Generator):
        self.data = np.zeros(n, dtype=core.HOME)
        a = p.trust_mean * p.trust_concentration
        b = (1 - p.trust_mean) * p.trust_concentration
        self.data["trust"] = rng.beta(a, b, n) if 0 < p.trust_mean < 1 else p.trust_mean
        self.data["party_member"] = rng.random(n) < p.party_member_share  # 双报到
        self.data["grid"] = grid
        self.signalled = np.zeros(n + 1, dtype=np.int64)  # [count, households...]

    def __getattr__(self, name: str) -> np.ndarray:
        if name in core.HOME.names:
            return self.data[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value) -> None:
        if name in core.HOME.names:
            self.data[name] = value
        else:
            super().__setattr__(name, value)


class CoGovModel(CompiledViews, Reforms, mesa.Model):
    """A street governed solo (独角戏) or in chorus (大合唱): the levers decide which."""

    def __init__(self, params: Scenario | None = None, seed: int = 0, community=None):
        super().__init__(rng=seed)
        self.params = p = params or Scenario()
        self.seed = seed
        self.day = 0
        self._ran_to = 0  # the last day already run by the compiled loops (`run`)
        self.S = seed_streams(seed, len(core.STREAMS), first_key=DAILY_KEY)
        if community is None:
            c_rng = (
                np.random.default_rng(p.community.seed)
                if p.community.seed is not None
                else setup_rng(seed, "community")
            )
            community = community_mod.build(p.community, c_rng)
        self.community = community
        n = community.n
        self.residents = Residents(n, p.residents, community.grid, setup_rng(seed, "residents"))
        self.members = np.argsort(community.grid, kind="stable")
        self.book = CaseBook(capacity=max(1024, n // 2))
        self.open = np.empty(0, dtype=np.int64)  # rows of open cases, in row order
        self._setup_categories()
        self._setup_staff()
        self.tally = Tally(community.n_grids, len(self.units) + 1)
        self.reforms: list[tuple[int, str, dict]] = []  # (first day, lever, changes): `reform`
        self._view_levers = p.levers  # the built levers' settings (`reform` keeps them)
        self._ends = np.full(len(LEVER_NAMES), day.NEVER, dtype=np.int64)
        self.levers = build_levers(self)  # only the enabled ones, by name
        self._actors: dict[str, list] = {}  # phase -> your actors (`add_actor`), Python levers
        for lv in self.levers.values():
            lv.setup()
            self._hook(lv)
        self._build_routes()  # the workstation may have added its own
        self.param_table = self._param_record()
        self.joint_table = self._joint_bodies()
        self._room = self._room_per_day()
        self.L = self._lever_view()
        self._view: core.Street | None = None
        self.pending = tuple(stages.spreads(self.X, np.empty(0, dtype=np.int64)))  # none yet
        day.record(self.X, self.L, 0)  # row 0 of the daily record: the street before day 1
        self._space = None

    # ------------------------------------------------------------ setup
    def _setup_categories(self):
        p = self.params
        cats = p.categories
        self.dept_index = {d.name: i for i, d in enumerate(p.departments)}
        t = self.cat_table = np.zeros(len(cats), dtype=core.CATEGORY)
        t["rate"] = [c.rate / 1000 / 365 * p.scale.caseload for c in cats]
        t["multiplier"] = 1.0
        t["severity"] = [c.severity for c in cats]
        t["deadline"] = [c.deadline_days for c in cats]
        t["grid_hours"] = [c.grid_hours for c in cats]
        t["grid_solvable"] = [c.grid_solvable for c in cats]
        t["collective"] = [c.collective for c in cats]
        t["dispute"] = [c.dispute for c in cats]
        t["counted"] = [c.counted for c in cats]
        self.cat_service = np.array([c.service for c in cats])
        self.cat_volunteer = np.array([c.volunteer for c in cats])
        depts = p.departments
        self.dept_success = np.minimum(
            1.0, np.array([d.success for d in depts]) * p.scale.department_success
        )
        self.dept_hours_per_case = np.array([d.hours_per_case for d in depts])
        self.dept_days = np.array([d.handling_days for d in depts], dtype=np.int64)
        own = [[(self.dept_index[d], [self.dept_index[d]]) for d in c.departments] for c in cats]
        self.routes = [own, own]  # each department does its own part (table 1: workstation)

    def __getattr__(self, name: str):
        """Columns of the category, unit and grid tables: `cat_deadline`, `unit_hours`,
        `grid_debt`... (views: writing to them writes to the table)."""
        for prefix, table in (
            ("cat_", "cat_table"),
            ("unit_", "unit_table"),
            ("grid_", "grid_table"),
        ):
            if name.startswith(prefix) and table in self.__dict__:
                field = name.removeprefix(prefix)
                if field in self.__dict__[table].dtype.names:
                    return self.__dict__[table][field]
        raise AttributeError(name)

    @property
    def rate_multiplier(self) -> np.ndarray:
        return self.cat_table["multiplier"]

    @property
    def overloaded(self) -> np.ndarray:
        return self.grid_table["overloaded"]

    def _build_routes(self) -> None:
        """Each category's route, per table (0: the departments'; 1: once the workstation
        forms): ordered steps (unit, the departments whose parts it does).

        A department does its own part; the workstation does all its members' parts in
        one step. A step costs what its parts add up to and lasts as long as the slowest.
        A case keeps the table of the day it first reaches the street office.
        """
        tables = self.routes
        n_cat = len(tables[0])
        width = max(1, max(len(r) for routes in tables for r in routes)) + 1
        depth = max(1, max((len(p) for rs in tables for r in rs for _, p in r), default=1))
        self.route = np.full((2, n_cat, width), -1, dtype=np.int64)
        self.route_parts = np.full((2, n_cat, width, depth), -1, dtype=np.int64)
        for t, routes in enumerate(tables):
            for c, r in enumerate(routes):
                for k, (unit, parts) in enumerate(r):
                    self.route[t, c, k] = unit
                    self.route_parts[t, c, k, : len(parts)] = parts
        self.route_len = (self.route >= 0).sum(axis=2)
        has = self.route_parts >= 0
        at = np.maximum(self.route_parts, 0)
        self.step_hours = np.where(has, self.dept_hours_per_case[at], 0.0).sum(axis=3)
        self.step_days = np.where(has, self.dept_days[at], 0).max(axis=3)

    def _setup_staff(self):
        p = self.params
        gw = p.grid_workers
        n_grids = self.community.n_grids
        self.street_office = StreetOffice(self)
        self.grid_workers = [
            GridWorker(self, g, gw.hours_per_day, gw.admin_hours)
            for g in range(n_grids)
            for _ in range(gw.per_grid)
        ]
        g = self.grid_table = np.zeros(n_grids, dtype=core.GRID_ROW)
        g["hours"] = gw.per_grid * gw.hours_per_day
        g["admin"] = gw.per_grid * gw.admin_hours
        g["count"] = np.bincount(self.community.grid, minlength=n_grids)
        g["start"] = np.cumsum(g["count"]) - g["count"]
        self.departments = [Department(self, d, i) for i, d in enumerate(p.departments)]
        self.units = list(self.departments)  # the workstation may join
        scale = self.community.n / 10_000  # capacities are per 10,000 households
        u = self.unit_table = np.zeros(len(p.departments), dtype=core.UNIT_ROW)
        hours = scale * p.scale.department_hours
        u["hours"] = u["base"] = [d.hours_per_day * hours for d in p.departments]
        u["pool"] = np.arange(len(p.departments))
        u["acceptance"] = np.minimum(
            1.0, np.array([d.acceptance for d in p.departments]) * p.scale.department_acceptance
        )
        codes = {"fifo": 0, "counted_first": 1, "need_first": 2}
        u["priority"] = [codes[d.priority] for d in p.departments]
        self.workstation_unit = -1
        m = p.levers.mediation
        self.governance_centre = GovernanceCentre(
            self, m.sessions_per_day * scale, m.hours_per_session
        )

    def add_unit(self, agent, hours, acceptance, premium) -> int:
        """Register a new handling unit (the workstation); returns its index."""
        self.units.append(agent)
        row = np.zeros(1, dtype=core.UNIT_ROW)
        row["hours"] = row["base"] = hours
        row["acceptance"], row["premium"] = acceptance, premium
        row["pool"] = len(self.units) - 1
        self.unit_table = np.concatenate([self.unit_table, row])  # first come, first served
        return len(self.units) - 1

    @property
    def space(self):
        """The Mesa network with one Resident agent per household, built on first use."""
        if self._space is None:
            from mesa.discrete_space import Network

            self._space = Network(self.community.graph, layout=None, random=self.random)
            for i in range(self.community.n):
                Resident(self, i, self._space[i])
        return self._space

    @property
    def agents_by_type(self):
        """Mesa's agents by class. Residents (`Resident`: views on the population arrays)
        are made on first asking, with the network they live on (`space`)."""
        _ = self.space
        return super().agents_by_type

    def rows(self, desk: Desk, state: State = State.QUEUED) -> np.ndarray:
        """Open cases in a state at a desk (for levers and inspection)."""
        b, o = self.book, self.open
        return o[(b.state[o] == state) & (b.desk[o] == desk)]

    def latent_rows(self) -> np.ndarray:
        return self.open[self.book.state[self.open] == State.LATENT]

    def success(self, rows: np.ndarray, parts: np.ndarray, premium: float = 0.0) -> np.ndarray:
        """Draw one handling of each case covering parts of typical success `parts`
        (rows x parts; 1.0 pads), as the day's kernels draw it (inspection and tests)."""
        parts = np.asarray(parts, dtype=np.float64).reshape(len(rows), -1)
        return core.succeed_many(self.X, core.Stream.DEPARTMENTS, np.asarray(rows), parts, premium)

    # ------------------------------------------------------------ the day
    def step(self) -> None:
        """One day, in the article's order; each phase is compiled (`sim/day.py`). Your
        actors act after the phase they were added at (`add_actor`)."""
        self.day = d = self.steps  # Mesa has counted today already
        if d <= self._ran_to:  # `run` ran this day in its compiled loops
            return
        self.make_room(1, last=d)
        X, L, act = self.X, self.L, self._act
        day.begin_day(X, L, d)  # an emergency, a campaign
        act("begin_day")
        self.open = day.needs_arise(X, L, d, self.open, self.pending)
        act("needs_arise")
        self.pending = day.residents_voice(X, L, d, self.open)  # disputes that spread
        act("residents_voice")
        day.needs_are_found(X, L, d, self.open)
        act("needs_are_found")
        day.the_grid_settles(X, L, d, self.open)
        act("the_grid_settles")
        day.the_street_routes_and_departments_handle(X, L, d, self.open)
        act("the_street_routes_and_departments_handle")
        self.open = day.residents_respond(X, L, d, self.open)
        act("residents_respond")

    # ------------------------------------------------------------ your own actors
    def add_actor(self, agent, after: str) -> None:
        """Have `agent.step()` act once a day after phase `after` (`day.PHASES`); it
        reads and changes cases through `open_cases`, `case`, `case_chance` and
        `close_case` (`sim/actors.py`)."""
        if after not in day.PHASES:
            raise ValueError(
                f"after: {after!r} is not a phase; choose from {', '.join(day.PHASES)}"
            )
        if not isinstance(agent, mesa.Agent) or agent.model is not self:
            raise ValueError("agent: must be a Mesa agent made with this model")
        if not callable(getattr(agent, "step", None)):
            raise ValueError(f"agent: {type(agent).__name__} has no step() to act with")
        self._actors.setdefault(after, []).append(agent)

    def _act(self, phase: str) -> None:
        for agent in self._actors.get(phase, ()):
            agent.step()

    def _category(self, name: str) -> int:
        names = [c.name for c in self.params.categories]
        if name not in names:
            raise ValueError(f"category: {name!r} is not one; choose from {', '.join(names)}")
        return names.index(name)

    def open_cases(self, category: str | None = None, desk: str = "grid") -> np.ndarray:
        """Rows of the cases waiting at `desk` (`grid`: the grid worker's queue, or
        `street`: the street office's, to be routed), of one category if given."""
        if desk not in ACTOR_DESKS:
            raise ValueError(f"desk: {desk!r}; choose from {', '.join(ACTOR_DESKS)}")
        rows = self.rows(Desk[desk.upper()])
        if category is not None:
            rows = rows[self.book.category[rows] == self._category(category)]
        return rows

    def case(self, row: int) -> dict:
        """What an actor may know of a case: category, grid, household, severity, the
        days since it was taken in, its bounces and where it is."""
        c = self.book.data[self._row(row)]
        return {
            "category": self.params.categories[int(c["category"])].name,
            "grid": int(c["grid"]),
            "resident": int(c["resident"]),
            "severity": float(c["severity"]),
            "days_open": self.day - int(c["taken_in"]) if c["taken_in"] >= 0 else 0,
            "bounces": int(c["bounces"]),
            "state": State(int(c["state"])).name.lower(),
            "desk": Desk(int(c["desk"])).name.lower(),
        }

    def case_chance(self, row: int, success: float) -> float:
        """The chance that a handler with typical success `success` settles this case,
        given its difficulty, as for every handler (`sim/difficulty.py`)."""
        if not 0.0 <= success <= 1.0:
            raise ValueError(f"success: {success!r} must be in [0, 1]")
        z = float(self.book.difficulty[self._row(row)])
        return float(chance(float(success), z, self.params.difficulty.weight))

    def close_case(self, row: int, resolved: bool) -> None:
        """Close a case waiting at the grid or street desk with its true outcome; the
        resident's satisfaction and trust follow as for any closer (`Closer.OTHER`)."""
        r = self._row(row)
        b = self.book
        if b.state[r] != State.QUEUED or Desk(int(b.desk[r])).name.lower() not in ACTOR_DESKS:
            raise ValueError(f"row {r}: not waiting at the grid or street desk ({self.case(r)})")
        core.close(self.X, self.day, r, bool(resolved), int(Closer.OTHER))

    def _row(self, row) -> int:
        if not 0 <= int(row) < self.book.n:
            raise ValueError(f"row {row!r}: no such case (the book holds {self.book.n})")
        return int(row)

    # ------------------------------------------------------------ running
    def run(self, days: int | None = None) -> None:
        """Run `days` (default: the scenario's) in compiled loops (`day.run_days`): the
        same phases as `step`, in the same order, with the same results, without coming
        back to Python each day."""
        left = days if days is not None else self.params.days
        if self._actors:  # day by day, through Mesa's step: your actors act inside the day
            for _ in range(left):
                self.step()
            return
        while left > 0:
            self.make_room(left)
            first = self.steps + 1
            last, self.open, self.pending = day.run_days(
                self.X, self.L, first, first + left - 1, self.open, self.pending
            )
            self._ran_to = last
            self.run_for(last - first + 1)  # Mesa's clock, through its public API
            left -= last - first + 1

    # ------------------------------------------------------------ a city's day
    def day_until_departments(self) -> int:
        """Run the next day up to the departments' handling and return it: a city's
        streets share their district's departments here (`sim/district.py`), then
        `day_from_departments` ends the day. The same phases in the same order as `step`;
        Mesa's clock follows at `catch_up`."""
        d = self._ran_to + 1
        if d >= self.L.daily.shape[0] or not day.room_for_a_day(self.X, self.L, self.pending):
            self.make_room(1, last=d)  # the book and the record grow by doubling
        self.open, self.pending = day.day_until_departments(
            self.X, self.L, d, self.open, self.pending
        )
        return d

    def day_from_departments(self) -> None:
        d = self._ran_to + 1
        self.open = day.day_from_departments(self.X, self.L, d, self.open)
        self._ran_to = d

    def catch_up(self) -> None:
        """Mesa's clock up to the last day run half by half (its public API)."""
        if self._ran_to > self.steps:
            self.run_for(self._ran_to - self.steps)

    @property
    def daily(self):
        """The daily series so far (a pandas DataFrame, one row per day)."""
        return daily_frame(self.L.daily[1 : self.day + 1], self.community.n)

    def series(self, name: str) -> np.ndarray:
        """One daily series so far (no DataFrame: the dashboard asks every tick)."""
        return daily_columns(self.L.daily[1 : self.day + 1], self.community.n)[name]

    @property
    def emergency_active(self) -> bool:
        return bool(self.L.on["emergency"][0])
