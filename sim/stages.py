"""The street's own mechanisms, in the day's order: needs arise, residents voice them
or stay silent (and conflicts spread), grid workers patrol and settle, the street
office routes into the silo (条块分割), and residents' trust and volunteering move.

Each is a compiled kernel the phases of `sim/day.py` call. The engine they share
(the case book's records, a case's life: taken in, handed off, bounced, lost,
closed; queues, capacity and joint sessions at the departments) is `sim/core.py`;
the levers' own mechanisms are in `sim/levers/`.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.cases import Channel, Closer, Desk, State
from sim.core import (
    T_ARISEN,
    T_CONFLICTS,
    T_DUPLICATES,
    T_OVERLOAD_DAYS,
    T_OVERLOAD_TODAY,
    T_SILENT,
    Stream,
    at_desk,
    bounce,
    close,
    contact,
    experience_case,
    lose,
    queue,
    succeeds,
    take_by_capacity,
    take_in,
)  # fmt: skip
from sim.rng import below, bernoulli_subset, normal, poisson, uniform


# ---------------------------------------------------------------- needs arise
@nb.njit(cache=True)
def arrivals(X):
    """诉求产生: each category arises at its rate (times any shock multiplier).

    A dispute (邻里纠纷) arises on a tie drawn uniformly: both households are parties.
    Returns household, category, severity, difficulty and the other party (-1: none).
    """
    s, n = X.streams[Stream.ARISE], X.params[0].households
    k = np.zeros(X.cats.size, dtype=np.int64)
    for c in range(k.size):
        k[c] = poisson(s, X.cats[c].rate * X.cats[c].multiplier * n)
    total = k.sum()
    res = np.empty(total, dtype=np.int64)
    cats = np.empty(total, dtype=np.int16)
    sev = np.empty(total)
    diff = np.empty(total)
    other = np.full(total, -1, dtype=np.int64)
    ties = X.indices.size
    i = 0
    for c in range(k.size):
        cat = X.cats[c]
        for _ in range(k[c]):
            cats[i] = c
            if cat.dispute and ties > 0:
                e = below(s, ties)
                res[i] = np.searchsorted(X.indptr, e, side="right") - 1
                other[i] = X.indices[e]
            else:
                res[i] = below(s, n)
            sev[i] = min(1.0, max(0.0, cat.severity * (0.5 + uniform(s))))
            diff[i] = normal(s)
            i += 1
    return res, cats, sev, diff, other


@nb.njit(cache=True)
def append_needs(X, day, res, cats, sev, diff, other):
    """Record new latent needs in the book (room made beforehand: `CoGovModel.make_room`).

    A collective need touches its household's ties in the same grid; a dispute the other
    party (`other`, -1: none): one case for all of them. Returns the new rows.
    """
    n, n_o = X.sizes[0], X.sizes[1]
    rows = np.arange(n, n + res.size)
    if n + res.size > X.book.size:
        raise IndexError("case book full: CoGovModel.make_room must run first")
    for i in range(res.size):
        h, r = res[i], n + i
        c = X.book[r]
        c.resident = h
        c.grid = X.homes[h].grid
        c.category = cats[i]
        c.severity = sev[i]
        c.difficulty = diff[i]
        c.arisen = day
        c.taken_in = -1
        c.closed = -1
        c.deliberated = -1.0
        c.contacted = -1
        c.dispatched = -1
        c.state = State.LATENT
        c.others_start = n_o
        if X.cats[cats[i]].collective:
            for j in range(X.indptr[h], X.indptr[h + 1]):
                v = X.indices[j]
                if X.homes[v].grid == X.homes[h].grid:
                    if n_o >= X.others.size:
                        raise IndexError("others full: CoGovModel.make_room must run first")
                    X.others[n_o] = v
                    n_o += 1
        if other[i] >= 0:
            if n_o >= X.others.size:
                raise IndexError("others full: CoGovModel.make_room must run first")
            X.others[n_o] = other[i]
            n_o += 1
        c.others_n = n_o - c.others_start
    X.sizes[0] = n + res.size
    X.sizes[1] = n_o
    X.tally[T_ARISEN] += res.size
    return rows


# ---------------------------------------------------------------- voice, conflict
@nb.njit(cache=True, inline="always")
def speak_up(c, others, homes, voice, s, factor):
    """How many of the households need `c` touches raise it today (民意表达); several
    reports of one need are merged into its case, as hotlines merge work orders."""
    sev = 0.5 + c.severity
    reports = 0
    for j in range(-1, c.others_n):
        h = c.resident if j < 0 else others[c.others_start + j]
        v = min(1.0, max(0.0, voice * (0.3 + 0.7 * homes[h].trust) * sev))
        if uniform(s) < factor * v:
            reports += 1
    if reports > 0:
        c.reports = reports
    return reports


@nb.njit(cache=True)
def voice_old(X, day, open_rows):
    """Silent needs grow; they may escalate into a conflict (矛盾激化) or be raised late.
    Returns the escalated disputes, which may spread."""
    s, p = X.streams[Stream.VOICE], X.params[0]
    conflicts = np.empty(open_rows.size, dtype=np.int64)
    n_conflicts = 0
    for r in open_rows:
        c = X.book[r]
        if c.state != State.LATENT or c.arisen >= day:
            continue
        c.severity = min(1.0, c.severity + p.residents_severity_growth)
        if uniform(s) < p.residents_conflict_rate * c.severity**2:
            conflicts[n_conflicts] = r
            n_conflicts += 1
        else:
            reports = speak_up(c, X.others, X.homes, p.residents_voice, s, p.residents_revoice)
            if reports > 0:
                X.tally[T_DUPLICATES] += reports - 1
                take_in(X, day, r, Channel.VOICED)
    disputes = np.empty(n_conflicts, dtype=np.int64)
    n_disputes = 0
    for i in range(n_conflicts):
        r = conflicts[i]
        X.book[r].severity = 1.0
        X.tally[T_CONFLICTS] += 1
        experience_case(X, r, False)
        take_in(X, day, r, Channel.CONFLICT)
        if X.cats[X.book[r].category].dispute:
            disputes[n_disputes] = r
            n_disputes += 1
    return disputes[:n_disputes]


@nb.njit(cache=True)
def spreads(X, rows):
    """矛盾激化 spreads: each tie of a party to an escalated dispute (other than the other
    party) is drawn into a dispute of its own with that party, with chance
    `conflict_spread`. Returns the new needs: household, category, severity,
    difficulty, other party."""
    s, p = X.streams[Stream.CONFLICT], X.params[0]
    if p.residents_conflict_spread == 0.0:
        rows = rows[:0]
    size = 0
    for r in rows:
        for side in range(2):
            c = X.book[r]
            h = c.resident if side == 0 else (X.others[c.others_start] if c.others_n else -1)
            if h >= 0:
                size += X.indptr[h + 1] - X.indptr[h]
    res = np.empty(size, dtype=np.int64)
    party = np.empty(size, dtype=np.int64)
    cats = np.empty(size, dtype=np.int16)
    k = 0
    for r in rows:
        c = X.book[r]
        a = c.resident
        b = X.others[c.others_start] if c.others_n > 0 else -1
        for side in range(2):
            who, partner = (a, b) if side == 0 else (b, a)
            if who < 0:
                continue
            for j in range(X.indptr[who], X.indptr[who + 1]):
                tie = X.indices[j]
                if tie != partner and uniform(s) < p.residents_conflict_spread:
                    res[k], party[k], cats[k] = tie, who, c.category
                    k += 1
    sev = np.empty(k)
    diff = np.empty(k)
    for i in range(k):
        sev[i] = min(1.0, max(0.0, X.cats[cats[i]].severity * (0.5 + uniform(s))))
        diff[i] = normal(s)
    return res[:k], cats[:k], sev, diff, party[:k]


@nb.njit(cache=True)
def voice_new(X, day, open_rows):
    """Needs that arose today are voiced by someone they touch, or stay silent."""
    s, voice = X.streams[Stream.VOICE], X.params[0].residents_voice
    others, homes = X.others, X.homes
    for r in open_rows:
        c = X.book[r]
        if c.state != State.LATENT or c.arisen != day:
            continue
        reports = speak_up(c, others, homes, voice, s, 1.0)
        if reports > 0:
            X.tally[T_DUPLICATES] += reports - 1
            take_in(X, day, r, Channel.VOICED)
        else:
            X.tally[T_SILENT] += 1


# ---------------------------------------------------------------- the grid
@nb.njit(cache=True)
def patrol(X, day, open_rows):
    """网格员 patrol: find unvoiced needs; an overloaded worker finds fewer."""
    s, p = X.streams[Stream.PATROL], X.params[0]
    for r in open_rows:
        c = X.book[r]
        if c.state != State.LATENT:
            continue
        q = p.grid_workers_detection * (
            p.grid_workers_overload_detection if X.grids[c.grid].overloaded else 1.0
        )
        if uniform(s) < 1.0 - (1.0 - q) ** p.grid_workers_per_grid:
            take_in(X, day, r, Channel.PATROL)


@nb.njit(cache=True)
def settle_simple(X, stream, day, open_rows, takes, group_of_grid, hours, success, closer, bit):
    """A helper of the retry chain settles simple cases at the grid desk within its
    hours (per group of grids); a case it fails goes back to the grid worker.
    Returns the hours used per group."""
    rows = at_desk(X, open_rows, Desk.GRID)
    keep = np.zeros(rows.size, dtype=np.bool_)
    for i in range(rows.size):
        c = X.book[rows[i]]
        cat = X.cats[c.category]
        keep[i] = takes[c.category] and cat.grid_solvable and not c.failed_part and c.tried == 0
    rows = rows[keep]
    group = np.empty(rows.size, dtype=np.int64)
    cost = np.empty(rows.size)
    for i in range(rows.size):
        c = X.book[rows[i]]
        group[i] = group_of_grid[c.grid]
        cost[i] = X.cats[c.category].grid_hours
    no = np.zeros(rows.size, dtype=np.bool_)
    order = queue(X, rows, group, no, no)
    served, used = take_by_capacity(group, cost, order, hours)
    s = X.streams[stream]
    for i in order:
        if served[i]:
            r = rows[i]
            contact(X, X.book[r], day)
            if succeeds(X.book[r], X.params[0], s, success, 0.0):
                close(X, day, r, True, closer)
            else:
                X.book[r].tried |= bit
    return used


@nb.njit(cache=True)
def escalate(X, day, r):
    """To the street office; a case no department can take is closed unresolved."""
    c = X.book[r]
    if c.route_pos == 0:  # its first time at the street: the routes of the day
        c.table = 1 if X.params[0].pooled else 0
    if X.route_len[c.table, c.category] > c.route_pos:
        c.desk = Desk.STREET
        c.due = day
        c.failed_part = False
    else:
        close(X, day, r, False, Closer.GRID_WORKER)


@nb.njit(cache=True)
def grid_workers_settle(X, day, open_rows):
    """网格员 settle what they can and escalate the rest to the street office.

    Counted tasks (易于量化的任务) come first under `counted_first`, and on an overloaded
    day the uncounted ones are done to the minimum standard (按照最基本标准, 二(三));
    under `need_first` the neediest cases come first and counted tasks take what is
    left. Returns the hours worked (cases and admin done).
    """
    p, grids = X.params[0], X.grids
    rows = at_desk(X, open_rows, Desk.GRID)
    m = rows.size
    solvable = np.empty(m, dtype=np.bool_)
    cost = np.empty(m)
    group = np.empty(m, dtype=np.int64)
    for i in range(m):
        c = X.book[rows[i]]
        cat = X.cats[c.category]
        solvable[i] = cat.grid_solvable and not c.failed_part
        solvable[i] &= p.grid_workers_retry_after_helper or c.tried == 0  # the second attempt
        cost[i] = cat.grid_hours if solvable[i] else p.grid_workers_triage_hours
        group[i] = c.grid
    need = np.full(m, p.grid_workers_need_first)
    order = queue(X, rows, group, need, ~need)
    available = np.empty(grids.size)
    for g in range(grids.size):
        available[g] = grids[g].hours - grids[g].debt
        if not p.grid_workers_need_first:  # the counted admin hours first (易于量化的任务)
            available[g] -= grids[g].admin
    served, used = take_by_capacity(group, cost, order, np.maximum(available, 0.0))
    demand = np.zeros(grids.size)
    for i in range(m):
        demand[group[i]] += cost[i]
    today = 0
    worked = 0.0
    for g in range(grids.size):
        row = grids[g]
        row.debt = max(0.0, used[g] - available[g])  # overruns and meetings carry over
        row.overloaded = demand[g] + row.admin > row.hours + 1e-9
        if row.overloaded:
            today += 1
            row.overload_days += 1
        worked += used[g]
        if p.grid_workers_need_first:
            worked += min(max(available[g] - used[g], 0.0), row.admin)
        else:
            worked += row.admin
    X.tally[T_OVERLOAD_TODAY] = today
    X.tally[T_OVERLOAD_DAYS] += today
    s = X.streams[Stream.GRID_WORK]
    for i in order:
        if not served[i]:
            continue
        r = rows[i]
        contact(X, X.book[r], day)
        if solvable[i]:
            q = p.grid_workers_success
            rushed = grids[group[i]].overloaded and not p.grid_workers_need_first
            if rushed and not X.cats[X.book[r].category].counted:  # 按照最基本标准
                q *= p.grid_workers_rushed_success
            if succeeds(X.book[r], p, s, q, 0.0):
                close(X, day, r, True, Closer.GRID_WORKER)
                continue
            X.book[r].failed_part = True
        escalate(X, day, r)
    return worked


# ---------------------------------------------------------------- every case ends
@nb.njit(cache=True)
def horizons(X, day, open_rows):
    """A case that waits too long is escalated, then answered: past `grid_days` at the
    grid it goes up to the street office; past `escalate_days` it is escalated (督办)
    and first in every queue; past `close_days` it is closed unresolved, with an
    answer. Cases in handling finish their step first. Days count from intake."""
    p = X.params[0]
    for r in open_rows:
        c = X.book[r]
        if c.state != State.QUEUED:
            continue
        age = day - c.taken_in
        if 0 < p.horizons_close_days <= age:
            close(X, day, r, False, Closer.HORIZON)
            continue
        if 0 < p.horizons_escalate_days <= age:
            c.escalated = True
        if c.desk == Desk.GRID and 0 < p.horizons_grid_days <= age:
            contact(X, c, day)
            escalate(X, day, r)


# ---------------------------------------------------------------- the street office
@nb.njit(cache=True)
def street_due(X, day, open_rows):
    """Cases at the street desk due today, and two uniforms each (loss, acceptance)."""
    rows = at_desk(X, open_rows, Desk.STREET)
    keep = np.zeros(rows.size, dtype=np.bool_)
    for i in range(rows.size):
        keep[i] = X.book[rows[i]].due <= day
    rows = rows[keep]
    u = np.empty((rows.size, 2))
    s = X.streams[Stream.ROUTING]
    for i in range(rows.size):
        contact(X, X.book[rows[i]], day)  # the street takes it up
        u[i, 0] = uniform(s)
        u[i, 1] = uniform(s)
    return rows, u


@nb.njit(cache=True)
def silo_acceptance(X, rows):
    """Each case's next unit on its route and that unit's own acceptance."""
    unit = np.empty(rows.size, dtype=np.int64)
    q = np.empty(rows.size)
    for i in range(rows.size):
        c = X.book[rows[i]]
        unit[i] = X.route[c.table, c.category, c.route_pos]
        q[i] = X.units[unit[i]].acceptance
    return unit, q


@nb.njit(cache=True)
def silo_forward(X, day, rows, u, claimed, unit, q):
    """街道 forwards to the next unit (条块分割: the silo): a hand-off may drop the case; the
    unit accepts with chance q, else it bounces (推诿)."""
    p = X.params[0]
    for i in range(rows.size):
        if claimed[i]:
            continue
        r = rows[i]
        c = X.book[r]
        c.handoffs += 1
        if u[i, 0] < p.street_office_info_loss:
            lose(X, day, r)
            continue
        X.forwarded[c.grid, unit[i]] += 1
        if u[i, 1] < q[i]:
            X.accepted[c.grid, unit[i]] += 1
            c.desk = Desk.UNIT
            c.unit = unit[i]
            if c.dispatched < 0:
                c.dispatched = day
        else:
            bounce(X, day, r)


# ---------------------------------------------------------------- residents
@nb.njit(cache=True)
def trust_spreads(X):
    """Word of mouth: today's experiences move neighbours' trust along graph ties (by
    the mean of each one's neighbours' signals), pushed from the few who had one."""
    homes, n_sig = X.homes, X.signalled[0]
    for i in range(1, n_sig + 1):
        h = X.signalled[i]
        for j in range(X.indptr[h], X.indptr[h + 1]):
            homes[X.indices[j]].heard += homes[h].signal
    wom = X.params[0].residents_word_of_mouth
    for i in range(1, n_sig + 1):  # every neighbour of a signalled household, once
        h = X.signalled[i]
        for j in range(X.indptr[h], X.indptr[h + 1]):
            v = X.indices[j]
            total = homes[v].heard
            if total == 0.0:  # done already, or the signals cancelled out
                continue
            homes[v].heard = 0.0
            s = total / (X.indptr[v + 1] - X.indptr[v])
            t = homes[v].trust
            t += wom * (s * (1.0 - t) if s > 0 else s * t)
            homes[v].trust = min(1.0, max(0.0, t))
    for i in range(1, n_sig + 1):
        h = X.signalled[i]
        homes[h].signal = 0.0
        homes[h].listed = False
    X.signalled[0] = 0


@nb.njit(cache=True)
def share_volunteering(X, h):
    """Share of household h's ties who volunteer (0 with no ties)."""
    deg = X.indptr[h + 1] - X.indptr[h]
    if deg == 0:
        return 0.0
    on = 0
    for j in range(X.indptr[h], X.indptr[h + 1]):
        on += X.homes[X.indices[j]].volunteer
    return on / deg


@nb.njit(cache=True)
def residents_volunteer(X, boost, per_grid):
    """Volunteering is contagious: a household joins with chance rate x boost x trust x
    (1 + contagion x share of its ties volunteering), by thinning; volunteers drift
    away, registered party members (双报到) stay. `per_grid` counts volunteers by grid."""
    s, p, homes = X.streams[Stream.RESIDENTS], X.params[0], X.homes
    top = 1.0 + p.residents_volunteer_contagion
    cand = bernoulli_subset(s, homes.size, min(1.0, p.residents_volunteer_rate * boost * top))
    keep = np.zeros(cand.size, dtype=np.bool_)
    for i in range(cand.size):
        h = cand[i]
        pull = 1.0 + p.residents_volunteer_contagion * share_volunteering(X, h)
        keep[i] = uniform(s) < homes[h].trust * pull / top
    # each household is drawn with the dropout chance (geometric skips, no full pass);
    # a drawn volunteer who is not a party member stops
    for h in bernoulli_subset(s, homes.size, p.residents_volunteer_dropout):
        home = homes[h]
        if home.volunteer and not home.party_member:
            home.volunteer = False
            per_grid[home.grid] -= 1
    for h in cand[keep]:
        if not homes[h].volunteer:
            homes[h].volunteer = True
            per_grid[homes[h].grid] += 1
        homes[h].participated = True
