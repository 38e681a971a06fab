"""Calibration figures: marginal and pairwise posteriors, observed vs simulated (bilingual)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.sweep.plots import metric_label, new_figure, save


def _short(path: str) -> str:
    return path.replace("departments.*.", "departments.").replace("levers.", "")


def marginals(post: pd.DataFrame, paths: list[str], bounds) -> Figure:
    """后验边缘分布 marginal posteriors: weighted histograms over each prior's range."""
    k = len(paths)
    cols = min(3, k)
    rows = -(-k // cols)
    fig = new_figure(3.2 * cols, 2.6 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    w = post["weight"].to_numpy()
    for ax, p, (lo, hi) in zip(axes, paths, bounds, strict=False):
        ax.hist(post[p], bins=20, range=(lo, hi), weights=w, color="#3b6ea5", alpha=0.8)
        ax.axhline(1 / 20, color="grey", lw=0.8, ls="--", label="先验 prior")
        ax.set_xlim(lo, hi)
        ax.set_xlabel(_short(p), fontsize=8)
        ax.set_ylabel("后验权重 posterior weight", fontsize=8)
    for ax in axes[k:]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    fig.suptitle("后验边缘分布 Marginal posteriors")
    return fig


def pairwise(post: pd.DataFrame, paths: list[str], bounds) -> Figure:
    """后验两两分布 pairwise posterior: weighted draws, one panel per pair."""
    k = len(paths)
    fig = new_figure(2.4 * max(k, 2), 2.4 * max(k, 2))
    axes = np.atleast_2d(fig.subplots(k, k, squeeze=False))
    w = post["weight"].to_numpy()
    size = 4 + 60 * w / w.max()
    for i, py in enumerate(paths):
        for j, px in enumerate(paths):
            ax = axes[i, j]
            if i == j:
                ax.hist(post[px], bins=15, range=bounds[j], weights=w, color="#3b6ea5")
            elif i > j:
                ax.scatter(post[px], post[py], s=size, alpha=0.5, color="#3b6ea5", lw=0)
                ax.set_ylim(*bounds[i])
            else:
                ax.set_visible(False)
                continue
            ax.set_xlim(*bounds[j])
            ax.tick_params(labelsize=6)
            if i == k - 1:
                ax.set_xlabel(_short(px), fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(_short(py), fontsize=7)
    fig.suptitle("后验两两分布 Pairwise posterior")
    return fig


def observed_vs_simulated(rows: list[dict]) -> Figure:
    """观测 vs 模拟: each target with ±1.96 SE, the best draw's mean with its 95% CI."""
    fig = new_figure(6.4, 0.5 + 0.55 * len(rows))
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    obs = np.array([r["observed"] for r in rows])
    se = np.array([r["se"] for r in rows])
    ax.errorbar(
        obs, y + 0.12, xerr=1.96 * se, fmt="o", color="black", label="观测 observed ±1.96 SE"
    )
    sim = np.array([r["simulated_mean"] for r in rows])
    lo = np.array([r["ci_low"] for r in rows])
    hi = np.array([r["ci_high"] for r in rows])
    err = np.nan_to_num(np.vstack([sim - lo, hi - sim]))
    ax.errorbar(sim, y - 0.12, xerr=err, fmt="s", color="#c0392b", label="模拟 simulated, 95% CI")
    ax.set_yticks(y, [f"case {r['case']}: {metric_label(r['metric'])}" for r in rows], fontsize=8)
    ax.set_xlabel("值 value")
    ax.legend(fontsize=7, loc="best")
    fig.suptitle("观测与模拟 Observed vs simulated (best draw)")
    return fig


def save_all(targets, post: pd.DataFrame, rows: list[dict], out: Path) -> list[Path]:
    paths, bounds = targets.paths, targets.bounds
    files = []
    files += save(marginals(post, paths, bounds), out, "marginals")
    files += save(pairwise(post, paths, bounds), out, "pairwise")
    files += save(observed_vs_simulated(rows), out, "observed_vs_simulated")
    return files
