"""Sweep throughput: runs per second serially, on 2 local workers, and on Dask.

The same tasks (the chorus street, default 6,400 households, `--days` days,
one seed per run) go through `sim.executors.execute` with 1 and 2 local
worker processes (spawn; pool start-up included) and through a Dask
`LocalCluster(n_workers=2, processes=True, threads_per_worker=1)` (cluster
start-up reported apart; client connection included). Prints runs/s, the
2-worker speedup (target >= 1.8x on 2 cores) and the per-run Dask overhead
(Dask wall - local-2 wall, per run); checks the three give identical summaries.

    python benchmarks/bench_sweep.py [--runs 16] [--days 365] [--residents 6400]
"""

from __future__ import annotations

import argparse
import os
import time

import _require  # noqa: F401  (first: a wrong Python stops here, in one line)


def _timed(tasks, **kw) -> tuple[float, dict]:
    from sim.executors import execute

    t = time.perf_counter()
    out = {o.task.key: o for o in execute(tasks, **kw)}
    wall = time.perf_counter() - t
    bad = [o.error for o in out.values() if not o.ok]
    if bad:
        raise SystemExit(f"a run failed: {bad[0]}")
    return wall, {k: o.summary for k, o in sorted(out.items())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--residents", type=int, default=6400)
    ap.add_argument("--scenario", default="chorus")
    a = ap.parse_args()

    from distributed import LocalCluster

    from sim import replication_seeds, scenarios
    from sim.executors import Task

    params = scenarios.load(a.scenario, community={"residents": a.residents})
    seeds = replication_seeds(1, a.runs)
    tasks = [Task(f"r{i:03d}", params, s, a.days, keep_daily=False) for i, s in enumerate(seeds)]
    print(f"{a.runs} runs of {a.scenario}: {a.residents} households, {a.days} days")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    serial, s1 = _timed(tasks, workers=1)
    print(
        f"serial (1 worker)   {serial:7.2f} s  {a.runs / serial:6.2f} runs/s  "
        f"{serial / a.runs:.3f} s/run"
    )
    local, s2 = _timed(tasks, workers=2)
    print(
        f"local, 2 workers    {local:7.2f} s  {a.runs / local:6.2f} runs/s  (pool start included)"
    )

    t = time.perf_counter()
    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        start = time.perf_counter() - t
        dask, s3 = _timed(tasks, scheduler=cluster.scheduler_address)
    print(
        f"dask LocalCluster 2 {dask:7.2f} s  {a.runs / dask:6.2f} runs/s  "
        f"(cluster start {start:.2f} s, not included)"
    )

    speedup = serial / local
    print(
        f"\n2-worker speedup: {speedup:.2f}x (target >= 1.8x) "
        f"{'OK' if speedup >= 1.8 else 'BELOW TARGET'}"
    )
    print(f"Dask overhead per run vs local-2: {(dask - local) / a.runs * 1000:+.1f} ms")
    same = s1 == s2 == s3
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"identical summaries across serial / local-2 / dask: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
