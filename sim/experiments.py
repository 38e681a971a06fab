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


NOT_COMPARED = ("scenario", "scenario_hash", "seed", "days")  # labels, not outcomes


def paired_summary(names: tuple[str, ...], a: dict, b: dict) -> dict:
    """One record of a pair run with one seed: `A_<m>`, `B_<m>` and `gain_<m>` = B - A.

    Gains are taken for every numeric metric (NaN where either side is NaN)."""
    na, nb = names
    out: dict = {"seed": a.get("seed")}
    for k, v in a.items():
        if k != "seed":
            out[f"{na}_{k}"] = v
    for k, v in b.items():
        if k != "seed":
            out[f"{nb}_{k}"] = v
    for k, va in a.items():
        vb = b.get(k)
        if k in NOT_COMPARED or isinstance(va, bool) or isinstance(vb, bool):
            continue
        if isinstance(va, (int, float)) and isinstance(vb, (int, float)):
            out[f"gain_{k}"] = float(vb) - float(va)
    return out


def run_pair(
    a: Scenario,
    b: Scenario,
    names: tuple[str, ...],
    seed: int,
    days: int | None = None,
    daily: bool = False,
) -> tuple[dict, pd.DataFrame | None]:
    """A and B with the same seed (common random numbers): the paired record and, with
    `daily`, both daily series stacked (their `scenario` column tells them apart)."""
    ra = run(a, seed=seed, days=days, daily=daily)
    rb = run(b, seed=seed, days=days, daily=daily)
    frame = None
    if daily:
        frame = pd.concat(
            [ra.daily.assign(side=names[0]), rb.daily.assign(side=names[1])], ignore_index=True
        )
    return paired_summary(names, ra.summary, rb.summary), frame


def run_many(
    params: Scenario, seeds: list[int], days: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Serial replications: (daily series of all, one summary row per seed)."""
    results = [run(params, s, days) for s in seeds]
    return (
        pd.concat([r.daily for r in results], ignore_index=True),
        pd.DataFrame([r.summary for r in results]),
    )
