"""Figures for sweeps and attribution: PNG + SVG, the report's label set and page preset
(`sim.report.labels`, `sim.report.style`), no pyplot state."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.report import labels, style
from sim.report.style import new_figure, report_figure


def metric_label(name: str) -> str:
    return labels.metric(name)


def lever_label(name: str) -> str:
    return labels.lever(name)


def save(fig: Figure, out: Path, name: str) -> list[Path]:
    return style.save(fig, out, name)


@report_figure
def main_effects(effects, metric: str) -> Figure:
    """Metric vs each axis, mean with its 95% CI band; `effects` is a long DataFrame."""
    axes_names = list(dict.fromkeys(effects["axis"]))
    n = len(axes_names)
    cols = min(n, 2)
    rows = -(-n // cols)
    fig = new_figure(aspect=0.42 * rows)
    grid = fig.subplots(rows, cols, squeeze=False)
    for ax, name in zip(grid.flat, axes_names, strict=False):
        e = effects[effects["axis"] == name]
        numeric = np.issubdtype(np.asarray(e["x"]).dtype, np.number)
        x = e["x"].to_numpy(float) if numeric else np.arange(len(e))
        ax.plot(x, e["mean"], marker="o", ms=3, color="C0")
        ax.fill_between(x, e["ci_low"], e["ci_high"], color="C0", alpha=0.25, lw=0)
        if not numeric:
            ax.set_xticks(x, [str(v) for v in e["x"]], rotation=30, ha="right")
        ax.set_xlabel(labels.axis(name))
        ax.set_ylabel(labels.axis(metric))
        ax.grid(alpha=0.3)
    for ax in list(grid.flat)[n:]:
        ax.set_visible(False)
    return fig


@report_figure
def sobol_bars(table, metric: str) -> Figure:
    """First-order and total Sobol indices (bars from 0) with their 95% CIs."""
    t = table[table["metric"] == metric]
    fig = new_figure(aspect=0.1 + 0.08 * len(t))
    ax = fig.subplots()
    y = np.arange(len(t))
    ax.barh(
        y - 0.2,
        t["S1"],
        0.4,
        xerr=t["S1_conf"].abs(),
        capsize=2.5,
        label=labels.word("first_order"),
        color="C0",
    )
    ax.barh(
        y + 0.2,
        t["ST"],
        0.4,
        xerr=t["ST_conf"].abs(),
        capsize=2.5,
        label=labels.word("total_order"),
        color="C1",
    )
    ax.set_yticks(y, [labels.parameter(p) for p in t["parameter"]])
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    whiskers = [t["S1"] - t["S1_conf"].abs(), t["ST"] - t["ST_conf"].abs(), [0.0]]
    lo = float(np.nanmin(np.concatenate(whiskers)))
    ax.set_xlim(left=lo * 1.1)
    ax.set_xlabel(f"{labels.word('sobol_index')}: {labels.metric(metric)}")
    ax.legend(loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return fig


@report_figure
def morris_bars(table, metric: str) -> Figure:
    """Morris mu* (bars from 0) with its 95% CI, and sigma vs mu* (non-linearity or
    interactions)."""
    t = table[table["metric"] == metric]
    fig = new_figure(aspect=0.45)
    a, b = fig.subplots(1, 2)
    y = np.arange(len(t))
    a.barh(y, t["mu_star"], xerr=t["mu_star_conf"], capsize=2.5, color="C2")
    a.set_yticks(y, [f"{i + 1} {labels.parameter(p)}" for i, p in enumerate(t["parameter"])])
    a.invert_yaxis()
    a.set_xlim(left=0)
    a.set_xlabel(f"{labels.word('mu_star')}: {labels.metric(metric)}")
    a.grid(axis="x", alpha=0.3)
    b.scatter(t["mu_star"], t["sigma"], color="C3")
    for i, r in enumerate(t.itertuples()):
        b.annotate(str(i + 1), (r.mu_star, r.sigma), xytext=(3, 3), textcoords="offset points")
    b.set_xlabel(labels.word("mu_star"))
    b.set_ylabel(labels.word("sigma"))
    b.set_xlim(left=0)
    b.set_ylim(bottom=0)
    b.grid(alpha=0.3)
    return fig


@report_figure
def waterfall(a_name: str, b_name: str, a_value, b_value, rows, metric: str) -> Figure:
    """A's rate (a bar from 0) -> each lever's Shapley share (with 95% CI) -> B's rate.

    Horizontal, so the levers' names stay readable; the axis starts at 0, so the shares
    are seen against the whole rate, not magnified."""
    n = len(rows) + 2
    fig = new_figure(aspect=0.1 + 0.06 * n)
    ax = fig.subplots()
    names = [
        labels.scenario(a_name),
        *[labels.lever(r["lever"]) for r in rows],
        labels.scenario(b_name),
    ]

    def whisker(y, x, lo, hi):
        ax.errorbar(x, y, xerr=[[x - lo], [hi - x]], color="k", capsize=2.5)

    level = a_value["mean"]
    ax.barh(0, level, 0.6, color="grey")
    whisker(0, level, a_value["ci_low"], a_value["ci_high"])
    for i, r in enumerate(rows, start=1):
        v = r["mean"]
        ax.barh(i, v, 0.6, left=level, color="C2" if v >= 0 else "C3")
        top = level + v
        whisker(i, top, level + r["ci_low"], level + r["ci_high"])
        ax.annotate(
            f"{v:+.3f}",
            (max(top, level + r["ci_high"]), i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
        ax.plot([level, level], [i - 1.3, i + 0.3], color="k", lw=0.5, ls=":")
        level = top
    ax.barh(n - 1, b_value["mean"], 0.6, color="C0")
    whisker(n - 1, b_value["mean"], b_value["ci_low"], b_value["ci_high"])
    ax.set_yticks(np.arange(n), names)
    ax.invert_yaxis()
    top = max(a_value["mean"], b_value["mean"], level, b_value["ci_high"])
    ax.set_xlim(0, top * 1.12)
    ax.set_xlabel(labels.axis(metric))
    ax.grid(axis="x", alpha=0.3)
    return fig
