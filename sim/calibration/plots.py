"""Calibration figures: marginal and pairwise posteriors, observed vs simulated; the
report's label set and page preset (`sim.report.labels`, `sim.report.style`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.report import labels
from sim.report.style import new_figure, preset, report_figure
from sim.sweep.plots import save


@report_figure
def marginals(post: pd.DataFrame, paths: list[str], bounds) -> Figure:
    """后验边缘分布 marginal posteriors: weighted histograms over each prior's range."""
    k = len(paths)
    cols = min(3, k)
    rows = -(-k // cols)
    fig = new_figure(aspect=0.3 * rows + 0.05)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    w = post["weight"].to_numpy()
    for ax, p, (lo, hi) in zip(axes, paths, bounds, strict=False):
        ax.hist(post[p], bins=20, range=(lo, hi), weights=w, color="#3b6ea5", alpha=0.8)
        ax.axhline(1 / 20, color="grey", lw=0.8, ls="--", label=labels.word("prior"))
        ax.set_xlim(lo, hi)
        ax.set_ylim(bottom=0)
        ax.set_xlabel(labels.axis(p))
        ax.locator_params(axis="x", nbins=4)
    for ax in axes[k:]:
        ax.set_visible(False)
    fig.supylabel(labels.word("posterior_weight"))  # one label for every panel
    axes[0].legend(loc="upper right")
    return fig


@report_figure
def pairwise(post: pd.DataFrame, paths: list[str], bounds) -> Figure:
    """后验两两分布 pairwise posterior: weighted draws, one panel per pair; parameters are
    numbered (the key is in the diagonal titles) so the page width is not spent on
    long names."""
    k = len(paths)
    fig = new_figure(aspect=1.0, height_cm=min(preset().width_cm, preset().max_height_cm))
    axes = np.atleast_2d(fig.subplots(k, k, squeeze=False))
    w = post["weight"].to_numpy()
    size = 2 + 30 * w / w.max()
    for i, py in enumerate(paths):
        for j, px in enumerate(paths):
            ax = axes[i, j]
            if i == j:
                ax.hist(post[px], bins=15, range=bounds[j], weights=w, color="#3b6ea5")
                ax.set_title(f"({j + 1})", pad=2)
                ax.set_yticks([])
            elif i > j:
                ax.scatter(post[px], post[py], s=size, alpha=0.5, color="#3b6ea5", lw=0)
                ax.set_ylim(*bounds[i])
            else:
                ax.set_visible(False)
                continue
            ax.set_xlim(*bounds[j])
            ax.locator_params(nbins=3)
            if i < k - 1:
                ax.set_xticklabels([])
            else:
                ax.set_xlabel(f"({j + 1})")
            if j > 0 or i == 0:
                if i != j:
                    ax.set_yticklabels([])
            else:
                ax.set_ylabel(f"({i + 1})")
    key = "\n".join(
        f"({n + 1}) {labels.axis(p, unit_key='').replace(chr(10), ' ')}"
        for n, p in enumerate(paths)
    )
    fig.text(0.98, 0.98, key, ha="right", va="top")
    return fig


@report_figure
def observed_vs_simulated(rows: list[dict]) -> Figure:
    """观测 vs 模拟: each target with ±1.96 SE, the best draw's mean with its 95% CI."""
    fig = new_figure(aspect=0.12 + 0.09 * len(rows))
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    obs = np.array([r["observed"] for r in rows])
    se = np.array([r["se"] for r in rows])
    ax.errorbar(
        obs, y + 0.12, xerr=1.96 * se, fmt="o", color="black", label=labels.word("observed")
    )
    sim = np.array([r["simulated_mean"] for r in rows])
    lo = np.array([r["ci_low"] for r in rows])
    hi = np.array([r["ci_high"] for r in rows])
    err = np.nan_to_num(np.vstack([sim - lo, hi - sim]))
    ax.errorbar(sim, y - 0.12, xerr=err, fmt="s", color="#c0392b", label=labels.word("simulated"))
    case = labels.word("case")
    ax.set_yticks(y, [f"{case} {r['case']}: {labels.metric(r['metric'])}" for r in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    units = {labels.unit_of(r["metric"]) for r in rows}
    zh, en = labels.WORDS["value"]
    if len(units) == 1 and (u := units.pop()):  # one unit: say it
        zh, en = f"{zh}({labels.unit(u, 'zh')})", f"{en} ({labels.unit(u, 'en')})"
    ax.set_xlabel(labels.pick(zh, en, sep="\n"))
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return fig


def save_all(targets, post: pd.DataFrame, rows: list[dict], out: Path) -> list[Path]:
    paths, bounds = targets.paths, targets.bounds
    files = []
    files += save(marginals(post, paths, bounds), out, "marginals")
    files += save(pairwise(post, paths, bounds), out, "pairwise")
    files += save(observed_vs_simulated(rows), out, "observed_vs_simulated")
    return files
