"""Scenario discovery on a sweep: under which conditions is a metric below (or above) a
threshold? "Where does the chorus not pay?" asked of a paired sweep's gain column.

Each design point is one case: its axis values, and the metric's mean over its
replications. Cases below (or above) the threshold are the cases of interest.
PRIM (EMA Workbench's `prim.Prim`, Friedman & Fisher 1999; Bryant & Lempert
2010) peels the axes' ranges down to a box where such cases are dense, then
pastes back what it can; the box chosen on each peeling trajectory is, among
the steps dense enough (`min_density`, and at least halfway from the base rate
to 1), the one with the highest harmonic mean of coverage and density (else
the densest step). Its weak restrictions are then dropped one at a time
(quasi-p >= 0.05, or cutting less than a tenth of the axis), so that the
sentence names only conditions that matter; the statistics are those of the
box as reported. Further boxes cover the cases the earlier ones left (PRIM's covering).
CART (EMA Workbench's wrapper of scikit-learn's tree) is the alternative: its
leaves dense in cases of interest are the boxes.

    coverage  share of all cases of interest that fall inside the box
    density   share of the cases inside the box that are of interest
    mass      share of all cases that fall inside the box

Each box is also written as a sentence in English and Chinese.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.sweep.boxes import (
    MAX_QP,
    MIN_CUT,
    Box,
    cart_boxes,
    density_floor,
    inside_box,
    prim_boxes,
)
from sim.sweep.spec import SweepError
from sim.sweep.wording import number, write_sentences

MIN_POINTS = 10  # fewer design points than this: no box means anything
METHODS = ("prim", "cart")
COST = "resolutions_per_100_total_hours"  # the cost side shown beside each box
STAFF = "resolutions_per_100_staff_hours"


# ---------------------------------------------------------------- the threshold
@dataclass(frozen=True)
class Threshold:
    """`--below 0.02` (a value) or `--below q25` (a quantile of the design points)."""

    text: str
    value: float | None = None
    quantile: float | None = None  # percent, 0 < q < 100

    def resolve(self, y: np.ndarray) -> float:
        if self.quantile is None:
            return float(self.value)
        return float(np.quantile(y, self.quantile / 100))


def threshold(text: str) -> Threshold:
    """Parse `0.02`, `-0.01`, `q25` or `q12.5` (argparse type: ValueError is one line)."""
    t = text.strip()
    m = re.fullmatch(r"[qQ](\d+(?:\.\d+)?)", t)
    if m:
        q = float(m.group(1))
        if not 0 < q < 100:
            raise ValueError(f"a quantile must be q1 .. q99 (got {text!r})")
        return Threshold(t.lower(), quantile=q)
    try:
        v = float(t)
    except ValueError:
        raise ValueError(
            f"must be a number or a quantile of the sweep's points such as q25 (got {text!r})"
        ) from None
    if not math.isfinite(v):
        raise ValueError(f"must be a finite number (got {text!r})")
    return Threshold(t, value=v)


# ---------------------------------------------------------------- results


@dataclass
class Discovery:
    folder: Path
    sweep: str
    metric: str
    direction: str  # "below" | "above"
    threshold: Threshold
    value: float  # the threshold as a number
    method: str
    settings: dict
    axes: list[str]
    ranges: dict[str, tuple[float, float]]  # each axis's range over the points
    cases: pd.DataFrame  # one row per design point: axes, the metric, of_interest
    replications: int
    boxes: list[Box]
    trajectories: list[pd.DataFrame]  # PRIM: one per box; CART: the leaves
    paired: tuple[str, str] | None
    manifest: dict = field(repr=False, default_factory=dict)
    library: str = ""

    @property
    def n_interest(self) -> int:
        return int(self.cases["of_interest"].sum())

    def to_json(self) -> dict:
        from sim.provenance import provenance

        return {
            "sweep": self.sweep,
            "folder": str(self.folder),
            "spec_hash": self.manifest.get("spec_hash"),
            "metric": self.metric,
            "direction": self.direction,
            "threshold": {
                "given": self.threshold.text,
                "value": self.value,
                "quantile": self.threshold.quantile,
            },
            "method": self.method,
            "library": self.library,
            "settings": self.settings,
            "paired": list(self.paired) if self.paired else None,
            "points": len(self.cases),
            "replications_per_point": self.replications,
            "of_interest": self.n_interest,
            "base_rate": self.n_interest / len(self.cases),
            "axes": {a: {"low": lo, "high": hi} for a, (lo, hi) in self.ranges.items()},
            "boxes": [
                {
                    "box": i + 1,
                    "coverage": b.coverage,
                    "density": b.density,
                    "mass": b.mass,
                    "points": b.n,
                    "of_interest": b.of_interest,
                    "restricted_dimensions": b.res_dim,
                    "mean": b.mean,
                    "dense_enough": b.dense_enough,
                    "before_prune": b.before_prune,
                    "trajectory_step": b.step,
                    "limits": {
                        a: {
                            "low": lo,
                            "high": hi,
                            "side": b.side.get(a),
                            "quasi_p": list(b.quasi_p.get(a, (None, None))),
                        }
                        for a, (lo, hi) in b.limits.items()
                    },
                    "cost": b.cost,
                    "sentence_en": b.sentence_en,
                    "sentence_zh": b.sentence_zh,
                }
                for i, b in enumerate(self.boxes)
            ],
            "sweep_provenance": self.manifest.get("provenance"),
            "provenance": provenance(),
        }


# ---------------------------------------------------------------- the cases
def _cases(out: Path, metric: str):
    """(manifest, cases, axes, replications, runs): one row per design point with a
    finished run, and the runs themselves."""
    from sim.sweep.analysis import paired_names, resolve_metrics
    from sim.sweep.runner import check_results, load_design, load_manifest, load_results

    manifest = load_manifest(out)
    design = load_design(out)
    check_results(out, manifest, design)
    runs = load_results(out)
    if runs.empty:
        raise SweepError(f"{out}: no finished runs yet (run `cogov sweep` first)")
    if metric not in runs.columns:  # one line saying what can be asked
        if paired_names(manifest):
            _unknown_paired(runs, metric)
        resolve_metrics(runs, manifest, [metric], flag="--metric")
    if runs[metric].dtype.kind not in "fiu":
        raise SweepError(f"--metric: {metric!r} is not a number (it is {runs[metric].dtype})")
    axes = [a for a in design["axes"] if a in runs.columns]
    g = runs.groupby("point", sort=True)
    cases = g[axes].first()
    cases[metric] = g[metric].mean()
    cases = cases[cases[metric].notna()]
    varying = [a for a in axes if cases[a].nunique(dropna=False) > 1]
    if not varying:
        raise SweepError(f"{out}: no axis takes more than one value: nothing to discover")
    for a in varying:
        if cases[a].isna().any():
            raise SweepError(
                f"{out}: axis {a} is not set at every design point; discovery needs every "
                "point to have a value on every axis (a grid or sampler design)"
            )
        if cases[a].dtype == bool:
            cases[a] = cases[a].astype(int)
    if len(cases) < MIN_POINTS:
        raise SweepError(
            f"{out}: {len(cases)} design points with a value of {metric}; discovery needs at "
            f"least {MIN_POINTS} (more samples or axis values)"
        )
    reps = int(g.size().median())
    return manifest, cases[[*varying, metric]], varying, reps, runs


def _unknown_paired(runs: pd.DataFrame, metric: str) -> None:
    gains = [c for c in runs.columns if c.startswith("gain_") and runs[c].dtype.kind in "fiu"]
    hint = f" (did you mean gain_{metric}?)" if f"gain_{metric}" in runs.columns else ""
    shown = ", ".join(gains[:10]) + (f", ... ({len(gains)} in all)" if len(gains) > 10 else "")
    raise SweepError(
        f"--metric: unknown metric {metric!r}{hint}; a paired sweep has gain_<metric> "
        f"(B - A: {shown}) and each side's <name>_<metric>"
    )


# ---------------------------------------------------------------- PRIM and CART


# ---------------------------------------------------------------- sentences


# ---------------------------------------------------------------- the cost side
def _cost(d: Discovery, runs_means: pd.DataFrame, inside: np.ndarray) -> dict:
    """Means inside the box (and over the sweep) of both sides' resolutions per 100 hours."""
    if not d.paired:
        return {}
    a, b = d.paired
    out = {}
    for m in (COST, STAFF):
        cols = [f"{a}_{m}", f"{b}_{m}", f"gain_{m}"]
        if not all(c in runs_means for c in cols):
            continue
        out[m] = {
            "inside": {c: float(runs_means.loc[inside, c].mean()) for c in cols},
            "sweep": {c: float(runs_means[c].mean()) for c in cols},
        }
    return out


# ---------------------------------------------------------------- the whole
def discover(
    out: str | Path,
    metric: str,
    below: Threshold | str | None = None,
    above: Threshold | str | None = None,
    method: str = "prim",
    boxes: int = 3,
    min_density: float = 0.8,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    prune: bool = True,
) -> Discovery:
    """Find the boxes of axis values where the sweep's `metric` (mean over replications
    at each design point) is below `below` or above `above`. Nothing is written."""
    from sim.sweep.analysis import paired_names

    out = Path(out)
    if (below is None) == (above is None):
        raise SweepError("give one of --below X or --above X")
    if method not in METHODS:
        raise SweepError(f"--method: must be one of {', '.join(METHODS)} (got {method!r})")
    for name, v, lo, hi in (
        ("--min-density", min_density, 0.0, 1.0),
        ("--mass-min", mass_min, 0.0, 0.5),
        ("--peel-alpha", peel_alpha, 0.0, 0.5),
        ("--paste-alpha", paste_alpha, 0.0, 0.5),
    ):
        if not lo < v <= hi:
            raise SweepError(f"{name}: must be > {lo:g} and <= {hi:g} (got {v:g})")
    if not 1 <= boxes <= 10:
        raise SweepError(f"--boxes: must be 1 .. 10 (got {boxes})")
    direction = "below" if below is not None else "above"
    thr = below if below is not None else above
    if isinstance(thr, str):
        try:
            thr = threshold(thr)
        except ValueError as e:
            raise SweepError(f"--{direction}: {e}") from None
    manifest, cases, axes, reps, runs = _cases(out, metric)
    y_all = cases[metric].to_numpy(float)
    value = thr.resolve(y_all)
    # a quantile keeps the points tied at it: "the lowest quarter" is never empty
    tie = thr.quantile is not None
    if direction == "below":
        interest = y_all <= value if tie else y_all < value
    else:
        interest = y_all >= value if tie else y_all > value
    k = int(interest.sum())
    lo_y, hi_y = float(y_all.min()), float(y_all.max())
    if k == 0:
        other = "higher" if direction == "below" else "lower"
        raise SweepError(
            f"--{direction} {thr.text}: no design point has {metric} {direction} {number(value)} "
            f"(the {len(y_all)} points range from {number(lo_y)} to {number(hi_y)}); choose a "
            f"{other} threshold or a quantile such as {'q25' if direction == 'below' else 'q75'}"
        )
    if k == len(y_all):
        raise SweepError(
            f"--{direction} {thr.text}: every design point has {metric} {direction} "
            f"{number(value)} (they range from {number(lo_y)} to {number(hi_y)}): nothing to tell "
            "apart; choose a threshold inside that range"
        )
    cases = cases.assign(of_interest=interest)
    x = cases[axes].reset_index(drop=True).astype(float)  # PRIM peels ints and bools as floats
    y = interest.astype(bool)
    floor = density_floor(min_density, k / len(y))
    settings = {
        "boxes": boxes,
        "min_density": min_density,
        "density_floor": floor,
        "mass_min": mass_min,
    }
    if method == "prim":
        settings |= {"peel_alpha": peel_alpha, "paste_alpha": paste_alpha, "prune": prune}
        if prune:
            settings |= {"prune_quasi_p": MAX_QP, "prune_min_cut": MIN_CUT}
        found, traj = prim_boxes(x, y, boxes, floor, mass_min, peel_alpha, paste_alpha, prune)
    else:
        found, traj = cart_boxes(x, y, boxes, floor, mass_min)
    import ema_workbench

    d = Discovery(
        folder=out,
        sweep=str(manifest.get("name")),
        metric=metric,
        direction=direction,
        threshold=thr,
        value=value,
        method=method,
        settings=settings,
        axes=axes,
        ranges={a: (float(x[a].min()), float(x[a].max())) for a in axes},
        cases=cases,
        replications=reps,
        boxes=found,
        trajectories=traj,
        paired=paired_names(manifest),
        manifest=manifest,
        library=f"ema_workbench {getattr(ema_workbench, '__version__', '?')}",
    )
    means = None
    if d.paired:
        cols = [c for c in runs.columns if c.endswith((COST, STAFF))]
        means = runs.groupby("point", sort=True)[cols].mean().loc[cases.index]
        means = means.reset_index(drop=True)
    for b in found:
        inside = inside_box(x, b.limits)
        b.mean = float(np.mean(y_all[inside])) if inside.any() else float("nan")
        if means is not None:
            b.cost = _cost(d, means, inside)
        write_sentences(d, b)
    return d


# ---------------------------------------------------------------- report, files
def report(d: Discovery) -> str:
    """The printed report: the question, each box's fit, ranges, sentences and cost."""
    from sim.report.labels import parameter

    name = {"prim": "PRIM", "cart": "CART"}[d.method]
    lines = [
        f"scenario discovery ({name}, {d.library}) on {d.folder} ({d.sweep}): "
        f"{d.metric} {d.direction} {number(d.value)}"
        + (f" (q{d.threshold.quantile:g})" if d.threshold.quantile else ""),
        f"{len(d.cases):,} design points (each the mean of {d.replications} "
        f"replication{'s' if d.replications != 1 else ''}); {d.n_interest:,} of them "
        f"({d.n_interest / len(d.cases):.0%}) are {d.direction} the threshold",
    ]
    if not d.boxes:
        lines.append("no box found")
    for i, b in enumerate(d.boxes, 1):
        flag = ""
        if not b.dense_enough:
            flag = f"  (below the density asked, {d.settings['density_floor']:.2f}: the best found)"
        lines += [
            "",
            f"box {i}: coverage {b.coverage:.2f}, density {b.density:.2f}, mass {b.mass:.2f}, "
            f"{b.res_dim} restricted dimension{'s' if b.res_dim != 1 else ''}, mean "
            f"{d.metric} inside {number(b.mean)}{flag}",
        ]
        for a, (lo, hi) in b.limits.items():
            full = d.ranges[a]
            qp = b.quasi_p.get(a)
            qtxt = ""
            if qp and any(v is not None for v in qp):
                qtxt = "  quasi-p " + ", ".join("-" if v is None else f"{v:.2g}" for v in qp)
            lines.append(
                f"  {parameter(a)}: {number(lo)} .. {number(hi)}  (sweep {number(full[0])} .. "
                f"{number(full[1])}){qtxt}"
            )
        if b.before_prune:
            bp = b.before_prune
            lines.append(
                f"  (PRIM's box before dropping {bp['res_dim'] - b.res_dim} weak restrictions, "
                f"quasi-p >= {MAX_QP:g} or cutting < {MIN_CUT:.0%} of the axis: coverage "
                f"{bp['coverage']:.2f}, density {bp['density']:.2f}, mass {bp['mass']:.2f}, "
                f"{bp['res_dim']} restricted; --no-prune keeps them)"
            )
        lines += [f"  {b.sentence_en}", f"  {b.sentence_zh}"]
        for m, c in b.cost.items():
            a_, b_ = d.paired
            ins, sw = c["inside"], c["sweep"]
            lines.append(
                f"  cost 成本, {m.replace('_', ' ')}: {a_} {ins[f'{a_}_{m}']:.3g}, {b_} "
                f"{ins[f'{b_}_{m}']:.3g} (difference {ins[f'gain_{m}']:+.3g}) inside the box; "
                f"{sw[f'gain_{m}']:+.3g} over the whole sweep"
            )
    return "\n".join(lines)


def trajectory_figure(d: Discovery):
    """Density against coverage of every step of each peeling trajectory (PRIM) or of
    every leaf (CART), coloured by the restricted dimensions: the chosen box ringed, the
    steps added by pruning marked x, and PRIM's own choice before pruning squared."""
    from sim.report.style import report_figure

    return report_figure(_trajectory_figure)(d)


def _trajectory_figure(d: Discovery):
    from sim.report.labels import metric, word
    from sim.report.style import new_figure

    n = max(len(d.trajectories), 1)
    cols = min(n, 2)
    rows = -(-n // cols)
    fig = new_figure(aspect=0.62 * rows if cols == 1 else 0.48 * rows)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    vmax = max([int(t["res_dim"].max()) for t in d.trajectories] + [1])
    sc = None
    for i, (ax, t) in enumerate(zip(axes, d.trajectories, strict=False)):
        pruned = t["pruned"] if "pruned" in t else pd.Series(False, index=t.index)
        style = dict(c=t["res_dim"][~pruned], cmap="viridis", vmin=0, vmax=vmax)
        sc = ax.scatter(t["coverage"][~pruned], t["density"][~pruned], s=18, **style)
        if pruned.any():
            ax.scatter(
                t["coverage"][pruned], t["density"][pruned], c=t["res_dim"][pruned],
                cmap="viridis", vmin=0, vmax=vmax, marker="x", s=30,
                label=word("pruned"),
            )  # fmt: skip
        box = d.boxes[i] if d.method == "prim" and i < len(d.boxes) else None
        if box is not None and box.before_prune:
            bp = box.before_prune
            ax.scatter(
                [bp["coverage"]], [bp["density"]], s=110, marker="s", facecolors="none",
                edgecolors="grey", lw=1.2, label=word("before_pruning"),
            )  # fmt: skip
        sel = t[t["selected"]]
        ax.scatter(
            sel["coverage"], sel["density"], s=160, facecolors="none", edgecolors="C3", lw=1.6,
            label=word("chosen"),
        )  # fmt: skip
        ax.axhline(
            d.settings["density_floor"], color="grey", ls=":", lw=0.8,
            label=word("density_asked"),
        )  # fmt: skip
        ax.set_xlabel(word("coverage"))
        ax.set_ylabel(word("density"))
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
        if n > 1:
            ax.set_title(word("box_n", n=i + 1) if d.method == "prim" else "")
        if i == 0:  # the same marks in every panel
            ax.legend(loc="lower left")
    for ax in axes[n:]:
        ax.set_visible(False)
    if sc is not None:
        fig.colorbar(sc, ax=list(axes[:n]), label=word("restricted_dimensions"))
    prim = d.method == "prim"
    kind = word("peeling_trajectory") if prim else word("leaves")
    side = word(d.direction)
    fig.suptitle(f"{d.method.upper()} {kind}: {metric(d.metric)} {side} {number(d.value)}")
    return fig


def boxes_table(d: Discovery) -> pd.DataFrame:
    rows = []
    for i, b in enumerate(d.boxes, 1):
        for a, (lo, hi) in (b.limits or {"(none)": (math.nan, math.nan)}).items():
            qp = b.quasi_p.get(a, (None, None))
            rows.append(
                {
                    "box": i,
                    "coverage": b.coverage,
                    "density": b.density,
                    "mass": b.mass,
                    "axis": a,
                    "low": lo,
                    "high": hi,
                    "side": b.side.get(a),
                    "sweep_low": d.ranges.get(a, (math.nan,))[0],
                    "sweep_high": d.ranges.get(a, (math.nan, math.nan))[1],
                    "quasi_p_low": qp[0] if qp else None,
                    "quasi_p_high": qp[1] if len(qp) > 1 else None,
                }
            )
    return pd.DataFrame(rows)


def save(d: Discovery, folder: Path, figures: bool = True) -> list[Path]:
    """Write discover.json, boxes.csv, the trajectory (csv, figure) and report.txt."""
    from sim.sweep import plots

    body = d.to_json()
    files = [folder / "discover.json", folder / "boxes.csv", folder / "report.txt"]
    files[0].write_text(json.dumps(body, indent=2, ensure_ascii=False, default=str), "utf-8")
    boxes_table(d).to_csv(files[1], index=False)
    files[2].write_text(report(d) + "\n", encoding="utf-8")
    name = "peeling_trajectory" if d.method == "prim" else "cart_leaves"
    if d.trajectories:
        pd.concat(d.trajectories, ignore_index=True).to_csv(folder / f"{name}.csv", index=False)
        files.append(folder / f"{name}.csv")
    d.cases.to_csv(folder / "cases.csv")
    files.append(folder / "cases.csv")
    if figures and d.trajectories:
        files += plots.save(trajectory_figure(d), folder, name)
    return files
