"""What is measured: running tallies, daily reporters, and the per-run summary."""

from __future__ import annotations

import numpy as np

from sim.cases import OPEN_STATES, Channel, State

# Whose hours a case costs. Paid public staff first; then purchased services,
# volunteers and residents at deliberation meetings: hours all the same.
STAFF = ("grid_worker", "cadre", "department", "governance_centre")
ACTORS = (*STAFF, "social_forces", "volunteers", "residents")

# Summary names the rest of the project (CLI, sweeps, dashboard, notebooks) relies on.
HEADLINE = (
    "resolution_rate",
    "needs_met_rate",
    "satisfaction_rate",
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


class Tally:
    """Counters moved at each transition (the books are checked against the table)."""

    def __init__(self, model):
        n_units = len(model.params.departments) + 1
        self.arisen = 0
        self.silent = 0  # not voiced when it arose
        self.taken_in = np.zeros(len(Channel), dtype=np.int64)
        self.resolved = 0
        self.closed_unresolved = 0
        self.lost = 0
        self.reported_resolved = 0
        self.satisfied = 0
        self.conflicts = 0
        self.spread = 0  # disputes a conflict drew neighbours into (矛盾激化 spreading)
        self.duplicate_reports = 0  # further households raising a need already raised
        self.bounces = 0
        self.overload_days = 0
        self.overload_today = 0
        # silo forwards and acceptances by (grid, unit): 推诿 made visible
        self.forwarded = np.zeros((model.community.n_grids, n_units), dtype=np.int64)
        self.accepted = np.zeros((model.community.n_grids, n_units), dtype=np.int64)
        self.hours = dict.fromkeys(ACTORS, 0.0)
        self.overload_by_grid = np.zeros(model.community.n_grids, dtype=np.int64)
        self.unit_hours_used = np.zeros(n_units)

    def new_day(self):
        self.overload_today = 0

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
        return float(sum(self.hours[a] for a in STAFF))

    @property
    def total_hours(self) -> float:
        """Every hour a case costs, purchased services, volunteers and residents included."""
        return float(sum(self.hours.values()))


def _ratio(a: float, b: float) -> float:
    return float(a) / float(b) if b else float("nan")


# ---------------------------------------------------------------- daily reporters
def _open(m) -> int:
    return int(m.book.counts()[list(OPEN_STATES)].sum())


def _latent(m) -> int:
    return int(m.book.counts()[State.LATENT])


def _backlog(m) -> int:
    c = m.book.counts()
    return int(c[State.QUEUED] + c[State.IN_HANDLING])


DAILY_REPORTERS = {
    "day": lambda m: m.day,
    "arisen": lambda m: m.tally.arisen,
    "taken_in": lambda m: m.tally.total_taken_in,
    "resolved": lambda m: m.tally.resolved,
    "closed_unresolved": lambda m: m.tally.closed_unresolved,
    "lost": lambda m: m.tally.lost,
    "open": _open,
    "latent": _latent,
    "backlog": _backlog,
    "conflicts": lambda m: m.tally.conflicts,
    "satisfied": lambda m: m.tally.satisfied,
    "resolution_rate": lambda m: _ratio(m.tally.resolved, m.tally.total_taken_in),
    "reported_resolution_rate": lambda m: _ratio(m.tally.reported_resolved, m.tally.total_taken_in),
    "satisfaction_rate": lambda m: _ratio(m.tally.satisfied, m.tally.closed_or_lost),
    "mean_trust": lambda m: float(m.residents.trust.mean()),
    "participation_rate": lambda m: float(m.residents.participated.mean()),
    "overloaded_grids": lambda m: m.tally.overload_today,
    "staff_hours": lambda m: m.tally.staff_hours,
    "total_hours": lambda m: m.tally.total_hours,
    "emergency": lambda m: bool(m.emergency_active),
}


def summary(m) -> dict:
    """One run's headline figures (and the counts behind them)."""
    t, b = m.tally, m.book
    n = b.n
    state = b.state[:n]
    res = state == State.RESOLVED
    days = (b.closed[:n] - b.arisen[:n])[res]
    deadline = m.cat_deadline[b.category[:n][res]]
    on_time = (b.closed[:n] - b.taken_in[:n])[res] <= deadline
    taken = t.total_taken_in
    out = {
        "resolution_rate": _ratio(t.resolved, taken),
        "reported_resolution_rate": _ratio(t.reported_resolved, taken),
        "needs_met_rate": _ratio(t.resolved, t.arisen),
        "satisfaction_rate": _ratio(t.satisfied, t.closed_or_lost),
        "detection_rate": _ratio(t.detected, t.silent),
        "mean_days_to_resolve": float(days.mean()) if days.size else float("nan"),
        "median_days_to_resolve": float(np.median(days)) if days.size else float("nan"),
        "on_time_rate": _ratio(on_time.sum(), res.sum()),
        "bounces_per_case": _ratio(t.bounces, taken),
        "handoffs_per_case": _ratio(int(b.handoffs[:n].sum()), taken),
        "lost_cases": t.lost,
        "backlog": _backlog(m),
        "latent_at_end": _latent(m),
        "conflicts": t.conflicts,
        "spread_disputes": t.spread,
        "duplicate_reports": t.duplicate_reports,
        "mean_trust": float(m.residents.trust.mean()),
        "participation_rate": float(m.residents.participated.mean()),
        "overload_days": t.overload_days,
        "staff_hours": t.staff_hours,
        "total_hours": t.total_hours,
        **{f"hours_{a}": h for a, h in t.hours.items()},
        "resolutions_per_100_staff_hours": _ratio(100 * t.resolved, t.staff_hours),
        "resolutions_per_100_total_hours": _ratio(100 * t.resolved, t.total_hours),
        "arisen": t.arisen,
        "taken_in": taken,
        "voiced": int(t.taken_in[Channel.VOICED]),
        "detected": t.detected,
        "resolved": t.resolved,
        "closed_unresolved": t.closed_unresolved,
        "lost": t.lost,
        "open": _open(m),
        "days": m.day,
    }
    return out
