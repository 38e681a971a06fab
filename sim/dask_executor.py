"""Run tasks on a Dask distributed cluster: the same `run_task`, the same results.

`sim.executors.execute(tasks, scheduler=...)` lands here. The scheduler is an
address (`tcp://host:8786`, as printed by `dask scheduler`), a
`distributed.Client`, or a cluster object (`LocalCluster`, ...). Workers must
have cogov installed (same version) so that `sim.tasks.run_task` imports.
Each task's result depends only on (parameters, seed, days), so a cluster gives
bit-identical results to serial or local-process runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sim.dask_client import client_for
from sim.tasks import Outcome, Task, run_task


def execute_dask(tasks: Sequence[Task], scheduler: Any) -> Iterator[Outcome]:
    """Submit `run_task` for every task and yield outcomes as they complete."""
    from distributed import as_completed

    tasks = list(tasks)
    if not tasks:
        return
    client, own = client_for(scheduler)
    batch = uuid.uuid4().hex[:8]
    futures: dict = {}
    try:
        for t in tasks:
            fut = client.submit(run_task, t, key=f"cogov-{batch}-{t.key}", pure=False)
            futures[fut] = t
        for fut in as_completed(list(futures), loop=client.loop):
            task = futures.pop(fut)
            try:
                out = fut.result()
            except Exception as e:  # the worker died (KilledWorker) or could not unpickle
                out = Outcome(task, error=f"{type(e).__name__}: {e}", traceback=None)
            fut.release()
            yield out
    finally:
        if futures:
            client.cancel(list(futures))
        if own:
            client.close()
