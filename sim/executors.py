"""Run many replications: serially, on local worker processes, or on Dask.

A task (`sim.tasks`) is (parameters, seed, days); its result depends on nothing
else, so every executor gives bit-identical results.

Local workers are kept warm: one pool per process, reused by every sweep,
comparison and calibration. On Linux they are forked, so they start in
milliseconds with every module and compiled kernel already loaded (a spawned
worker pays ~1 s of imports, which a small sweep cannot earn back). Where the
process already runs threads of its own (a Jupyter kernel), fork is unsafe, so
workers come from a fork server that loaded `sim` once; elsewhere (macOS,
Windows) they are spawned, once.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import tqdm

from sim.processes import mp_context
from sim.tasks import Outcome, Task, run_task

# Progress bars without tqdm's monitor thread: a thread in the parent makes forking unsafe.
tqdm.tqdm.monitor_interval = 0


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
    pool = local_pool(workers)
    pending: dict = {}
    todo = iter(tasks)
    window = 32 * workers  # in flight at once: short lock loops in wait(), little memory
    with _ctrl_c_at_safe_points() as ctrl_c:
        try:
            for t in itertools.islice(todo, window):
                pending[pool.submit(run_task, t)] = t
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                ctrl_c.check()
                for fut in done:
                    task = pending.pop(fut)
                    for t in itertools.islice(todo, 1):
                        pending[pool.submit(run_task, t)] = t
                    try:
                        outcome = fut.result()
                    except Exception as e:  # a worker died (e.g. killed): record it
                        outcome = Outcome(task, error=f"{type(e).__name__}: {e}", traceback=None)
                    yield outcome
                    ctrl_c.check()
        finally:  # also on Ctrl-C or an abandoned generator: drop what has not started
            for fut in pending:
                fut.cancel()
            if pending or getattr(pool, "_broken", False):
                close_pool()  # workers may still run or be dead: start afresh next time


class _CtrlC:
    requested = False

    def check(self) -> None:
        if self.requested:
            self.requested = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def _ctrl_c_at_safe_points():
    """Ctrl-C raises KeyboardInterrupt only where `check()` is called, never inside the
    pool's own locking: raised there it left a future's lock held and the pool's
    manager thread waiting on it for ever (a hang instead of exit 130)."""
    ctrl_c = _CtrlC()
    if threading.current_thread() is not threading.main_thread():
        yield ctrl_c  # signals reach the main thread only
        return

    def note(signum, frame):
        ctrl_c.requested = True

    old = signal.signal(signal.SIGINT, note)
    try:
        yield ctrl_c
    finally:
        signal.signal(signal.SIGINT, old)


# ---------------------------------------------------------------- the warm local pool
_POOL: dict = {}


def _ignore_sigint() -> None:
    """A worker leaves Ctrl-C to its parent, which stops it (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_pool(workers: int) -> ProcessPoolExecutor:
    """The process's pool of `workers` local workers, started once and kept warm."""
    pool = _POOL.get("pool")
    if pool is not None and (_POOL.get("workers") != workers or pool._broken):
        close_pool()
        pool = None
    if pool is None:
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=mp_context(), initializer=_ignore_sigint
        )
        _POOL.update(pool=pool, workers=workers)
    return pool


def close_pool() -> None:
    """Stop the warm workers now (they are stopped at exit anyway)."""
    pool = _POOL.pop("pool", None)
    _POOL.pop("workers", None)
    if pool is not None:
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join(timeout=10)
        # A worker stopped while sending its result leaves half a message, which the
        # pool's manager thread would wait on for ever (Ctrl-C under load hung so). With
        # the parent's write end of the result pipe closed it reads end-of-file instead.
        writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        if procs and writer is not None and not any(p.is_alive() for p in procs):
            writer.close()
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(close_pool)
