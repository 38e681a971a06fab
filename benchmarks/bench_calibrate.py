"""Calibration throughput: model runs per second inside `calibrate`, against plain runs.

Baseline, in the same process: the same number of runs of the targets' first case,
at the prior's midpoint, through `sim.executors.execute` on the same workers (the
fastest the model goes). Then the calibration itself (ABC-SMC, pyabc) at the
budget: its runs per second, the ratio to the baseline (the cost of pyabc,
shipping draws to workers and idle workers at generation ends), its wall time,
generations and final tolerance. The defaults time the bundled Shanghai targets
at notebook 07's budget.

    python benchmarks/bench_calibrate.py [--targets scenarios/targets/shanghai_2016.yaml]
        [--budget 2400] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import _require  # noqa: F401  (first: a wrong Python stops here, in one line)

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", default=str(ROOT / "scenarios/targets/shanghai_2016.yaml"))
    ap.add_argument("--budget", type=int, default=2400)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline-runs", type=int, default=200)
    args = ap.parse_args()

    import sim
    from sim.calibration import calibrate, load
    from sim.executors import Task, execute

    sim.jit.warm()
    targets = load(args.targets)
    case = targets.cases[0]
    mid = {p: (lo + hi) / 2 for p, (lo, hi) in zip(targets.paths, targets.bounds, strict=True)}
    params = case.scenario(mid)
    tasks = [
        Task(f"r{i:04d}", params, s, case.days, keep_daily=False, periods=(case.period,))
        for i, s in enumerate(sim.replication_seeds(7, args.baseline_runs))
    ]
    list(execute(tasks[: args.workers * 2], workers=args.workers))  # start the pool
    t = time.perf_counter()
    n = sum(o.ok for o in execute(tasks, workers=args.workers))
    base = n / (time.perf_counter() - t)
    print(f"targets {targets.name}: {len(targets.paths)} parameters, {len(targets.cases)} case(s), "
          f"{targets.spec.replications} runs per draw; {args.workers} workers")  # fmt: skip
    print(f"plain runs (execute):       {base:7.1f} runs/s  ({n} runs at the prior's midpoint)")

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        r = calibrate(targets, Path(tmp) / "cal", budget=args.budget, workers=args.workers,
                      progress=False)  # fmt: skip
        wall = time.perf_counter() - t
    runs = r.fit["runs"]
    fresh = r.fit["fresh_runs"]
    rate = runs / wall
    print(f"calibration:                {rate:7.1f} runs/s  ({runs} runs + {fresh} fresh at "
          f"the best draw, {wall:.1f} s wall)")  # fmt: skip
    print(f"ratio calibration / plain:  {rate / base:7.2f}")
    eps = r.fit["epsilon"]
    print(f"generations {r.generations}, population {r.fit['population']}, final epsilon "
          f"{eps:.3g}, stopped: {r.stopped}")  # fmt: skip


if __name__ == "__main__":
    main()
