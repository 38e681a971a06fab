"""The two sides of the dashboard: a scenario, the levers as set, and its live model.

Both sides use the same seed, so with the same community parameters they share
the graph and the arriving needs (common random numbers): any gap between them
comes from the levers.

History is honest: a lever changed while running acts from the next day
(`CoGovModel.reform`), and the days already run stay as they were; each change is
kept (`Side.changes`) so the charts can mark its day. Starting again from day 0
with the levers as set is a separate, explicit step (`Pair.restart`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from pydantic import ValidationError

import sim
from sim import scenarios
from sim.params import LEVER_NAMES, Scenario

REPLICATIONS = 10


@lru_cache(maxsize=32)
def load_scenario(name: str) -> Scenario:
    return scenarios.load(name)


def scenario_names() -> list[str]:
    return list(scenarios.bundled())


@dataclass(frozen=True)
class Change:
    """A lever change made while running: it acts from `day` (the day after it was made)."""

    day: int
    lever: str
    enabled: bool  # the lever's state after the change
    switched: bool  # switched on or off (else a knob moved)


def _describe_error(e: Exception) -> str:
    if isinstance(e, ValidationError):
        return scenarios.describe(e)
    return f"{type(e).__name__}: {e}".splitlines()[0]


class Side:
    """One side: a bundled scenario, the levers as set on top, and the live model."""

    def __init__(self, scenario: str, seed: int = 0):
        self.scenario = scenario
        self.seed = seed
        self.levers: dict[str, dict] = {}  # changes on top of the scenario, as set now
        self.changes: list[Change] = []  # made while running, in order
        self.error: str | None = None
        self.model: sim.CoGovModel | None = None
        self.build()

    @property
    def base(self) -> Scenario:
        return load_scenario(self.scenario)

    @property
    def params(self) -> Scenario:
        """The scenario with the levers as set now, from day 0 (what a restart runs)."""
        base = self.base
        return base.with_levers(**self.levers) if self.levers else base

    @property
    def day(self) -> int:
        return self.model.day if self.model is not None else 0

    @property
    def days(self) -> int:
        return self.model.params.days if self.model is not None else 0

    @property
    def finished(self) -> bool:
        return self.model is None or self.day >= self.days

    def build(self) -> None:
        """A fresh model at day 0 (same seed) with the levers as set."""
        try:
            model = sim.CoGovModel(self.params, seed=self.seed)
        except Exception as e:  # a bad combination of settings: shown, not raised
            self.error = _describe_error(e)
            return
        self.error = None
        self.model = model
        self.changes = []

    def step(self) -> None:
        if self.model is not None and not self.finished:
            self.model.step()

    def lever(self, name: str):
        """The lever's settings in force (pydantic model)."""
        if self.model is not None:
            return getattr(self.model.params.levers, name)
        return getattr(self.params.levers, name)

    def set_lever(self, name: str, **changes) -> None:
        """Change a lever from the next day on (`CoGovModel.reform`); the past stays."""
        if self.model is None:
            self.levers[name] = {**self.levers.get(name, {}), **changes}
            self.build()
            return
        was = self.lever(name).enabled
        try:
            self.model.reform(name, **changes)
        except Exception as e:  # the model is unchanged
            self.error = _describe_error(e)
            return
        self.error = None
        self.levers[name] = {**self.levers.get(name, {}), **changes}
        now = self.lever(name).enabled
        if self.model.day > 0:
            change = Change(self.model.day + 1, name, now, now != was)
            last = self.changes[-1] if self.changes else None
            if last and (last.day, last.lever) == (change.day, name):  # one drag, one mark
                change = Change(change.day, name, now, last.switched or change.switched)
                self.changes[-1] = change
            else:
                self.changes.append(change)

    def set_scenario(self, name: str) -> None:
        self.scenario = name
        self.levers = {}
        self.build()

    def switched(self) -> tuple[list[str], list[str]]:
        """Levers on now that the scenario has off, and off now that it has on."""
        base = self.base.levers
        now = self.model.params.levers if self.model is not None else self.params.levers
        on = [n for n in LEVER_NAMES if getattr(now, n).enabled and not getattr(base, n).enabled]
        off = [n for n in LEVER_NAMES if getattr(base, n).enabled and not getattr(now, n).enabled]
        return on, off


class Pair:
    """Two sides stepping together; a lock keeps the play thread and the controls apart."""

    def __init__(self, left: str = "classroom", right: str = "classroom_chorus", seed: int = 0):
        self.lock = threading.RLock()
        self.seed = seed
        self.sides = (Side(left, seed), Side(right, seed))

    @property
    def day(self) -> int:
        return max(s.day for s in self.sides)

    @property
    def days(self) -> int:
        return max(s.days for s in self.sides)

    @property
    def finished(self) -> bool:
        return all(s.finished for s in self.sides)

    def step(self) -> None:
        with self.lock:
            for s in self.sides:
                s.step()

    def restart(self, seed: int | None = None) -> None:
        """Both sides from day 0 with the levers as set now (and a new seed if given)."""
        with self.lock:
            if seed is not None:
                self.seed = seed
            for s in self.sides:
                s.seed = self.seed
                s.build()

    def set_scenario(self, index: int, name: str) -> None:
        """A new scenario on one side: both sides start again at day 0, in step."""
        with self.lock:
            self.sides[index].set_scenario(name)
            self.sides[1 - index].build()

    def same_street(self) -> bool:
        a, b = (s.model for s in self.sides)
        if a is None or b is None:
            return True
        return a.params.community == b.params.community

    def replicate(
        self, replications: int = REPLICATIONS, seed: int | None = None, on_progress=None
    ):
        """Both sides' settings as now, from day 0, over `replications` seeds, with the
        same machinery (and seeds) as `cogov compare`: a `sim.compare.Comparison`."""
        from sim.compare import compare

        with self.lock:  # named by side: the two may be the same scenario
            params = {
                name: s.params.model_copy(update={"name": name})
                for name, s in zip(("left", "right"), self.sides, strict=True)
            }
        return compare(
            params,
            replications=replications,
            seed=self.seed if seed is None else seed,
            workers=1,
            keep_daily=False,
            progress=False,
            on_progress=on_progress,
        )
