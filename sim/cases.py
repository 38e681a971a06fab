"""The case book (诉求台账): one row per need, columns as numpy arrays.

Cases are individual, but there are tens of thousands a year at scale, so the
book is a table, not a list of objects: each stage of the day works on the rows
at one desk in one vectorised pass. Every row ends in exactly one state.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class State(IntEnum):
    LATENT = 0  # arisen, nobody has heard it yet
    QUEUED = 1  # taken in, waiting at a desk
    IN_HANDLING = 2  # being handled; finishes on `due`
    RESOLVED = 3  # closed, truly solved
    CLOSED_UNRESOLVED = 4  # closed without solving it
    LOST = 5  # dropped in a hand-off (管理信息失真)


OPEN_STATES = (State.LATENT, State.QUEUED, State.IN_HANDLING)


class Desk(IntEnum):
    NONE = 0
    GRID = 1  # the grid worker's queue (网格)
    STREET = 2  # the street office, to route (街道)
    UNIT = 3  # a department's or the workstation's own queue (`unit` column)
    JOINT = 4  # a joint session: whistle (吹哨) or 1+N mediation
    DELIBERATION = 5  # a deliberation meeting (协商)


class Joint(IntEnum):
    NONE = 0
    WHISTLE = 1  # 吹哨报到
    MEDIATION = 2  # "1+N" 联动调解


class Channel(IntEnum):
    NONE = 0
    VOICED = 1  # the resident spoke up
    PATROL = 2  # grid worker's patrol
    PROBE = 3  # cadre as 探头
    VISIT = 4  # cadre's home visit (入户)
    ONLINE = 5  # online group (线上组群)
    CONFLICT = 6  # it escalated into a conflict (矛盾激化)


class Closer(IntEnum):
    NONE = 0
    GRID_WORKER = 1
    STREET_OFFICE = 2  # gave up after too many bounces
    DEPARTMENT = 3
    WORKSTATION = 4
    MEDIATION = 5
    WHISTLE = 6
    CADRE = 7
    SOCIAL_FORCES = 8
    VOLUNTEERS = 9


_COLUMNS: dict[str, type] = {
    "resident": np.int32,
    "grid": np.int32,
    "category": np.int16,
    "severity": np.float32,
    "difficulty": np.float32,  # latent, N(0, 1): sim/difficulty.py
    "arisen": np.int32,
    "taken_in": np.int32,
    "closed": np.int32,
    "due": np.int32,  # day the current step finishes (queued: not before)
    "state": np.int8,
    "desk": np.int8,
    "unit": np.int16,  # department / workstation index at Desk.UNIT
    "route_pos": np.int8,  # next step in the category's route
    "channel": np.int8,
    "closer": np.int8,
    "handoffs": np.int16,
    "bounces": np.int16,
    "joint": np.int8,  # Joint
    "failed_part": np.bool_,  # some department's part was not solved
    "tried": np.int8,  # bit flags of the helpers that tried and failed
    "deliberated": np.float32,  # share of affected neighbours who deliberated; -1 not
    "others_start": np.int64,  # the other affected households: CaseBook.others[start:+n]
    "others_n": np.int32,  # 0 for a household's own need
    "reports": np.int16,  # households that raised it (duplicates merged into one case)
    "reported_resolved": np.bool_,
    "satisfied": np.bool_,
}


class CaseBook:
    """Columns of equal length `n`; grown by doubling.

    A need can touch more than its own household: a collective need its neighbours
    in the grid, a dispute the other party. Those other households are kept in one
    flat array, `others`, each case holding its slice (`others_start`, `others_n`).
    """

    def __init__(self, capacity: int = 1024):
        self.n = 0
        for name, dtype in _COLUMNS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))
        self.others = np.zeros(capacity, dtype=np.int32)
        self.n_others = 0

    def _grow(self, need: int) -> None:
        cap = self.state.size
        if need <= cap:
            return
        new = max(need, 2 * cap)
        for name in _COLUMNS:
            old = getattr(self, name)
            arr = np.zeros(new, dtype=old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)

    def add(self, resident, grid, category, severity, difficulty, day: int, others=None) -> slice:
        """New latent needs; `others` = (count per need, the other households it touches,
        need by need), or None when each touches only its own household."""
        k = len(resident)
        self._grow(self.n + k)
        rows = slice(self.n, self.n + k)
        if others is not None:
            counts, flat = others
            self._grow_others(self.n_others + flat.size)
            self.others[self.n_others : self.n_others + flat.size] = flat
            self.others_start[rows] = self.n_others + np.cumsum(counts) - counts
            self.others_n[rows] = counts
            self.n_others += flat.size
        else:
            self.others_n[rows] = 0
        self.reports[rows] = 0
        self.resident[rows] = resident
        self.grid[rows] = grid
        self.category[rows] = category
        self.severity[rows] = severity
        self.difficulty[rows] = difficulty
        self.arisen[rows] = day
        for col in ("taken_in", "closed", "deliberated"):
            getattr(self, col)[rows] = -1
        self.state[rows] = State.LATENT
        self.n += k
        return rows

    def _grow_others(self, need: int) -> None:
        if need > self.others.size:
            arr = np.zeros(max(need, 2 * self.others.size), dtype=self.others.dtype)
            arr[: self.n_others] = self.others[: self.n_others]
            self.others = arr

    def affected(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every household the cases touch: (position of its case in `rows`, household);
        each case's own household first."""
        n_o = self.others_n[rows].astype(np.int64)
        total = int(n_o.sum())
        pos = np.arange(rows.size)
        if total == 0:
            return pos, self.resident[rows]
        at = np.repeat(self.others_start[rows] - (np.cumsum(n_o) - n_o), n_o) + np.arange(total)
        return (
            np.r_[pos, np.repeat(pos, n_o)],
            np.r_[self.resident[rows], self.others[at]],
        )

    def open_rows(self) -> np.ndarray:
        return np.flatnonzero(self.state[: self.n] <= State.IN_HANDLING)

    def counts(self) -> np.ndarray:
        """Cases in each State, counted from the table itself."""
        return np.bincount(self.state[: self.n], minlength=len(State))

    def frame(self):
        """The book as a pandas DataFrame (one row per case)."""
        import pandas as pd

        df = pd.DataFrame({name: getattr(self, name)[: self.n] for name in _COLUMNS})
        for col, enum in (
            ("state", State),
            ("desk", Desk),
            ("channel", Channel),
            ("closer", Closer),
        ):
            df[col] = pd.Categorical.from_codes(df[col], [e.name.lower() for e in enum])
        return df
