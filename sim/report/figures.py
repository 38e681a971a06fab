"""Figures for comparisons: daily series with CI bands, bars of rates. PNG and SVG."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; the dashboard draws its own
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from sim.report import labels
from sim.report.fonts import use_cjk_font

SERIES = ("resolution_rate", "satisfaction_rate", "backlog", "mean_trust")


def save(fig, out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.png", out_dir / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=150, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight")
    plt.close(fig)
    return paths


def daily_bands(daily: pd.DataFrame, metrics=SERIES, names=None):
    """Mean of each daily series over replications, with a 95% CI band."""
    use_cjk_font()
    names = names or list(dict.fromkeys(daily.scenario))
    fig, axes = plt.subplots(2, (len(metrics) + 1) // 2, figsize=(11, 7), squeeze=False)
    for ax, m in zip(axes.flat, metrics, strict=False):
        for name in names:
            d = daily[daily.scenario == name].groupby("day")[m]
            mean, sd, n = d.mean(), d.std(ddof=1), d.count()
            half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
            ax.plot(mean.index, mean, label=labels.scenario(name))
            ax.fill_between(mean.index, mean - half, mean + half, alpha=0.25)
        ax.set_title(labels.metric(m))
        ax.set_xlabel("天 day")
        ax.grid(alpha=0.3)
    axes.flat[0].legend()
    fig.suptitle("逐日指标(均值与95%置信区间)  Daily series (mean, 95% CI)")
    fig.tight_layout()
    return fig


def rate_bars(stats_: dict, metrics=("resolution_rate", "satisfaction_rate")):
    """Bars of each scenario's rates with 95% CI whiskers."""
    use_cjk_font()
    names = list(stats_["scenarios"])
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(names) * len(metrics)), 4.5))
    width = 0.8 / len(metrics)
    x = np.arange(len(names))
    for k, m in enumerate(metrics):
        c = [stats_["scenarios"][n][m] for n in names]
        mean = np.array([v["mean"] for v in c])
        err = np.array([[v["mean"] - v["ci_low"], v["ci_high"] - v["mean"]] for v in c]).T
        bars = ax.bar(
            x + (k - (len(metrics) - 1) / 2) * width,
            mean,
            width,
            yerr=err,
            capsize=4,
            label=labels.metric(m),
        )
        ax.bar_label(bars, fmt="%.3f", padding=2, fontsize=8)
    ax.set_xticks(x, [labels.scenario(n) for n in names])
    ax.set_ylim(0, 1.05)
    ax.legend(loc="lower right")
    ax.set_title("解决率与满意率(95%置信区间)  Resolution and satisfaction (95% CI)")
    fig.tight_layout()
    return fig


def run_series(daily: pd.DataFrame, title: str):
    """One run: rates, backlog and trust by day."""
    use_cjk_font()
    fig, axes = plt.subplots(2, 2, figsize=(11, 7))
    for ax, m in zip(axes.flat, SERIES, strict=True):
        ax.plot(daily.day, daily[m])
        ax.set_title(labels.metric(m))
        ax.set_xlabel("天 day")
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def caption(fig, zh: str, en: str) -> None:
    """A bilingual caption under the figure (for reports)."""
    fig.text(0.5, -0.01, f"{zh}\n{en}", ha="center", va="top", fontsize=9)
