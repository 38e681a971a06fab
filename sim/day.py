"""One day in six compiled phases, in the article's order.

`CoGovModel.step` calls them one after another:

    needs_arise → residents_voice → needs_are_found → the_grid_settles
    → the_street_routes_and_departments_handle → residents_respond

Each phase runs the model's own stages (`sim/stages.py`) and the levers that are
switched on (`sim/levers/`), reading their switches and state from `L`, a
small named tuple built once per model. A lever that is off is never called,
so it draws nothing and changes nothing. Six calls a day instead of ~20 keep
the cost of entering compiled code (a few µs a call) small against the work.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numba as nb
import numpy as np

from sim import core, stages
from sim.cases import Channel
from sim.levers import MODULES as LEVER_MODULES
from sim.levers import (
    cadres,
    campaign,
    deliberation,
    emergency,
    mediation,
    mobilisation,
    paper_resolution,
    persuasion,
    social_forces,
    whistle,
    workstation,
)
from sim.params import COMPILED_LEVERS

# Lever codes: the index of each lever's start day, ramp and strength today in `Levers`,
# in the order of the scenario file's `levers:` (the built-in ones; yours act in Python).
Lever = IntEnum(
    "Lever", [(name.upper(), k) for k, name in enumerate(COMPILED_LEVERS)], module=__name__
)

# The compiled records, named end to end: a setting is the field `<section>_<key>`
# (`residents.voice`: `residents_voice`, `levers.cadres.probe`: `cadres_probe`).
# What a lever module may declare (each its own; `sim.actors.LeverObject`): its settings
# the kernels read (`KNOBS`, `SHARED`), their neutral values while it is off (`OFF`), and
# its class (`LEVER`), joint body (`JOINT`), retry-chain helper (`HELPER`), fixed settings
# and the fields of `L.on` it sets while off (`VIEW_OFF`), the arrays its `view` gives
# (`ARRAYS`) and whether it sets the street's routes (`SETS_ROUTES`).
LEVER_INTERFACE = (
    "LEVER", "KNOBS", "SHARED", "OFF", "JOINT", "HELPER", "BUILT_AROUND", "REBUILT_WITH",
    "VIEW_OFF", "ARRAYS", "SETS_ROUTES",
)  # fmt: skip


def lever_settings(kind: str) -> list[tuple[str, tuple[str, ...]]]:
    """(`levers.<name>`, keys) of the levers whose module declares `kind`: KNOBS (read by
    its own kernels, in `LEVERS`) or SHARED (read by the shared rules, in `PARAMS`)."""
    return [(f"levers.{n}", getattr(m, kind)) for n, m in LEVER_MODULES.items() if hasattr(m, kind)]


def _fields(sections) -> list[tuple[str, type]]:
    return [f for section, keys in sections for f in core.setting_fields(section, keys)]


# The scalars the shared rules read (`X.params[0]`).
PARAMS = np.dtype(
    core.DERIVED
    + _fields(core.SETTINGS.items())
    + _fields(lever_settings("SHARED"))
    + core.DAY_STATE
)
# The levers' switches (`<lever>`: enabled), the knobs their kernels read, and the state
# they keep from day to day (`L.on[0]`).
LEVERS = np.dtype(
    [(name, np.bool_) for name in COMPILED_LEVERS]
    + _fields(lever_settings("KNOBS"))
    + [
        ("emergency", np.bool_),  # 战时: the shock window is open today
        ("centre_sessions_per_day", np.float64),  # mediation's sessions, for this street's size
        ("centre_budget", np.float64),  # sessions the centre can still convene
        ("sessions", np.int64),  # sessions held so far
        ("whistles", np.int64),  # whistles blown so far
        ("emergency_start", np.int64),  # 战时 window [start, end); empty when off
        ("emergency_end", np.int64),
        ("campaign_category", np.int64),  # 运动型治理 window [start, end); -1 when off
        ("campaign_start", np.int64),
        ("campaign_end", np.int64),
        ("room_per_case", np.int64),  # most households one new need can touch
    ]
)


class Levers(NamedTuple):
    """The levers as the phases see them: the reform timing of each, the retry chain,
    and from `members` on the arrays the levers' objects give (their `view`; empty while
    a lever is off, `NO_ARRAYS`)."""

    on: np.ndarray  # one LEVERS record
    enabled: np.ndarray  # bool per lever (COMPILED_LEVERS order)
    start: np.ndarray  # its start_day (reform timing)
    ramp: np.ndarray  # its ramp_days
    end: np.ndarray  # from this day its strength is 0 again (`CoGovModel.reform` off); NEVER
    strength: np.ndarray  # today's strength: 0 before start_day, rising to 1 over the ramp
    members: np.ndarray  # workstation: its member departments
    organ_cost: np.ndarray  # cadres: hours a day each unit gives up at full strength
    chain: np.ndarray  # core.HELPER_ROW records, in the order they try
    takes: np.ndarray  # [helper, category]: which cases it may take
    member: np.ndarray  # mobilisation: in the grid's online group
    hears: np.ndarray  # mobilisation: a member, or tied to one
    volunteers: np.ndarray  # per grid: how many volunteer (kept as they join and leave)
    cadre_hours: np.ndarray  # per grid: paired cadres' hours on a normal day
    bridge: np.ndarray  # [grid, unit]: a cadre from that unit is paired with the grid
    visited: np.ndarray  # scratch per household
    eligible: np.ndarray  # mediation: per category
    community_of_grid: np.ndarray  # social forces serve a community
    social_hours: np.ndarray  # per community
    daily: np.ndarray  # [day, DAILY]: the reporters


# The levers' arrays while they are off: empty, of the (dtype, dimensions) each lever's
# module declares (`ARRAYS`).
NO_ARRAYS = {
    f: spec for m in LEVER_MODULES.values() for f, spec in getattr(m, "ARRAYS", {}).items()
}


# The phases of the day, in order (`CoGovModel.step`); your actors act after one of them.
PHASES = (
    "begin_day", "needs_arise", "residents_voice", "needs_are_found", "the_grid_settles",
    "the_street_routes_and_departments_handle", "residents_respond",
)  # fmt: skip

NEVER = 1 << 62  # the end of a lever nobody has switched off


@nb.njit(cache=True)
def strength(L, lever, day):
    """A reform's strength on a day: 0 before its start_day, then rising linearly to 1
    over its ramp_days (1 at once without a ramp); 0 again from its end (switched off
    while running, `CoGovModel.reform`)."""
    if not L.enabled[lever] or day < L.start[lever] or day >= L.end[lever]:
        return 0.0
    if L.ramp[lever] <= 0:
        return 1.0
    return min(1.0, (day - L.start[lever] + 1) / L.ramp[lever])


@nb.njit(cache=True)
def formed(L, lever, day):
    """Whether a reform has started, even if switched off since: the work it took on
    (sessions booked, meetings called, cases on the workstation's routes) still finishes.
    Before an end is set, the same as a strength above 0."""
    return L.enabled[lever] and day >= L.start[lever]


@nb.njit(cache=True)
def begin_day(X, L, day):
    """The day's reforms and windows: each lever's strength today (reform timing), the
    workstation forming, cadres' hours taken from their organs, the party members'
    first day, an emergency (平时 / 战时) and a campaign (运动型治理)."""
    before = L.strength.copy()
    for k in range(L.strength.size):
        L.strength[k] = strength(L, k, day)
    s = L.strength
    if L.enabled[Lever.WORKSTATION]:
        ws = X.params[0].workstation_unit
        workstation.apply(
            X, L.members, ws, s[Lever.WORKSTATION] > 0, formed(L, Lever.WORKSTATION, day)
        )
    if L.enabled[Lever.CADRES]:
        cadres.apply(X, L, s[Lever.CADRES])
    if (
        L.enabled[Lever.MOBILISATION]
        and before[Lever.MOBILISATION] == 0.0
        and s[Lever.MOBILISATION] > 0.0
    ):
        mobilisation.start(X, L)
    deliberation.apply(X, s[Lever.DELIBERATION])
    paper_resolution.apply(X, L.on[0].paper_resolution_rate, s[Lever.PAPER_RESOLUTION])
    persuasion.apply(X, L.on[0].persuasion_rate, s[Lever.PERSUASION])
    emergency.apply(X, L, day)
    campaign.apply(X, L, day, s[Lever.CAMPAIGN])


@nb.njit(cache=True)
def one_day(X, L, day, open_rows, pending):
    """A whole day (as `CoGovModel.step`, in one call): the open cases after it, and the
    disputes that spread into tomorrow."""
    open_rows, pending = day_until_departments(X, L, day, open_rows, pending)
    return day_from_departments(X, L, day, open_rows), pending


@nb.njit(cache=True)
def day_until_departments(X, L, day, open_rows, pending):
    """The day up to the departments' handling. A city's streets stop here each day to
    share their district's departments (区级部门, `sim/district.py`)."""
    begin_day(X, L, day)
    open_rows = needs_arise(X, L, day, open_rows, pending)
    pending = residents_voice(X, L, day, open_rows)
    needs_are_found(X, L, day, open_rows)
    the_grid_settles(X, L, day, open_rows)
    the_street_routes(X, L, day, open_rows)
    return open_rows, pending


@nb.njit(cache=True)
def day_from_departments(X, L, day, open_rows):
    """The rest of the day: departments handle, residents respond. The open cases after it."""
    departments_work(X, L, day, open_rows)
    return residents_respond(X, L, day, open_rows)


@nb.njit(cache=True)
def room_for_a_day(X, L, pending):
    """Whether the case book has room for one more day (arrivals far into the Poisson tail,
    at today's multipliers, and the spread disputes waiting)."""
    lam = 0.0
    for c in range(X.cats.size):
        cat = X.cats[c]
        shock = cat.shock if L.on[0].emergency_start < L.on[0].emergency_end else 1.0
        lam += cat.rate * max(cat.multiplier, shock) * X.params[0].households
    cases = int(lam + 12.0 * np.sqrt(lam) + 64.0) + pending[0].size
    others = cases * L.on[0].room_per_case
    return X.sizes[0] + cases <= X.book.size and X.sizes[1] + others <= X.others.size


@nb.njit(cache=True)
def run_days(X, L, first, last, open_rows, pending):
    """Days first..last in one compiled loop, as many as the case book has room for.
    Returns the last day run, the open cases and the spread disputes waiting."""
    day = first - 1
    while day < last and room_for_a_day(X, L, pending):
        day += 1
        open_rows, pending = one_day(X, L, day, open_rows, pending)
    return day, open_rows, pending


@nb.njit(cache=True)
def needs_arise(X, L, day, open_rows, pending):
    """诉求产生: new needs of every category, and yesterday's spread disputes."""
    res, cats, sev, diff, other = stages.arrivals(X)
    new = stages.append_needs(X, day, res, cats, sev, diff, other)
    p_res, p_cats, p_sev, p_diff, p_other = pending
    spread = stages.append_needs(X, day, p_res, p_cats, p_sev, p_diff, p_other)
    X.tally[core.T_SPREAD] += spread.size
    for r in spread:
        X.book[r].spread = True
    return np.concatenate((open_rows, new, spread))


@nb.njit(cache=True)
def residents_voice(X, L, day, open_rows):
    """民意表达: new needs are voiced or stay silent; silent ones fester and may escalate
    (矛盾激化), drawing the parties' ties into disputes that arise tomorrow."""
    disputes = stages.voice_old(X, day, open_rows)
    stages.voice_new(X, day, open_rows)
    return stages.spreads(X, disputes)


@nb.njit(cache=True)
def needs_are_found(X, L, day, open_rows):
    """Online groups (线上组群), cadres as probes and on home visits (探头, 入户), and grid
    workers on patrol (巡查) find needs nobody voiced."""
    s = L.strength
    if s[Lever.MOBILISATION] > 0.0:
        mobilisation.detect(X, L, day, open_rows, s[Lever.MOBILISATION])
    if s[Lever.CADRES] > 0.0:
        cadres.detect(X, L, day, open_rows, s[Lever.CADRES])
    if X.params[0].grid_workers_per_grid > 0:
        stages.patrol(X, day, open_rows)


@nb.njit(cache=True)
def the_grid_settles(X, L, day, open_rows):
    """协商 meetings are held; helpers try simple cases (the retry chain); grid workers
    settle what they can and escalate the rest."""
    if formed(L, Lever.DELIBERATION, day):  # meetings already called are held
        deliberation.meet(X, L, day, open_rows)
    for i in range(L.chain.size):
        helper = L.chain[i]
        group, hours = helper_hours(X, L, helper.kind)
        if not hours.any():  # not started yet (reform timing), or nobody to send
            continue
        used = stages.settle_simple(
            X, helper.stream, day, open_rows, L.takes[i], group, hours, helper.success,
            helper.closer, helper.bit,
        )  # fmt: skip
        if helper.hours >= 0:
            X.hours[helper.hours] += used.sum()
    X.hours[core.H_GRID] += stages.grid_workers_settle(X, day, open_rows)


@nb.njit(cache=True)
def helper_hours(X, L, kind):
    """A helper's hours today and the group of grids they serve (per grid or community):
    none before its lever starts, and as much as the reform has reached while it ramps."""
    s = L.strength
    if kind == core.Helper.VOLUNTEERS:
        teams = L.on[0].mobilisation_volunteer_hours * L.volunteers * (s[Lever.MOBILISATION] > 0)
        return np.arange(X.grids.size), teams
    if kind == core.Helper.SOCIAL_FORCES:
        return L.community_of_grid, social_forces.today_hours(
            L.social_hours, s[Lever.SOCIAL_FORCES]
        )
    return np.arange(X.grids.size), cadres.today_hours(L, s[Lever.CADRES]) * L.on[
        0
    ].cadres_case_share


@nb.njit(cache=True)
def the_street_routes_and_departments_handle(X, L, day, open_rows):
    """Cases that waited too long go up or are answered (every case ends); 街道 routes
    what the grid escalated: 1+N mediation and the whistle claim cases first;
    the rest go into the silo (条块分割), where the cadres' bridge raises acceptance.
    Departments (条) handle joint sessions first, then their own queues; handling that
    ends today succeeds or not."""
    the_street_routes(X, L, day, open_rows)
    departments_work(X, L, day, open_rows)


@nb.njit(cache=True)
def the_street_routes(X, L, day, open_rows):
    """街道 routes: overdue cases go up or are answered, joint bodies claim theirs, the
    rest are forwarded into the silo; the centre's sessions accrue."""
    on, s = L.on[0], L.strength
    if X.params[0].horizons_on:
        stages.horizons(X, day, open_rows)
    rows, u = stages.street_due(X, day, open_rows)
    claimed = np.zeros(rows.size, dtype=np.bool_)
    if s[Lever.MEDIATION] > 0.0:
        mediation.route(X, L, day, rows, u, claimed, s[Lever.MEDIATION])
    if s[Lever.WHISTLE] > 0.0:
        on.whistles += whistle.route(X, L, day, rows, u, claimed, s[Lever.WHISTLE])
    unit, p = stages.silo_acceptance(X, rows)
    if s[Lever.CADRES] > 0.0:
        cadres.bridge(X, L, rows, unit, p)
    stages.silo_forward(X, day, rows, u, claimed, unit, p)
    if formed(L, Lever.MEDIATION, day):  # the centre's sessions accrue (a small street: < 1 a day)
        spd = on.centre_sessions_per_day
        on.centre_budget = min(max(1.0, spd), on.centre_budget + spd)


@nb.njit(cache=True)
def departments_work(X, L, day, open_rows):
    """职能部门 (条) handle joint sessions, then their queues; handling due today ends."""
    on = L.on[0]
    held, on.centre_budget = core.departments_handle(
        X, day, open_rows, on.centre_budget, on.mediation_hours_per_session
    )
    on.sessions += held
    core.handling_finishes(X, day, open_rows)


@nb.njit(cache=True)
def residents_respond(X, L, day, open_rows):
    """Word of mouth moves trust along ties; residents volunteer; the day's books close.
    Returns the cases still open."""
    stages.trust_spreads(X)
    boost = (
        1.0 + (L.on[0].mobilisation_recruit - 1.0) * L.strength[Lever.MOBILISATION]
    )  # 1 before it starts
    stages.residents_volunteer(X, boost, L.volunteers)
    open_rows = core.end_of_day(X, open_rows)
    record(X, L, day)
    return open_rows


# The daily row (`Levers.daily[day]`): one column per name, written by `record` and
# turned into the daily series by `sim.metrics.daily_columns`.
DAILY = (
    "day", "arisen", "taken_in", "resolved", "closed_unresolved", "lost", "latent",
    "backlog", "conflicts", "satisfied", "reported_resolved", "silent", "detected",
    "bounces", "mean_trust", "participants", "volunteers", "overloaded_grids",
    "staff_hours", "total_hours", "emergency", *(f"hours_{a}" for a in core.ACTORS),
    "responded", "callbacks", "said_resolved", "said_satisfied",
    "at_grid", "at_street", "at_unit", "at_joint", "at_meeting", "in_handling",
)  # fmt: skip
D = IntEnum("D", [(name, i) for i, name in enumerate(DAILY)])  # column of each


@nb.njit(cache=True)
def record(X, L, day):
    """The day's row of reporters (`DAILY`): cumulative counts and levels."""
    t = X.tally
    taken = detected = 0
    for ch in range(core.N_TALLY - core.T_TAKEN_IN):
        taken += t[core.T_TAKEN_IN + ch]
        if (
            ch == Channel.PATROL
            or ch == Channel.PROBE
            or ch == Channel.VISIT
            or ch == Channel.ONLINE
        ):
            detected += t[core.T_TAKEN_IN + ch]
    trust = 0.0
    participants = volunteers = 0
    for h in range(X.homes.size):
        trust += X.homes[h].trust
        participants += X.homes[h].participated
        volunteers += X.homes[h].volunteer
    staff = X.hours[: core.N_STAFF].sum()
    row = L.daily[day]
    row[D.day] = day
    row[D.arisen] = t[core.T_ARISEN]
    row[D.taken_in] = taken
    row[D.resolved] = t[core.T_RESOLVED]
    row[D.closed_unresolved] = t[core.T_UNRESOLVED]
    row[D.lost] = t[core.T_LOST]
    row[D.latent] = t[core.T_LATENT]
    row[D.backlog] = t[core.T_QUEUED] + t[core.T_HANDLING]
    row[D.conflicts] = t[core.T_CONFLICTS]
    row[D.satisfied] = t[core.T_SATISFIED]
    row[D.reported_resolved] = t[core.T_REPORTED]
    row[D.silent] = t[core.T_SILENT]
    row[D.detected] = detected
    row[D.bounces] = t[core.T_BOUNCES]
    row[D.mean_trust] = trust / max(1, X.homes.size)
    row[D.participants] = participants
    row[D.volunteers] = volunteers
    row[D.overloaded_grids] = t[core.T_OVERLOAD_TODAY]
    row[D.staff_hours] = staff
    row[D.total_hours] = X.hours.sum()
    row[D.emergency] = L.on[0].emergency
    for a in range(X.hours.size):  # each actor's hours so far, in core.ACTORS order
        row[D.hours_grid_worker + a] = X.hours[a]
    row[D.responded] = t[core.T_RESPONDED]
    row[D.callbacks] = t[core.T_CALLBACKS]
    row[D.said_resolved] = t[core.T_SAID_RESOLVED]
    row[D.said_satisfied] = t[core.T_SAID_SATISFIED]
    for k in range(core.T_AT_MEETING - core.T_AT_GRID + 1):  # where the queued cases wait
        row[D.at_grid + k] = t[core.T_AT_GRID + k]
    row[D.in_handling] = t[core.T_HANDLING]
