"""What the dashboard draws each tick, as plain functions (benchmarked, no Solara).

The community graph is laid out once per community (seeded, cached) and drawn
as two SVG layers: the ties (static, sent once) and the households (one path
per state, a few kB per tick). Plots are small hand-made SVG line charts:
matplotlib would redraw 600 nodes in tens of milliseconds per tick.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from html import escape

import networkx as nx
import numpy as np

from sim.cases import State

W, H = 1000, 700  # graph viewBox
RECENT_DAYS = 14  # "recently" satisfied / dissatisfied

# Display states, in drawing order (later on top); index = code.
STATES = ("quiet", "satisfied", "dissatisfied", "lost", "open", "latent")
COLOURS = {
    "quiet": "#cfd4dc",
    "satisfied": "#2a9d5c",
    "dissatisfied": "#7b3fa0",
    "lost": "#3d3d3d",
    "open": "#f2a31b",
    "latent": "#e0413a",
}
SELECTED = "#00b7ff"  # the ring round the household whose case is followed
EMERGENCY_FILL = "#e0413a"
LEFT_COLOUR, RIGHT_COLOUR = "#c0392b", "#1f6fb2"
TOP = 24  # charts: the plot area starts below the title


# ---------------------------------------------------------------- layout
class Layout:
    """Fixed positions of a community's households (viewBox units) and its ties path."""

    def __init__(self, x: np.ndarray, y: np.ndarray, edges_svg: str, anchors: np.ndarray):
        self.x, self.y = x, y
        self.xi = np.rint(x).astype(np.int64)
        self.yi = np.rint(y).astype(np.int64)
        self.edges_svg = edges_svg
        self.anchors = anchors  # per grid: the household nearest the grid's centre


_LAYOUTS: OrderedDict = OrderedDict()


def layout_key(model) -> tuple:
    p = model.params.community
    seed = p.seed if p.seed is not None else model.seed
    return (p.model_dump_json(), seed)


def layout_for(model) -> Layout:
    """The cached layout of the model's community (same community, same layout)."""
    key = layout_key(model)
    if key in _LAYOUTS:
        _LAYOUTS.move_to_end(key)
        return _LAYOUTS[key]
    lay = compute_layout(model.community, seed=key[1] or 0)
    _LAYOUTS[key] = lay
    while len(_LAYOUTS) > 8:
        _LAYOUTS.popitem(last=False)
    return lay


def compute_layout(community, seed: int = 0, max_edges: int = 6000) -> Layout:
    """Grids on a lattice (grids of one community side by side); households inside
    each grid by a seeded spring layout of its ties (phyllotaxis for big grids)."""
    grid = community.grid
    n_grids = community.n_grids
    sizes = np.bincount(grid, minlength=n_grids)
    cols = max(1, math.ceil(math.sqrt(n_grids * W / H)))
    rows = math.ceil(n_grids / cols)
    cw, ch = W / cols, H / rows
    radius = 0.46 * min(cw, ch)
    x = np.zeros(community.n)
    y = np.zeros(community.n)
    adj = community.adjacency.tocsr()
    anchors = np.zeros(n_grids, dtype=np.int64)
    for g in range(n_grids):
        members = np.flatnonzero(grid == g)
        cx = (g % cols + 0.5) * cw
        cy = (g // cols + 0.5) * ch
        r = radius * math.sqrt(sizes[g] / max(sizes.max(), 1)) if sizes[g] else radius
        if 2 < members.size <= 400:
            sub = nx.from_scipy_sparse_array(adj[members][:, members])
            pos = nx.spring_layout(sub, seed=seed + g, iterations=40)
            px = np.array([pos[i][0] for i in range(members.size)])
            py = np.array([pos[i][1] for i in range(members.size)])
            # keep each household's direction from the centre, spread radii evenly over
            # the disc: ties stay local, outliers no longer squash the core
            px, py = px - px.mean(), py - py.mean()
            rank = np.argsort(np.argsort(np.hypot(px, py), kind="stable"))
            rr = np.sqrt((rank + 0.5) / members.size)
            th = np.arctan2(py, px)
            px, py = rr * np.cos(th), rr * np.sin(th)
        else:  # sunflower: even density, cheap at any size
            k = np.arange(members.size)
            rr = np.sqrt((k + 0.5) / max(members.size, 1))
            th = k * math.pi * (3 - math.sqrt(5))
            px, py = rr * np.cos(th), rr * np.sin(th)
        x[members] = cx + r * px
        y[members] = cy + r * py
        if members.size:
            anchors[g] = members[np.argmin(px**2 + py**2)]
    coo = adj.tocoo()
    keep = coo.row < coo.col
    u, v = coo.row[keep], coo.col[keep]
    if u.size > max_edges:  # draw a seeded sample of ties on big streets
        pick = np.random.default_rng(seed).choice(u.size, max_edges, replace=False)
        u, v = u[np.sort(pick)], v[np.sort(pick)]
    xi, yi = np.rint(x).astype(np.int64), np.rint(y).astype(np.int64)
    d = "".join(f"M{a} {b}L{c} {e}" for a, b, c, e in zip(xi[u], yi[u], xi[v], yi[v], strict=True))
    edges_svg = (
        f'<svg viewBox="0 0 {W} {H}" preserveAspectRatio="xMidYMid meet" '
        f'class="cogov-svg" xmlns="http://www.w3.org/2000/svg">'
        f'<path d="{d}" stroke="#9aa3ad" stroke-opacity="0.35" stroke-width="0.8" '
        f'fill="none"/></svg>'
    )
    return Layout(x, y, edges_svg, anchors)


# ---------------------------------------------------------------- household states
def household_states(model, recent: int = RECENT_DAYS) -> np.ndarray:
    """Code per household (index into STATES): the most pressing of its cases."""
    b = model.book
    n = b.n
    code = np.zeros(model.community.n, dtype=np.int8)
    if n == 0:
        return code
    state = b.state[:n]
    closed = b.closed[:n]
    row = np.zeros(n, dtype=np.int8)
    is_recent = closed >= model.day - recent
    done = (state == State.RESOLVED) | (state == State.CLOSED_UNRESOLVED)
    row[is_recent & done & b.satisfied[:n]] = 1
    row[is_recent & done & ~b.satisfied[:n]] = 2
    row[is_recent & (state == State.LOST)] = 3
    row[(state == State.QUEUED) | (state == State.IN_HANDLING)] = 4
    row[state == State.LATENT] = 5
    sel = row > 0
    np.maximum.at(code, b.resident[:n][sel], row[sel])
    return code


def state_counts(codes: np.ndarray) -> dict[str, int]:
    c = np.bincount(codes, minlength=len(STATES))
    return {s: int(c[i]) for i, s in enumerate(STATES)}


def staff_positions(model, layout: Layout) -> list[tuple[str, float, float]]:
    """Markers for staff: grid workers (square) and cadres (triangle) at a node of their
    grid, social organisations (diamond) at the centre of their community."""
    out = []
    per_grid: dict[int, int] = {}
    for gw in model.grid_workers:
        k = per_grid.get(gw.grid, 0)
        per_grid[gw.grid] = k + 1
        a = layout.anchors[gw.grid]
        out.append(("grid_worker", layout.x[a] + 14 * k, layout.y[a]))
    grid = model.community.grid
    for i, c in enumerate(getattr(model, "cadres", [])):
        members = np.flatnonzero(grid == c.grid)
        a = members[(i * 7919) % members.size]  # a fixed household of its grid (包小区)
        out.append(("cadre", layout.x[a], layout.y[a]))
    comm = model.community.community
    for so in getattr(model, "social_organisations", []):
        members = np.flatnonzero(comm == so.community)
        out.append(("social_org", layout.x[members].mean(), layout.y[members].mean()))
    return out


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "grid_worker":
        return f'<rect x="{x - 8:.0f}" y="{y - 8:.0f}" width="16" height="16" class="m-gw"/>'
    if kind == "cadre":
        return f'<path d="M{x:.0f} {y - 9:.0f}l8 15h-16z" class="m-cadre"/>'
    return f'<path d="M{x:.0f} {y - 11:.0f}l11 11l-11 11l-11 -11z" class="m-so"/>'


def dot_size(model) -> int:
    return 9 if model.community.n <= 1500 else 5 if model.community.n <= 8000 else 3


def households_svg(
    model, layout: Layout, codes: np.ndarray | None = None, selected: int | None = None
) -> str:
    """The dynamic layer: households coloured by state, then staff markers, then a ring
    round the `selected` household."""
    if codes is None:
        codes = household_states(model)
    size = dot_size(model)
    parts = [
        f'<svg viewBox="0 0 {W} {H}" preserveAspectRatio="xMidYMid meet" class="cogov-svg" '
        'xmlns="http://www.w3.org/2000/svg"><style>'
        ".m-gw{fill:#1b2a49;stroke:#fff;stroke-width:2}"
        ".m-cadre{fill:#d4a017;stroke:#5a3d00;stroke-width:1.5}"
        ".m-so{fill:#17a2b8;stroke:#fff;stroke-width:2}</style>"
    ]
    for i, s in enumerate(STATES):
        idx = np.flatnonzero(codes == i)
        if idx.size == 0:
            continue
        d = "".join(f"M{a} {b}h0" for a, b in zip(layout.xi[idx], layout.yi[idx], strict=True))
        parts.append(
            f'<path d="{d}" stroke="{COLOURS[s]}" stroke-width="{size}" '
            f'stroke-linecap="round" class="st-{s}"/>'
        )
    parts.extend(_marker(k, x, y) for k, x, y in staff_positions(model, layout))
    if selected is not None and 0 <= selected < model.community.n:
        x, y = layout.xi[selected], layout.yi[selected]
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{size + 6}" fill="none" stroke="{SELECTED}" '
            'stroke-width="4" class="selected"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def nearest_household(layout: Layout, x: float, y: float, radius: float = 25.0) -> int | None:
    """The household drawn nearest to (x, y) in viewBox units, if within `radius`."""
    d2 = (layout.x - x) ** 2 + (layout.y - y) ** 2
    i = int(np.argmin(d2))
    return i if d2[i] <= radius**2 else None


# ---------------------------------------------------------------- charts
def series(model, name: str) -> list:
    """A daily series straight from the model's record (no DataFrame per tick)."""
    return model.series(name).tolist()


def _x(day: float, days: int, w: float, pad: float) -> float:
    """The x of the end of `day` (day 0: the axis' left edge)."""
    return pad + (w - pad - 4) * day / max(days, 1)


def _path(values, days: int, lo: float, hi: float, w: float, h: float, pad: float) -> str:
    out, pen = [], "M"
    span = hi - lo if hi > lo else 1.0
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            pen = "M"
            continue
        px = _x(i + 1, days, w, pad)
        py = h - 14 - (h - 14 - TOP) * (min(max(float(v), lo), hi) - lo) / span
        out.append(f"{pen}{px:.1f} {py:.1f}")
        pen = "L"
    return "".join(out)


def chart_svg(
    title: str,
    mine: list,
    other: list,
    days: int,
    colour: str,
    lo: float | None = None,
    hi: float | None = None,
    percent: bool = False,
    w: int = 300,
    h: int = 130,
    dotted: list | None = None,
    marks: tuple = (),
    bands: tuple = (),
    digits: int | None = None,
) -> str:
    """A small line chart: this side solid (and `dotted`, e.g. the reported rate), the
    other side dashed grey; `bands` (first day, last day) shaded (战时); `marks` (day,
    colour, text): a vertical line where a lever changed, before the day it acts from."""
    vals = [float(v) for v in (*mine, *other) if v is not None and not math.isnan(float(v))]
    if lo is None:
        lo = min(vals, default=0.0)
    if hi is None:
        hi = max(vals, default=1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    pad = 34
    days = max(days, len(mine), len(other), 1)

    def fmt(v: float) -> str:
        if percent:
            return f"{100 * v:.0f}%"
        if digits is not None:
            return f"{v:.{digits}f}"
        return f"{v:.0f}" if abs(hi - lo) >= 5 else f"{v:.2f}"

    back = []
    for first, last in bands:
        x0, x1 = _x(first - 1, days, w, pad), _x(min(last, days), days, w, pad)
        if x1 > x0:
            back.append(
                f'<rect x="{x0:.1f}" y="{TOP}" width="{x1 - x0:.1f}" height="{h - 14 - TOP}" '
                f'fill="{EMERGENCY_FILL}" fill-opacity="0.12" class="band"/>'
                f'<text x="{(x0 + x1) / 2:.1f}" y="{TOP + 9}" text-anchor="middle" '
                f'fill="{EMERGENCY_FILL}">战时</text>'
            )
    grid = []
    for frac in (0.0, 0.5, 1.0):
        v = lo + frac * (hi - lo)
        py = h - 14 - (h - 14 - TOP) * frac
        grid.append(
            f'<line x1="{pad}" x2="{w - 4}" y1="{py:.1f}" y2="{py:.1f}" stroke="#e3e6ea"/>'
            f'<text x="{pad - 3}" y="{py + 4:.1f}" text-anchor="end">{fmt(v)}</text>'
        )
    front = []
    for day, mark_colour, text in marks:
        x = _x(day - 1, days, w, pad)
        front.append(
            f'<g class="mark"><title>{escape(text)}</title>'
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 4}" y2="{h - 14}" '
            f'stroke="{mark_colour}" stroke-width="1.5" stroke-dasharray="3 2"/>'
            f'<path d="M{x - 4:.1f} {TOP - 8}h8l-4 5z" fill="{mark_colour}"/></g>'
        )
    last = next((float(v) for v in reversed(mine) if not math.isnan(float(v))), None)
    value = "" if last is None else f" {fmt(last)}"
    extra = ""
    if dotted is not None:
        extra = (
            f'<path d="{_path(dotted, days, lo, hi, w, h, pad)}" fill="none" stroke="{colour}" '
            f'stroke-width="1.6" stroke-dasharray="1.5 2.5" class="dotted"/>'
        )
    return (
        f'<svg viewBox="0 0 {w} {h}" class="cogov-chart" xmlns="http://www.w3.org/2000/svg">'
        f'{"".join(back)}<text x="4" y="13" class="ct">{escape(title)}<tspan fill="{colour}" '
        f'font-weight="bold">{value}</tspan></text>{"".join(grid)}'
        f'<text x="{pad}" y="{h - 2}" text-anchor="start">0</text>'
        f'<text x="{w - 4}" y="{h - 2}" text-anchor="end">{days}</text>'
        f'<path d="{_path(other, days, lo, hi, w, h, pad)}" fill="none" stroke="#8d96a0" '
        f'stroke-width="1.5" stroke-dasharray="4 3"/>{extra}'
        f'<path d="{_path(mine, days, lo, hi, w, h, pad)}" fill="none" stroke="{colour}" '
        f'stroke-width="2.5"/>{"".join(front)}</svg>'
    )


def _per_case(model, name: str) -> np.ndarray:
    """A cumulative count per case taken in so far, day by day (NaN before any)."""
    taken = model.series("taken_in").astype(float)
    count = model.series(name).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(taken > 0, count / np.maximum(taken, 1), np.nan)


def _detection(model) -> np.ndarray:
    silent = model.series("silent").astype(float)
    found = model.series("detected").astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(silent > 0, found / np.maximum(silent, 1), np.nan)


CHARTS = (
    # key (a daily series, or computed below), label key, range (None: shared auto), percent
    ("resolution_rate", "resolution_rate", (0.0, 1.0), True),
    ("satisfaction_rate", "satisfaction_rate", (0.0, 1.0), True),
    ("backlog", "backlog", None, False),
    ("mean_trust", "mean_trust", (0.0, 1.0), True),  # fixed: a 3-point gap stays 3 points
    ("bounces_per_case", "bounces_chart", None, False),
    ("detection_rate", "detection_chart", (0.0, 1.0), True),
)


def chart_series(model, key: str) -> list:
    if key == "bounces_per_case":
        return _per_case(model, "bounces").tolist()
    if key == "detection_rate":
        return _detection(model).tolist()
    return series(model, key)


def emergency_bands(*models) -> tuple:
    """The emergency (战时) windows of the models, as (first day, last day)."""
    out = []
    for m in models:
        if m is None or not m.params.emergency.enabled:
            continue
        e = m.params.emergency
        band = (e.start, e.start + e.days - 1)
        if band not in out:
            out.append(band)
    return tuple(out)


def charts_svg(
    model, other, labels: dict[str, str], colour: str, marks: tuple = (), bands: tuple = ()
) -> list[str]:
    """The live plots of one side, on ranges shared with the other side."""
    days = max(model.params.days, other.params.days if other is not None else 0)
    out = []
    for key, label, rng, percent in CHARTS:
        mine = chart_series(model, key)
        theirs = chart_series(other, key) if other is not None else []
        if rng is None:
            vals = [float(v) for v in (*mine, *theirs) if not math.isnan(float(v))]
            lo, hi = 0.0, max(vals, default=1.0)
            if key == "bounces_per_case":
                hi = max(hi, 0.1)
        else:
            lo, hi = rng
        dotted = series(model, "reported_resolution_rate") if key == "resolution_rate" else None
        out.append(
            chart_svg(
                labels[label], mine, theirs, days, colour, lo, hi, percent,
                dotted=dotted, marks=marks, bands=bands,
                digits=2 if key == "bounces_per_case" else None,
            )
        )  # fmt: skip
    return out


def big_number(model) -> str:
    """The resolution rate as the big number ("—" before any case is taken in)."""
    vals = series(model, "resolution_rate")
    v = float(vals[-1]) if vals else float("nan")
    return "—" if math.isnan(v) else f"{100 * v:.0f}%"


def render_side(
    model,
    other,
    labels: dict[str, str],
    colour: str,
    marks: tuple = (),
    selected: int | None = None,
) -> dict:
    """What one side draws for a tick: the graph, legend counts, charts, big number (the
    mechanism panel is `sim.dashboard.panels`; the benchmark times both)."""
    layout = layout_for(model)
    codes = household_states(model)
    return {
        "edges": layout.edges_svg,
        "households": households_svg(model, layout, codes, selected),
        "counts": state_counts(codes),
        "charts": charts_svg(model, other, labels, colour, marks, emergency_bands(model, other)),
        "big": big_number(model),
    }
