"""Each lever's share of B's gain over A: exact Shapley values over lever coalitions.

The players are the levers whose settings differ between scenarios A and B
(at most 8, so 2^k coalitions). Coalition S is A with B's settings for the
levers in S. Every coalition is run for the same R seeds (common random
numbers), so a Shapley value is computed per replication, and its 95% CI is
taken across replications. Per replication the shares add up to B - A exactly
(efficiency): the weights are summed as exact fractions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from sim import scenarios
from sim.executors import Task, execute
from sim.experiments import replication_seeds
from sim.params import LEVER_NAMES, Scenario
from sim.stats import mean_ci
from sim.sweep.spec import SweepError

MAX_LEVERS = 8
METRICS = ("resolution_rate", "satisfaction_rate")


def _load(s: str | Path | Scenario) -> Scenario:
    return s if isinstance(s, Scenario) else scenarios.load(s)


def _first_difference(a: Any, b: Any, path: str) -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in dict.fromkeys([*a, *b]):
            d = _first_difference(a.get(k), b.get(k), f"{path}.{k}" if path else k)
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def differing_levers(a: Scenario, b: Scenario) -> list[str]:
    """Levers whose settings differ; refuses scenarios that differ elsewhere too."""
    da = a.model_dump(mode="json", exclude={"name", "description", "levers"})
    db = b.model_dump(mode="json", exclude={"name", "description", "levers"})
    diff = _first_difference(da, db, "")
    if diff:
        raise SweepError(
            f"attribute: {a.name} and {b.name} differ outside levers ({diff}); Shapley shares "
            "are over lever settings only: make B differ from A in levers: only"
        )
    return [n for n in LEVER_NAMES if getattr(a.levers, n) != getattr(b.levers, n)]


def coalition(a: Scenario, b: Scenario, levers: list[str], mask: int) -> Scenario:
    """A with B's settings for the levers in `mask` (bit i: levers[i])."""
    data = a.model_dump()
    for i, name in enumerate(levers):
        if mask >> i & 1:
            data["levers"][name] = getattr(b.levers, name).model_dump()
    on = "+".join(n for i, n in enumerate(levers) if mask >> i & 1) or "none"
    data["name"] = f"{a.name}+{on}" if mask else a.name
    return Scenario.model_validate(data)


def shapley(values: dict[int, float], k: int) -> list[float]:
    """Exact Shapley values of k players from v(mask), as fractions then floats."""
    if not all(math.isfinite(v) for v in values.values()):
        return [math.nan] * k
    v = {m: Fraction(x) for m, x in values.items()}
    fact = [math.factorial(i) for i in range(k + 1)]
    w = [Fraction(fact[s] * fact[k - s - 1], fact[k]) for s in range(k)]
    phi = []
    for i in range(k):
        bit = 1 << i
        total = Fraction(0)
        for m in range(1 << k):
            if not m & bit:
                total += w[m.bit_count()] * (v[m | bit] - v[m])
        phi.append(total)
    return [float(p) for p in phi]


@dataclass
class Attribution:
    a: str
    b: str
    levers: list[str]
    metrics: list[str]
    seeds: list[int]
    coalitions: pd.DataFrame  # mask, levers on, replication, seed, metrics
    per_replication: pd.DataFrame  # replication, metric, lever, shapley
    stats: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        rows = []
        for m in self.metrics:
            st = self.stats[m]
            gain = st["gain"]["mean"]
            for lever in self.levers:
                s = st["shapley"][lever]
                rows.append(
                    {
                        "metric": m,
                        "lever": lever,
                        "shapley": s["mean"],
                        "ci_low": s["ci_low"],
                        "ci_high": s["ci_high"],
                        "share_of_gain": s["mean"] / gain if gain else math.nan,
                    }
                )
        return pd.DataFrame(rows)

    def to_json(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "levers": self.levers,
            "replications": len(self.seeds),
            "seeds": self.seeds,
            "metrics": self.stats,
            "provenance": self.provenance,
        }


def attribute(
    a: str | Path | Scenario,
    b: str | Path | Scenario,
    replications: int = 10,
    seed: int = 0,
    workers: int = 1,
    scheduler: Any = None,
    days: int | None = None,
    metrics: tuple[str, ...] = METRICS,
    progress: bool = True,
) -> Attribution:
    """Run the 2^k coalitions x R replications and compute per-replication Shapley values."""
    from tqdm.auto import tqdm

    sa, sb = _load(a), _load(b)
    levers = differing_levers(sa, sb)
    if not levers:
        raise SweepError(f"attribute: {sa.name} and {sb.name} have the same lever settings")
    if len(levers) > MAX_LEVERS:
        raise SweepError(
            f"attribute: {len(levers)} levers differ ({', '.join(levers)}); at most {MAX_LEVERS} "
            f"(2^{MAX_LEVERS} coalitions): attribute in steps via an intermediate scenario"
        )
    k = len(levers)
    seeds = replication_seeds(seed, replications)
    params = {m: coalition(sa, sb, levers, m) for m in range(1 << k)}
    tasks = [
        Task(f"c{m:03d}-r{r:03d}", params[m], s, days, False, {"mask": m, "replication": r})
        for m in range(1 << k)
        for r, s in enumerate(seeds)
    ]
    rows, failures = [], []
    bar = tqdm(total=len(tasks), desc="coalitions", unit="run", disable=not progress)
    try:
        for o in execute(tasks, workers=workers, scheduler=scheduler):
            bar.update(1)
            if not o.ok:
                failures.append(o)
                continue
            m = o.task.meta["mask"]
            on = [n for i, n in enumerate(levers) if m >> i & 1]
            rows.append(
                {
                    "mask": m,
                    "levers_on": "+".join(on),
                    "replication": o.task.meta["replication"],
                    "seed": o.task.seed,
                    **{x: o.summary[x] for x in metrics},
                }
            )
    except ConnectionError as e:
        raise SweepError(f"--scheduler {scheduler}: {e}") from None
    finally:
        bar.close()
    if failures:
        f = failures[0]
        raise RuntimeError(
            f"attribute: {len(failures)} coalition runs failed; first {f.task.key}: {f.error}\n"
            f"{f.traceback or ''}"
        )
    df = pd.DataFrame(rows).sort_values(["mask", "replication"]).reset_index(drop=True)
    per_rep, stats = [], {}
    full = (1 << k) - 1
    for x in metrics:
        phis: dict[str, list[float]] = {n: [] for n in levers}
        a_vals, b_vals, gains = [], [], []
        for r in range(replications):
            v = df[df["replication"] == r].set_index("mask")[x].to_dict()
            phi = shapley(v, k)
            for n, p in zip(levers, phi, strict=True):
                phis[n].append(p)
                per_rep.append({"replication": r, "metric": x, "lever": n, "shapley": p})
            a_vals.append(v[0])
            b_vals.append(v[full])
            gains.append(v[full] - v[0])
        stats[x] = {
            "a": mean_ci(a_vals),
            "b": mean_ci(b_vals),
            "gain": mean_ci(gains),
            "shapley": {n: mean_ci(phis[n]) for n in levers},
        }
    from sim.provenance import provenance

    prov = provenance(
        scenarios={s.name: {"hash": s.digest()} for s in (sa, sb)},
        seeds=seeds,
        master_seed=seed,
        replications=replications,
    )
    return Attribution(
        sa.name, sb.name, levers, list(metrics), seeds, df, pd.DataFrame(per_rep), stats, prov
    )


def save(att: Attribution, out: Path, figures: bool = True) -> list[Path]:
    """attribution.json, shapley.csv, coalitions.parquet and waterfall figures."""
    import json

    from sim.sweep import plots
    from sim.sweep.runner import write_json, write_parquet

    out.mkdir(parents=True, exist_ok=True)
    files = [out / "attribution.json", out / "shapley.csv", out / "coalitions.parquet"]
    write_json(files[0], att.to_json())
    att.table().to_csv(files[1], index=False)
    write_parquet(files[2], att.coalitions)
    att.per_replication.to_csv(out / "shapley_per_replication.csv", index=False)
    files.append(out / "shapley_per_replication.csv")
    if figures:
        for m in att.metrics:
            st = att.stats[m]
            rows = [{"lever": n, **st["shapley"][n]} for n in att.levers]
            fig = plots.waterfall(att.a, att.b, st["a"], st["b"], rows, m)
            files += plots.save(fig, out, f"waterfall_{m}")
    json.dumps(att.to_json(), default=str)  # fail early if not serialisable
    return files
