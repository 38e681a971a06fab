"""Report figures: daily series with CI bands, bars of rates and of paired differences,
survival curves, heat maps. Every figure uses the page preset and the label set
(`sim.report.style`, `sim.report.labels`): y-axes carry units, bars start at zero,
one-signed values get a sequential colour map. PNG + SVG.

No pyplot: figures are plain matplotlib `Figure`s, so nothing depends on the backend
and notebooks show them inline through `style.show`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.report import labels, style
from sim.report.style import new_figure, report_figure

SERIES = ("resolution_rate", "satisfaction_rate", "backlog", "mean_trust")
# 接诉即办's three rates as the hotline publishes them (the call-back), beside the truth
HOTLINE_RATES = (
    "response_rate",
    "callback_resolution_rate",
    "callback_satisfaction_rate",
    "resolution_rate",
    "satisfaction_rate",
)
SHADE = "#cccccc"


def save(fig, out_dir: Path, stem: str, caption=None, embed: bool = False) -> list[Path]:
    return style.save(fig, out_dir, stem, caption, embed)


def _legend_below(fig, handles, names, ncol=None) -> None:
    fig.legend(
        handles, names, loc="outside lower center", ncol=ncol or min(len(names), 4), frameon=False
    )


@report_figure
def daily_bands(daily: pd.DataFrame, metrics=SERIES, names=None, shade=None):
    """Each daily series' mean over replications with a 95% CI band; one panel per metric.
    `shade=(start, end)` greys a window (a flood)."""
    names = names or list(dict.fromkeys(daily.scenario))
    rows = (len(metrics) + 1) // 2
    fig = new_figure(aspect=0.36 * rows + 0.08)
    axes = fig.subplots(rows, 2, squeeze=False, sharex=True)
    handles = []
    for ax, m in zip(axes.flat, metrics, strict=False):
        low = 0.0  # counts start at 0; a signed series (excess backlog) may go below
        for k, name in enumerate(names):
            d = daily[daily.scenario == name].groupby("day")[m]
            mean, sd, n = d.mean(), d.std(ddof=1), d.count()
            half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
            low = min(low, float(np.nanmin((mean - half.fillna(0)).to_numpy(float))))
            (line,) = ax.plot(mean.index, mean, color=f"C{k}")
            ax.fill_between(mean.index, mean - half, mean + half, color=f"C{k}", alpha=0.25, lw=0)
            if len(handles) < len(names):
                handles.append(line)
        if shade is not None:
            ax.axvspan(*shade, color=SHADE, alpha=0.5, lw=0)
        ax.set_ylabel(labels.axis(m))
        if labels.unit_of(m) in ("share 0-1", "0-1"):
            ax.set_ylim(0, 1)
        else:
            ax.set_ylim(bottom=low * 1.05 if low < 0 else 0)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel(labels.word("day"))
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    names_shown = [labels.scenario(n) for n in names]
    if shade is not None:
        from matplotlib.patches import Patch

        handles = [*handles, Patch(color=SHADE, alpha=0.5)]
        names_shown = [*names_shown, labels.word("flood")]
    _legend_below(fig, handles, names_shown)
    return fig


def _ci_err(means, lows, highs) -> np.ndarray:
    means, lows, highs = (np.asarray(v, float) for v in (means, lows, highs))
    err = np.vstack([means - lows, highs - means])
    return np.nan_to_num(err, nan=0.0)


@report_figure
def rate_bars(stats_: dict, metrics=("resolution_rate", "satisfaction_rate"), names=None):
    """Bars of each scenario's rates (from 0) with 95% CI whiskers; horizontal when there
    are more than four scenarios, so their names stay readable."""
    names = names or list(stats_["scenarios"])
    horizontal = len(names) > 4
    k = len(metrics)
    fig = (
        new_figure(aspect=0.12 + 0.07 * len(names) * (1 + 0.3 * (k - 1)))
        if horizontal
        else new_figure(aspect=0.5)
    )
    ax = fig.subplots()
    width = 0.8 / k
    x = np.arange(len(names))
    for j, m in enumerate(metrics):
        c = [stats_["scenarios"][n][m] for n in names]
        mean = np.array([v["mean"] for v in c])
        err = _ci_err(mean, [v["ci_low"] for v in c], [v["ci_high"] for v in c])
        pos = x + (j - (k - 1) / 2) * width
        bar = ax.barh if horizontal else ax.bar
        bars = bar(
            pos,
            mean,
            width,
            **({"xerr": err} if horizontal else {"yerr": err}),
            capsize=2.5,
            label=labels.metric(m),
            color=f"C{j}",
        )
        ax.bar_label(bars, fmt="%.3f", label_type="center", color="white")  # clear of whiskers
    ticks = [labels.scenario(n) for n in names]
    unit_key = labels.unit_of(metrics[0])
    # several metrics share the axis: name their common unit (the legend names them)
    value_label = labels.axis(metrics[0]) if k == 1 else labels.unit(unit_key).capitalize()
    if horizontal:
        ax.set_yticks(x, ticks)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.12)
        ax.set_xlabel(value_label)
        ax.grid(axis="x", alpha=0.3)
    else:
        ax.set_xticks(x, ticks)
        ax.set_ylim(0, 1.1)
        ax.set_ylabel(value_label)
        ax.grid(axis="y", alpha=0.3)
    if k > 1:
        handles, names_ = ax.get_legend_handles_labels()
        _legend_below(fig, handles, names_, ncol=2 if len(names_) > 3 else None)
    return fig


@report_figure
def difference_bars(rows: list[dict], value_label: str, scale: float = 1.0):
    """Paired differences as horizontal bars from 0 with 95% CI whiskers, one row each.

    rows: {'label', 'mean', 'ci_low', 'ci_high'}; `scale` (100: rates in percentage
    points)."""
    fig = new_figure(aspect=0.1 + 0.065 * len(rows))
    ax = fig.subplots()
    y = np.arange(len(rows))
    mean = scale * np.array([r["mean"] for r in rows], float)
    lo = scale * np.array([r["ci_low"] for r in rows], float)
    hi = scale * np.array([r["ci_high"] for r in rows], float)
    colours = ["C2" if v >= 0 else "C3" for v in mean]
    ax.barh(y, mean, 0.6, xerr=_ci_err(mean, lo, hi), color=colours, capsize=2.5)
    for yy, v, a, b in zip(y, mean, lo, hi, strict=True):  # beyond the whisker
        end = np.nanmax([v, b]) if v >= 0 else np.nanmin([v, a])
        ax.annotate(
            f"{v:+.1f}" if scale == 100 else f"{v:+.3g}",
            (end, yy),
            va="center",
            xytext=(4 if v >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [r["label"] for r in rows])
    ax.invert_yaxis()
    ext = np.nanmax(np.abs(np.concatenate([lo, hi, mean, [1e-9]])))
    left = min(0.0, np.nanmin(np.concatenate([lo, mean])))
    right = max(0.0, np.nanmax(np.concatenate([hi, mean])))
    ax.set_xlim(left - 0.18 * ext * (left < 0), right + 0.18 * ext)  # room for the numbers
    ax.set_xlabel(value_label)
    ax.grid(axis="x", alpha=0.3)
    return fig


@report_figure
def run_series(daily: pd.DataFrame, title: str | None = None):
    """One run: rates, backlog and trust by day."""
    fig = new_figure(aspect=0.62)
    axes = fig.subplots(2, 2, sharex=True)
    for ax, m in zip(axes.flat, SERIES, strict=True):
        ax.plot(daily.day, daily[m])
        ax.set_ylabel(labels.axis(m))
        ax.set_ylim(0, 1 if labels.unit_of(m) in ("share 0-1", "0-1") else None)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel(labels.word("day"))
    if title:
        fig.suptitle(title)
    return fig


@report_figure
def survival(curves: dict, xlabel: str, ylabel: str):
    """Kaplan-Meier curves (`sim.stats.kaplan_meier` tables) with their CI bands; runs
    censored at the end of the run are marked with a tick."""
    fig = new_figure(aspect=0.5)
    ax = fig.subplots()
    for k, (name, km) in enumerate(curves.items()):
        c = f"C{k}"
        ax.step(km["time"], km["survival"], where="post", color=c, label=name)
        ax.fill_between(
            km["time"], km["ci_low"], km["ci_high"], step="post", color=c, alpha=0.2, lw=0
        )
        cens = km[km["censored"] > 0]
        ax.plot(cens["time"], cens["survival"], "|", color=c, ms=9, mew=1.5)
    ax.set_ylim(0, 1.05)
    ax.set_xlim(left=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")  # the curves fall from the top left
    return fig


# where an open case sits (the daily series' columns, sim/day.py DAILY)
DESKS = ("at_grid", "at_street", "at_unit", "at_joint", "at_meeting", "in_handling")


@report_figure
def where_open_cases_sit(daily: pd.DataFrame, names=None, columns=DESKS, shade=None):
    """One panel per scenario: its open cases by where they sit, stacked (mean over
    replications), on a shared y-axis."""
    names = names or list(dict.fromkeys(daily.scenario))
    fig = new_figure(aspect=0.55)
    axes = fig.subplots(1, len(names), squeeze=False, sharey=True)[0]
    for ax, name in zip(axes, names, strict=True):
        mean = daily[daily.scenario == name].groupby("day")[list(columns)].mean()
        polys = ax.stackplot(mean.index, *(mean[c] for c in columns), alpha=0.85, lw=0)
        if shade is not None:
            ax.axvspan(*shade, color=SHADE, alpha=0.5, lw=0)
        ax.set_title(labels.scenario(name))
        ax.set_xlabel(labels.word("day"))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(labels.axis("backlog"))
    _legend_below(fig, polys, [labels.metric(c) for c in columns], ncol=2)
    return fig


def one_signed(values) -> bool:
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    return bool(v.size == 0 or (v >= 0).all() or (v <= 0).all())


@report_figure
def heatmaps(panels: list[tuple[str, pd.DataFrame, str]], x: str, y: str, fmts=None):
    """Heat maps side by side: (title, table with y as index and x as columns, colour-bar
    label); `fmts` formats each panel's cell numbers. One-signed values get a sequential
    map, mixed signs a diverging one centred on 0."""
    fig = new_figure(aspect=0.42 if len(panels) > 1 else 0.6)
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    fmts = fmts or ["{:.3f}"] * len(panels)
    for ax, (title, data, cbar), fmt in zip(axes, panels, fmts, strict=True):
        v = data.to_numpy(float)
        if one_signed(v):
            cmap = "viridis" if np.nanmin(v) >= 0 else "viridis_r"
            vmin, vmax = np.nanmin(v), np.nanmax(v)
        else:
            cmap, ext = "RdBu", np.nanmax(np.abs(v))
            vmin, vmax = -ext, ext
        im = ax.imshow(v, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        ax.set_xticks(range(len(data.columns)), [f"{c:g}" for c in data.columns])
        ax.set_yticks(range(len(data.index)), [f"{i:g}" for i in data.index])
        ax.set_xlabel(labels.axis(x))
        ax.set_ylabel(labels.axis(y))
        norm = im.norm
        for (i, j), val in np.ndenumerate(v):
            shade = im.cmap(norm(val))
            light = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] > 0.5
            ax.text(
                j, i, fmt.format(val), ha="center", va="center", color="black" if light else "white"
            )
        ax.set_title(title)
        fig.colorbar(im, ax=ax, label=cbar, shrink=0.9)
    return fig


@report_figure
def lines_ci(panels: list[tuple[str, pd.DataFrame]], x: str, group: str):
    """Panels of a statistic against `x`, one line per value of `group`, each with a 95%
    CI band. Each table: columns x, group, mean, ci_low, ci_high; `panels` pairs a
    y-axis label with its table."""
    fig = new_figure(aspect=0.45 if len(panels) <= 2 else 0.8)
    cols = min(2, len(panels))
    rows = -(-len(panels) // cols)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    handles, names = [], []
    for ax, (ylabel, t) in zip(axes, panels, strict=False):
        for k, (g, part) in enumerate(t.groupby("group", sort=True)):
            part = part.sort_values("x")
            (line,) = ax.plot(part["x"], part["mean"], marker="o", ms=3, color=f"C{k}")
            ax.fill_between(
                part["x"], part["ci_low"], part["ci_high"], color=f"C{k}", alpha=0.2, lw=0
            )
            if len(handles) <= k:
                handles.append(line)
                names.append(f"{g:g}")
        ax.set_xlabel(labels.axis(x))
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        lo = np.nanmin(t["ci_low"])
        if lo >= 0:
            ax.set_ylim(bottom=0)
        else:
            ax.axhline(0, color="black", lw=0.8)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    fig.legend(
        handles,
        names,
        loc="outside lower center",
        ncol=len(names),
        frameon=False,
        title=labels.parameter(group),
    )
    return fig


@report_figure
def bar_panels(panels: list[tuple[str, list[dict]]], share_y: bool = True):
    """Horizontal bars (from 0) with 95% CI whiskers, one panel per statistic: (x-axis
    label, rows {'label', 'mean', 'ci_low', 'ci_high'})."""
    n = max(len(r) for _, r in panels)
    fig = new_figure(aspect=0.12 + 0.06 * n)
    axes = np.atleast_1d(fig.subplots(1, len(panels), sharey=share_y))
    for k, (ax, (xlabel, rows)) in enumerate(zip(axes, panels, strict=True)):
        y = np.arange(len(rows))
        mean = np.array([r["mean"] for r in rows], float)
        err = _ci_err(mean, [r["ci_low"] for r in rows], [r["ci_high"] for r in rows])
        ax.barh(y, mean, 0.6, xerr=err, color=f"C{k}", capsize=2.5)
        ax.axvline(0, color="black", lw=0.8)
        if k == 0 or not share_y:
            ax.set_yticks(y, [r["label"] for r in rows])
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", alpha=0.3)
        lo = np.nanmin(mean - err[0])
        ax.set_xlim(left=min(0.0, lo * 1.1))
    axes[0].invert_yaxis()
    return fig


@report_figure
def histograms(series: dict, xlabel: str, marks: dict | None = None, bins: int = 12):
    """Overlaid histograms (counts of posterior draws), optional vertical marks."""
    fig = new_figure(aspect=0.45)
    ax = fig.subplots()
    values = np.concatenate([np.asarray(v, float) for v in series.values()])
    lo, hi = np.nanmin(values), np.nanmax(values)
    for v in (marks or {}).values():
        lo, hi = min(lo, v), max(hi, v)
    edges = np.linspace(lo - 0.01, hi + 0.01, bins + 1)
    for k, (name, v) in enumerate(series.items()):
        ax.hist(v, bins=edges, alpha=0.65, color=f"C{k}", label=name)
    for name, v in (marks or {}).items():
        ax.axvline(v, color="black", ls="--", lw=1, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(labels.word("posterior_draws"))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    return fig


def caption(fig, zh: str, en: str) -> None:
    """Draw a caption under the figure, inside it (for a PNG used on its own)."""
    style.embed_caption(fig, (zh, en))


# ---------------------------------------------------------------- a city (sim/city/)
CITY_MEASURED = ("response_rate", "callback_resolution_rate", "callback_satisfaction_rate")
CITY_TRUE = ("resolution_rate", "satisfaction_rate")


@report_figure
def city_series(city: pd.DataFrame):
    """The city's rates by month as the hotline measures them (solid), as reported upward
    (dotted) and as they truly are (dashed), pooled over its streets."""
    fig = new_figure(aspect=0.55)
    ax = fig.subplots()
    lines = [(m, "-") for m in CITY_MEASURED] + [("reported_resolution_rate", ":")]
    lines += [(m, "--") for m in CITY_TRUE]
    for k, (m, dash) in enumerate(lines):
        ax.plot(
            city["month"], city[m], dash, marker="o", ms=3, color=f"C{k}", label=labels.metric(m)
        )
    ax.set_xlabel(labels.word("month"))
    ax.set_ylabel(labels.word("rate"))
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    _legend_below(fig, *ax.get_legend_handles_labels(), ncol=2)
    return fig


@report_figure
def ranking_bump(ranking: pd.DataFrame, highlight: int = 5):
    """Each street's rank by month (1 at the top); the best and worst `highlight` of the
    last month in colour, the others grey."""
    fig = new_figure(aspect=0.55)
    ax = fig.subplots()
    last = ranking[ranking["month"] == ranking["month"].max()].sort_values("rank")
    n = len(last)
    marked = list(last["street"][:highlight]) + list(
        last["street"][max(highlight, n - highlight) :]
    )
    for street, part in ranking.groupby("street", sort=False):
        if street not in marked:
            ax.plot(part["month"], part["rank"], color=SHADE, lw=0.6, zorder=1)
    for k, street in enumerate(marked):
        part = ranking[ranking["street"] == street]
        ax.plot(
            part["month"],
            part["rank"],
            marker="o",
            ms=3,
            color=f"C{k % 10}",
            label=street,
            zorder=2,
        )
    ax.invert_yaxis()
    ax.set_xlabel(labels.word("month"))
    ax.set_ylabel(labels.word("rank"))
    ax.grid(alpha=0.3)
    _legend_below(fig, *ax.get_legend_handles_labels(), ncol=5)
    return fig


@report_figure
def street_rates(streets: pd.DataFrame, metric: str = "resolution_rate"):
    """Each street's rate over the whole run against its households, by street type."""
    from sim.city.run import pool

    whole = pool(streets, ["street", "type"])
    whole["households"] = whole["households"] / whole["street"].map(
        streets.groupby("street").size()
    )
    fig = new_figure(aspect=0.55)
    ax = fig.subplots()
    for k, (kind, part) in enumerate(whole.groupby("type", sort=True)):
        ax.scatter(part["households"], part[metric], s=14, color=f"C{k}", label=labels.word(kind))
    ax.set_xlabel(labels.word("households"))
    ax.set_ylabel(labels.axis(metric))
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    _legend_below(fig, *ax.get_legend_handles_labels())
    return fig
