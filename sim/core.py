"""The compiled engine every mechanism shares: the records, a case's life and the
departments' queues.

`sim/day.py` keeps the day's order and reads like the article; the street's own
mechanisms are in `sim/stages.py` and each lever's in `sim/levers/`. They share what
is here: the records and their codes, a case's life (take it in, hand it off, bounce
it, lose it, close it, draw its success), queues and capacity, and the departments'
handling, joint sessions included (`JOINT_BODY`). Each is one loop over the open
cases instead of dozens of small numpy calls, so a day costs microseconds.

Kernels see the model's state as one named tuple `X` (`Street`) of record
arrays (a record per case, household, category, unit, grid) and plain arrays
(the graph, routes, tallies, random streams: `sim/rng.py`). Records make a
call cheap: a kernel's arguments unbox in a few microseconds, so a day of ~20
calls costs well under a millisecond.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import NamedTuple

import numba as nb
import numpy as np

from sim.cases import Channel, Closer, Desk, State
from sim.difficulty import chance
from sim.params import Scenario
from sim.rng import uniform


# Random streams (rows of S), one per mechanism. Append only: a stream's number is
# part of every past result.
class Stream(IntEnum):
    ARISE = 0
    VOICE = 1
    PATROL = 2
    GRID_WORK = 3
    ROUTING = 4
    DEPARTMENTS = 5
    FEEDBACK = 6
    CADRES = 7
    MOBILISATION = 8
    DELIBERATION = 9
    SOCIAL_FORCES = 10
    PAPER_RESOLUTION = 11
    CONFLICT = 12
    RESIDENTS = 13
    CALLBACK = 14
    PERSUASION = 15
    EXPLANATION = 16


STREAMS = tuple(s.name.lower() for s in Stream)


class Helper(IntEnum):
    """Who a helper of the retry chain is (`HELPER_ROW.kind`; its lever's module `HELPER`)."""

    VOLUNTEERS = 0
    SOCIAL_FORCES = 1
    CADRES = 2


# One record per helper of the retry chain (sim/levers/__init__.py RETRY_CHAIN).
HELPER_ROW = np.dtype(
    [
        ("kind", np.int64),  # `Helper`
        ("stream", np.int64),
        ("success", np.float64),
        ("closer", np.int64),
        ("bit", np.int64),
        ("hours", np.int64),  # which hours vector (ACTORS) its work counts in; -1 none
    ]
)

# Running counts (C.tally); taken in: one slot per channel from TAKEN_IN.
TALLY = (
    "arisen",
    "silent",
    "resolved",
    "closed_unresolved",
    "lost",
    "reported_resolved",
    "satisfied",
    "conflicts",
    "bounces",
    "overload_days",
    "overload_today",
    "spread",
    "duplicate_reports",
    "latent",
    "queued",
    "in_handling",
    "responded",  # first contact within the standard time (响应)
    "callbacks",  # 回访 answered
    "said_resolved",
    "said_satisfied",
    "at_grid",  # queued at each desk at the end of the day (`Desk`)
    "at_street",
    "at_unit",
    "at_joint",
    "at_meeting",
)
(
    T_ARISEN,
    T_SILENT,
    T_RESOLVED,
    T_UNRESOLVED,
    T_LOST,
    T_REPORTED,
    T_SATISFIED,
    T_CONFLICTS,
    T_BOUNCES,
    T_OVERLOAD_DAYS,
    T_OVERLOAD_TODAY,
    T_SPREAD,
    T_DUPLICATES,
    T_LATENT,
    T_QUEUED,
    T_HANDLING,
    T_RESPONDED,
    T_CALLBACKS,
    T_SAID_RESOLVED,
    T_SAID_SATISFIED,
    T_AT_GRID,
    T_AT_STREET,
    T_AT_UNIT,
    T_AT_JOINT,
    T_AT_MEETING,
) = range(len(TALLY))
T_TAKEN_IN = len(TALLY)  # + channel
N_TALLY = T_TAKEN_IN + len(Channel)

# Hours by actor (C.hours): paid public staff first (sim/metrics.py).
ACTORS = (
    "grid_worker",
    "cadre",
    "department",
    "governance_centre",
    "social_forces",
    "volunteers",
    "residents",
)
H_GRID, H_CADRE, H_DEPARTMENT, H_CENTRE, H_SOCIAL, H_VOLUNTEERS, H_RESIDENTS = range(len(ACTORS))
N_STAFF = 4  # the first four are paid public staff


HOME = np.dtype(  # one record per household
    [
        ("trust", np.float64),
        ("signal", np.float64),  # today's experiences: +1 / -1 each
        ("heard", np.float64),  # scratch for word of mouth: neighbours' summed signals
        ("grid", np.int64),
        ("listed", np.bool_),  # in `signalled` today
        ("party_member", np.bool_),  # 双报到
        ("volunteer", np.bool_),
        ("participated", np.bool_),
    ]
)
CATEGORY = np.dtype(
    [
        ("rate", np.float64),  # needs per household a day
        ("multiplier", np.float64),  # 平时 1; 战时 the shock's multiplier
        ("shock", np.float64),  # the emergency's multiplier, applied inside its window
        ("severity", np.float64),
        ("deadline", np.int64),
        ("grid_hours", np.float64),
        ("priority", np.int64),  # 运动型治理: the campaign's category jumps every queue
        ("grid_solvable", np.bool_),
        ("collective", np.bool_),
        ("dispute", np.bool_),
        ("counted", np.bool_),
    ]
)
UNIT_ROW = np.dtype(  # a department, or the workstation
    [
        ("hours", np.float64),  # a day
        ("base", np.float64),  # a day, before sunk-down cadres take their share
        ("pool", np.int64),  # whose hours it shares (itself; its workstation once pooled)
        ("debt", np.float64),  # hours borrowed from tomorrow
        ("used", np.float64),  # hours worked so far
        ("acceptance", np.float64),
        ("premium", np.float64),  # a joint body's coordination premium
        ("priority", np.int64),  # 0 fifo, 1 counted first, 2 need first
    ]
)
# A joint body (吹哨报到, 1+N 联动调解): one row per `Joint` kind, filled from the module
# of the lever that convenes it (its `JOINT`), so the shared rules name no lever.
JOINT_BODY = np.dtype(
    [
        ("premium", np.float64),  # the coordination premium its sessions carry
        ("closer", np.int64),  # who closes the cases it ends (`Closer`)
        ("horizon", np.int64),  # days within which every unit must be free to sit
        ("capped", np.bool_),  # a session lasts at most the horizon (报到 by the deadline)
        ("centre", np.bool_),  # it spends the governance centre's sessions
    ]
)
GRID_ROW = np.dtype(
    [
        ("hours", np.float64),
        ("admin", np.float64),
        ("debt", np.float64),  # hours borrowed from tomorrow
        ("start", np.int64),  # first position of its households in `members`
        ("count", np.int64),
        ("overload_days", np.int64),
        ("overloaded", np.bool_),
    ]
)
TYPES = {bool: np.bool_, int: np.int64, float: np.float64}


def setting_fields(section: str, keys) -> list[tuple[str, type]]:
    """(`<section>_<key>`, type) for settings of a scenario-file section, typed as the file
    types them: one name end to end (`residents.voice` is `residents_voice`; a lever's
    section drops `levers.`)."""
    model = Scenario
    for part in section.split("."):
        model = model.model_fields[part].annotation
    prefix = section.removeprefix("levers.").replace(".", "_")
    return [(f"{prefix}_{k}", TYPES[model.model_fields[k].annotation]) for k in keys]


# Settings the shared rules read, by section of the scenario file.
SETTINGS = {
    "residents": (
        "voice", "revoice", "severity_growth", "conflict_rate", "conflict_spread",
        "trust_learning", "word_of_mouth", "satisfaction_resolved", "satisfaction_late",
        "satisfaction_unresolved", "topdown_satisfaction", "volunteer_rate",
        "volunteer_contagion", "volunteer_dropout", "satisfaction_response",
        "satisfaction_explanation", "satisfaction_result", "explanation",
    ),
    "hotline": ("response_days", "callback_share", "callback_answer"),
    "horizons": ("grid_days", "escalate_days", "close_days"),
    "difficulty": ("weight",),
    "street_office": ("info_loss", "max_bounces", "forward_days"),
    "grid_workers": (
        "per_grid", "detection", "overload_detection", "success", "rushed_success", "triage_hours",
        "retry_after_helper",
    ),
}  # fmt: skip
# Fields that are not a setting as written: counts of the street, derived switches, and
# the day's state of levers acting inside shared rules (set each morning by `day.begin_day`).
DERIVED = [
    ("households", np.int64),
    ("workstation_unit", np.int64),  # its unit, or -1
    ("grid_workers_need_first", np.bool_),  # grid_workers.priority is need_first
    ("three_part", np.bool_),  # residents.satisfaction_model is three_part
    ("horizons_on", np.bool_),  # some horizon is set (sim/stages.py `horizons`)
]
DAY_STATE = [
    ("pooled", np.bool_),  # the workstation has formed: new cases take its routes
    ("meeting_share", np.float64),  # share of collective cases sent to a meeting
    ("paper_today", np.float64),  # paper resolution's rate today (-1: off)
    ("persuasion_today", np.float64),  # 做工作's rate today (-1: off)
]


class Street(NamedTuple):
    """The model's state as the kernels see it: a few record arrays and plain arrays.

    Built by `CoGovModel.X` (and again when the case book grows); everything is
    shared with the model, so a kernel's writes are the model's.
    """

    book: np.ndarray  # CASE records (sim/cases.py)
    others: np.ndarray  # the other households each case touches
    sizes: np.ndarray  # [cases in the book, entries of `others`]
    homes: np.ndarray  # HOME records
    signalled: np.ndarray  # [count, households with a signal today...]
    tally: np.ndarray  # int64 [N_TALLY]
    hours: np.ndarray  # float64 [ACTORS]
    params: np.ndarray  # one `day.PARAMS` record
    cats: np.ndarray  # CATEGORY records
    units: np.ndarray  # UNIT_ROW records
    grids: np.ndarray  # GRID_ROW records
    route: np.ndarray  # [table, category, step] -> unit, -1 pads (table 1: workstation)
    route_len: np.ndarray  # [table, category]
    route_parts: np.ndarray  # [table, category, step, k] -> department, -1 pads
    step_hours: np.ndarray  # [table, category, step]: what its parts add up to
    step_days: np.ndarray  # [table, category, step]: the slowest part
    dept_success: np.ndarray  # each department's own part
    streams: np.ndarray  # [stream, 4] uint64 (sim/rng.py)
    forwarded: np.ndarray  # int64 [grid, unit]: silo forwards (推诿 made visible)
    accepted: np.ndarray
    indptr: np.ndarray  # the graph's ties (CSR)
    indices: np.ndarray
    members: np.ndarray  # households sorted by grid
    joints: np.ndarray  # JOINT_BODY records, by `Joint` kind


# ---------------------------------------------------------------- shared helpers
@nb.njit(cache=True, inline="always")
def takes_share(r, share):
    """Whether case r is among a share of cases (a lever ramping up reaches that share):
    the golden-ratio sequence over case numbers, so no random stream is touched."""
    return share >= 1.0 or (r * 0.6180339887498949) % 1.0 < share


# Helpers called for each case take the arrays they need, not `X`, and are inlined:
# passing the whole named tuple into a call costs ~0.2 µs of reference counting.
@nb.njit(cache=True, inline="always")
def experience(homes, signalled, learning, h, good):
    """A household's own outcome pulls its trust and is told to its ties (signal)."""
    home = homes[h]
    target = 1.0 if good else 0.0
    home.trust = min(1.0, max(0.0, home.trust + learning * (target - home.trust)))
    if not home.listed:
        home.listed = True
        signalled[0] += 1
        signalled[signalled[0]] = h
    home.signal += 1.0 if good else -1.0


@nb.njit(cache=True)
def experience_case(X, r, good):
    """A case's outcome is lived by every household it touches."""
    c, homes, signalled = X.book[r], X.homes, X.signalled
    learning = X.params[0].residents_trust_learning
    experience(homes, signalled, learning, c.resident, good)
    for j in range(c.others_n):
        experience(homes, signalled, learning, X.others[c.others_start + j], good)


@nb.njit(cache=True, inline="always")
def contact(X, c, day):
    """响应: the resident hears from a desk for the first time (`contacted`)."""
    if c.contacted < 0:
        c.contacted = day
        X.tally[T_RESPONDED] += day - c.taken_in <= X.params[0].hotline_response_days


@nb.njit(cache=True)
def take_in(X, day, r, channel):
    """A need is heard: voiced, detected, or surfaced by a conflict. One found by someone
    (patrol, probe, visit, online group) is contacted as it is found."""
    c, p = X.book[r], X.params[0]
    c.state = State.QUEUED
    c.taken_in = day
    c.channel = channel
    c.due = day
    cat = X.cats[c.category]
    if channel != Channel.VOICED and channel != Channel.CONFLICT:
        contact(X, c, day)
    if channel == Channel.CONFLICT and X.route_len[0, c.category] > 0:
        c.desk = Desk.STREET  # straight to the street office
        c.table = 1 if p.pooled else 0
    elif (
        p.meeting_share > 0.0
        and cat.collective
        and c.deliberated < 0
        and takes_share(r, p.meeting_share)
    ):
        c.desk = Desk.DELIBERATION  # 协商 (sim/levers/deliberation.py): a meeting first
        c.due = day + p.deliberation_meeting_days
        contact(X, c, day)  # the invitation to the meeting
    else:
        c.desk = Desk.GRID
    X.tally[T_TAKEN_IN + channel] += 1


@nb.njit(cache=True, inline="always")
def satisfaction(X, c, day, resolved, closer):
    """满意率's chance for a closure. Three parts, as call-back surveys ask them: a first
    contact within the standard time (响应), the attitude and explanation, and the result
    (late: x satisfaction_late); or the result alone (`satisfaction_model: outcome`). A
    collective case settled top down satisfies less (协商 raises it)."""
    p, cat = X.params[0], X.cats[c.category]
    late = resolved and (day - c.taken_in) > cat.deadline
    if p.three_part:
        prompt = c.contacted - c.taken_in <= p.hotline_response_days
        if closer == Closer.HORIZON:  # closed with an answer
            c.explained = True
        elif closer != Closer.STREET_OFFICE:  # one bounced out is never explained
            c.explained = uniform(X.streams[Stream.EXPLANATION]) < p.residents_explanation
        result = (p.residents_satisfaction_late if late else 1.0) if resolved else 0.0
        w_r, w_e = p.residents_satisfaction_response, p.residents_satisfaction_explanation
        w_o = p.residents_satisfaction_result
        q = (w_r * prompt + w_e * c.explained + w_o * result) / max(1.0, w_r + w_e + w_o)
    elif resolved:
        q = p.residents_satisfaction_resolved * (p.residents_satisfaction_late if late else 1.0)
    else:
        q = p.residents_satisfaction_unresolved
    if cat.collective:  # top down, or as many as took part (协商)
        top = p.residents_topdown_satisfaction
        q *= top + (1.0 - top) * c.deliberated if c.deliberated >= 0 else top
    return q


@nb.njit(cache=True, inline="always")
def call_back(X, c, resolved, sat):
    """回访: the hotline calls back a share of the residents who contacted it (voiced
    cases) and some answer; what they say is true, unless staff worked on them before
    the call (做工作, sim/levers/persuasion.py)."""
    p = X.params[0]
    if c.channel != Channel.VOICED:
        return
    s = X.streams[Stream.CALLBACK]
    if uniform(s) >= p.hotline_callback_share:
        return
    c.callback = 2 if uniform(s) < p.hotline_callback_answer else 1
    if c.callback == 1:
        return
    c.said_resolved, c.said_satisfied = resolved, sat
    persuaded = p.persuasion_today > 0.0 and not (resolved and sat)
    if persuaded and uniform(X.streams[Stream.PERSUASION]) < p.persuasion_today:
        c.said_resolved = c.said_satisfied = True
    X.tally[T_CALLBACKS] += 1
    X.tally[T_SAID_RESOLVED] += c.said_resolved
    X.tally[T_SAID_SATISFIED] += c.said_satisfied


@nb.njit(cache=True)
def close(X, day, r, resolved, closer):
    """Close a case with its true outcome; the answer is a contact; report, satisfaction,
    the call-back and trust follow."""
    c, p = X.book[r], X.params[0]
    contact(X, c, day)
    c.state = State.RESOLVED if resolved else State.CLOSED_UNRESOLVED
    c.closed = day
    c.closer = closer
    reported = resolved
    if p.paper_today >= 0.0:  # 管理信息失真 (sim/levers/paper_resolution.py)
        reported = resolved or uniform(X.streams[Stream.PAPER_RESOLUTION]) < p.paper_today
    c.reported_resolved = reported
    sat = uniform(X.streams[Stream.FEEDBACK]) < satisfaction(X, c, day, resolved, closer)
    c.satisfied = sat
    call_back(X, c, resolved, sat)
    experience_case(X, r, sat)
    X.tally[T_RESOLVED if resolved else T_UNRESOLVED] += 1
    X.tally[T_REPORTED] += reported
    X.tally[T_SATISFIED] += sat


@nb.njit(cache=True)
def lose(X, day, r):
    """Dropped in a hand-off: nobody ever answers the resident."""
    X.book[r].state = State.LOST
    X.book[r].closed = day
    X.tally[T_LOST] += 1
    experience_case(X, r, False)


@nb.njit(cache=True)
def bounce(X, day, r):
    """推诿: refused, the case waits at the street desk; too many bounces and it is closed."""
    c, p = X.book[r], X.params[0]
    c.bounces += 1
    X.tally[T_BOUNCES] += 1
    if c.bounces > p.street_office_max_bounces:
        close(X, day, r, False, Closer.STREET_OFFICE)
    else:
        c.due = day + p.street_office_forward_days


@nb.njit(cache=True)
def hand_off_joint(X, day, r, u0, u1, kind, acceptance):
    """One hand-off to a joint session (whistle or 1+N): it may drop the case, and the
    session takes it with the lever's named `acceptance` (else a bounce)."""
    c = X.book[r]
    c.handoffs += 1
    if u0 < X.params[0].street_office_info_loss:
        lose(X, day, r)
    elif u1 < acceptance:
        c.joint = kind
        c.desk = Desk.JOINT
        if c.dispatched < 0:
            c.dispatched = day
    else:
        bounce(X, day, r)


@nb.njit(cache=True)
def members_acceptance(X, r, gain):
    """The alternative rule of a joint body's acceptance (`members_accept`): every unit
    left on case r's route must accept on its own, the mandate removing a share `gain`
    of its refusals."""
    c = X.book[r]
    q = 1.0
    for k in range(c.route_pos, X.route_len[c.table, c.category]):
        a = X.units[X.route[c.table, c.category, k]].acceptance
        q *= a + gain * (1.0 - a)
    return q


@nb.njit(cache=True, inline="always")
def part_chance(c, gain, weight, q):
    """One part's chance on need `c`: deliberation's gain, then its difficulty."""
    if gain > 0.0 and c.deliberated > 0.0:
        q = min(1.0, q * (1.0 + gain * min(c.deliberated, 1.0)))
    return chance(q, c.difficulty, weight)


@nb.njit(cache=True, inline="always")
def works(s, together, premium):
    """Draw a handling whose parts succeed together with chance `together`; a joint body's
    `premium` averts that share of the joint failures (sim/difficulty.py)."""
    return uniform(s) < 1.0 - (1.0 - together) * (1.0 - premium)


@nb.njit(cache=True, inline="always")
def succeeds(c, p, s, q, premium):
    """Draw whether a handling with typical success `q` (one part) works on need `c`
    (`p`: the parameters record)."""
    return works(s, part_chance(c, p.deliberation_success_gain, p.difficulty_weight, q), premium)


@nb.njit(cache=True)
def succeed_many(X, stream, rows, parts, premium):
    """One handling of each need in `rows` covering parts of typical success `parts[i]`
    (1.0: no part), drawn as the day's kernels draw it (inspection and tests)."""
    out = np.empty(rows.size, dtype=np.bool_)
    s, p = X.streams[stream], X.params[0]
    for i in range(rows.size):
        c = X.book[rows[i]]
        together = 1.0
        for q in parts[i]:
            together *= part_chance(c, p.deliberation_success_gain, p.difficulty_weight, q)
        out[i] = works(s, together, premium)
    return out


@nb.njit(cache=True)
def lexsort(keys):
    """Order of rows sorted by columns, the first column most significant (stable)."""
    order = np.arange(keys.shape[0])
    for j in range(keys.shape[1] - 1, -1, -1):
        order = order[np.argsort(keys[order, j], kind="mergesort")]
    return order


@nb.njit(cache=True)
def queue(X, rows, group, need_first, counted_first):
    """`rows` in serving order: by group; then escalated cases (督办); a campaign's
    category (运动型治理); counted tasks (易于量化) or the neediest, where asked; then
    first come, first served."""
    if not need_first.any() and (group.size == 0 or group.max() < 1 << 19):
        # one whole-number key (group, escalated, campaign, counted, day taken in, row)
        key = np.empty(rows.size, dtype=np.int64)
        for i in range(rows.size):
            c = X.book[rows[i]]
            cat = X.cats[c.category]
            k = group[i]
            k = k * 2 + (0 if c.escalated else 1)
            k = k * 2 + (0 if cat.priority > 0 else 1)
            k = k * 2 + (1 if counted_first[i] and not cat.counted else 0)
            k = (k << 12) + c.taken_in
            key[i] = (k << 29) + rows[i]
        return np.argsort(key)
    keys = np.zeros((rows.size, 5))
    for i in range(rows.size):
        c = X.book[rows[i]]
        cat = X.cats[c.category]
        keys[i, 0] = group[i]
        keys[i, 1] = -cat.priority - (2.0 if c.escalated else 0.0)
        if counted_first[i] and not cat.counted:
            keys[i, 2] = 1.0
        if need_first[i]:
            keys[i, 2] = -c.severity
        keys[i, 3] = c.taken_in
        keys[i, 4] = rows[i]
    return lexsort(keys)


@nb.njit(cache=True)
def take_by_capacity(group, cost, order, capacity):
    """Serve each group's queue (in `order`) while it has hours left.

    A case starts if any of its group's capacity is left when its turn comes; the
    overrun is borrowed from the next day. Returns (served mask, hours used per group).
    """
    served = np.zeros(group.size, dtype=np.bool_)
    used = np.zeros(capacity.size)
    for i in order:
        g = group[i]
        if used[g] < capacity[g] - 1e-9:
            served[i] = True
            used[g] += cost[i]
    return served, used


@nb.njit(cache=True)
def at_desk(X, open_rows, desk):
    """Open rows queued at a desk, in row order."""
    out = np.empty(open_rows.size, dtype=np.int64)
    k = 0
    for r in open_rows:
        if X.book[r].state == State.QUEUED and X.book[r].desk == desk:
            out[k] = r
            k += 1
    return out[:k]


# ---------------------------------------------------------------- departments
@nb.njit(cache=True)
def handle_joint(X, day, rows, left, daily_hours, budget, centre_hours):
    """Joint sessions (whistle, 1+N): every unit left on the route at once, time of the
    slowest. A unit books a session ahead, borrowing from coming days, as long as it is
    free within the horizon (the whistle's deadline: 报到; the centre's booking window).
    Returns the sessions held and the sessions the centre has left."""
    held = 0
    for r in rows:
        c = X.book[r]
        t, cat, pos, body = c.table, c.category, c.route_pos, X.joints[c.joint]
        if body.centre and budget < 1.0:
            continue
        horizon = body.horizon
        end = X.route_len[t, cat]
        wait = 0.0
        for k in range(pos, end):
            pool = X.units[X.route[t, cat, k]].pool
            daily = daily_hours[pool]
            w = 0.0 if left[pool] > 1e-9 else (-left[pool] / daily if daily > 0 else 1e9)
            wait = max(wait, w)
        if wait >= horizon:
            continue
        days = 0
        for k in range(pos, end):
            left[X.units[X.route[t, cat, k]].pool] -= X.step_hours[t, cat, k]
            X.hours[H_DEPARTMENT] += X.step_hours[t, cat, k]
            days = max(days, X.step_days[t, cat, k])
        if body.centre:
            budget -= 1.0
            held += 1
            X.hours[H_CENTRE] += centre_hours
        if body.capped:
            days = min(days, horizon)
        c.state = State.IN_HANDLING
        c.due = day + math.ceil(wait) + days
    return held, budget


@nb.njit(cache=True)
def departments_handle(X, day, open_rows, budget, centre_hours):
    """职能部门 take cases from their queues while they have hours; joint work comes first.

    Units whose hours are pooled (a workstation's members, once it forms) serve their
    queues from one pool. Hours a pool overruns today are borrowed from tomorrow.
    Returns the sessions the centre held and the sessions it has left.
    """
    units = X.units
    daily = np.zeros(units.size)  # by pool: a pool is numbered by the unit that holds it
    for u in range(units.size):
        daily[units[u].pool] += units[u].hours
    left = np.empty(units.size)
    for u in range(units.size):
        left[u] = daily[u] - units[u].debt
    start_left = left.copy()
    joint = at_desk(X, open_rows, Desk.JOINT)
    no = np.zeros(joint.size, dtype=np.bool_)
    order = queue(X, joint, np.zeros(joint.size, dtype=np.int64), no, no)
    held, budget = handle_joint(X, day, joint[order], left, daily, budget, centre_hours)
    rows = at_desk(X, open_rows, Desk.UNIT)
    m = rows.size
    pool = np.empty(m, dtype=np.int64)
    cost = np.empty(m)
    need = np.empty(m, dtype=np.bool_)
    counted = np.empty(m, dtype=np.bool_)
    for i in range(m):
        c = X.book[rows[i]]
        pool[i] = units[c.unit].pool
        cost[i] = X.step_hours[c.table, c.category, c.route_pos]
        own = units[c.unit].priority  # each department's own priorities (条)
        need[i] = own == 2
        counted[i] = own == 1
    order = queue(X, rows, pool, need, counted)
    served, used = take_by_capacity(pool, cost, order, np.maximum(left, 0.0))
    for u in range(units.size):
        left[u] -= used[u]
        units[u].debt = max(0.0, -left[u])
        units[u].used += start_left[u] - left[u]
        X.hours[H_DEPARTMENT] += used[u]
    for i in range(m):
        if served[i]:
            c = X.book[rows[i]]
            c.state = State.IN_HANDLING
            c.due = day + X.step_days[c.table, c.category, c.route_pos]
    return held, budget


@nb.njit(cache=True)
def handling_finishes(X, day, open_rows):
    """Handling that ends today succeeds as the parts it covers would together (a joint
    body with its premium); the case moves on to its next unit or closes."""
    s, p = X.streams[Stream.DEPARTMENTS], X.params[0]
    for r in open_rows:
        c = X.book[r]
        if c.state != State.IN_HANDLING or c.due > day:
            continue
        t, cat, pos, kind = c.table, c.category, c.route_pos, c.joint
        end = X.route_len[t, cat]
        unit = X.route[t, cat, pos]
        last = end if kind > 0 else pos + 1
        together = 1.0
        for k in range(pos, last):  # its step, or every step left for a joint session
            for j in range(X.route_parts.shape[3]):
                d = X.route_parts[t, cat, k, j]
                if d >= 0:
                    together *= part_chance(
                        c, p.deliberation_success_gain, p.difficulty_weight, X.dept_success[d]
                    )
        premium = X.joints[kind].premium if kind > 0 else X.units[unit].premium
        if not works(s, together, premium):
            c.failed_part = True
        c.route_pos = last
        if last >= end:
            if kind > 0:
                closer = X.joints[kind].closer
            elif unit == p.workstation_unit:
                closer = Closer.WORKSTATION
            else:
                closer = Closer.DEPARTMENT
            close(X, day, r, not c.failed_part, closer)
        else:  # the next department, through the street office again
            c.state = State.QUEUED
            c.desk = Desk.STREET
            c.due = day + p.street_office_forward_days


# ---------------------------------------------------------------- shared by levers
@nb.njit(cache=True)
def share_tied(X, h, flag):
    """Share of household h's ties whose other end has `flag` (0 with no ties)."""
    deg = X.indptr[h + 1] - X.indptr[h]
    if deg == 0:
        return 0.0
    on = 0
    for j in range(X.indptr[h], X.indptr[h + 1]):
        on += flag[X.indices[j]]
    return on / deg


# ---------------------------------------------------------------- end of the day
@nb.njit(cache=True)
def end_of_day(X, open_rows):
    """The open cases that stay open, and the day's counts of latent / queued (by desk) /
    in handling."""
    keep = np.empty(open_rows.size, dtype=np.int64)
    k = 0
    latent = queued = handling = 0
    X.tally[T_AT_GRID : T_AT_MEETING + 1] = 0
    for r in open_rows:
        st = X.book[r].state
        if st <= State.IN_HANDLING:
            keep[k] = r
            k += 1
            if st == State.LATENT:
                latent += 1
            elif st == State.QUEUED:
                queued += 1
                X.tally[T_AT_GRID + X.book[r].desk - Desk.GRID] += 1
            else:
                handling += 1
    X.tally[T_LATENT] = latent
    X.tally[T_QUEUED] = queued
    X.tally[T_HANDLING] = handling
    return keep[:k]
