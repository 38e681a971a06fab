"""Run many replications: serially, on local worker processes, or on Dask.

A task is (parameters, seed, days); its result depends on nothing else, so
every executor gives bit-identical results. Local pools use `spawn`, which is
safe inside Jupyter and on Windows.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
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


@dataclass
class Outcome:
    task: Task
    summary: dict | None = None
    daily: Any = None  # pandas DataFrame or None
    error: str | None = None  # "ExcType: message"
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_task(task: Task) -> Outcome:
    """One replication; an exception becomes a recorded failure, not a crash."""
    from sim.experiments import run

    try:
        r = run(task.params, seed=task.seed, days=task.days)
        return Outcome(task, r.summary, r.daily if task.keep_daily else None)
    except Exception as e:  # recorded and listed; the batch goes on
        return Outcome(task, error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())


def execute(
    tasks: Iterable[Task], workers: int = 1, scheduler: str | None = None
) -> Iterator[Outcome]:
    """Yield outcomes as they complete (order may differ from `tasks`)."""
    tasks = list(tasks)
    if scheduler is not None:
        from sim.dask_executor import execute_dask

        yield from execute_dask(tasks, scheduler)
        return
    if workers <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield run_task(t)
        return
    ctx = mp.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    try:
        pending = {pool.submit(run_task, t): t for t in tasks}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                task = pending.pop(fut)
                try:
                    yield fut.result()
                except Exception as e:  # a worker died (e.g. killed): record it
                    yield Outcome(task, error=f"{type(e).__name__}: {e}", traceback=None)
    finally:  # also on Ctrl-C or an abandoned generator: drop what has not started
        pool.shutdown(wait=True, cancel_futures=True)
