"""Speed and memory of a city of streets (issue 22), every figure against a baseline run
in the same process.

* the scaling city (default 40 streets of Beijing's mean size, 7 million / 343 =
  20,400 households, in 4 districts, 365 days, departments shared, ranking on): one
  local worker; two local workers (ratio, target >= 1.8x); a Dask LocalCluster of two
  workers (against the local pool, target within 15 %); and the coupling's cost (the
  same city with no shared departments: streets run their months in compiled loops
  instead of day by day). Each is the best of `--repeat` runs;
* a Beijing-size city (343 streets and townships in 16 districts, ~7 million
  households, 365 days, ranking on, departments shared) on two local workers:
  wall time (target <= 60 s) and the peak memory of the whole process tree
  (target <= 8 GiB), sampled every 0.2 s. `--no-beijing` skips it.

    python benchmarks/bench_city.py [--streets 40] [--repeat 3] [--no-beijing] [--no-dask]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import _require  # noqa: F401  (first: a wrong Python stops here, in one line)


def _tree_rss() -> int:
    """Resident bytes of this process and all its descendants (workers, the forkserver),
    now."""
    parent, rss = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parent[int(pid)], rss[int(pid)] = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
    mine, grew = {os.getpid()}, True
    while grew:
        more = {p for p, pp in parent.items() if pp in mine} - mine
        grew = bool(more)
        mine |= more
    return sum(rss.get(p, 0) for p in mine) * os.sysconf("SC_PAGE_SIZE")


class Peak:
    def __enter__(self):
        self.peak, self._stop = _tree_rss(), threading.Event()
        self._t = threading.Thread(target=self._watch, daemon=True)
        self._t.start()
        return self

    def _watch(self):
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _tree_rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def _write(data: dict, folder: Path, name: str) -> Path:
    import yaml

    p = folder / f"{name}.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return p


def _timed(c, repeat: int = 1, **kw) -> tuple[float, object]:
    """The best of `repeat` runs (seconds) and its result."""
    from sim import city

    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = city.run_city(c, seed=0, **kw)
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--streets", type=int, default=40)
    ap.add_argument("--no-beijing", action="store_true")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs (scaling city)")
    args = ap.parse_args()
    from sim import city
    from sim.city.spec import generate

    folder = Path(tempfile.mkdtemp(prefix="bench_city-"))
    n = args.streets
    data = generate(streets=n, districts=4, households=n * 20_400, ranking=True)
    shared = city.load(_write(data, folder, "shared"))
    alone = city.load(
        _write(
            {**data, "districts": [{**d, "departments": {}} for d in data["districts"]]},
            folder,
            "alone",
        )
    )
    warm = city.load(_write(generate(4, 2, 4000, days=60, ranking=True), folder, "warm"))
    city.run_city(warm, seed=0)  # the kernels loaded from the disk cache
    print(f"scaling city: {n} streets, 4 districts, {shared.households:,} households, 365 days")
    one, r1 = _timed(shared, args.repeat, workers=1)
    print(f"  1 local worker          {one:7.1f} s")
    two, r2 = _timed(shared, args.repeat, workers=2)
    same = r1.streets.equals(r2.streets)
    print(f"  2 local workers         {two:7.1f} s   {one / two:4.2f}x one worker", end="")
    print(f"  (same numbers: {same})")
    if not args.no_dask:
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cl,
            Client(cl) as client,
        ):  # warmed as the local pool is (its workers fork from this warm process)
            city.run_city(warm, seed=0, scheduler=client)
            dask, r3 = _timed(shared, args.repeat, scheduler=client)
        same = r1.streets.equals(r3.streets)
        print(
            f"  Dask, 2 workers         {dask:7.1f} s   {dask / two - 1:+5.1%} vs the local pool"
            f"  (same numbers: {same})"
        )
    off, _ = _timed(alone, args.repeat, workers=1)
    print(
        f"  no shared departments   {off:7.1f} s   coupling costs {one / off - 1:+.1%} (1 worker)"
    )
    if args.no_beijing:
        return
    big = city.load(_write(generate(ranking=True), folder, "beijing"))
    print(f"Beijing-size city: {len(big.streets)} streets, {big.households:,} households, 365 days")
    with Peak() as peak:
        wall, _ = _timed(big, workers=2)
    gib = peak.peak / 2**30
    print(f"  2 local workers         {wall:7.1f} s   peak {gib:.2f} GiB (all processes)")


if __name__ == "__main__":
    main()
