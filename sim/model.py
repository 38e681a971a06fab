"""The co-governance model: one street, its residents, staff and levers.

`CoGovModel.step` is one day and reads like the article: needs arise →
residents voice or stay silent → patrols and probes detect → the grid settles
→ the street office routes the rest (silo, whistle, workstation, 1+N) →
departments handle → cases close → residents give feedback → trust spreads.

The core does no I/O. Levers (sim/levers/) hook in at named points; a lever
that is off is never constructed, so it cannot touch the results.
"""

from __future__ import annotations

import mesa
import numpy as np
import scipy.sparse as sp
from mesa.datacollection import DataCollector

from sim import community as community_mod
from sim import ties
from sim.agents import Department, GovernanceCentre, GridWorker, Resident, StreetOffice
from sim.cases import CaseBook, Channel, Closer, Desk, Joint, State
from sim.difficulty import joint_chance
from sim.levers import RETRY_CHAIN, build_levers
from sim.metrics import DAILY_REPORTERS, Tally
from sim.params import Scenario

# Independent random streams, one per mechanism, so that switching one lever
# leaves every other draw where it was (common random numbers across scenarios).
# Append only: an index is part of every past result.
STREAMS = (
    "community",
    "residents",
    "arise",
    "voice",
    "patrol",
    "grid_work",
    "routing",
    "departments",
    "feedback",
    "cadres",
    "mobilisation",
    "deliberation",
    "social_forces",
    "paper_resolution",
    "conflict",
)


def streams(seed: int) -> dict[str, np.random.Generator]:
    return {
        name: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        for i, name in enumerate(STREAMS)
    }


class Residents:
    """居民 population state, one numpy array per attribute."""

    def __init__(self, n: int, p, rng: np.random.Generator):
        a = p.trust_mean * p.trust_concentration
        b = (1 - p.trust_mean) * p.trust_concentration
        self.trust = rng.beta(a, b, n) if 0 < p.trust_mean < 1 else np.full(n, p.trust_mean)
        self.party_member = rng.random(n) < p.party_member_share  # 双报到
        self.volunteer = np.zeros(n, dtype=bool)
        self.participated = np.zeros(n, dtype=bool)  # volunteered or deliberated
        self.signal = np.zeros(n, dtype=np.float64)  # today's experiences: +1 / -1


def take_by_capacity(group, cost, order, capacity) -> tuple[np.ndarray, np.ndarray]:
    """Serve each group's queue (sorted by the lexsort keys `order`) while it has hours left.

    A case starts if any of its group's `capacity` is left when its turn comes;
    the overrun is borrowed from the next day. Returns (mask of rows served,
    hours used per group).
    """
    served = np.zeros(group.size, dtype=bool)
    used = np.zeros(capacity.size)
    if group.size == 0:
        return served, used
    idx = np.lexsort((*order, group))
    g, c = group[idx], cost[idx]
    cum = np.cumsum(c)
    first = np.r_[True, g[1:] != g[:-1]]
    base = (cum - c)[first]
    before = cum - c - np.repeat(base, np.diff(np.r_[np.flatnonzero(first), g.size]))
    ok = before < capacity[g] - 1e-9
    served[idx[ok]] = True
    np.add.at(used, g[ok], c[ok])
    return served, used


class CoGovModel(mesa.Model):
    """A street governed solo (独角戏) or in chorus (大合唱): the levers decide which."""

    def __init__(self, params: Scenario | None = None, seed: int = 0, community=None):
        super().__init__(rng=seed)
        self.params = p = params or Scenario()
        self.seed = seed
        self.day = 0
        self.rngs = streams(seed)
        if community is None:
            c_rng = (
                np.random.default_rng(p.community.seed)
                if p.community.seed is not None
                else self.rngs["community"]
            )
            community = community_mod.build(p.community, c_rng)
        self.community = community
        n = community.n
        self.residents = Residents(n, p.residents, self.rngs["residents"])
        deg = np.asarray(community.adjacency.sum(axis=1)).ravel()
        self._neighbour_mean = sp.diags_array(np.divide(1.0, deg, where=deg > 0, out=np.zeros(n)))
        self._neighbour_mean = (self._neighbour_mean @ community.adjacency).tocsr()
        self._grid_members = np.argsort(community.grid, kind="stable")
        self._grid_start = np.searchsorted(
            community.grid[self._grid_members], np.arange(community.n_grids)
        )
        self._grid_count = np.bincount(community.grid, minlength=community.n_grids)
        self.book = CaseBook(capacity=max(1024, n // 2))
        self.tally = Tally(self)
        self._setup_categories()
        self._setup_staff()
        self.overloaded = np.zeros(community.n_grids, dtype=bool)
        self.grid_debt = np.zeros(community.n_grids)  # hours borrowed from tomorrow
        self.rate_multiplier = np.ones(len(p.categories))
        self.emergency_active = False
        self.volunteer_boost = 1.0  # mobilisation raises it
        self.cadre_hours_factor = 1.0  # 战时: mobilisation raises it
        self.levers = build_levers(self)  # only the enabled ones
        self.hooks = {
            hook: [getattr(lv, hook) for lv in self.levers if hasattr(lv, hook)]
            for hook in ("detect", "intake", "meet", "route", "acceptance", "priority", "report")
        }
        for lv in self.levers:
            if hasattr(lv, "setup"):
                lv.setup()
        # the helpers at the grid desk, in the order of the retry chain
        by_name = {lv.name: lv for lv in self.levers if hasattr(lv, "name")}
        self.helpers = [
            (by_name[name], closer, getattr(self, f"cat_{flag}"), 1 << i)
            for i, (name, closer, flag) in enumerate(RETRY_CHAIN)
            if name in by_name
        ]
        self._space = None
        self.datacollector = DataCollector(model_reporters=DAILY_REPORTERS)

    # ------------------------------------------------------------ setup
    def _setup_categories(self):
        p = self.params
        cats = p.categories
        self.dept_index = {d.name: i for i, d in enumerate(p.departments)}
        self.cat_rate = np.array([c.rate / 1000 / 365 for c in cats])
        self.cat_severity = np.array([c.severity for c in cats])
        self.cat_grid_solvable = np.array([c.grid_solvable for c in cats])
        self.cat_collective = np.array([c.collective for c in cats])
        self.cat_counted = np.array([c.counted for c in cats])
        self.cat_service = np.array([c.service for c in cats])
        self.cat_volunteer = np.array([c.volunteer for c in cats])
        self.cat_dispute = np.array([c.dispute for c in cats])
        self.cat_deadline = np.array([c.deadline_days for c in cats])
        self.cat_grid_hours = np.array([c.grid_hours for c in cats])
        depts = p.departments
        self.dept_success = np.array([d.success for d in depts])
        self.dept_hours_per_case = np.array([d.hours_per_case for d in depts])
        self.dept_days = np.array([d.handling_days for d in depts])
        own = [[(self.dept_index[d], [self.dept_index[d]]) for d in c.departments] for c in cats]
        self.set_routes(own)  # each department does its own part

    def set_routes(self, routes: list[list[tuple[int, list[int]]]]) -> None:
        """Each category's route: ordered steps (unit, the departments whose parts it does).

        A department does its own part; the workstation does all its members' parts in
        one step. A step costs what its parts add up to and lasts as long as the slowest.
        """
        width = max(1, max(len(r) for r in routes)) + 1
        depth = max(1, max((len(parts) for r in routes for _, parts in r), default=1))
        self.route = np.full((len(routes), width), -1, dtype=np.int16)
        self.route_parts = np.full((len(routes), width, depth), -1, dtype=np.int16)
        for c, r in enumerate(routes):
            for k, (unit, parts) in enumerate(r):
                self.route[c, k] = unit
                self.route_parts[c, k, : len(parts)] = parts
        self.route_len = (self.route >= 0).sum(axis=1)
        has = self.route_parts >= 0
        at = np.maximum(self.route_parts, 0)
        self.step_hours = np.where(has, self.dept_hours_per_case[at], 0.0).sum(axis=2)
        self.step_days = np.where(has, self.dept_days[at], 0).max(axis=2)

    def _setup_staff(self):
        p = self.params
        gw = p.grid_workers
        self.street_office = StreetOffice(self)
        self.grid_workers = [
            GridWorker(self, g, gw.hours_per_day, gw.admin_hours)
            for g in range(self.community.n_grids)
            for _ in range(gw.per_grid)
        ]
        self.grid_hours = np.full(self.community.n_grids, gw.per_grid * gw.hours_per_day)
        self.grid_admin = np.full(self.community.n_grids, gw.per_grid * gw.admin_hours)
        self.departments = [Department(self, d, i) for i, d in enumerate(p.departments)]
        self.units = list(self.departments)  # the workstation may join
        scale = self.community.n / 10_000  # capacities are per 10,000 households
        self.unit_hours = np.array([d.hours_per_day * scale for d in p.departments])
        self.unit_acceptance = np.array([d.acceptance for d in p.departments])
        self.unit_premium = np.zeros(len(p.departments))  # a department alone: none
        self.unit_debt = np.zeros(len(p.departments))
        codes = {"fifo": 0, "counted_first": 1, "need_first": 2}
        self.unit_priority = np.array([codes[d.priority] for d in p.departments])
        m = p.levers.mediation
        self.governance_centre = GovernanceCentre(
            self, m.sessions_per_day * scale, m.hours_per_session
        )

    def add_unit(self, agent, hours, acceptance, premium) -> int:
        """Register a new handling unit (the workstation); returns its index."""
        self.units.append(agent)
        self.unit_hours = np.r_[self.unit_hours, hours]
        self.unit_acceptance = np.r_[self.unit_acceptance, acceptance]
        self.unit_premium = np.r_[self.unit_premium, premium]
        self.unit_debt = np.r_[self.unit_debt, 0.0]
        self.unit_priority = np.r_[self.unit_priority, 0]  # first come, first served
        return len(self.units) - 1

    @property
    def space(self):
        """The Mesa network with one Resident agent per household, built on first use."""
        if self._space is None:
            from mesa.discrete_space import Network

            self._space = Network(self.community.graph, layout=None, random=self.random)
            for i in range(self.community.n):
                Resident(self, i, self._space._cells[i])
        return self._space

    # ------------------------------------------------------------ helpers
    def rows(self, desk: Desk, state: State = State.QUEUED) -> np.ndarray:
        b, o = self.book, self._open
        return o[(b.state[o] == state) & (b.desk[o] == desk)]

    def latent_rows(self) -> np.ndarray:
        return self._open[self.book.state[self._open] == State.LATENT]

    def grid_sample(self, counts: np.ndarray, rng) -> np.ndarray:
        """`counts[g]` households drawn uniformly from each grid g (with replacement)."""
        g = np.repeat(np.arange(counts.size), counts)
        pick = (rng.random(g.size) * self._grid_count[g]).astype(np.int64)
        return self._grid_members[self._grid_start[g] + pick]

    def queue_order(self, rows: np.ndarray, need_first=False, counted_first=False) -> list:
        """Sort keys for np.lexsort, least significant first: first come, first served;
        then the neediest (need_first) or counted tasks (counted_first) — either a flag
        or one per row; campaigns (运动型治理) jump every queue."""
        b = self.book
        keys = [rows, b.taken_in[rows]]
        if np.any(need_first):
            keys.append(np.where(need_first, -b.severity[rows], 0.0))
        if np.any(counted_first):
            keys.append(np.where(counted_first, ~self.cat_counted[b.category[rows]], False))
        for hook in self.hooks["priority"]:
            keys.append(-hook(rows))
        return keys

    def take_in(self, rows: np.ndarray, channel: Channel) -> None:
        """A need is heard: voiced, detected, or surfaced by a conflict."""
        if rows.size == 0:
            return
        b = self.book
        b.state[rows] = State.QUEUED
        b.taken_in[rows] = self.day
        b.channel[rows] = channel
        b.due[rows] = self.day
        has_route = self.route_len[b.category[rows]] > 0
        to_street = (channel == Channel.CONFLICT) & has_route
        b.desk[rows] = np.where(to_street, Desk.STREET, Desk.GRID)
        self.tally.taken_in[channel] += rows.size
        for hook in self.hooks["intake"]:
            hook(rows[~to_street])

    def close(self, rows: np.ndarray, resolved: np.ndarray, closer: Closer) -> None:
        """Close cases with their true outcome; report, satisfaction and trust follow."""
        if rows.size == 0:
            return
        b, r = self.book, self.params.residents
        b.state[rows] = np.where(resolved, State.RESOLVED, State.CLOSED_UNRESOLVED)
        b.closed[rows] = self.day
        b.closer[rows] = closer
        b.reported_resolved[rows] = resolved
        for hook in self.hooks["report"]:
            hook(rows, resolved)
        cat = b.category[rows]
        late = (self.day - b.taken_in[rows]) > self.cat_deadline[cat]
        p_sat = np.where(
            resolved,
            r.satisfaction_resolved * np.where(late, r.satisfaction_late, 1.0),
            r.satisfaction_unresolved,
        )
        share = b.deliberated[rows]
        collective = self.cat_collective[cat]
        topdown = r.topdown_satisfaction
        p_sat = np.where(
            collective,
            p_sat * np.where(share >= 0, topdown + (1 - topdown) * share, topdown),
            p_sat,
        )
        sat = self.rngs["feedback"].random(rows.size) < p_sat
        b.satisfied[rows] = sat
        self.experience_all(rows, sat)
        t = self.tally
        t.resolved += int(resolved.sum())
        t.closed_unresolved += int((~resolved).sum())
        t.reported_resolved += int(b.reported_resolved[rows].sum())
        t.satisfied += int(sat.sum())

    def lose(self, rows: np.ndarray) -> None:
        """Dropped in a hand-off: nobody ever answers the resident."""
        if rows.size == 0:
            return
        self.book.state[rows] = State.LOST
        self.book.closed[rows] = self.day
        self.tally.lost += rows.size
        self.experience_all(rows, np.zeros(rows.size, dtype=bool))

    def experience_all(self, rows: np.ndarray, good: np.ndarray) -> None:
        """A case's outcome is lived by every household it touches (and told to their ties)."""
        case, who = self.book.affected(rows)
        self.experience(who, good[case])

    def experience(self, residents: np.ndarray, good: np.ndarray) -> None:
        """A resident's own outcome pulls their trust and is told to their ties."""
        tr = self.residents.trust
        lr = self.params.residents.trust_learning
        target = good.astype(np.float64)
        np.add.at(tr, residents, lr * (target - tr[residents]))
        np.clip(tr, 0.0, 1.0, out=tr)
        np.add.at(self.residents.signal, residents, np.where(good, 1.0, -1.0))

    def success(self, rows: np.ndarray, parts: np.ndarray, rng, premium=0.0) -> np.ndarray:
        """Draw true success of one handling of each case (sim/difficulty.py).

        `parts` holds the typical success of each part the handling covers (rows ×
        parts, 1.0 where none); the case's difficulty conditions every part; a joint
        body's `premium` averts a share of joint failures; deliberated collective
        cases do better on every part (协商).
        """
        share = self.book.deliberated[rows]
        gain = (
            self.params.levers.deliberation.success_gain
            if self.params.levers.deliberation.enabled
            else 0.0
        )
        parts = np.minimum(1.0, parts * (1 + gain * np.clip(share, 0, 1))[:, None])
        z = self.book.difficulty[rows].astype(np.float64)
        p = joint_chance(parts, z, self.params.difficulty.weight, premium)
        return rng.random(rows.size) < p

    # ------------------------------------------------------------ the day
    def step(self) -> None:
        self.day = self.steps
        self.tally.new_day()
        self.needs_arise()
        self._open = self.book.open_rows()
        self.residents_voice()
        for hook in self.hooks["detect"]:  # probes, home visits, online groups
            hook()
        self.grid_workers_patrol()
        for hook in self.hooks["meet"]:  # deliberation meetings
            hook()
        self.helpers_settle()  # social forces, volunteers, cadres: the retry chain
        self.grid_workers_settle()
        self.street_office_routes()
        self.departments_handle()
        self.handling_finishes()
        self.trust_spreads()
        self.residents_volunteer()
        self.datacollector.collect(self)

    def needs_arise(self) -> None:
        """诉求产生: each category arises at its rate (times any shock multiplier)."""
        rng = self.rngs["arise"]
        lam = self.cat_rate * self.rate_multiplier * self.community.n
        k = rng.poisson(lam)
        cats = np.repeat(np.arange(lam.size, dtype=np.int16), k)
        res = rng.integers(0, self.community.n, cats.size)
        sev = np.clip(self.cat_severity[cats] * rng.uniform(0.5, 1.5, cats.size), 0.0, 1.0)
        difficulty = rng.standard_normal(cats.size)
        adj = self.community.adjacency
        dispute = self.cat_dispute[cats] & (adj.nnz > 0)
        other = np.full(cats.size, -1, dtype=np.int64)
        if dispute.any():  # 邻里纠纷: between two tied households, drawn tie by tie
            res[dispute], other[dispute] = ties.random_ties(adj, rng.random(int(dispute.sum())))
        self.add_needs(res, cats, sev, difficulty, other)

    def add_needs(self, res, cats, sev, difficulty, other) -> np.ndarray:
        """Record new latent needs; a collective one touches the household's ties in its grid,
        a dispute the other party (`other`, -1: none). Returns their rows."""
        grid = self.community.grid
        collective = np.flatnonzero(self.cat_collective[cats])
        owner, nbr = ties.ends(self.community.adjacency, res[collective])
        keep = grid[nbr] == grid[res[collective][owner]]
        owner, nbr = collective[owner[keep]], nbr[keep]
        has_other = np.flatnonzero(other >= 0)
        owner = np.r_[owner, has_other]
        order = np.argsort(owner, kind="stable")
        counts = np.bincount(owner, minlength=cats.size)
        flat = np.r_[nbr, other[has_other]][order]
        rows = self.book.add(res, grid[res], cats, sev, difficulty, self.day, (counts, flat))
        self.tally.arisen += cats.size
        return np.arange(rows.start, rows.stop)

    def voice_probability(self, rows: np.ndarray, households: np.ndarray) -> np.ndarray:
        """Open channels, trust and severity make a resident speak up (民意表达)."""
        trust = self.residents.trust[households]
        v = self.params.residents.voice * (0.3 + 0.7 * trust) * (0.5 + self.book.severity[rows])
        return np.clip(v, 0.0, 1.0)

    def speak_up(self, rows: np.ndarray, factor: float, rng) -> np.ndarray:
        """Which cases someone raises today: each affected household may; several reports of
        one need are merged into its case (as hotlines merge work orders)."""
        case, who = self.book.affected(rows)
        said = rng.random(who.size) < factor * self.voice_probability(rows[case], who)
        reports = np.bincount(case, weights=said, minlength=rows.size).astype(np.int64)
        raised = reports > 0
        self.book.reports[rows[raised]] = reports[raised]
        self.tally.duplicate_reports += int(reports[raised].sum() - raised.sum())
        return raised

    def residents_voice(self) -> None:
        """New needs are voiced or stay silent; silent ones grow and may become conflicts."""
        b, rp, rng = self.book, self.params.residents, self.rngs["voice"]
        latent = self.latent_rows()
        old = latent[b.arisen[latent] < self.day]
        if old.size:
            b.severity[old] = np.minimum(1.0, b.severity[old] + rp.severity_growth)
            p_conflict = rp.conflict_rate * b.severity[old] ** 2
            conflict = old[rng.random(old.size) < p_conflict]
            rest = old[~np.isin(old, conflict)]
            revoiced = rest[self.speak_up(rest, rp.revoice, rng)]
            if conflict.size:  # 矛盾激化
                b.severity[conflict] = 1.0
                self.tally.conflicts += conflict.size
                self.experience_all(conflict, np.zeros(conflict.size, dtype=bool))
                self.conflict_spreads(conflict)
                self.take_in(conflict, Channel.CONFLICT)
            self.take_in(revoiced, Channel.VOICED)
        latent = self.latent_rows()
        new = latent[b.arisen[latent] == self.day]
        voiced = self.speak_up(new, 1.0, rng)
        self.tally.silent += int((~voiced).sum())
        self.take_in(new[voiced], Channel.VOICED)

    def conflict_spreads(self, rows: np.ndarray) -> None:
        """矛盾激化 spreads: each tie of a party to an escalated dispute is drawn into a
        dispute of its own with that party, with chance `residents.conflict_spread`."""
        b, rp = self.book, self.params.residents
        rows = rows[self.cat_dispute[b.category[rows]]]
        if rows.size == 0 or rp.conflict_spread == 0:
            return
        res = b.resident[rows].astype(np.int64)
        both = b.others_n[rows] > 0
        oth = np.where(both, b.others[np.where(both, b.others_start[rows], 0)], -1)
        case = np.r_[np.arange(rows.size), np.flatnonzero(both)]
        party, partner = np.r_[res, oth[both]], np.r_[oth, res[both]]
        owner, tie = ties.ends(self.community.adjacency, party)
        keep = tie != partner[owner]  # not the other party of the same dispute
        owner, tie = owner[keep], tie[keep]
        rng = self.rngs["conflict"]
        drawn = rng.random(tie.size) < rp.conflict_spread
        owner, tie = owner[drawn], tie[drawn]
        if tie.size == 0:
            return
        cats = b.category[rows][case[owner]]
        sev = np.clip(self.cat_severity[cats] * rng.uniform(0.5, 1.5, cats.size), 0.0, 1.0)
        new = self.add_needs(tie, cats, sev, rng.standard_normal(cats.size), party[owner])
        self.tally.spread += new.size
        self._open = np.r_[self._open, new]

    def grid_workers_patrol(self) -> None:
        """网格员 patrol: find unvoiced needs; an overloaded worker finds fewer."""
        gw = self.params.grid_workers
        if gw.per_grid == 0:
            return
        rows = self.latent_rows()
        g = self.book.grid[rows]
        p = gw.detection * np.where(self.overloaded[g], gw.overload_detection, 1.0)
        p = 1 - (1 - p) ** gw.per_grid
        found = self.rngs["patrol"].random(rows.size) < p
        self.take_in(rows[found], Channel.PATROL)

    def helpers_settle(self) -> None:
        """Helpers try simple cases at the grid desk before the grid worker.

        They go in the order of the retry chain (`sim/levers/__init__.py`
        `RETRY_CHAIN`); each tries a case once, and one it fails passes to the next,
        then to the grid worker: the same difficulty makes it hard for all of them.
        """
        b = self.book
        for lever, closer, takes, bit in self.helpers:
            rows = self.rows(Desk.GRID)
            cat = b.category[rows]
            rows = rows[
                takes[cat]
                & self.cat_grid_solvable[cat]
                & ~b.failed_part[rows]
                & (b.tried[rows] == 0)
            ]
            group = lever.group_of_grid[b.grid[rows]]
            cost = self.cat_grid_hours[b.category[rows]]
            served, used = take_by_capacity(group, cost, self.queue_order(rows), lever.hours())
            done = rows[served]
            good = self.success(done, np.full((done.size, 1), lever.success), lever.rng)
            self.close(done[good], np.ones(int(good.sum()), dtype=bool), closer)
            b.tried[done[~good]] |= bit
            if lever.actor is not None:
                self.tally.hours[lever.actor] += float(used.sum())

    def grid_workers_settle(self) -> None:
        """网格员 settle what they can and escalate the rest to the street office.

        Counted tasks (易于量化的任务) come first under `counted_first`; under
        `need_first` the neediest cases do, and counted tasks take what is left.
        """
        gw, b = self.params.grid_workers, self.book
        rows = self.rows(Desk.GRID)
        cat = b.category[rows]
        solvable = self.cat_grid_solvable[cat] & ~b.failed_part[rows]
        cost = np.where(solvable, self.cat_grid_hours[cat], gw.triage_hours)
        need_first = gw.priority == "need_first"
        order = self.queue_order(rows, need_first=need_first, counted_first=not need_first)
        available = self.grid_hours - self.grid_debt - (0 if need_first else self.grid_admin)
        served, used = take_by_capacity(b.grid[rows], cost, order, np.maximum(available, 0))
        self.grid_debt = np.maximum(0.0, used - available)  # overruns and meetings carry over
        demand = np.bincount(b.grid[rows], weights=cost, minlength=self.grid_hours.size)
        self.overloaded = demand + self.grid_admin > self.grid_hours + 1e-9
        admin_done = (
            self.grid_admin if not need_first else np.clip(available - used, 0, self.grid_admin)
        )
        self.tally.hours["grid_worker"] += float(used.sum() + admin_done.sum())
        self.tally.overload_today = int(self.overloaded.sum())
        self.tally.overload_days += self.tally.overload_today
        self.tally.overload_by_grid += self.overloaded
        done = rows[served]
        settle = done[solvable[served]]
        ok = self.success(settle, np.full((settle.size, 1), gw.success), self.rngs["grid_work"])
        self.close(settle[ok], np.ones(int(ok.sum()), dtype=bool), Closer.GRID_WORKER)
        failed = settle[~ok]
        b.failed_part[failed] = True
        self.escalate(np.r_[done[~solvable[served]], failed])

    def escalate(self, rows: np.ndarray) -> None:
        """To the street office; a case no department can take is closed unresolved."""
        b = self.book
        has_route = self.route_len[b.category[rows]] > b.route_pos[rows]
        self.close(
            rows[~has_route], np.zeros(int((~has_route).sum()), dtype=bool), Closer.GRID_WORKER
        )
        up = rows[has_route]
        b.desk[up] = Desk.STREET
        b.due[up] = self.day
        b.failed_part[up] = False

    def street_office_routes(self) -> None:
        """街道 forwards each case to the next unit on its route (条块分割: the silo).

        Levers may claim cases first (1+N mediation, whistle). In the silo a
        department may refuse (推诿, a bounce) and each hand-off may drop the case.
        """
        b, so = self.book, self.params.street_office
        rows = self.rows(Desk.STREET)
        rows = rows[b.due[rows] <= self.day]
        if rows.size == 0:
            return
        u = self.rngs["routing"].random((rows.size, 2))
        claimed = np.zeros(rows.size, dtype=bool)
        for hook in self.hooks["route"]:
            claimed |= hook(rows, u, claimed)
        rows, u = rows[~claimed], u[~claimed]
        unit = self.route[b.category[rows], b.route_pos[rows]]
        b.handoffs[rows] += 1
        lost = u[:, 0] < so.info_loss
        self.lose(rows[lost])
        rows, u, unit = rows[~lost], u[~lost], unit[~lost]
        p = self.unit_acceptance[unit]
        for hook in self.hooks["acceptance"]:
            p = hook(rows, unit, p)
        accept = u[:, 1] < p
        np.add.at(self.tally.forwarded, (b.grid[rows], unit), 1)
        np.add.at(self.tally.accepted, (b.grid[rows], unit), accept)
        acc = rows[accept]
        b.desk[acc] = Desk.UNIT
        b.unit[acc] = unit[accept]
        self.bounce(rows[~accept])

    def bounce(self, rows: np.ndarray) -> None:
        """推诿: refused, the case waits at the street desk; too many bounces and it is closed."""
        b, so = self.book, self.params.street_office
        b.bounces[rows] += 1
        self.tally.bounces += rows.size
        give_up = b.bounces[rows] > so.max_bounces
        self.close(rows[give_up], np.zeros(int(give_up.sum()), dtype=bool), Closer.STREET_OFFICE)
        b.due[rows[~give_up]] = self.day + so.forward_days

    def hand_off_joint(self, rows, u: np.ndarray, kind: Joint, acceptance: float) -> None:
        """One hand-off to a joint session (whistle or 1+N): it may drop the case, and the
        session takes it with the lever's named `acceptance` (else a bounce)."""
        b = self.book
        b.handoffs[rows] += 1
        lost = u[:, 0] < self.params.street_office.info_loss
        self.lose(rows[lost])
        kept, u = rows[~lost], u[~lost]
        taken = u[:, 1] < acceptance
        self.bounce(kept[~taken])
        kept = kept[taken]
        b.joint[kept] = kind
        b.desk[kept] = Desk.JOINT

    def departments_handle(self) -> None:
        """职能部门 take cases from their queues while they have hours; joint work comes first.

        Hours a unit overruns today are borrowed from tomorrow.
        """
        b = self.book
        self.hours_left = self.unit_hours - self.unit_debt
        start_left = self.hours_left.copy()
        c = self.governance_centre  # a small street has < 1 session a day: it accrues
        c.budget = min(max(1.0, c.sessions_per_day), c.budget + c.sessions_per_day)
        joint = self.rows(Desk.JOINT)
        if joint.size:
            self.handle_joint(joint[np.lexsort(self.queue_order(joint))])
        rows = self.rows(Desk.UNIT)
        unit = b.unit[rows].astype(np.int64)
        cat, pos = b.category[rows], b.route_pos[rows]
        own = self.unit_priority[unit]  # each department's own priorities (条)
        order = self.queue_order(rows, need_first=own == 2, counted_first=own == 1)
        served, used = take_by_capacity(
            unit, self.step_hours[cat, pos], order, np.maximum(self.hours_left, 0)
        )
        self.hours_left -= used
        self.unit_debt = np.maximum(0.0, -self.hours_left)
        self.tally.unit_hours_used[: len(self.units)] += start_left - self.hours_left
        self.tally.hours["department"] += float(used.sum())
        start = rows[served]
        b.state[start] = State.IN_HANDLING
        b.due[start] = self.day + self.step_days[cat[served], pos[served]]

    def handle_joint(self, rows: np.ndarray) -> None:
        """Joint sessions (whistle, 1+N): every unit on the route at once, time of the slowest.

        A unit books a session ahead, borrowing from coming days, as long as it is free
        within the horizon (the whistle's deadline: 报到; the centre's booking window).
        The session starts when the last unit is free. Few cases a day: a plain loop.
        """
        b = self.book
        left = self.hours_left.tolist()
        daily = self.unit_hours.tolist()
        step_hours = self.step_hours.tolist()
        step_days = self.step_days.tolist()
        centre = self.governance_centre
        sessions = centre.budget
        lv = self.params.levers
        horizon = {Joint.WHISTLE: lv.whistle.deadline_days, Joint.MEDIATION: lv.mediation.wait_days}
        routes = self.route.tolist()
        for r, cat, pos, kind in zip(
            rows.tolist(),
            b.category[rows].tolist(),
            b.route_pos[rows].tolist(),
            b.joint[rows].tolist(),
            strict=True,
        ):
            steps = [k for k in range(pos, len(routes[cat])) if routes[cat][k] >= 0]
            units = [routes[cat][k] for k in steps]
            mediated = kind == Joint.MEDIATION
            if mediated and sessions < 1:
                continue
            # days until each unit has hours again (0: it has some today)
            wait = [
                0.0 if left[u] > 1e-9 else -left[u] / daily[u] if daily[u] > 0 else 1e9
                for u in units
            ]
            if max(wait) >= horizon[kind]:
                continue
            for k, u in zip(steps, units, strict=True):
                left[u] -= step_hours[cat][k]
                self.tally.hours["department"] += step_hours[cat][k]
            days = max(step_days[cat][k] for k in steps)
            if mediated:
                sessions -= 1
                centre.sessions += 1
                self.tally.hours["governance_centre"] += centre.hours_per_session
            else:
                days = min(days, lv.whistle.deadline_days)
            b.state[r] = State.IN_HANDLING
            b.due[r] = self.day + int(np.ceil(max(wait))) + days
        centre.budget = sessions
        self.hours_left = np.array(left)

    def handling_finishes(self) -> None:
        """Handling that ends today: the part succeeds or not; the case moves on or closes."""
        b = self.book
        o = self._open
        rows = o[(b.state[o] == State.IN_HANDLING) & (b.due[o] <= self.day)]
        if rows.size == 0:
            return
        cat, pos = b.category[rows], b.route_pos[rows]
        joint = b.joint[rows]
        unit = self.route[cat, pos]
        # the parts this handling covers: its step, or every step left for a joint session
        steps = np.arange(self.route.shape[1])
        covered = np.where(joint[:, None] > 0, steps >= pos[:, None], steps == pos[:, None])
        parts = np.where(covered[:, :, None], self.route_parts[cat], -1).reshape(rows.size, -1)
        p = np.where(parts >= 0, self.dept_success[np.maximum(parts, 0)], 1.0)
        lv = self.params.levers
        premium = np.select(
            [joint == Joint.WHISTLE, joint == Joint.MEDIATION],
            [lv.whistle.coordination, lv.mediation.coordination],
            self.unit_premium[np.maximum(unit, 0)],
        )
        ok = self.success(rows, p, self.rngs["departments"], premium)
        b.failed_part[rows] |= ~ok
        b.route_pos[rows] = np.where(joint > 0, self.route_len[cat], b.route_pos[rows] + 1)
        done = b.route_pos[rows] >= self.route_len[cat]
        finished = rows[done]
        closer = np.where(
            b.joint[finished] == Joint.MEDIATION,
            Closer.MEDIATION,
            np.where(b.joint[finished] == Joint.WHISTLE, Closer.WHISTLE, Closer.DEPARTMENT),
        )
        ws = getattr(self, "workstation_unit", -1)
        closer = np.where((b.joint[finished] == 0) & (unit[done] == ws), Closer.WORKSTATION, closer)
        for c in np.unique(closer):
            sel = finished[closer == c]
            self.close(sel, ~b.failed_part[sel], Closer(c))
        onward = rows[~done]  # the next department, through the street office again
        b.state[onward] = State.QUEUED
        b.desk[onward] = Desk.STREET
        b.due[onward] = self.day + self.params.street_office.forward_days

    def trust_spreads(self) -> None:
        """Word of mouth: today's experiences move neighbours' trust along graph ties."""
        res = self.residents
        if res.signal.any():
            s = self._neighbour_mean @ res.signal
            wom = self.params.residents.word_of_mouth
            res.trust += wom * np.where(s > 0, s * (1 - res.trust), s * res.trust)
            np.clip(res.trust, 0.0, 1.0, out=res.trust)
            res.signal[:] = 0.0

    def residents_volunteer(self) -> None:
        """Volunteering is contagious: a resident joins more readily when its ties volunteer.

        The chance is rate x boost x trust x (1 + contagion x share of ties volunteering),
        drawn by thinning: candidates at the highest chance, each kept in proportion.
        """
        res, rp = self.residents, self.params.residents
        rate = rp.volunteer_rate * self.volunteer_boost
        top = 1.0 + rp.volunteer_contagion
        rng = self.rngs["residents"]
        k = rng.binomial(self.community.n, min(1.0, rate * top))
        cand = rng.integers(0, self.community.n, k)
        pull = 1.0 + rp.volunteer_contagion * ties.share_tied(
            self.community.adjacency, cand, res.volunteer
        )
        joined = cand[rng.random(k) < res.trust[cand] * pull / top]
        # volunteers drift away; registered party members (双报到) stay
        active = np.flatnonzero(res.volunteer & ~res.party_member)
        res.volunteer[active[rng.random(active.size) < rp.volunteer_dropout]] = False
        res.volunteer[joined] = True
        res.participated[joined] = True

    # ------------------------------------------------------------ running
    def run(self, days: int | None = None) -> None:
        for _ in range(days if days is not None else self.params.days):
            self.step()
