"""Statistics over replications, honest about the runs they cover.

A statistic can be undefined in some runs: a rate with a zero denominator, the day a
backlog recovers when it never does. Such runs are never silently dropped: every
result says how many runs it covers (`n`) out of how many were given (`total`), and
time to an event that may not happen by the end of a run is treated as censored
(Kaplan-Meier) instead of being averaged over the runs where it happened.

CIs are over simulated runs: they measure the model's randomness at fixed
assumptions, not uncertainty about the assumptions (docs/model.md, "Statistics").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

NAN = float("nan")


def _values(x) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(np.asarray(x).ravel()), errors="coerce"), float)


def mean_ci(x, level: float = 0.95) -> dict:
    """{'mean', 'ci_low', 'ci_high', 'n', 'total'} of a sample (Student's t).

    NaN values (the statistic is undefined in that run) are left out of the mean and
    counted: `n` values of `total` were averaged. One value: no interval."""
    v = _values(x)
    total = int(v.size)
    v = v[~np.isnan(v)]
    out = {"mean": NAN, "ci_low": NAN, "ci_high": NAN, "n": int(v.size), "total": total}
    if v.size == 0:
        return out
    out["mean"] = m = float(v.mean())
    if v.size >= 2:
        half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
        out["ci_low"], out["ci_high"] = m - half, m + half
    return out


def paired_ci(a, b, level: float = 0.95) -> dict:
    """Mean and CI of b - a over pairs (replication i of each, common random numbers).

    Series are aligned on their index (the replication); a pair where either side is
    undefined is left out and counted (`n` pairs of `total`)."""
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        a, b = a.align(b)
    a, b = _values(a), _values(b)
    if a.size != b.size:
        raise ValueError(f"paired_ci: {a.size} values against {b.size}; pairs need both")
    return mean_ci(b - a, level)


def difference_ci(a, b, level: float = 0.95) -> dict:
    """Mean and CI of mean(b) - mean(a) for two independent samples (Welch), e.g. design
    points inside and outside a box; NaN values are left out and counted."""
    a, b = _values(a), _values(b)
    total = int(a.size + b.size)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    out = {"mean": NAN, "ci_low": NAN, "ci_high": NAN, "n": int(a.size + b.size), "total": total}
    if a.size == 0 or b.size == 0:
        return out
    out["mean"] = d = float(b.mean() - a.mean())
    if a.size >= 2 and b.size >= 2:
        va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
        se = float(np.sqrt(va + vb))
        dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)) if se > 0 else 1.0
        half = float(stats.t.ppf(0.5 + level / 2, dof) * se)
        out["ci_low"], out["ci_high"] = d - half, d + half
    return out


def proportion_ci(k: int, n: int, level: float = 0.95) -> dict:
    """Share k/n with a Wilson score interval: {'share', 'ci_low', 'ci_high', 'k', 'n'}.

    Wilson, not the normal approximation, because 0 of 10 or 10 of 10 is common here."""
    if n <= 0:
        return {"share": NAN, "ci_low": NAN, "ci_high": NAN, "k": int(k), "n": int(n)}
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {
        "share": p,
        "ci_low": 0.0 if k == 0 else max(0.0, float(centre - half)),  # exact at the edges
        "ci_high": 1.0 if k == n else min(1.0, float(centre + half)),
        "k": int(k),
        "n": int(n),
    }


def kaplan_meier(durations, observed, level: float = 0.95) -> pd.DataFrame:
    """Survival S(t): the share of runs whose event has not happened by time t.

    `durations[i]` is the time of the event in run i if `observed[i]`, else the time the
    run was last seen without it (censored: the run ended first). Rows: time 0, then
    every distinct time; columns `at_risk`, `events`, `censored`, `survival` and a
    pointwise CI (Greenwood's variance on the log(-log) scale, which stays in [0, 1])."""
    t = _values(durations)
    e = np.asarray(observed, dtype=bool).ravel()
    if t.size != e.size:
        raise ValueError("kaplan_meier: durations and observed differ in length")
    if np.isnan(t).any():
        raise ValueError("kaplan_meier: a duration is missing; give the censoring time instead")
    z = stats.norm.ppf(0.5 + level / 2)
    rows = [
        {
            "time": 0.0,
            "at_risk": t.size,
            "events": 0,
            "censored": 0,
            "survival": 1.0,
            "ci_low": 1.0,
            "ci_high": 1.0,
        }
    ]
    s, greenwood = 1.0, 0.0
    for time in np.unique(t):
        at_risk = int((t >= time).sum())
        d = int(((t == time) & e).sum())
        c = int(((t == time) & ~e).sum())
        if d:
            s *= 1 - d / at_risk
            greenwood += d / (at_risk * (at_risk - d)) if at_risk > d else math.inf
        lo = hi = s
        if 0 < s < 1 and math.isfinite(greenwood):
            se = math.sqrt(greenwood) / abs(math.log(s))
            lo = s ** math.exp(z * se)
            hi = s ** math.exp(-z * se)
        elif s == 0:
            lo = hi = 0.0
        rows.append(
            {
                "time": float(time),
                "at_risk": at_risk,
                "events": d,
                "censored": c,
                "survival": s,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows)


def km_quantile(table: pd.DataFrame, q: float = 0.5) -> dict:
    """Time by which a share q of runs had the event (q=0.5: the median), with the CI
    read off the survival band (Brookmeyer-Crowley style). NaN: not reached by the
    last time observed, which says "more than that", not "unknown"."""

    def first(col):
        hit = table[table[col] <= 1 - q + 1e-12]
        return float(hit["time"].iloc[0]) if len(hit) else NAN

    # the lower survival band falls to 1 - q first: it gives the earliest time (ci_low)
    return {"time": first("survival"), "ci_low": first("ci_low"), "ci_high": first("ci_high")}


def time_to_event(durations, observed, horizon: float, level: float = 0.95) -> dict:
    """Everything a report needs about a time to an event that may not happen:
    how many runs had it by `horizon` (with a Wilson CI), the mean time among those
    (with its n), and the Kaplan-Meier median, which uses the censored runs too."""
    t = _values(durations)
    e = np.asarray(observed, dtype=bool).ravel()
    km = kaplan_meier(t, e, level)
    return {
        "events": int(e.sum()),
        "total": int(e.size),
        "horizon": float(horizon),
        "share": proportion_ci(int(e.sum()), int(e.size), level),
        "among_events": mean_ci(np.where(e, t, np.nan), level),
        "median": km_quantile(km, 0.5),
        "km": km,
    }


def coverage(ci: dict) -> str:
    """'' when every run counts, else ' (n of total runs)': for a printed CI."""
    n, total = ci.get("n"), ci.get("total")
    if n is None or total is None or n == total:
        return ""
    return f" ({n} of {total} runs)"


def excludes_zero(ci: dict) -> bool:
    """The CI lies wholly on one side of 0 (a difference the runs can tell from noise)."""
    lo, hi = ci.get("ci_low", NAN), ci.get("ci_high", NAN)
    return bool(np.isfinite(lo) and np.isfinite(hi) and (lo > 0 or hi < 0))
