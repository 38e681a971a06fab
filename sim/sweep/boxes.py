"""The boxes of scenario discovery: PRIM's peeling and pasting, pruned to the
restrictions that matter, and CART's leaves (`sim/sweep/discover.py` says what they
mean; EMA Workbench does the search).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.imports import quietly

MAX_QP = 0.05  # a restriction whose quasi-p value is this or more is dropped
MIN_CUT = 0.1  # so is one that cuts less than this share of its axis's range


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


def _limits(box_lim: pd.DataFrame, init: pd.DataFrame, axes) -> dict:
    out = {}
    for a in axes:
        lo, hi = float(box_lim.loc[0, a]), float(box_lim.loc[1, a])
        if lo > float(init.loc[0, a]) or hi < float(init.loc[1, a]):
            out[a] = (lo, hi)
    return out


def inside_box(x: pd.DataFrame, limits: dict) -> np.ndarray:
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


def prim_boxes(x, y, boxes, floor, mass_min, peel_alpha, paste_alpha, prune=True):
    """PRIM with covering: up to `boxes` boxes, each chosen on its trajectory (`_select`)
    and pruned of weak restrictions (`_prune`)."""
    prim = quietly("ema_workbench.analysis.prim")
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


def cart_boxes(x, y, boxes, floor, mass_min):
    """CART's leaves dense enough, by how well they balance coverage and density."""
    cart = quietly("ema_workbench.analysis.cart")
    c = cart.CART(x, y, mass_min=mass_min)
    c.build_tree()
    init = x.apply(lambda col: pd.Series([col.min(), col.max()]))
    leaves = []
    total = max(int(y.sum()), 1)
    for i, lim in enumerate(c.boxes):
        limits = _limits(lim, init, x.columns)
        inside = inside_box(x, limits)
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
