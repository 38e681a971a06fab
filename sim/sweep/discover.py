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
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.sweep.spec import SweepError

MIN_POINTS = 10  # fewer design points than this: no box means anything
MAX_QP = 0.05  # a restriction whose quasi-p value is this or more is dropped
MIN_CUT = 0.1  # so is one that cuts less than this share of its axis's range
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
class Box:
    """One box: its restricted axes `{axis: (low, high)}` and how well it fits."""

    limits: dict[str, tuple[float, float]]  # only the restricted axes
    coverage: float
    density: float
    mass: float
    n: int  # design points inside
    of_interest: int  # of them, below / above the threshold
    res_dim: int
    mean: float  # the metric's mean over the points inside
    quasi_p: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    side: dict[str, str] = field(default_factory=dict)  # axis -> "above" | "below" | "between"
    step: int | None = None  # its index on the peeling trajectory (PRIM)
    dense_enough: bool = True
    before_prune: dict | None = None  # PRIM's chosen step before weak restrictions went
    cost: dict = field(default_factory=dict)  # means inside the box of the cost metrics
    sentence_en: str = ""
    sentence_zh: str = ""


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
def _quiet_import(name: str):
    """EMA Workbench warns about optional packages on import; its analysis needs none."""
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(name)


def _limits(box_lim: pd.DataFrame, init: pd.DataFrame, axes) -> dict:
    out = {}
    for a in axes:
        lo, hi = float(box_lim.loc[0, a]), float(box_lim.loc[1, a])
        if lo > float(init.loc[0, a]) or hi < float(init.loc[1, a]):
            out[a] = (lo, hi)
    return out


def _inside(x: pd.DataFrame, limits: dict) -> np.ndarray:
    mask = np.ones(len(x), dtype=bool)
    for a, (lo, hi) in limits.items():
        v = x[a].to_numpy(float)
        mask &= (v >= lo) & (v <= hi)
    return mask


def balance(coverage, density):
    """The harmonic mean of coverage and density (an F1 score): high only when both are."""
    c, d = np.asarray(coverage, float), np.asarray(density, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c + d > 0, 2 * c * d / (c + d), 0.0)


def density_floor(min_density: float, base_rate: float) -> float:
    """How dense a box must be: `min_density`, and at least halfway from the share of
    all points that are of interest (the base rate) to 1, so that a box always says
    more than the sweep as a whole does."""
    return max(min_density, (1 + base_rate) / 2)


def _select(traj: pd.DataFrame, floor: float) -> tuple[int, bool]:
    """Among the restricted steps dense enough, the one that best balances coverage and
    density (their harmonic mean; fewer restricted axes on a tie); none: the densest."""
    ok = traj[(traj["density"] >= floor) & (traj["res_dim"] > 0)]
    if len(ok):
        best = ok.assign(_f=balance(ok["coverage"], ok["density"]))
        best = best.sort_values(["_f", "res_dim"], ascending=[False, True], kind="stable")
        return int(best.index[0]), True
    best = traj.sort_values(["density", "coverage"], ascending=[False, False], kind="stable")
    return int(best.index[0]), False


def _prune(box, step: int, init: pd.DataFrame, axes) -> int:
    """Drop, one at a time, the weakest restriction of the chosen box while one is weak:
    its quasi-p value (Bryant & Lempert 2010) is at least MAX_QP on every restricted
    side, or it cuts less than MIN_CUT of the axis's range (PRIM's 5 % peels leave such
    slivers, which no one can act on). EMA's `drop_restriction` adds the pruned box to
    the trajectory with its statistics recomputed; its index is returned."""
    cur = step
    while True:
        restricted = _limits(box.box_lims[cur], init, axes)
        if len(restricted) <= 1:
            return cur
        weak = []
        for a, (lo, hi) in restricted.items():
            span = float(init.loc[1, a]) - float(init.loc[0, a])
            cut = 1 - (hi - lo) / span if span > 0 else 1.0
            ps = [v for v in _quasi_p(box.p_values[cur].get(a)) if v is not None]
            if cut < MIN_CUT or (ps and min(ps) >= MAX_QP):
                weak.append((cut, a))
        if not weak:
            return cur
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box.drop_restriction(min(weak)[1], i=cur)
        cur = len(box.peeling_trajectory) - 1


def _prim(x, y, boxes, floor, mass_min, peel_alpha, paste_alpha, prune=True):
    """PRIM with covering: up to `boxes` boxes, each chosen on its trajectory (`_select`)
    and pruned of weak restrictions (`_prune`)."""
    prim = _quiet_import("ema_workbench.analysis.prim")
    with warnings.catch_warnings():  # pandas deprecations inside the library
        warnings.simplefilter("ignore")
        p = prim.Prim(x, y, peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min)
    init = p.box_init
    found, trajectories = [], []
    for _ in range(boxes):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = p.find_box()
        if box is None:
            break
        peeled = len(box.peeling_trajectory)
        step, dense = _select(box.peeling_trajectory.reset_index(drop=True), floor)
        if found and not dense:
            break  # the cases left are not concentrated anywhere: stop covering
        box.select(step)
        final = _prune(box, step, init, x.columns) if prune else step
        box.select(final)
        traj = box.peeling_trajectory.reset_index(drop=True).copy()
        traj["selected"] = traj.index == final
        traj["pruned"] = traj.index >= peeled  # added by dropping restrictions
        traj.insert(0, "box", len(found) + 1)
        trajectories.append(traj)
        row = traj.loc[final]
        limits = _limits(box.box_lims[final], init, x.columns)
        before = None
        if final != step:
            r0 = traj.loc[step]
            before = {k: float(r0[k]) for k in ("coverage", "density", "mass")}
            before["res_dim"] = int(r0["res_dim"])
        found.append(
            Box(
                limits=limits,
                coverage=float(row["coverage"]),
                density=float(row["density"]),
                mass=float(row["mass"]),
                n=int(row["n"]),
                of_interest=int(row["k"]),
                res_dim=len(limits),
                mean=float("nan"),
                quasi_p={a: _quasi_p(box.p_values[final].get(a)) for a in limits},
                step=final,
                dense_enough=bool(row["density"] >= floor),
                before_prune=before,
            )
        )
        if not dense:
            break
    return found, trajectories


def _quasi_p(pair) -> tuple[float | None, float | None]:
    """EMA's quasi-p values of a restriction's (lower, upper) bound; -1 (unrestricted)
    becomes None."""
    pair = list(pair or [-1, -1])
    return tuple(None if v is None or v < 0 else float(v) for v in pair[:2])


def _cart(x, y, boxes, floor, mass_min):
    """CART's leaves dense enough, by how well they balance coverage and density."""
    cart = _quiet_import("ema_workbench.analysis.cart")
    c = cart.CART(x, y, mass_min=mass_min)
    c.build_tree()
    init = x.apply(lambda col: pd.Series([col.min(), col.max()]))
    leaves = []
    total = max(int(y.sum()), 1)
    for i, lim in enumerate(c.boxes):
        limits = _limits(lim, init, x.columns)
        inside = _inside(x, limits)
        k, n = int(y[inside].sum()), int(inside.sum())
        leaves.append(
            {
                "leaf": i,
                "coverage": k / total,
                "density": k / n if n else 0.0,
                "mass": n / len(y),
                "n": n,
                "k": k,
                "res_dim": len(limits),
                "limits": limits,
            }
        )
    table = pd.DataFrame(leaves)
    table["balance"] = balance(table["coverage"], table["density"])
    dense = table[(table["density"] >= floor) & (table["res_dim"] > 0)]
    dense = dense.sort_values("balance", ascending=False)
    chosen = dense.head(boxes)
    ok = True
    if chosen.empty:
        chosen, ok = table.sort_values(["density", "coverage"], ascending=False).head(1), False
    found = [
        Box(
            limits=r["limits"],
            coverage=float(r["coverage"]),
            density=float(r["density"]),
            mass=float(r["mass"]),
            n=int(r["n"]),
            of_interest=int(r["k"]),
            res_dim=int(r["res_dim"]),
            mean=float("nan"),
            step=int(r["leaf"]),
            dense_enough=ok,
        )
        for _, r in chosen.iterrows()
    ]
    table["selected"] = table["leaf"].isin([b.step for b in found])
    table["limits"] = [json.dumps(v) for v in table["limits"]]
    return found, [table]


# ---------------------------------------------------------------- sentences
def _num(v: float) -> str:
    """A bound as a decision maker reads it: two significant figures."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    digits = max(0, 1 - math.floor(math.log10(abs(v))))
    text = f"{round(v, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_rate(metric: str) -> bool:
    from sim.metrics import INFO

    if metric in INFO:
        return INFO[metric][0] == "share 0-1"
    return metric.endswith("_rate")


def _subject(d: Discovery) -> tuple[str, str, str, str]:
    """(English subject, Chinese subject, threshold in English, threshold in Chinese)."""
    from sim.report.labels import METRICS, SCENARIOS

    m, v = d.metric, d.value
    q = f" (q{d.threshold.quantile:g} of the sweep's points)" if d.threshold.quantile else ""
    qz = f"(全部设计点的第 {d.threshold.quantile:g} 百分位)" if d.threshold.quantile else ""
    if d.paired and m.startswith("gain_") and m[5:] in METRICS:
        a, b = d.paired
        base = m[5:]
        zh, en = METRICS[base]
        za, zb = (SCENARIOS.get(n, (n, n))[0] for n in (a, b))
        if _is_rate(base):
            pts = f"{100 * v:+.1f}"
            more = "more" if d.direction == "above" else "less"
            en_s = f"{b} gains {more} than {pts} points of {en.lower()} over {a}{q}"
            zh_s = (
                f"{zb}相对{za}的{zh}提升{'超过' if d.direction == 'above' else '不足'} "
                f"{pts} 个百分点{qz}"
            )
            return en_s, zh_s, "", ""
        return (
            f"{b}'s {en.lower()} minus {a}'s",
            f"{zb}与{za}的{zh}之差",
            f"{_num(v)}{q}",
            f"{_num(v)}{qz}",
        )
    prefix, _, rest = m.partition("_")
    if d.paired and prefix in d.paired and rest in METRICS:
        zh, en = METRICS[rest]
        return (
            f"{prefix}'s {en.lower()}",
            f"{SCENARIOS.get(prefix, (prefix, prefix))[0]}的{zh}",
            f"{_num(v)}{q}",
            f"{_num(v)}{qz}",
        )
    zh, en = METRICS.get(m, (m, m))
    return en[:1].upper() + en[1:], zh, f"{_num(v)}{q}", f"{_num(v)}{qz}"


def _condition(axis: str, lo: float, hi: float, full: tuple[float, float]) -> tuple:
    from sim.report.labels import PARAMETERS

    zh, en, unit = PARAMETERS.get(axis, (axis, axis, ""))
    if unit == "multiplier":  # "department success x1.2" reads as a scale, not a rate
        zh, en = f"{zh}倍数", f"{en} multiplier"
    en = en if en[1:2].isupper() else en[:1].lower() + en[1:]
    low_cut, high_cut = lo > full[0], hi < full[1]
    if low_cut and high_cut:
        return (
            "between",
            f"{en} is between {_num(lo)} and {_num(hi)}",
            (f"{zh}介于 {_num(lo)} 与 {_num(hi)} 之间"),
        )
    if low_cut:
        return "above", f"{en} is above {_num(lo)}", f"{zh}高于 {_num(lo)}"
    return "below", f"{en} is below {_num(hi)}", f"{zh}低于 {_num(hi)}"


def _sentences(d: Discovery, b: Box) -> None:
    subj_en, subj_zh, thr_en, thr_zh = _subject(d)
    order = sorted(  # the tightest restriction first
        b.limits.items(),
        key=lambda kv: (kv[1][1] - kv[1][0]) / max(np.ptp(d.ranges[kv[0]]), 1e-12),
    )
    parts = []
    for a, (lo, hi) in order:
        side, en, zh = _condition(a, lo, hi, d.ranges[a])
        b.side[a] = side
        parts.append((en, zh))
    cond_en = " and ".join(p[0] for p in parts) or "anywhere in the sweep"
    cond_zh = "且".join(p[1] for p in parts) or "在整个取值范围内"
    if thr_en:  # "X is below T"
        word = "above" if d.direction == "above" else "below"
        zword = "高于" if d.direction == "above" else "低于"
        claim_en, claim_zh = f"{subj_en} is {word} {thr_en}", f"{subj_zh}{zword} {thr_zh}"
    else:  # the subject already holds the threshold ("chorus gains less than 2 points")
        claim_en, claim_zh = subj_en, subj_zh
    claim_en = claim_en[:1].upper() + claim_en[1:]
    fit_en = (
        f"{b.density:.0%} of the design points in this box are so (density); it holds "
        f"{b.coverage:.0%} of all such points (coverage) and {b.mass:.0%} of the sweep (mass)"
    )
    fit_zh = (
        f"该区域内 {b.density:.0%} 的设计点如此(密度),覆盖全部此类点的 {b.coverage:.0%}"
        f"(覆盖率),占全部设计点的 {b.mass:.0%}(质量)"
    )
    b.sentence_en = f"{claim_en} when {cond_en}: {fit_en}."
    b.sentence_zh = f"当{cond_zh}时,{claim_zh}:{fit_zh}。"


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
    interest = y_all < value if direction == "below" else y_all > value
    k = int(interest.sum())
    lo_y, hi_y = float(y_all.min()), float(y_all.max())
    if k == 0:
        other = "higher" if direction == "below" else "lower"
        raise SweepError(
            f"--{direction} {thr.text}: no design point has {metric} {direction} {_num(value)} "
            f"(the {len(y_all)} points range from {_num(lo_y)} to {_num(hi_y)}); choose a "
            f"{other} threshold or a quantile such as {'q25' if direction == 'below' else 'q75'}"
        )
    if k == len(y_all):
        raise SweepError(
            f"--{direction} {thr.text}: every design point has {metric} {direction} "
            f"{_num(value)} (they range from {_num(lo_y)} to {_num(hi_y)}): nothing to tell "
            "apart; choose a threshold inside that range"
        )
    cases = cases.assign(of_interest=interest)
    x = cases[axes].reset_index(drop=True)
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
        found, traj = _prim(x, y, boxes, floor, mass_min, peel_alpha, paste_alpha, prune)
    else:
        found, traj = _cart(x, y, boxes, floor, mass_min)
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
        inside = _inside(x, b.limits)
        b.mean = float(np.mean(y_all[inside])) if inside.any() else float("nan")
        if means is not None:
            b.cost = _cost(d, means, inside)
        _sentences(d, b)
    return d


# ---------------------------------------------------------------- report, files
def report(d: Discovery) -> str:
    """The printed report: the question, each box's fit, ranges, sentences and cost."""
    from sim.report.labels import parameter

    name = {"prim": "PRIM", "cart": "CART"}[d.method]
    lines = [
        f"scenario discovery ({name}, {d.library}) on {d.folder} ({d.sweep}): "
        f"{d.metric} {d.direction} {_num(d.value)}"
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
            f"{d.metric} inside {_num(b.mean)}{flag}",
        ]
        for a, (lo, hi) in b.limits.items():
            full = d.ranges[a]
            qp = b.quasi_p.get(a)
            qtxt = ""
            if qp and any(v is not None for v in qp):
                qtxt = "  quasi-p " + ", ".join("-" if v is None else f"{v:.2g}" for v in qp)
            lines.append(
                f"  {parameter(a)}: {_num(lo)} .. {_num(hi)}  (sweep {_num(full[0])} .. "
                f"{_num(full[1])}){qtxt}"
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
    fig.suptitle(f"{d.method.upper()} {kind}: {metric(d.metric)} {side} {_num(d.value)}")
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
