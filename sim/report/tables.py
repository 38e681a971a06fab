"""Printed tables: one number format per kind of metric, and what each metric means.

Rates and ratios get three significant figures (0.907, 0.0123); counts and hours
get thousands separators and no decimals (57,880). Meanings and units follow
docs/model.md §7.22 (`cogov metrics` prints them).
"""

from __future__ import annotations

import math

from sim.report.labels import METRICS as NAMES

# metric -> (unit, meaning); the headline metrics of sim.metrics.HEADLINE and a few more
INFO: dict[str, tuple[str, str]] = {
    "resolution_rate": ("share 0-1", "resolved / taken in"),
    "reported_resolution_rate": (
        "share 0-1",
        "reported resolved / taken in (paper resolution inflates it)",
    ),
    "needs_met_rate": ("share 0-1", "resolved / arisen (silent needs count too)"),
    "satisfaction_rate": (
        "share 0-1",
        "satisfied / (resolved + closed unresolved + lost)",
    ),
    "detection_rate": (
        "ratio",
        "needs taken in by patrol, probe, visit or online group / needs not voiced when they arose",
    ),
    "mean_days_to_resolve": ("days", "mean of (day closed - day arisen) over resolved cases"),
    "median_days_to_resolve": ("days", "median of the same"),
    "on_time_rate": ("share 0-1", "resolved cases closed within their deadline / resolved"),
    "bounces_per_case": ("per case", "bounces (推诿) / taken in"),
    "lost_cases": ("cases", "cases lost in hand-offs (管理信息失真)"),
    "backlog": ("cases", "cases queued or in handling at the end"),
    "conflicts": ("cases", "silent needs that escalated into conflicts (矛盾激化)"),
    "mean_trust": ("0-1", "mean trust over households at the end"),
    "participation_rate": (
        "share 0-1",
        "households that ever volunteered, deliberated or (under mobilisation) are party members",
    ),
    "overload_days": ("grid-days", "days a grid was overloaded, summed over grids"),
    "staff_hours": (
        "hours",
        "hours of paid public staff: grid workers, cadres, departments, governance centre",
    ),
    "resolutions_per_100_staff_hours": ("per 100 h", "100 x resolved / staff hours"),
    "total_hours": (
        "hours",
        "every hour cases cost: staff, social forces, volunteers, residents at meetings",
    ),
    "resolutions_per_100_total_hours": ("per 100 h", "100 x resolved / total hours"),
    "handoffs_per_case": ("per case", "hand-offs / taken in"),
    "spread_disputes": ("cases", "disputes an escalated conflict drew ties into"),
    "duplicate_reports": ("reports", "further households raising a need already raised"),
}

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
