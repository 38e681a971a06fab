"""Shared district departments (区级部门): the departments (条) of a district serve all
its streets at once, so one street's flood slows another street's cases.

The rule, each day: every street runs its day up to the departments' handling
(`CoGovModel.day_until_departments`); then each shared department's hours for the day,
`capacity` x the hours its streets would have had alone, are shared among the streets
in proportion to the work waiting for it in each (the hours of its queued cases and of
the joint sessions it is due to sit, plus the hours it owes from earlier days); then
every street ends its day. A street alone in its district, at capacity 1, keeps its own
hours exactly, so a city of lone streets is those streets run alone, bit for bit.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.cases import Desk, State


@nb.njit(cache=True)
def waiting_hours(X, open_rows, out):
    """Hours of work waiting for each unit's pool: its queued cases' steps and the
    joint sessions' parts it is due to sit."""
    out[:] = 0.0
    for r in open_rows:
        c = X.book[r]
        if c.state != State.QUEUED:
            continue
        t, cat = c.table, c.category
        if c.desk == Desk.UNIT:
            out[X.units[c.unit].pool] += X.step_hours[t, cat, c.route_pos]
        elif c.desk == Desk.JOINT:
            for k in range(c.route_pos, X.route_len[t, cat]):
                out[X.units[X.route[t, cat, k]].pool] += X.step_hours[t, cat, k]


class District:
    """A district's streets (models) and the departments they share."""

    def __init__(self, name: str, models: list, shared: dict[str, float]):
        self.name = name
        self.models = models
        self.names = list(shared)
        self.capacity = np.array([float(c) for c in shared.values()])
        # each street's unit for each shared department (-1: it has none)
        units = np.full((len(models), len(shared)), -1, dtype=np.int64)
        for i, m in enumerate(models):
            own = [d.name for d in m.params.departments]
            for k, dept in enumerate(shared):
                if dept in own:
                    units[i, k] = own.index(dept)
        self.units, self.has = np.maximum(units, 0), units >= 0
        self._waiting = [np.zeros(len(m.unit_table)) for m in models]

    @property
    def shared(self) -> bool:
        return bool(self.names)

    def run_day(self) -> None:
        """One day of every street, sharing the departments' hours at the handling."""
        for m in self.models:
            m.day_until_departments()
        own = self._share() if self.names else None
        for m in self.models:
            m.day_from_departments()
        if own is not None:
            self._restore(own)

    def _share(self) -> np.ndarray:
        """Each street's hours today for each shared department: the district's hours, in
        proportion to the work waiting in each street (its own hours if none waits)."""
        hours = np.zeros(self.units.shape)
        want = np.zeros(self.units.shape)
        for i, (m, w) in enumerate(zip(self.models, self._waiting, strict=True)):
            t = m.unit_table
            if w.size != t.size:  # the workstation formed: one more unit
                w = self._waiting[i] = np.zeros(t.size)
            waiting_hours(m.X, m.open, w)
            u = self.units[i]
            pool = t["pool"][u]
            hours[i] = t["hours"][u]
            want[i] = w[pool] + t["debt"][pool]
        hours *= self.has
        want *= self.has
        asked, alone = want.sum(axis=0), hours.sum(axis=0)
        share = np.where(
            asked > 0,
            want / np.where(asked > 0, asked, 1.0),
            hours / np.where(alone > 0, alone, 1.0),
        )
        today = (self.capacity * alone) * share
        for i, m in enumerate(self.models):
            has = self.has[i]
            m.unit_table["hours"][self.units[i][has]] = today[i][has]
        return hours

    def _restore(self, hours: np.ndarray) -> None:
        """Each street's own hours again (the morning's rules start from them)."""
        for i, m in enumerate(self.models):
            has = self.has[i]
            m.unit_table["hours"][self.units[i][has]] = hours[i][has]
