"""Figures for sweeps and attribution: PNG + SVG, Chinese labels (no pyplot state)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

LEVERS_ZH = {
    "whistle": "吹哨报到",
    "workstation": "一体化工作站",
    "mediation": "1+N 联动调解",
    "cadres": "干部下沉",
    "deliberation": "协商民主",
    "social_forces": "社会力量",
    "mobilisation": "线上组群+线下编队",
    "paper_resolution": "管理信息失真",
    "campaign": "运动型治理",
}


def metric_label(name: str) -> str:
    """`解决率 resolution_rate`; a paired sweep's `gain_x` and `chorus_x` say which."""
    from sim.report.labels import METRICS, SCENARIOS

    zh_en = METRICS.get(name)
    if zh_en:
        return f"{zh_en[0]} {name}"
    prefix, _, rest = name.partition("_")
    if rest in METRICS:
        zh = METRICS[rest][0]
        if prefix == "gain":
            return f"{zh}增益 {name}"
        return f"{SCENARIOS.get(prefix, prefix).split()[0]} {zh} {name}"
    return name


def parameter_label(path: str) -> str:
    from sim.report.labels import parameter

    return parameter(path)


def lever_label(name: str) -> str:
    return f"{LEVERS_ZH[name]} {name}" if name in LEVERS_ZH else name


def new_figure(w: float = 6.4, h: float = 4.2) -> Figure:
    from sim.report.fonts import use_cjk_font

    use_cjk_font(warn=False)
    return Figure(figsize=(w, h), layout="constrained")


def save(fig: Figure, out: Path, name: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    return paths


def main_effects(effects, metric: str) -> Figure:
    """Metric vs each axis, mean with its 95% CI band; `effects` is a long DataFrame."""
    axes_names = list(dict.fromkeys(effects["axis"]))
    n = len(axes_names)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig = new_figure(4.2 * cols, 3.4 * rows)
    grid = fig.subplots(rows, cols, squeeze=False)
    for ax, name in zip(grid.flat, axes_names, strict=False):
        e = effects[effects["axis"] == name]
        numeric = np.issubdtype(np.asarray(e["x"]).dtype, np.number)
        x = e["x"].to_numpy(float) if numeric else np.arange(len(e))
        ax.plot(x, e["mean"], marker="o", color="C0")
        ax.fill_between(x, e["ci_low"], e["ci_high"], color="C0", alpha=0.25, label="95% CI")
        if not numeric:
            ax.set_xticks(x, [str(v) for v in e["x"]], rotation=30, ha="right")
        ax.set_xlabel(parameter_label(name))
        ax.set_ylabel(metric_label(metric))
        ax.grid(alpha=0.3)
    for ax in list(grid.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(f"主效应 main effects: {metric_label(metric)}")
    return fig


def sobol_bars(table, metric: str) -> Figure:
    """First-order and total Sobol indices with their 95% confidence intervals."""
    t = table[table["metric"] == metric]
    fig = new_figure(max(5.0, 1.2 * len(t) + 2), 4.0)
    ax = fig.subplots()
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], capsize=3, label="S1 一阶")
    ax.bar(x + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], capsize=3, label="ST 总效应")
    ax.set_xticks(x, list(t["parameter"]), rotation=20, ha="right")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("Sobol index")
    ax.set_title(f"Sobol 敏感性 sensitivity: {metric_label(metric)}")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    return fig


def morris_bars(table, metric: str) -> Figure:
    """Morris mu* with its 95% CI, and sigma vs mu* (non-linearity / interactions)."""
    t = table[table["metric"] == metric]
    fig = new_figure(10.0, 4.0)
    a, b = fig.subplots(1, 2)
    x = np.arange(len(t))
    a.bar(x, t["mu_star"], yerr=t["mu_star_conf"], capsize=3, color="C2")
    a.set_xticks(x, list(t["parameter"]), rotation=20, ha="right")
    a.set_ylabel("μ* (mean |elementary effect|)")
    a.grid(axis="y", alpha=0.3)
    b.scatter(t["mu_star"], t["sigma"], color="C3")
    for _, r in t.iterrows():
        b.annotate(r["parameter"], (r["mu_star"], r["sigma"]), fontsize=8)
    b.set_xlabel("μ*")
    b.set_ylabel("σ")
    b.grid(alpha=0.3)
    fig.suptitle(f"Morris 筛选 screening: {metric_label(metric)}")
    return fig


def waterfall(a_name: str, b_name: str, a_value, b_value, rows, metric: str) -> Figure:
    """A's rate -> each lever's Shapley share (with 95% CI) -> B's rate."""
    fig = new_figure(max(6.0, 1.0 * len(rows) + 3), 4.4)
    ax = fig.subplots()
    labels = [a_name, *[lever_label(r["lever"]) for r in rows], b_name]
    level = a_value["mean"]
    ax.bar(0, level, color="grey")
    ax.errorbar(
        0,
        level,
        yerr=[[level - a_value["ci_low"]], [a_value["ci_high"] - level]],
        color="k",
        capsize=3,
    )
    for i, r in enumerate(rows, start=1):
        v = r["mean"]
        ax.bar(i, v, bottom=level, color="C2" if v >= 0 else "C3")
        top = level + v
        ax.errorbar(i, top, yerr=[[v - r["ci_low"]], [r["ci_high"] - v]], color="k", capsize=3)
        ax.plot([i - 1.4, i + 0.4], [level, level], color="k", lw=0.5, ls=":")
        level = top
    n = len(rows) + 1
    ax.bar(n, b_value["mean"], color="C0")
    ax.errorbar(
        n,
        b_value["mean"],
        yerr=[[b_value["mean"] - b_value["ci_low"]], [b_value["ci_high"] - b_value["mean"]]],
        color="k",
        capsize=3,
    )
    ax.set_xticks(np.arange(n + 1), labels, rotation=25, ha="right")
    ends = [a_value["mean"], b_value["mean"], level]
    cis = [v for d in (a_value, b_value) for v in (d["ci_low"], d["ci_high"]) if np.isfinite(v)]
    lo, hi = min(ends + cis), max(ends + cis)
    pad = max(0.01, 0.1 * (hi - lo))
    ax.set_ylim(max(0.0, lo - pad), hi + pad)
    ax.set_ylabel(metric_label(metric))
    ax.set_title(f"Shapley 分解 attribution: {a_name} → {b_name}")
    ax.grid(axis="y", alpha=0.3)
    return fig
