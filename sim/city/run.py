"""Running a city month by month: streets live in partitions of whole districts (a
district's shared departments couple its streets every day), and the partitions meet
once a month for the ranking (街乡排名), the only thing that couples districts.

Partitions run in this process, in local worker processes (`workers`) or as Dask
actors (`scheduler`). Each street's seed comes from the city's seed and the street's
place in the file, and the ranking is computed here from the partitions' monthly
rows in the file's order, so every executor gives the same numbers, bit for bit.
"""

from __future__ import annotations

import contextlib
import signal
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.argtypes import RunFailed
from sim.city import ranking
from sim.city.district import District
from sim.city.spec import MONTH, City

# Counts behind each pooled rate: rate x basis, summed over streets, divided again.
POOLED = {
    "response_rate": "taken_in",
    "resolution_rate": "taken_in",
    "reported_resolution_rate": "taken_in",
    "callback_resolution_rate": "callbacks",
    "callback_satisfaction_rate": "callbacks",
    "true_callback_resolution_rate": "callbacks",
    "satisfaction_rate": "closed",
}
COUNTS = ("taken_in", "resolved", "closed_unresolved", "lost", "callbacks")


class CityRunError(RunFailed):
    """A run that could not finish (a worker died): one line; nothing was written."""


def street_seeds(master: int, n: int) -> list[int]:
    """Each street's own seed, from one SeedSequence: streets never share random numbers."""
    from sim.experiments import replication_seeds

    return replication_seeds(master, n)


def months(days: int) -> list[tuple[int, int]]:
    """The city's months as windows [a, b) of elapsed days (the last may be short)."""
    return [(a, min(a + MONTH, days)) for a in range(0, days, MONTH)]


def partitions(city: City, n: int) -> list[list[str]]:
    """Whole districts in `n` groups of about equal households (largest first, each to
    the lightest group): the coupling of a district never crosses a process."""
    size: dict[str, int] = {}
    for s in city.streets:
        size[s.district] = size.get(s.district, 0) + s.params.community.residents
    groups: list[list[str]] = [[] for _ in range(max(1, min(n, len(size))))]
    load = [0] * len(groups)
    for d in sorted(size, key=lambda d: (-size[d], d)):
        k = load.index(min(load))
        groups[k].append(d)
        load[k] += size[d]
    return groups


class Partition:
    """Some districts' streets, built where they run, advanced a month at a time."""

    def __init__(self, city: City, districts: list[str], seed: int):
        from sim.model import CoGovModel

        seeds = dict(
            zip([s.name for s in city.streets], street_seeds(seed, len(city.streets)), strict=True)
        )
        self.streets = [s for s in city.streets if s.district in districts]
        self.models = {s.name: CoGovModel(s.params, seed=seeds[s.name]) for s in self.streets}
        self.districts = [
            District(
                d,
                [self.models[s.name] for s in self.streets if s.district == d],
                city.shared(d),
            )
            for d in districts
        ]
        spec = city.spec.ranking
        self.pressure = (
            {n: ranking.Pressure(m, spec) for n, m in self.models.items()} if spec.enabled else {}
        )

    def month(self, window: tuple[int, int], pressures: dict[str, float]) -> list[dict]:
        """Run days a+1..b (each street at next month's pressure) and return each
        street's row for the window."""
        from sim.day import D
        from sim.metrics import window as figures

        a, b = window
        for name, level in pressures.items():
            self.pressure[name].apply(level)
        for d in self.districts:
            if d.shared:
                for _ in range(a, b):
                    d.run_day()
                for m in d.models:
                    m.catch_up()
            else:
                for m in d.models:
                    m.run(b - a)
        rows = []
        for s in self.streets:
            m = self.models[s.name]
            w = figures(m, a, b)
            spent = m.L.daily[b] - m.L.daily[a]  # hours are cumulative in the record
            row = {"street": s.name, "district": s.district, "type": s.type}
            row |= {"first_day": a + 1, "last_day": b, "households": s.params.community.residents}
            row |= {k: w[k] for k in COUNTS}
            row["closed"] = w["resolved"] + w["closed_unresolved"] + w["lost"]
            row |= {k: w[k] for k in POOLED}
            row["grid_hours"] = float(spent[D.hours_grid_worker])
            row["department_hours"] = float(spent[D.hours_department])
            row["pressure"] = pressures.get(s.name, 0.0)
            rows.append(row)
        return rows


@dataclass
class CityResult:
    streets: pd.DataFrame  # one row per street and month
    city: pd.DataFrame  # one row per month: the city's pooled rates
    ranking: pd.DataFrame  # one row per street and ranked month: score, rank, pressure after
    seeds: dict[str, int]  # each street's seed
    digest: str
    executor: str = "serial"


def run_city(
    city: City, seed: int = 0, workers: int = 1, scheduler=None, on_month=None
) -> CityResult:
    """Run the city month by month: serially, in `workers` local processes, or on the
    Dask cluster at `scheduler`; the same numbers on each. `on_month(m, months)` after
    each month (progress)."""
    groups = partitions(city, workers)
    if scheduler is not None:  # as many partitions as the cluster has workers
        runner = _DaskRunner(city, seed, scheduler)
    elif workers > 1 and len(groups) > 1:
        runner = _LocalRunner(city, groups, seed)
    else:
        runner = _Serial(city, [d for g in groups for d in g], seed)
    order = {s.name: k for k, s in enumerate(city.streets)}
    spec = city.spec.ranking
    rows: list[dict] = []
    ranks: list[pd.DataFrame] = []
    pressures: dict[str, float] = {}
    windows = months(city.days)
    try:
        for m, w in enumerate(windows, start=1):
            got = runner.month(w, pressures)
            got.sort(key=lambda r: order[r["street"]])
            for r in got:
                r["month"] = m
            rows += got
            if spec.enabled and w[1] - w[0] == MONTH:
                table = ranking.rank(pd.DataFrame(got), spec.weights)
                table["pressure"] = ranking.pressure(table["rank"].to_numpy(), spec)
                table.insert(0, "month", m)
                ranks.append(table)
                pressures = dict(zip(table["street"], table["pressure"].astype(float), strict=True))
            if on_month is not None:
                on_month(m, len(windows))
    finally:
        runner.close()
    cols = ["street", "district", "type", "month"]
    streets = pd.DataFrame(rows)
    streets = streets[cols + [c for c in streets.columns if c not in cols]]
    rank_frame = (
        pd.concat(ranks, ignore_index=True)
        if ranks
        else pd.DataFrame({"month": [], "street": [], "score": [], "rank": [], "pressure": []})
    )
    names = [s.name for s in city.streets]
    seeds = dict(zip(names, street_seeds(seed, len(names)), strict=True))
    by_month = pool(streets, ["month"])
    spread = streets.groupby("month")["resolution_rate"].agg(["min", "median", "max"])
    for k, col in zip(SPREAD, spread.columns, strict=True):  # the spread across streets
        by_month[k] = spread[col].to_numpy()
    return CityResult(streets, by_month, rank_frame, seeds, city.digest, runner.kind)


def summary(r: CityResult) -> dict:
    """The city's figures over the whole run, pooled from its streets' counts, with the
    spread of its streets' resolution: what a sweep records for a city."""
    whole = pool(r.streets.assign(city=1), ["city"]).iloc[0]
    streets = pool(r.streets, ["street"])["resolution_rate"]
    out = {k: float(whole[k]) for k in POOLED}
    out |= {k: int(whole[k]) for k in (*COUNTS, "closed")}
    out["streets"] = int(r.streets["street"].nunique())
    out["households"] = int(whole["households"] / r.streets["month"].nunique())
    spread = (streets.min(), streets.median(), streets.max())
    return out | {k: float(v) for k, v in zip(SPREAD, spread, strict=True)}


def window(r: CityResult, first: int, last: int) -> dict:
    """The city's pooled figures for the months inside days first+1 ... last (a window
    on month boundaries: `months`)."""
    f = r.streets[(r.streets["first_day"] > first) & (r.streets["last_day"] <= last)]
    whole = pool(f.assign(city=1), ["city"]).iloc[0]
    return {k: float(whole[k]) for k in POOLED} | {k: int(whole[k]) for k in (*COUNTS, "closed")}


def on_months(days: int, first: int, last: int) -> bool:
    """Whether [first, last) starts and ends where the city's months do."""
    edges = {0, days} | {a for a, _ in months(days)}
    return first in edges and last in edges


# What `summary` holds: the metrics a sweep over a city may name.
SPREAD = ("street_resolution_min", "street_resolution_median", "street_resolution_max")
SUMMARY = (*POOLED, *COUNTS, "closed", "streets", "households", *SPREAD)


def pool(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rates of groups of streets, as the hotline pools them: each rate's count (rate x
    its basis) summed, over the summed basis."""
    f = frame.copy()
    for rate, basis in POOLED.items():
        f[f"_{rate}"] = np.where(f[basis] > 0, f[rate].fillna(0) * f[basis], 0.0)
    g = f.groupby(by, sort=True)
    out = g[[*COUNTS, "closed", "households"]].sum()
    for rate, basis in POOLED.items():
        total = g[basis].sum()
        out[rate] = (g[f"_{rate}"].sum() / total).where(total > 0)
    out["streets"] = g.size()
    return out.reset_index()


# ---------------------------------------------------------------- executors
class _Serial:
    kind = "serial"

    def __init__(self, city, districts, seed):
        self.part = Partition(city, districts, seed)

    def month(self, window, pressures):
        mine = {s.name for s in self.part.streets}
        return self.part.month(window, {k: v for k, v in pressures.items() if k in mine})

    def close(self):
        pass


def _serve(conn, city, districts, seed) -> None:
    """A local worker: builds its partition, then runs a month per message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        part = _Serial(city, districts, seed)
        conn.send(("ready", None))
        while True:
            msg = conn.recv()
            if msg is None:
                break
            conn.send(("month", part.month(*msg)))
    except Exception as e:  # the parent turns this into one line
        conn.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


class _LocalRunner:
    kind = "local"

    def __init__(self, city, groups, seed):
        from sim.processes import mp_context

        ctx = mp_context()
        self.conns, self.procs = [], []
        for g in groups:
            here, there = ctx.Pipe()
            p = ctx.Process(target=_serve, args=(there, city, g, seed), daemon=True)
            p.start()
            there.close()
            self.conns.append(here)
            self.procs.append(p)
        for k in range(len(self.conns)):
            self._receive(k, "building its streets")

    def _receive(self, k: int, doing: str):
        try:
            kind, body = self.conns[k].recv()
        except (EOFError, OSError):
            p = self.procs[k]
            p.join(timeout=5)
            raise CityRunError(
                f"cogov city: local worker {k + 1} (pid {p.pid}) died while {doing} "
                f"(exit code {p.exitcode}); nothing was written: run it again"
            ) from None
        if kind == "error":
            raise CityRunError(f"cogov city: local worker {k + 1} failed while {doing}: {body}")
        return body

    def month(self, window, pressures):
        for c in self.conns:
            c.send((window, pressures))
        rows = []
        for k in range(len(self.conns)):
            rows += self._receive(k, f"running days {window[0] + 1}-{window[1]}")
        return rows

    def close(self):
        for c in self.conns:
            with contextlib.suppress(OSError):  # a worker that died has closed its end
                c.send(None)
        for p in self.procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
        for c in self.conns:
            c.close()


class _DaskRunner:
    kind = "dask"

    def __init__(self, city, seed, scheduler):
        from sim.dask_client import client_for

        self.client, self.own = client_for(scheduler)
        try:
            hosts = sorted(self.client.scheduler_info()["workers"])  # one actor per worker
            groups = partitions(city, max(1, len(hosts)))
            with self.client.as_current():  # actors find their client as the current one
                futures = [
                    self.client.submit(
                        _Serial,
                        city,
                        g,
                        seed,
                        actor=True,
                        pure=False,
                        workers=[hosts[k % len(hosts)]] if hosts else None,
                    )
                    for k, g in enumerate(groups)
                ]
                self.actors = [f.result() for f in futures]
        except Exception as e:
            self.close()
            raise CityRunError(
                f"cogov city: a Dask worker could not build its streets ({e})"
            ) from None

    def month(self, window, pressures):
        try:
            with self.client.as_current():
                futures = [a.month(window, pressures) for a in self.actors]
                return [r for f in futures for r in f.result()]
        except Exception as e:
            raise CityRunError(
                f"cogov city: a Dask worker failed in days {window[0] + 1}-{window[1]} "
                f"({type(e).__name__}: {e}); nothing was written: run it again"
            ) from None

    def close(self):
        if self.own:
            self.client.close()
