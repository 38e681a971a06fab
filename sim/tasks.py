"""A task, its outcome, and running one: what every executor ships to a worker."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

from sim.params import Scenario


@dataclass(frozen=True)
class Task:
    key: str  # unique within a batch, e.g. "solo/r003"
    params: Scenario
    seed: int
    days: int | None = None
    keep_daily: bool = True
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    periods: tuple[tuple[int, int], ...] = ()  # windows [A, B) of elapsed days
    # a pair (paired sweeps): `params` is A, `versus` is B, run with the same seed in one
    # task so that a pair is finished whole or not at all; `names` prefix the columns
    versus: Scenario | None = None
    names: tuple[str, ...] = ()
    # a city (a sweep over a city file): run whole, serially, with `seed` as its master
    # seed; `params` is then its first street's scenario
    city: Any = field(default=None, hash=False, compare=False)


@dataclass
class Outcome:
    task: Task
    summary: dict | None = None
    daily: Any = None  # pandas DataFrame or None
    error: str | None = None  # "ExcType: message"
    traceback: str | None = None
    periods: dict | None = None  # "A:B" -> figures of that window

    @property
    def ok(self) -> bool:
        return self.error is None


def run_task(task: Task) -> Outcome:
    """One replication; an exception becomes a recorded failure, not a crash."""
    from sim.experiments import run, run_pair

    try:
        if task.city is not None:
            from sim.city.run import run_city, summary, window

            c = task.city
            r = run_city(c, seed=task.seed)
            head = {"scenario": c.spec.name, "seed": task.seed, "scenario_hash": c.digest}
            periods = {f"{a}:{b}": window(r, a, b) for a, b in task.periods}
            return Outcome(task, {**head, **summary(r)}, periods=periods)
        if task.versus is not None:
            summary, daily = run_pair(
                task.params, task.versus, task.names, task.seed, task.days, task.keep_daily
            )
            return Outcome(task, summary, daily)
        r = run(
            task.params, seed=task.seed, days=task.days, daily=task.keep_daily,
            periods=task.periods,
        )  # fmt: skip
        return Outcome(task, r.summary, r.daily if task.keep_daily else None, periods=r.periods)
    except Exception as e:  # recorded and listed; the batch goes on
        return Outcome(task, error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
