"""Speed and memory of the model (chorus, every lever on), 365 days.

For each size, in a fresh process (the compiled kernels already cached on disk,
as after `bash scripts/bootstrap.sh`):

* the first run in that process (setup + days), as a dashboard or a one-off
  `cogov run` meets it, and the peak memory of the process;
* a batch of replications run one after another in the process (sizes up to
  20,000 households): runs per second, amortised;
* Mesa's clock alone (`Model.run_for(days)` with nothing to step), which every
  run pays as it moves through Mesa's public API, as a share of a run;
* in the same process, a trivial Mesa loop (`shuffle_do` of an agent whose step
  sets one attribute) over as many agents for as many days, and the ratio of the
  model's resident-days per second to it (the batch's, where there is one).

    python benchmarks/bench_model.py [--sizes 2000 6400 100000 1000000] [--batch 20]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time

import _require  # noqa: F401  (first: a wrong Python stops here, in one line)


def _baseline(n: int, days: int) -> float:
    """Resident-days per second of a trivial Mesa agent loop (the yardstick)."""
    import mesa

    class Trivial(mesa.Agent):
        def step(self):
            self.x = 1

    model = mesa.Model(rng=0)
    for _ in range(n):
        Trivial(model)
    t = time.perf_counter()
    for _ in range(days):
        model.agents.shuffle_do("step")
    return n * days / (time.perf_counter() - t)


def _clock(days: int, reps: int = 20) -> float:
    """Seconds Mesa's public clock takes to tick `days` days with nothing to step."""
    import mesa

    t = time.perf_counter()
    for _ in range(reps):
        mesa.Model(rng=0).run_for(days)
    return (time.perf_counter() - t) / reps


def _measure(n: int, days: int, scenario: str, batch: int, q) -> None:
    import sim

    params = getattr(sim, scenario)(community={"residents": n}, days=days)
    t0 = time.perf_counter()
    model = sim.CoGovModel(params, seed=1)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux: KiB)
    cases = model.book.n
    per_run = float("nan")
    if batch and n <= 20_000:
        t = time.perf_counter()
        for seed in sim.replication_seeds(2, batch):
            sim.CoGovModel(params, seed=seed).run()
        per_run = (time.perf_counter() - t) / batch
    base = _baseline(n, max(5, min(days, 2_000_000 // n)))
    q.put((n, t1 - t0, t2 - t1, rss, cases, per_run, base, _clock(days)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 6400, 100_000, 1_000_000])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--batch", type=int, default=20, help="replications timed in a batch")
    ap.add_argument("--scenario", choices=["solo", "chorus"], default="chorus")
    a = ap.parse_args()
    ctx = mp.get_context("spawn")
    print(f"scenario={a.scenario} days={a.days}; first run in a fresh process, then a batch")
    head = (
        f"{'residents':>9} {'setup s':>8} {'run s':>7} {'wall s':>7} {'peak MiB':>9} "
        f"{'cases':>9} {'runs/s':>7} {'res-days/s':>11} {'mesa res-days/s':>16} {'ratio':>6} "
        f"{'clock %':>7}"
    )
    print(head)
    for n in a.sizes:
        q = ctx.Queue()
        p = ctx.Process(target=_measure, args=(n, a.days, a.scenario, a.batch, q))
        p.start()
        n, setup, run, rss, cases, per_run, base, clock = q.get()
        p.join()
        wall = setup + run
        amortised = per_run if per_run == per_run else wall  # NaN: no batch at this size
        rate = n * a.days / amortised
        print(
            f"{n:>9,} {setup:>8.2f} {run:>7.2f} {wall:>7.2f} {rss:>9.0f} {cases:>9,} "
            f"{1 / amortised:>7.1f} {rate:>11.3g} {base:>16.3g} {rate / base:>6.1f} "
            f"{100 * clock / amortised:>7.1f}"
        )
    print(
        "runs/s and the ratio use the batch's time per run where there is a batch (<= 20,000 "
        "households), else the first run's wall time; clock %: Mesa's clock alone "
        "(run_for over the days, nothing stepped) as a share of that time."
    )


if __name__ == "__main__":
    main()
