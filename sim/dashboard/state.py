"""The two sides of the dashboard: a scenario, lever changes on top, and its model.

Both sides use the same seed, so with the same community parameters they share
the graph and the arriving needs (common random numbers): any gap between them
comes from the levers.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pydantic import ValidationError

import sim
from sim import scenarios
from sim.params import Scenario


@lru_cache(maxsize=32)
def load_scenario(name: str) -> Scenario:
    return scenarios.load(name)


def scenario_names() -> list[str]:
    return list(scenarios.bundled())


class Side:
    """One side: `scenario` (a bundled name), lever overrides, and the live model."""

    def __init__(self, scenario: str, seed: int = 0):
        self.scenario = scenario
        self.seed = seed
        self.levers: dict[str, dict] = {}
        self.error: str | None = None
        self.model: sim.CoGovModel | None = None
        self.build()

    @property
    def params(self) -> Scenario:
        base = load_scenario(self.scenario)
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

    def build(self, day: int = 0) -> None:
        """A fresh model (same seed), advanced to `day` so both sides stay in step."""
        try:
            params = self.params
            model = sim.CoGovModel(params, seed=self.seed)
            for _ in range(min(day, params.days)):
                model.step()
        except ValidationError as e:  # a bad combination of settings: shown, not raised
            self.error = scenarios.describe(e)
            return
        except Exception as e:
            self.error = f"{type(e).__name__}: {e}".splitlines()[0]
            return
        self.error = None
        self.model = model

    def step(self) -> None:
        if self.model is not None and not self.finished:
            self.model.step()

    def lever(self, name: str):
        """The lever's current settings (pydantic model)."""
        return getattr(self.params.levers, name)

    def set_lever(self, name: str, day: int = 0, **changes) -> None:
        self.levers[name] = {**self.levers.get(name, {}), **changes}
        self.build(day)

    def set_scenario(self, name: str, day: int = 0) -> None:
        self.scenario = name
        self.levers = {}
        self.build(day)


class Pair:
    """Two sides stepping together; a lock keeps the play thread and the controls apart."""

    def __init__(self, left: str = "classroom", right: str = "classroom_chorus", seed: int = 0):
        self.lock = threading.RLock()
        self.sides = (Side(left, seed), Side(right, seed))

    @property
    def day(self) -> int:
        return max(s.day for s in self.sides)

    @property
    def finished(self) -> bool:
        return all(s.finished for s in self.sides)

    def step(self) -> None:
        with self.lock:
            for s in self.sides:
                s.step()

    def reset(self) -> None:
        with self.lock:
            for s in self.sides:
                s.build(0)

    def same_street(self) -> bool:
        a, b = (s.model for s in self.sides)
        if a is None or b is None:
            return True
        return a.params.community == b.params.community
