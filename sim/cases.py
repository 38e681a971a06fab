"""The case book (诉求台账): one record per need, and the codes stored in it.

Cases are individual, but there are tens of thousands a year at scale, so the
book is one numpy structured array (`CASE`, a record per need), not a list of
objects: the compiled kernels (`sim/core.py`, `sim/levers/`) loop over the open
rows and read and write records in place, and Python reads whole columns as
views (`CaseBook.state`, ...). Rows are appended (`stages.append_needs`, room made
beforehand) and never removed, and every row is in exactly one `State`. The
enums (`State`, `Desk`, `Joint`, `Channel`, `Closer`) are the codes the kernels
store; being IntEnums, they compile into the kernels as constants.
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
    OTHER = 10  # an actor of your own (sim/actors.py)
    HORIZON = 11  # waited past its horizons: closed unresolved, with an answer (sim/stages.py)


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
    "table": np.int8,  # which routes: 0 the departments', 1 with the workstation
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
    "spread": np.bool_,  # a dispute an escalated conflict drew its household into
    "reported_resolved": np.bool_,
    "satisfied": np.bool_,
    "contacted": np.int32,  # day of the first contact (响应); -1 not yet
    "dispatched": np.int32,  # day a unit or joint body first took it (派单); -1 never
    "explained": np.bool_,  # the closing desk explained its outcome
    "escalated": np.bool_,  # 督办: waited past its escalation horizon
    "callback": np.int8,  # 回访: 0 not called back, 1 no answer, 2 answered
    "said_resolved": np.bool_,  # what the resident said on the call-back
    "said_satisfied": np.bool_,
}


CASE = np.dtype(list(_COLUMNS.items()))  # one record per case


class CaseBook:
    """One record per need (`CASE`), in a structured array grown by doubling.

    Kernels read and write records (`book[r].state`); Python reads columns
    (`book.state[:n]`, a view). A need can touch more than its own household: a
    collective need its neighbours in the grid, a dispute the other party. Those
    other households are kept in one flat array, `others`, each case holding its
    slice (`others_start`, `others_n`).
    """

    def __init__(self, capacity: int = 1024):
        self.data = np.zeros(capacity, dtype=CASE)
        self.others = np.zeros(capacity, dtype=np.int32)
        self.sizes = np.zeros(2, dtype=np.int64)  # [cases, entries of `others`]

    @property
    def n(self) -> int:
        return int(self.sizes[0])

    @property
    def n_others(self) -> int:
        return int(self.sizes[1])

    def make_room(self, cases: int, others: int) -> None:
        """Room for `cases` more cases touching `others` more households (kernels append)."""
        self._grow(self.n + cases)
        self._grow_others(self.n_others + others)

    def __getattr__(self, name: str) -> np.ndarray:
        if name in _COLUMNS:
            return self.data[name]
        raise AttributeError(name)

    def _grow(self, need: int) -> None:
        if need > self.data.size:
            arr = np.zeros(max(need, 2 * self.data.size), dtype=CASE)
            arr[: self.n] = self.data[: self.n]
            self.data = arr

    def _grow_others(self, need: int) -> None:
        if need > self.others.size:
            arr = np.zeros(max(need, 2 * self.others.size), dtype=self.others.dtype)
            arr[: self.n_others] = self.others[: self.n_others]
            self.others = arr

    def add(self, resident, grid, category, severity, difficulty, day: int, others=None) -> slice:
        """New latent needs; `others` = (count per need, the other households it touches,
        need by need), or None when each touches only its own household."""
        k = len(resident)
        self._grow(self.n + k)
        rows = slice(self.n, self.n + k)
        new = self.data[rows]
        if others is not None:
            counts, flat = others
            self._grow_others(self.n_others + flat.size)
            self.others[self.n_others : self.n_others + flat.size] = flat
            new["others_start"] = self.n_others + np.cumsum(counts) - counts
            new["others_n"] = counts
            self.sizes[1] += flat.size
        new["resident"] = resident
        new["grid"] = grid
        new["category"] = category
        new["severity"] = severity
        new["difficulty"] = difficulty
        new["arisen"] = day
        for col in ("taken_in", "closed", "deliberated", "contacted", "dispatched"):
            new[col] = -1
        new["state"] = State.LATENT
        self.sizes[0] += k
        return rows

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

        df = pd.DataFrame({name: self.data[name][: self.n] for name in _COLUMNS})
        for col, enum in (
            ("state", State),
            ("desk", Desk),
            ("channel", Channel),
            ("closer", Closer),
        ):
            df[col] = pd.Categorical.from_codes(df[col], [e.name.lower() for e in enum])
        return df
