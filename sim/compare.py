"""Compare scenarios over replications with common random numbers.

Replication i uses the same seed in every scenario, so differences are paired:
the same needs arise on the same days, and only the levers differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from sim.executors import Task, execute
from sim.experiments import replication_seeds
from sim.metrics import HEADLINE
from sim.params import Scenario
from sim.stats import mean_ci, paired_ci

METRICS = (*HEADLINE, "reported_resolution_rate")


@dataclass
class Comparison:
    names: list[str]
    summaries: pd.DataFrame  # one row per (scenario, replication)
    daily: pd.DataFrame | None  # one row per (scenario, replication, day)
    seeds: list[int]
    provenance: dict = field(default_factory=dict)
    periods: dict = field(default_factory=dict)  # "A:B" -> summaries of that window

    def stats(self, metrics=METRICS, period: str | None = None) -> dict:
        """{'scenarios': {name: {metric: ci}}, 'differences': {name: {metric: ci}}}; any
        summary metric can be asked for (default: the headline ones), for the whole run
        or for one of the periods compared ("A:B"). Differences are paired by
        replication (same seed); each ci says how many runs it covers (`n` of `total`)."""
        s = self.summaries if period is None else self.periods[period]
        out: dict = {"scenarios": {}, "differences": {}}
        base = s[s.scenario == self.names[0]].set_index("replication")
        for name in self.names:
            rows = s[s.scenario == name].set_index("replication")
            out["scenarios"][name] = {m: mean_ci(rows[m]) for m in metrics}
            if name != self.names[0]:
                out["differences"][name] = {m: paired_ci(base[m], rows[m]) for m in metrics}
        return out

    def to_json(self) -> dict:
        periods = {key: self.stats(period=key) for key in self.periods}
        return {**self.stats(), "periods": periods, "provenance": self.provenance}


def compare(
    scenarios: dict[str, Scenario],
    replications: int = 10,
    seed: int = 0,
    workers: int = 1,
    days: int | None = None,
    keep_daily: bool = True,
    progress: bool | None = None,
    periods: tuple[tuple[int, int], ...] = (),
    on_progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Run every scenario `replications` times with shared seeds; gather tidy frames
    (and the figures of each window [A, B) of `periods`). `on_progress(done, total)` is
    called after each run (the dashboard's progress bar)."""
    from tqdm.auto import tqdm

    seeds = replication_seeds(seed, replications)
    tasks = [
        Task(
            f"{name}/r{i:03d}",
            params,
            s,
            days,
            keep_daily,
            {"scenario": name, "replication": i},
            tuple(periods),
        )
        for name, params in scenarios.items()
        for i, s in enumerate(seeds)
    ]
    summaries, daily = [], []
    windows: dict[str, list] = {f"{a}:{b}": [] for a, b in periods}
    bar = tqdm(total=len(tasks), desc="runs", unit="run", delay=1.0, disable=progress is False)
    try:  # the bar is closed before any message (Ctrl-C, a failure) is printed
        for out in execute(tasks, workers=workers):
            if not out.ok:
                raise RuntimeError(f"{out.task.key} failed: {out.error}\n{out.traceback or ''}")
            meta = out.task.meta
            # the caller's name for a scenario wins over the name inside its file
            summaries.append({**meta, **{k: v for k, v in out.summary.items() if k not in meta}})
            for key, figures in (out.periods or {}).items():
                windows[key].append({**meta, "period": key, **figures})
            if keep_daily:
                d = out.daily.assign(scenario=meta["scenario"], replication=meta["replication"])
                daily.append(d)
            bar.update()
            if on_progress is not None:
                on_progress(len(summaries), len(tasks))
    finally:
        bar.close()
    order = {n: i for i, n in enumerate(scenarios)}

    def tidy(rows):
        frame = pd.DataFrame(rows).sort_values(
            ["scenario", "replication"], key=lambda c: c.map(order) if c.name == "scenario" else c
        )
        return frame.reset_index(drop=True)

    summ = tidy(summaries)
    dly = None
    if keep_daily:
        dly = pd.concat(daily, ignore_index=True)
        dly = dly.sort_values(
            ["scenario", "replication", "day"],
            key=lambda c: c.map(order) if c.name == "scenario" else c,
        )
        dly = dly.reset_index(drop=True)
    per = {key: tidy(rows) for key, rows in windows.items()}
    return Comparison(list(scenarios), summ, dly, seeds, periods=per)
