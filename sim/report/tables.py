"""Printed tables: one number format per kind of metric, and what each metric means.

Rates and ratios get three significant figures (0.907, 0.0123); counts and hours
get thousands separators and no decimals (57,880). Meanings and units follow
docs/model.md §7.22 (`cogov metrics` prints them).
"""

from __future__ import annotations

import math

import pandas as pd

from sim.metrics import INFO
from sim.report.labels import METRICS as NAMES

COUNT_UNITS = {"cases", "grid-days", "hours", "reports"}


def fmt(value, metric: str | None = None, signed: bool = False) -> str:
    """One number as printed: counts with separators, everything else 3 s.f."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "n/a"
    sign = "+" if signed and v > 0 else ""
    unit = INFO.get(metric or "", ("", ""))[0]
    if unit in COUNT_UNITS or abs(v) >= 100:
        text = f"{v:,.0f}"
        return "0" if text in ("0", "-0") else sign + text
    if v == 0:
        return f"{sign}0"
    return sign + f"{v:#.3g}".rstrip(".")


def fmt_ci(ci: dict, metric: str | None = None, signed: bool = False) -> str:
    """`mean [low, high]` with one format for all three numbers, and `(n of N runs)`
    when the metric is undefined in some runs (they are counted, not hidden)."""
    from sim.stats import coverage

    mean = fmt(ci["mean"], metric, signed)
    if not math.isfinite(ci.get("ci_low", math.nan)):
        return mean + coverage(ci)
    return f"{mean} [{fmt(ci['ci_low'], metric)}, {fmt(ci['ci_high'], metric)}]" + coverage(ci)


def unit(metric: str) -> str:
    return INFO.get(metric, ("", ""))[0]


def legend(metrics) -> str:
    """Lines `metric  (unit)  meaning` for the metrics shown."""
    rows = [m for m in metrics if m in INFO]
    width = max((len(m) for m in rows), default=0)
    return "\n".join(f"  {m:<{width}}  {INFO[m][1]} ({INFO[m][0]})" for m in rows)


def glossary() -> str:
    """Every metric: name, Chinese and English label, unit, meaning (`cogov metrics`)."""
    width = max(len(m) for m in INFO)
    lines = []
    for m, (u, meaning) in INFO.items():
        zh, en = NAMES.get(m, ("", m))
        lines.append(f"{m:<{width}}  {zh} {en} [{u}]: {meaning}")
    return "\n".join(lines)


def comparison(c, period: str | None = None) -> pd.DataFrame:
    """A comparison (`sim.compare.Comparison`) as metric × scenario, 'mean [low, high]',
    and each difference from the first (for the whole run, or a period "A:B")."""
    st = c.stats(period=period)
    cols = {n: {m: fmt_ci(ci, m) for m, ci in st["scenarios"][n].items()} for n in c.names}
    for n, d in st["differences"].items():
        cols[f"{n} − {c.names[0]}"] = {m: fmt_ci(ci, m, signed=True) for m, ci in d.items()}
    return pd.DataFrame(cols)


def sweep_points(analysis, metrics) -> pd.DataFrame:
    """A sweep analysis's design points (`sim.sweep.analysis.Analysis.points`), one
    'mean [ci_low, ci_high]' per metric."""
    points = analysis.points
    stats = {f"{m}_{s}" for m in metrics for s in ("mean", "ci_low", "ci_high", "n", "total")}
    t = points[[c for c in points.columns if c not in stats]].copy()
    for m in metrics:
        mean, lo, hi = (points[f"{m}_{s}"] for s in ("mean", "ci_low", "ci_high"))
        n, total = (points.get(f"{m}_{s}", points["n"]) for s in ("n", "total"))
        t[m] = [
            fmt_ci({"mean": a, "ci_low": b, "ci_high": c, "n": k, "total": N}, m)
            for a, b, c, k, N in zip(mean, lo, hi, n, total, strict=True)
        ]
    return t.set_index("point")
