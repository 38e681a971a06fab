"""Pure functions over parameters and seeds: one replication, many, their seeds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.metrics import summary, window
from sim.model import CoGovModel
from sim.params import Scenario


@dataclass
class RunResult:
    daily: pd.DataFrame  # one row per day
    summary: dict  # headline figures of the run
    model: CoGovModel | None = None
    periods: dict = field(default_factory=dict)  # "A:B" -> the figures of days A+1..B

    @property
    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.summary])


def replication_seeds(master: int, n: int) -> list[int]:
    """Independent seeds for `n` replications, all derived from one SeedSequence."""
    children = np.random.SeedSequence(master).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def run(
    params: Scenario,
    seed: int = 0,
    days: int | None = None,
    community=None,
    keep_model: bool = False,
    on_day=None,
    daily: bool = True,
    periods: tuple[tuple[int, int], ...] = (),
) -> RunResult:
    """Run one replication; tidy daily series and a summary, tagged with scenario and seed.

    `on_day(model)` is called after each day (progress bars, live views); `daily=False`
    skips building the daily frame (sweeps that keep only summaries); `periods`, windows
    [A, B) of elapsed days, adds their figures (`sim.metrics.window`) as `periods["A:B"]`.
    """
    model = CoGovModel(params, seed=seed, community=community)
    if on_day is None:
        model.run(days)
    else:
        for _ in range(days if days is not None else params.days):
            model.step()
            on_day(model)
    frame = None
    if daily:
        frame = model.daily
        frame.insert(0, "seed", seed)
        frame.insert(0, "scenario", params.name)
    out = {
        "scenario": params.name,
        "seed": seed,
        "scenario_hash": params.digest(),
        **summary(model),
    }
    windows = {f"{a}:{b}": window(model, a, b) for a, b in periods}
    return RunResult(frame, out, model if keep_model else None, windows)


def run_many(
    params: Scenario, seeds: list[int], days: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Serial replications: (daily series of all, one summary row per seed)."""
    results = [run(params, s, days) for s in seeds]
    return (
        pd.concat([r.daily for r in results], ignore_index=True),
        pd.DataFrame([r.summary for r in results]),
    )
