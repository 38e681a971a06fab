"""Speed and memory of one replication (chorus, every lever on), 365 days.

For each size, in a fresh process: wall seconds (setup and days), peak RSS,
resident-days per second, and in the same process the resident-days per
second of a trivial Mesa `shuffle_do` loop over as many agents, and the ratio.

    python benchmarks/bench_model.py [--sizes 2000 20000 100000] [--days 365]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
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


def _measure(n: int, days: int, scenario: str, q) -> None:
    import sim

    params = getattr(sim, scenario)(community={"residents": n}, days=days)
    t0 = time.perf_counter()
    model = sim.CoGovModel(params, seed=1)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux: KiB)
    cases = model.book.n
    base = _baseline(n, max(5, min(days, 2_000_000 // n)))
    q.put((n, t1 - t0, t2 - t1, rss, cases, base))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--scenario", choices=["solo", "chorus"], default="chorus")
    a = ap.parse_args()
    ctx = mp.get_context("spawn")
    print(f"scenario={a.scenario} days={a.days}")
    head = (
        f"{'residents':>9} {'setup s':>8} {'run s':>7} {'wall s':>7} {'peak MiB':>9} "
        f"{'cases':>7} {'res-days/s':>11} {'mesa res-days/s':>16} {'ratio':>6}"
    )
    print(head)
    for n in a.sizes:
        q = ctx.Queue()
        p = ctx.Process(target=_measure, args=(n, a.days, a.scenario, q))
        p.start()
        while True:  # a child that dies (import error, out of memory) must not hang us
            try:
                n, setup, run, rss, cases, base = q.get(timeout=1)
                break
            except queue.Empty:
                if not p.is_alive():
                    msg = f"the run of {n} households died (exit code {p.exitcode})"
                    raise SystemExit(msg) from None
        p.join()
        wall = setup + run
        rate = n * a.days / wall
        print(
            f"{n:>9} {setup:>8.2f} {run:>7.2f} {wall:>7.2f} {rss:>9.0f} {cases:>7} "
            f"{rate:>11.3g} {base:>16.3g} {rate / base:>6.1f}"
        )


if __name__ == "__main__":
    main()
