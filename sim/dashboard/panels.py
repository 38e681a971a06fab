"""The mechanism panel, a household's case path and the replications table, as HTML.

Plain functions of a model (no Solara), in the chosen language: the figures come
from `sim.metrics.summary` and the case book, never computed twice.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from sim.cases import Channel, Closer, Desk, Joint, State
from sim.dashboard.i18n import (
    ACTOR_NAMES,
    CASE_STATES,
    CHANNELS,
    CLOSERS,
    DESKS,
    MONITORS,
    PATH_WORDS,
    pick,
    t,
)
from sim.metrics import ACTORS, STAFF, summary

CLOSER_COLOURS = {
    "GRID_WORKER": "#1b2a49",
    "VOLUNTEERS": "#7cb342",
    "SOCIAL_FORCES": "#17a2b8",
    "CADRE": "#d4a017",
    "DEPARTMENT": "#7f8c8d",
    "WORKSTATION": "#e67e22",
    "MEDIATION": "#8e44ad",
    "WHISTLE": "#e84393",
    "STREET_OFFICE": "#a1887f",
    "OTHER": "#78909c",  # an actor of your own
    "HORIZON": "#c0392b",  # answered at its horizon
}
ACTOR_COLOURS = dict(
    zip(
        ACTORS,
        ("#1b2a49", "#d4a017", "#7f8c8d", "#8e44ad", "#17a2b8", "#7cb342", "#f0b27a"),
        strict=True,
    )
)


def _num(v, digits: int = 2, percent: bool = False) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(v):
        return "—"
    if percent:
        return f"{100 * v:.0f}%"
    return f"{v:.{digits}f}" if digits else f"{v:,.0f}"


# ---------------------------------------------------------------- mechanism monitors
MONITOR_FORMAT = {  # summary key, digits, percent
    "bounces_per_case": ("bounces_per_case", 2, False),
    "handoffs_per_case": ("handoffs_per_case", 2, False),
    "detection_rate": ("detection_rate", 0, True),
    "lost_cases": ("lost_cases", 0, False),
    "conflicts": ("conflicts", 0, False),
}


def monitors(model) -> dict:
    """The figures the monitors show (a subset of `sim.metrics.summary`)."""
    s = summary(model)
    keys = (
        "resolution_rate",
        "reported_resolution_rate",
        "callback_satisfaction_rate",
        "true_callback_satisfaction_rate",
    )
    return {k: s[k] for k in (*(v[0] for v in MONITOR_FORMAT.values()), *keys)}


def monitors_html(mine: dict, other: dict | None, lang: str) -> str:
    """NetLogo-style monitors: value, the other side's in grey, and one line of why."""
    cells = []

    def cell(key: str, value: str, other_value: str | None, cls: str = "") -> None:
        spec = MONITORS[key]
        theirs = (
            f'<span class="mon-other">{t("other", lang)} {other_value}</span>'
            if other_value is not None
            else ""
        )
        cells.append(
            f'<div class="cogov-mon {cls}" data-monitor="{key}">'
            f'<div class="mon-name">{escape(pick(spec["name"], lang))}</div>'
            f'<div class="mon-val">{value} {theirs}</div>'
            f'<div class="mon-line">{escape(pick(spec["line"], lang))}</div></div>'
        )

    for key, (field, digits, percent) in MONITOR_FORMAT.items():
        theirs = _num(other[field], digits, percent) if other else None
        cell(key, _num(mine[field], digits, percent), theirs)
    said = {"en": ("reported", "said"), "zh": ("上报", "回访所说")}[lang if lang == "en" else "zh"]
    pairs = (  # monitor, true figure, what is reported of it
        ("reported", "resolution_rate", "reported_resolution_rate", said[0]),
        ("callback", "true_callback_satisfaction_rate", "callback_satisfaction_rate", said[1]),
    )
    for key, true_key, rep_key, word in pairs:
        true, rep = mine[true_key], mine[rep_key]
        gap = "" if (rep - true) < 0.005 or math.isnan(rep - true) else " mon-gap"
        value = (
            f'{_num(true, percent=True)} <span class="mon-rep">/ {_num(rep, percent=True)} '
            f"{word}</span>"
        )
        theirs = None
        if other:
            theirs = f"{_num(other[true_key], percent=True)} / {_num(other[rep_key], percent=True)}"
        cell(key, value, theirs, "mon-wide" + gap)
    return "".join(cells)


# ---------------------------------------------------------------- stacked bars
def _bar(segments: list[tuple[str, float, float, str]], w: int = 300, h: int = 16) -> str:
    """A horizontal stacked bar of (colour, value, opacity, title)."""
    total = sum(v for _, v, _, _ in segments)
    out = [
        f'<svg viewBox="0 0 {w} {h}" class="cogov-sbar" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
    ]
    if total <= 0:
        out.append(f'<rect width="{w}" height="{h}" fill="#eef0f3"/>')
    x = 0.0
    for colour, v, alpha, title in segments:
        if v <= 0:
            continue
        width = w * v / total
        out.append(
            f'<rect x="{x:.2f}" width="{width:.2f}" height="{h}" fill="{colour}" '
            f'fill-opacity="{alpha}"><title>{escape(title)}</title></rect>'
        )
        x += width
    out.append("</svg>")
    return "".join(out)


def closers(model) -> dict[str, tuple[int, int]]:
    """Closed cases by who closed them: {Closer name: (closed, of which resolved)}."""
    b, n = model.book, model.book.n
    state = b.state[:n]
    done = (state == State.RESOLVED) | (state == State.CLOSED_UNRESOLVED)
    who = b.closer[:n][done]
    ok = state[done] == State.RESOLVED
    closed = np.bincount(who, minlength=len(Closer))
    solved = np.bincount(who[ok], minlength=len(Closer))
    return {name: (int(closed[Closer[name]]), int(solved[Closer[name]])) for name in CLOSERS}


def closers_html(model, lang: str) -> str:
    """Who closed the cases: a bar (darker: truly resolved) and a legend with counts."""
    counts = closers(model)
    segments, legend = [], []
    for name, (closed, solved) in counts.items():
        label = pick(CLOSERS[name], lang)
        colour = CLOSER_COLOURS[name]
        segments.append((colour, solved, 1.0, f"{label}: {solved}"))
        segments.append((colour, closed - solved, 0.35, f"{label}: {closed - solved}"))
        if closed:
            legend.append(
                f'<span data-closer="{name}"><span class="cogov-sq" style="background:{colour}">'
                f"</span>{escape(label)} <b>{closed}</b></span>"
            )
    spec = MONITORS["closers"]
    return (
        f'<div class="cogov-mon mon-wide" data-monitor="closers">'
        f'<div class="mon-name">{escape(pick(spec["name"], lang))}</div>{_bar(segments)}'
        f'<div class="cogov-legend small">{"".join(legend)}</div>'
        f'<div class="mon-line">{escape(pick(spec["line"], lang))}</div></div>'
    )


def hours_html(model, lang: str) -> str:
    """Hours by actor so far: paid staff first, then the others."""
    hours = dict(model.tally.hours.items())
    segments, legend = [], []
    for actor in ACTORS:
        h = hours[actor]
        label = pick(ACTOR_NAMES[actor], lang)
        colour = ACTOR_COLOURS[actor]
        segments.append((colour, h, 1.0 if actor in STAFF else 0.55, f"{label}: {h:,.0f} h"))
        if h > 0:
            legend.append(
                f'<span data-actor="{actor}"><span class="cogov-sq" style="background:{colour}">'
                f"</span>{escape(label)} <b>{h:,.0f}</b></span>"
            )
    spec = MONITORS["hours"]
    return (
        f'<div class="cogov-mon mon-wide" data-monitor="hours">'
        f'<div class="mon-name">{escape(pick(spec["name"], lang))}</div>{_bar(segments)}'
        f'<div class="cogov-legend small">{"".join(legend)}</div>'
        f'<div class="mon-line">{escape(pick(spec["line"], lang))}</div></div>'
    )


def mechanism_panel(model, other, lang: str) -> str:
    """The whole panel of one side: monitors, who closed, hours."""
    mine = monitors(model)
    theirs = monitors(other) if other is not None else None
    return (
        f'<div class="cogov-mons">{monitors_html(mine, theirs, lang)}'
        f"{closers_html(model, lang)}{hours_html(model, lang)}</div>"
    )


# ---------------------------------------------------------------- a household's case
def household_cases(model, household: int) -> np.ndarray:
    """Rows of every case touching the household (its own, collective, disputes)."""
    b, n = model.book, model.book.n
    if n == 0:
        return np.empty(0, dtype=np.int64)
    rows = np.arange(n)
    pos, who = b.affected(rows)
    return np.unique(rows[pos[who == household]])


def followed_case(model, household: int) -> tuple[int | None, int]:
    """The case to show: its open case (the most pressing, then the newest), else the
    last closed one; and how many cases touched the household in all."""
    rows = household_cases(model, household)
    if rows.size == 0:
        return None, 0
    b = model.book
    state = b.state[rows]
    open_ = rows[state <= State.IN_HANDLING]
    if open_.size:
        return int(open_[np.lexsort((open_, b.state[open_] != State.LATENT))][0]), rows.size
    return int(rows[np.lexsort((rows, b.closed[rows]))][-1]), rows.size


def _unit_name(model, unit: int, lang: str) -> str:
    agent = model.units[unit]
    spec = getattr(agent, "spec", None)
    if spec is None:  # the workstation
        return pick(CLOSERS["WORKSTATION"], lang)
    return (spec.name_zh or spec.name) if lang == "zh" else spec.name


def _category_name(model, c: int, lang: str) -> str:
    cat = model.params.categories[c]
    if lang == "zh":
        return cat.name_zh or cat.name
    return cat.name.replace("_", " ") + (f" ({cat.name_zh})" if cat.name_zh else "")


def case_path(model, household: int, lang: str) -> dict:
    """The followed case of a household, step by step, as short lines of text."""
    row, count = followed_case(model, household)
    w = {k: pick(v, lang) for k, v in PATH_WORDS.items()}
    out = {"household": household, "row": row, "cases": count, "lines": []}
    if row is None:
        out["lines"].append(t("no_case", lang))
        return out
    b = model.book
    c = b.data[row]
    state = State(int(c["state"]))
    lines = out["lines"]
    suffix = w["day_suffix"]
    lines.append(
        f"{w['need']}: {_category_name(model, int(c['category']), lang)} · "
        f"{w['arose']} {int(c['arisen'])}{suffix}"
    )
    if c["others_n"] > 0:
        lines.append(f"{w['households']}: {int(c['others_n']) + 1}")
    if c["taken_in"] < 0:
        lines.append(pick(CASE_STATES["LATENT"], lang))
        return out
    lines.append(
        f"{w['taken_in']} {int(c['taken_in'])}{suffix}: "
        f"{pick(CHANNELS[Channel(int(c['channel'])).name], lang)}"
    )
    if c["deliberated"] >= 0:
        lines.append(f"{w['deliberated']}: {100 * float(c['deliberated']):.0f}%")
    steps = [
        _unit_name(model, int(u), lang)
        for u in model.route[int(c["table"]), int(c["category"]), : int(c["route_pos"])]
        if u >= 0
    ]
    if steps:
        lines.append(f"{w['route']}: {' → '.join(steps)}")
    if c["joint"] == Joint.WHISTLE:
        lines.append(w["whistle"])
    elif c["joint"] == Joint.MEDIATION:
        lines.append(w["mediation"])
    lines.append(f"{w['handoffs']}: {int(c['handoffs'])} · {w['bounces']}: {int(c['bounces'])}")
    if state <= State.IN_HANDLING:
        desk = Desk(int(c["desk"]))
        where = pick(DESKS.get(desk.name, {"en": desk.name.lower()}), lang)
        if desk == Desk.UNIT:
            where = f"{where} {_unit_name(model, int(c['unit']), lang)}"
        lines.append(f"{w['now']}: {pick(CASE_STATES[state.name], lang)} · {where}")
    else:
        end = pick(CASE_STATES[state.name], lang)
        if state != State.LOST:
            who = pick(CLOSERS.get(Closer(int(c["closer"])).name, {"en": "?"}), lang)
            end += f" · {w['closed_by']}: {who}"
        end += f" · {w['closed_on']} {int(c['closed'])}{suffix}"
        lines.append(end)
        feel = w["satisfied"] if c["satisfied"] else w["dissatisfied"]
        if c["reported_resolved"] and state != State.RESOLVED:
            feel += f" · {w['reported_resolved']}"
        lines.append(feel)
    if count > 1:
        lines.append(f"{w['earlier']}: {count - 1}")
    out["state"] = state.name
    return out


def case_path_html(model, household: int, lang: str) -> str:
    path = case_path(model, household, lang)
    items = "".join(f"<li>{escape(line)}</li>" for line in path["lines"])
    return f'<ul class="cogov-path" data-row="{path["row"]}">{items}</ul>'


# ---------------------------------------------------------------- replications
REPLICATED = (  # metric, digits, percent
    ("resolution_rate", 0, True),
    ("satisfaction_rate", 0, True),
    ("bounces_per_case", 2, False),
    ("detection_rate", 0, True),
    ("lost_cases", 1, False),
    ("conflicts", 1, False),
)
METRIC_LABELS = {
    "resolution_rate": {"en": "Resolution rate", "zh": "解决率"},
    "satisfaction_rate": {"en": "Satisfaction", "zh": "满意率"},
    "bounces_per_case": MONITORS["bounces_per_case"]["name"],
    "detection_rate": MONITORS["detection_rate"]["name"],
    "lost_cases": MONITORS["lost_cases"]["name"],
    "conflicts": MONITORS["conflicts"]["name"],
}


def _ci(ci: dict, digits: int, percent: bool, signed: bool = False) -> str:
    scale = 100 if percent else 1
    d = 0 if percent else digits
    sign = "+" if signed else ""
    mean, lo, hi = (scale * ci[k] for k in ("mean", "ci_low", "ci_high"))
    unit = " pts" if percent and signed else ("%" if percent else "")
    if math.isnan(lo):
        return f"{mean:{sign}.{d}f}{unit}"
    return f"{mean:{sign}.{d}f}{unit} [{lo:{sign}.{d}f}, {hi:{sign}.{d}f}]"


def replications_html(stats: dict, lang: str, colours: tuple[str, str]) -> str:
    """Each side's mean [95 % CI] and the paired gap, one row per metric, and a verdict."""
    left, right = stats["scenarios"]["left"], stats["scenarios"]["right"]
    gap = stats["differences"]["right"]
    head = (
        f"<tr><th></th><th style='color:{colours[0]}'>{t('left', lang)}</th>"
        f"<th style='color:{colours[1]}'>{t('right', lang)}</th><th>{t('gap', lang)}</th></tr>"
    )
    rows = []
    for key, digits, percent in REPLICATED:
        rows.append(
            f"<tr data-metric='{key}'><td>{escape(pick(METRIC_LABELS[key], lang))}</td>"
            f"<td>{_ci(left[key], digits, percent)}</td><td>{_ci(right[key], digits, percent)}"
            f"</td><td><b>{_ci(gap[key], digits, percent, signed=True)}</b></td></tr>"
        )
    g = gap["resolution_rate"]
    real = not math.isnan(g["ci_low"]) and (g["ci_low"] > 0 or g["ci_high"] < 0)
    verdict = t("gap_real" if real else "gap_noise", lang)
    return (
        f'<table class="cogov-reps">{head}{"".join(rows)}</table>'
        f'<div class="cogov-verdict {"real" if real else "noise"}">{escape(verdict)}</div>'
    )
