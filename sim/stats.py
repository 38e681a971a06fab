"""Means and 95% confidence intervals over replications (Student's t)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def mean_ci(x, level: float = 0.95) -> dict:
    """{'mean', 'ci_low', 'ci_high'} of a sample; NaNs are dropped; one value: no interval."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return {"mean": float("nan"), "ci_low": float("nan"), "ci_high": float("nan")}
    m = float(x.mean())
    if x.size < 2:
        return {"mean": m, "ci_low": float("nan"), "ci_high": float("nan")}
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return {"mean": m, "ci_low": m - half, "ci_high": m + half}
