"""What is measured: running tallies, daily reporters, and the per-run summary."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import core, day
from sim.cases import Channel, Closer, State
from sim.core import ACTORS

# Whose hours a case costs. Paid public staff first; then purchased services,
# volunteers and residents at deliberation meetings: hours all the same.

STAFF = ACTORS[:4]

# Summary names the rest of the project (CLI, sweeps, dashboard, notebooks) relies on.
HEADLINE = (
    "response_rate",
    "resolution_rate",
    "needs_met_rate",
    "satisfaction_rate",
    "callback_resolution_rate",
    "callback_satisfaction_rate",
    "detection_rate",
    "mean_days_to_resolve",
    "median_days_to_resolve",
    "on_time_rate",
    "bounces_per_case",
    "lost_cases",
    "backlog",
    "conflicts",
    "mean_trust",
    "participation_rate",
    "overload_days",
    "staff_hours",
    "resolutions_per_100_staff_hours",
    "total_hours",
    "resolutions_per_100_total_hours",
)


class Hours:
    """Hours by actor, a view over the tallies' hours vector: `hours["cadre"] += 2`."""

    def __init__(self, vector: np.ndarray):
        self.vector = vector

    def __getitem__(self, actor: str) -> float:
        return float(self.vector[ACTORS.index(actor)])

    def __setitem__(self, actor: str, value: float) -> None:
        self.vector[ACTORS.index(actor)] = value

    def items(self):
        return [(a, float(h)) for a, h in zip(ACTORS, self.vector, strict=True)]

    def values(self):
        return [float(h) for h in self.vector]


class Tally:
    """Counters the kernels move at each transition (the books are checked against
    the case table), with named views."""

    def __init__(self, n_grids: int, n_units: int):
        self.counts = np.zeros(core.N_TALLY, dtype=np.int64)  # named by core.TALLY
        self.hours = Hours(np.zeros(len(ACTORS)))
        # silo forwards and acceptances by (grid, unit): 推诿 made visible
        self.forwarded = np.zeros((n_grids, n_units), dtype=np.int64)
        self.accepted = np.zeros((n_grids, n_units), dtype=np.int64)

    def __getattr__(self, name: str):
        if name in core.TALLY:
            return int(self.counts[core.TALLY.index(name)])
        raise AttributeError(name)

    @property
    def taken_in(self) -> np.ndarray:
        return self.counts[core.T_TAKEN_IN :]

    @property
    def total_taken_in(self) -> int:
        return int(self.taken_in.sum())

    @property
    def detected(self) -> int:
        t = self.taken_in
        return int(t[Channel.PATROL] + t[Channel.PROBE] + t[Channel.VISIT] + t[Channel.ONLINE])

    @property
    def closed_or_lost(self) -> int:
        """满意率's denominator: a lost case is one its resident is not satisfied with."""
        return self.resolved + self.closed_unresolved + self.lost

    @property
    def staff_hours(self) -> float:
        """Paid public staff: grid workers, cadres, departments, the governance centre."""
        return float(self.hours.vector[: len(STAFF)].sum())

    @property
    def total_hours(self) -> float:
        """Every hour a case costs, purchased services, volunteers and residents included."""
        return float(self.hours.vector.sum())


def _ratio(a, b):
    """a / b, NaN where b is 0 (arrays or numbers)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    out = np.divide(a, b, out=np.full(np.broadcast(a, b).shape, np.nan), where=b != 0)
    return float(out) if out.ndim == 0 else out


# ---------------------------------------------------------------- daily reporters
# Reporters are small functions of the day's raw counts (`sim.day.DAILY`).
DAILY_REPORTERS = {
    "open": lambda d: d.latent + d.backlog,
    "resolution_rate": lambda d: _ratio(d.resolved, d.taken_in),
    "reported_resolution_rate": lambda d: _ratio(d.reported_resolved, d.taken_in),
    "satisfaction_rate": lambda d: _ratio(d.satisfied, d.resolved + d.closed_unresolved + d.lost),
    "participation_rate": lambda d, n: d.participants / n,
    "response_rate": lambda d: _ratio(d.responded, d.taken_in),
    "callback_resolution_rate": lambda d: _ratio(d.said_resolved, d.callbacks),
    "callback_satisfaction_rate": lambda d: _ratio(d.said_satisfied, d.callbacks),
}
FLOWS = ("arisen", "taken_in", "resolved", "closed_unresolved", "lost", "conflicts", "satisfied")


FLOATS = ("mean_trust", "staff_hours", "total_hours", *(f"hours_{a}" for a in ACTORS))


class _Columns(dict):
    __getattr__ = dict.__getitem__


def daily_columns(rows: np.ndarray, households: int) -> dict:
    """The daily series as arrays: cumulative counts, the day's flows (`*_today`), rates."""
    d = _Columns()
    for i, name in enumerate(day.DAILY):
        col = rows[:, i]
        d[name] = col if name in FLOATS else col.astype(bool if name == "emergency" else np.int64)
    for name, fn in DAILY_REPORTERS.items():
        d[name] = fn(d, households) if name == "participation_rate" else fn(d)
    for c in FLOWS:
        d[f"{c}_today"] = np.diff(d[c], prepend=0)
    return d


def daily_frame(rows: np.ndarray, households: int) -> pd.DataFrame:
    """One row per day: cumulative counts, the day's flows (`*_today`), and rates."""
    return pd.DataFrame(daily_columns(rows, households))


def utilisation(m) -> dict[str, float]:
    """Share of its hours each handling unit worked over the run, by pool (a workstation
    and its members share one, named by the workstation), at the hours of the last day:
    a unit near 1 has no slack to drain a queue with."""
    t = m.unit_table
    out = {}
    for pool in dict.fromkeys(int(k) for k in t["pool"]):
        hours = float(t["hours"][t["pool"] == pool].sum()) * m.day
        out[getattr(m.units[pool], "name", str(pool))] = _ratio(float(t["used"][pool]), hours)
    return out


def by_category(m) -> pd.DataFrame:
    """Cases taken in and resolved by category of need, over the run: which needs a
    policy serves (e.g. counted tasks first, 二(三)) shows here, not in the totals."""
    b = m.book
    n = b.n
    taken = b.taken_in[:n] >= 0
    cat = b.category[:n][taken]
    res = b.state[:n][taken] == State.RESOLVED
    k = len(m.params.categories)
    n_taken = np.bincount(cat, minlength=k)
    n_res = np.bincount(cat[res], minlength=k)
    return pd.DataFrame(
        {
            "category": [c.name for c in m.params.categories],
            "counted": [c.counted for c in m.params.categories],
            "taken_in": n_taken,
            "resolved": n_res,
            "resolution_rate": _ratio(n_res, n_taken),
        }
    )


def summary(m) -> dict:
    """One run's headline figures (and the counts behind them): the window of the whole
    run, so that a figure has one definition (`window`)."""
    return window(m, 0, m.day)


# ---------------------------------------------------------------- a window of days
# Which cases each figure of a window [first, last) counts (days first+1 ... last):
#   taken in within it: resolution, reported resolution, bounces and hand-offs per case,
#     taken_in, voiced, detected, conflicts, duplicate reports;
#   arisen within it: needs met (resolved by its end), silent needs (detection's base),
#     spread disputes;
#   closed within it: satisfaction (lost cases count), on time, days to resolve, resolved,
#     closed unresolved, lost, resolutions per 100 hours;
#   at its last day: backlog, latent needs, open cases, mean trust, participation;
#   summed over its days: overload days, hours.
WINDOW_BASIS = {
    "taken in within the window": (
        "response_rate", "resolution_rate", "reported_resolution_rate", "bounces_per_case",
        "handoffs_per_case", "taken_in", "voiced", "detected", "conflicts", "duplicate_reports",
        "escalated",
    ),
    "arisen within the window": ("needs_met_rate", "detection_rate", "arisen", "spread_disputes"),
    "closed within the window": (
        "satisfaction_rate", "on_time_rate", "dispatch_on_time_rate", "mean_days_to_resolve",
        "median_days_to_resolve",
        "resolved", "closed_unresolved", "lost", "lost_cases",
        "resolutions_per_100_staff_hours", "resolutions_per_100_total_hours",
        "callback_resolution_rate", "callback_satisfaction_rate",
        "true_callback_resolution_rate", "true_callback_satisfaction_rate", "callbacks",
        "closed_at_horizon",
    ),
    "at the window's last day": (
        "backlog", "latent_at_end", "open", "mean_trust", "participation_rate",
    ),
    "summed over the window's days": ("overload_days", "staff_hours", "total_hours"),
}  # fmt: skip


def window(m, first: int, last: int) -> dict:
    """Every summary figure for the window [first, last) of elapsed days, i.e. days
    first+1 ... last (day 1 is the first day); [0, days) is the whole run (`summary`),
    [0, 0) the street before its first day. Which cases each figure counts:
    `WINDOW_BASIS`."""
    if not (0 <= first < last <= m.day or first == last == m.day == 0):
        raise ValueError(f"period [{first}, {last}): needs 0 <= first < last <= {m.day} (days run)")
    b = m.book
    n = b.n
    state, closed = b.state[:n], b.closed[:n]
    taken_day, arisen = b.taken_in[:n], b.arisen[:n]
    channel = b.channel[:n]

    def within(day):
        return (day > first) & (day <= last)

    taken = (taken_day >= 0) & within(taken_day)
    born = within(arisen)
    ended = (state >= State.RESOLVED) & within(closed)
    res = state == State.RESOLVED
    res_by_end = res & (closed <= last)
    resolved_in = ended & res
    days = (closed - arisen)[resolved_in]
    deadline = m.cat_deadline[b.category[:n][resolved_in]]
    on_time = (closed - taken_day)[resolved_in] <= deadline
    dispatched = b.dispatched[:n][resolved_in]  # the city's clock: from dispatch to a unit
    since = np.where(dispatched >= 0, dispatched, taken_day[resolved_in])
    dispatch_on_time = (closed[resolved_in] - since) <= deadline
    detect = np.isin(channel, [Channel.PATROL, Channel.PROBE, Channel.VISIT, Channel.ONLINE])
    voiced_on_arrival = (channel == Channel.VOICED) & (taken_day == arisen)
    # the daily record (row 0: before the first day): levels at the last day, sums and
    # differences of totals
    rows = m.L.daily[: m.day + 1]
    at = _Columns(zip(day.DAILY, rows[last], strict=True))  # as the daily series has them
    before = _Columns(zip(day.DAILY, rows[first], strict=True))

    def over(col):
        return float(at[col] - before[col])

    hours = {a: over(f"hours_{a}") for a in ACTORS}
    staff, total = sum(hours[a] for a in STAFF), sum(hours.values())
    n_taken = int(taken.sum())
    resolved = int(resolved_in.sum())
    contacted = b.contacted[:n]
    prompt = (contacted >= 0) & (contacted <= last)
    prompt &= contacted - taken_day <= m.params.hotline.response_days
    called = ended & (b.callback[:n] == 2)  # 回访: answered call-backs of closed voiced cases
    n_called = int(called.sum())
    out = {
        "response_rate": _ratio((taken & prompt).sum(), n_taken),
        "callback_resolution_rate": _ratio((called & b.said_resolved[:n]).sum(), n_called),
        "callback_satisfaction_rate": _ratio((called & b.said_satisfied[:n]).sum(), n_called),
        "true_callback_resolution_rate": _ratio((called & res).sum(), n_called),
        "true_callback_satisfaction_rate": _ratio((called & b.satisfied[:n]).sum(), n_called),
        "callbacks": n_called,
        "escalated": int((taken & b.escalated[:n]).sum()),
        "closed_at_horizon": int((ended & (b.closer[:n] == Closer.HORIZON)).sum()),
        "resolution_rate": _ratio((taken & res_by_end).sum(), n_taken),
        "reported_resolution_rate": _ratio(
            (taken & b.reported_resolved[:n] & (closed <= last) & (closed >= 0)).sum(), n_taken
        ),
        "needs_met_rate": _ratio((born & res_by_end).sum(), born.sum()),
        "satisfaction_rate": _ratio((ended & b.satisfied[:n]).sum(), ended.sum()),
        "detection_rate": _ratio((taken & detect).sum(), (born & ~voiced_on_arrival).sum()),
        "mean_days_to_resolve": float(days.mean()) if days.size else float("nan"),
        "median_days_to_resolve": float(np.median(days)) if days.size else float("nan"),
        "on_time_rate": _ratio(on_time.sum(), resolved),
        "dispatch_on_time_rate": _ratio(dispatch_on_time.sum(), resolved),
        "bounces_per_case": _ratio(int(b.bounces[:n][taken].sum()), n_taken),
        "handoffs_per_case": _ratio(int(b.handoffs[:n][taken].sum()), n_taken),
        "lost_cases": int((ended & (state == State.LOST)).sum()),
        "backlog": int(at.backlog),
        "latent_at_end": int(at.latent),
        "conflicts": int((taken & (channel == Channel.CONFLICT)).sum()),
        "spread_disputes": int((born & b.spread[:n]).sum()),
        "duplicate_reports": int(np.maximum(b.reports[:n][taken].astype(np.int64) - 1, 0).sum()),
        "mean_trust": float(at.mean_trust),
        "participation_rate": float(DAILY_REPORTERS["participation_rate"](at, m.community.n)),
        "overload_days": int(rows[first + 1 : last + 1, day.D.overloaded_grids].sum()),
        "staff_hours": staff,
        "total_hours": total,
        **{f"hours_{a}": h for a, h in hours.items()},
        "resolutions_per_100_staff_hours": _ratio(100 * resolved, staff),
        "resolutions_per_100_total_hours": _ratio(100 * resolved, total),
        "arisen": int(born.sum()),
        "taken_in": n_taken,
        "voiced": int((taken & (channel == Channel.VOICED)).sum()),
        "detected": int((taken & detect).sum()),
        "resolved": resolved,
        "closed_unresolved": int((ended & (state == State.CLOSED_UNRESOLVED)).sum()),
        "lost": int((ended & (state == State.LOST)).sum()),
        "open": int(DAILY_REPORTERS["open"](at)),
        "days": last - first,
    }
    return out


# metric -> (unit, meaning): the HEADLINE metrics and a few more (`cogov metrics` prints them)
INFO: dict[str, tuple[str, str]] = {
    "response_rate": (
        "share 0-1",
        "cases first contacted within hotline.response_days of intake (响应) / taken in",
    ),
    "callback_resolution_rate": (
        "share 0-1",
        "answered call-backs (回访) of closed voiced cases saying solved / answered call-backs",
    ),
    "callback_satisfaction_rate": (
        "share 0-1",
        "answered call-backs saying satisfied / answered call-backs (做工作 inflates both)",
    ),
    "true_callback_resolution_rate": ("share 0-1", "truly resolved / answered call-backs"),
    "true_callback_satisfaction_rate": ("share 0-1", "truly satisfied / answered call-backs"),
    "callbacks": ("cases", "answered call-backs of cases closed in the window"),
    "escalated": ("cases", "cases escalated (督办) after waiting past horizons.escalate_days"),
    "closed_at_horizon": ("cases", "cases closed unresolved at horizons.close_days, answered"),
    "resolution_rate": ("share 0-1", "resolved / taken in"),
    "reported_resolution_rate": (
        "share 0-1",
        "reported resolved / taken in (paper resolution inflates it)",
    ),
    "needs_met_rate": ("share 0-1", "resolved / arisen (silent needs count too)"),
    "satisfaction_rate": (
        "share 0-1",
        "satisfied / (resolved + closed unresolved + lost)",
    ),
    "detection_rate": (
        "ratio",
        "needs taken in by patrol, probe, visit or online group / needs not voiced when they arose",
    ),
    "mean_days_to_resolve": ("days", "mean of (day closed - day arisen) over resolved cases"),
    "median_days_to_resolve": ("days", "median of the same"),
    "on_time_rate": ("share 0-1", "resolved cases closed within their deadline / resolved"),
    "dispatch_on_time_rate": (
        "share 0-1",
        "resolved cases closed within their deadline of the day a unit or joint body first "
        "took them (of intake, for one never dispatched) / resolved",
    ),
    "bounces_per_case": ("per case", "bounces (推诿) / taken in"),
    "lost_cases": ("cases", "cases lost in hand-offs (管理信息失真)"),
    "backlog": ("cases", "cases queued or in handling at the end"),
    "conflicts": ("cases", "silent needs that escalated into conflicts (矛盾激化)"),
    "mean_trust": ("0-1", "mean trust over households at the end"),
    "participation_rate": (
        "share 0-1",
        "households that ever volunteered, deliberated or (under mobilisation) are party members",
    ),
    "overload_days": ("grid-days", "days a grid was overloaded, summed over grids"),
    "staff_hours": (
        "hours",
        "hours of paid public staff: grid workers, cadres, departments, governance centre",
    ),
    "resolutions_per_100_staff_hours": ("per 100 h", "100 x resolved / staff hours"),
    "total_hours": (
        "hours",
        "every hour cases cost: staff, social forces, volunteers, residents at meetings",
    ),
    "resolutions_per_100_total_hours": ("per 100 h", "100 x resolved / total hours"),
    "handoffs_per_case": ("per case", "hand-offs / taken in"),
    "spread_disputes": ("cases", "disputes an escalated conflict drew ties into"),
    "duplicate_reports": ("reports", "further households raising a need already raised"),
}
