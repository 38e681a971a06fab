"""Sweep throughput: runs per second on 1 and 2 local workers, and on Dask.

For each batch size (default 60 and 12 runs of the chorus street, 6,400
households, 365 days, one seed per run), the same tasks go through
`sim.executors.execute` with 1 worker (in the process) and with 2 local
workers, each in a fresh Python process so that starting the pool (fork, or
spawn where fork is unsafe) is counted, as a command-line sweep pays it.
Each is timed `--repeat` times (default 3, alternating 1 and 2 workers) and the
best kept, as timeit does: a 12-run batch lasts a quarter of a second, where one
stray process moves the ratio by 0.2. Prints runs/s and the 2-worker speedup
(target >= 1.8x on 2 cores), and
checks that every executor gives identical summaries. `--dask` adds a Dask
`LocalCluster` (2 worker processes; start-up reported apart).

    python benchmarks/bench_sweep.py [--runs 60 12] [--repeat 3] [--days 365]
                                     [--residents 6400] [--dask]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import _require  # noqa: F401  (first: a wrong Python stops here, in one line)

CHILD = """
import json, sys, time
import sim
from sim import replication_seeds, scenarios
from sim.executors import Task, execute
runs, days, residents, scenario, workers = json.loads(sys.argv[1])
params = scenarios.load(scenario, community={"residents": residents})
tasks = [Task(f"r{i:03d}", params, s, days, keep_daily=False)
         for i, s in enumerate(replication_seeds(1, runs))]
sim.jit.warm()  # the kernels are on disk already (bootstrap): loading them is ~0.3 s
t = time.perf_counter()
out = {o.task.key: o for o in execute(tasks, workers=workers)}
wall = time.perf_counter() - t
bad = [o.error for o in out.values() if not o.ok]
if bad:
    sys.exit(f"a run failed: {bad[0]}")
summaries = {k: o.summary for k, o in sorted(out.items())}
print(json.dumps({"wall": wall, "summaries": summaries}, default=str))
"""


def _timed_child(runs: int, days: int, residents: int, scenario: str, workers: int):
    """Wall seconds of `execute` in a fresh process (pool start included), and summaries."""
    args = json.dumps([runs, days, residents, scenario, workers])
    done = subprocess.run(
        [sys.executable, "-c", CHILD, args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(done.stderr.strip().splitlines()[-1] if done.stderr else "child failed")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["wall"], out["summaries"]


def _dask(runs: int, days: int, residents: int, scenario: str):
    from distributed import LocalCluster

    from sim import replication_seeds, scenarios
    from sim.executors import Task, execute

    params = scenarios.load(scenario, community={"residents": residents})
    tasks = [
        Task(f"r{i:03d}", params, s, days, keep_daily=False)
        for i, s in enumerate(replication_seeds(1, runs))
    ]
    t = time.perf_counter()
    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        start = time.perf_counter() - t
        t = time.perf_counter()
        out = {o.task.key: o for o in execute(tasks, scheduler=cluster.scheduler_address)}
        wall = time.perf_counter() - t
    return wall, start, {k: o.summary for k, o in sorted(out.items())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, nargs="+", default=[60, 12])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--residents", type=int, default=6400)
    ap.add_argument("--scenario", default="chorus")
    ap.add_argument("--repeat", type=int, default=3, help="timings per setting; the best is kept")
    ap.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    a = ap.parse_args()
    print(f"{a.scenario}: {a.residents:,} households, {a.days} days a run")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n")
    print(f"best of {a.repeat} timings each")
    print(f"{'runs':>5} {'workers':>8} {'wall s':>8} {'runs/s':>8} {'speedup':>8}")
    ok = True
    for runs in a.runs:
        walls: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(max(1, a.repeat)):
            for workers in (1, 2):
                wall, summaries = _timed_child(runs, a.days, a.residents, a.scenario, workers)
                walls[workers].append(wall)
                if workers == 1:
                    s1 = summaries
                else:
                    s2 = summaries
        one, two = min(walls[1]), min(walls[2])
        speedup = one / two
        print(f"{runs:>5} {1:>8} {one:>8.2f} {runs / one:>8.1f} {'':>8}")
        print(f"{runs:>5} {2:>8} {two:>8.2f} {runs / two:>8.1f} {speedup:>7.2f}x")
        same = s1 == s2
        if a.dask:
            dask, start, s3 = _dask(runs, a.days, a.residents, a.scenario)
            same &= s1 == s3
            print(
                f"{runs:>5} {'dask 2':>8} {dask:>8.2f} {runs / dask:>8.1f} "
                f"{one / dask:>7.2f}x  (cluster start {start:.1f} s apart)"
            )
        print(f"      identical summaries across executors: {same}")
        ok &= same
        ok_speed = speedup >= 1.8
        print(f"      2 workers vs 1: {speedup:.2f}x (target >= 1.8x) "
              f"{'OK' if ok_speed else 'BELOW TARGET'}\n")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
