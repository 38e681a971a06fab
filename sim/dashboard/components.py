"""The dashboard's parts: each side (its title, map, numbers, monitors and charts), the
levers' column, the replications and the lesson banner (`sim/dashboard/app.py` is the
page and its controller; `sim/dashboard/state.py` the two models).
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from sim.dashboard import panels, render
from sim.dashboard.i18n import (
    FAILURE_LEVERS,
    LABELS,
    LEVERS,
    lever_short,
    lever_text,
    pick,
    scenario_label,
    t,
)
from sim.dashboard.state import Pair, load_scenario, scenario_names
from sim.presets import CHORUS_LEVERS

SIDE_COLOURS = (render.LEFT_COLOUR, render.RIGHT_COLOUR)


def _fmt_pct(v) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "—"
    return "—" if v != v else f"{100 * v:.0f}%"


def _labels(lang: str) -> dict[str, str]:
    return {key: t(key, lang) for key in LABELS}


def _last(values):
    return values[-1] if len(values) else None


def size_text(name: str, lang: str) -> str:
    p = load_scenario(name)
    return t("size", lang).format(n=p.community.residents, days=p.days)


def side_title(pair: Pair, index: int, lang: str) -> str:
    """'Left: classroom street, solo (独角戏) + whistle (吹哨报到)': what is on now."""
    side = pair.sides[index]
    on, off = side.switched()
    text = f"{t('left' if index == 0 else 'right', lang)}: {scenario_label(side.scenario, lang)}"
    text += "".join(f" + {lever_short(n, lang)}" for n in on)
    text += "".join(f" − {lever_short(n, lang)}" for n in off)
    return text


def change_marks(pair: Pair, lang: str) -> tuple:
    """(day it acts from, side colour, text) for every lever change made while running."""
    out = []
    for i, side in enumerate(pair.sides):
        for c in side.changes:
            sign = ("+" if c.enabled else "−") if c.switched else "±"
            text = (
                f"{t('left' if i == 0 else 'right', lang)}: {sign} {lever_short(c.lever, lang)}, "
                f"{t('from_day', lang)} {c.day}{t('from_day_suffix', lang)}"
            )
            out.append((c.day, SIDE_COLOURS[i], text))
    return tuple(out)


def legend(counts: dict, lang: str):
    items = []
    for s in reversed(render.STATES):
        items.append(
            f'<span><span class="cogov-dot" style="background:{render.COLOURS[s]}"></span>'
            f"{t('state_' + s, lang)} <b>{counts.get(s, 0)}</b></span>"
        )
    items.append(f"<span>■ {t('grid_worker', lang)}</span>")
    items.append(f'<span style="color:#b8860b">▲ {t("cadre", lang)}</span>')
    items.append(f'<span style="color:#17a2b8">◆ {t("social_org", lang)}</span>')
    solara.HTML(tag="div", unsafe_innerHTML="".join(items), classes=["cogov-legend"])


@solara.component_vue("street.vue")
def StreetMap(edges: str, households: str, side: int, hint: str, event_pick: Callable):
    """The street: ties and households as SVG; a click reports where (viewBox units)."""


def scenario_select(pair: Pair, index: int, lang: str, on_scenario):
    side = pair.sides[index]
    items = [
        {"text": f"{scenario_label(n, lang)} · {size_text(n, lang)}", "value": n}
        for n in scenario_names()
    ]
    solara.v.Select(
        label=t("scenario", lang),
        items=items,
        v_model=side.scenario,
        on_v_model=lambda name: on_scenario(index, name),
        dense=True,
        hide_details=True,
        style_="max-width: 100%; font-size: 0.85rem; margin-top: 10px",
        class_=f"cogov-scenario-{index}",
    )


def side_view(pair: Pair, index: int, lang: str, on_scenario, selected, on_pick):
    """One side: what is on, the big number, the street, mechanisms, charts."""
    side = pair.sides[index]
    colour = SIDE_COLOURS[index]
    with solara.Div(classes=["cogov-side", f"cogov-side-{index}"], style={"border-color": colour}):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=side_title(pair, index, lang),
            classes=["cogov-side-head", f"cogov-head-{index}"],
            style=f"color:{colour}",
        )
        scenario_select(pair, index, lang, on_scenario)
        if side.changes:
            lines = [
                f"{t('from_day', lang)} {c.day}{t('from_day_suffix', lang)}: "
                f"{('+' if c.enabled else '−') if c.switched else '±'} {lever_short(c.lever, lang)}"
                for c in side.changes
            ]
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"{t('changes', lang)}: " + " · ".join(lines),
                classes=["cogov-changes"],
            )
        if side.error:
            solara.Error(f"{t('error', lang)}: {side.error}")
        if side.model is None:
            return
        other = pair.sides[1 - index].model
        with pair.lock:
            m = side.model
            out = render.render_side(
                m, other, _labels(lang), colour, change_marks(pair, lang), selected
            )
            mechanisms = panels.mechanism_panel(m, other, lang)
            path = panels.case_path_html(m, selected, lang) if selected is not None else None
            sat = _last(m.series("satisfaction_rate"))
            reported = _last(m.series("reported_resolution_rate"))
            backlog = _last(m.series("backlog"))
            trust = _last(m.series("mean_trust"))
            n, n_grids = m.community.n, m.community.n_grids
        with solara.Row(style={"align-items": "flex-end", "gap": "16px", "flex-wrap": "wrap"}):
            with solara.Column(gap="0px"):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=t("resolution_rate", lang),
                    classes=["cogov-big-label"],
                )
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=out["big"],
                    classes=["cogov-big", f"cogov-big-{index}"],
                    style=f"color: {colour}",
                )
                solara.HTML(
                    tag="div", unsafe_innerHTML=t("resolution_note", lang), classes=["cogov-note"]
                )

            def stat(key, value):
                return f"{t(key, lang)}: <b>{value}</b>"

            html = "<br>".join(
                [
                    stat("satisfaction_rate", _fmt_pct(sat)),
                    stat("reported_rate", _fmt_pct(reported)),
                    stat("backlog", backlog if backlog is not None else 0),
                    stat("mean_trust", _fmt_pct(trust)),
                    f"{n:,} {t('households', lang)} · {n_grids} {t('grids', lang)}",
                ]
            )
            solara.HTML(tag="div", unsafe_innerHTML=html, classes=["cogov-stat"])
        StreetMap(
            edges=out["edges"],
            households=out["households"],
            side=index,
            hint=t("click_hint", lang),
            event_pick=lambda xy: on_pick(index, xy),
        )
        legend(out["counts"], lang)
        if path is not None:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f'<div class="cogov-h">{t("case_path", lang).format(h=selected)}'
                f"</div>{path}",
                classes=[f"cogov-case-{index}"],
            )
        else:
            solara.HTML(tag="div", unsafe_innerHTML=t("click_hint", lang), classes=["cogov-note"])
        solara.HTML(tag="div", unsafe_innerHTML=t("mechanisms", lang), classes=["cogov-h"])
        solara.HTML(tag="div", unsafe_innerHTML=mechanisms, classes=[f"cogov-mechanisms-{index}"])
        solara.HTML(tag="div", unsafe_innerHTML=t("charts", lang), classes=["cogov-h"])
        solara.HTML(
            tag="div",
            unsafe_innerHTML="".join(out["charts"]),
            classes=["cogov-charts", f"cogov-charts-{index}"],
        )
        notes = [t("other_side", lang), t("reported_line", lang), t("change_marks", lang)]
        if render.emergency_bands(m, other):
            notes.append(t("emergency_band", lang))
        solara.HTML(tag="div", unsafe_innerHTML=" · ".join(notes), classes=["cogov-note"])


@solara.component
def Live(pair: Pair, lang: str, version, selected, on_scenario, on_pick):
    """Everything that changes every day; the one component a tick re-renders."""
    _ = version.value
    with solara.Div(classes=["cogov-sides"]):
        for i in (0, 1):
            side_view(pair, i, lang, on_scenario, selected.value, on_pick)


def day_label(pair: Pair, lang: str):
    text = f"{t('day', lang)} {pair.day}{t('day_suffix', lang)} / {pair.days}"
    if pair.finished:
        text += f" · {t('finished', lang)}"
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=["cogov-day"])


@solara.component
def DayLabel(pair: Pair, lang: str, version):
    _ = version.value
    day_label(pair, lang)


# ---------------------------------------------------------------- levers
@solara.component
def Knob(name: str, index: int, value, lang: str, on_change):
    """A lever's main knob on one side: its value and range written beside it; a move
    applies when the slider is let go (one change, one mark), from the next day."""
    field, lo, hi, step = LEVERS[name]["knob"]
    is_int = isinstance(step, int)
    fmt = (lambda x: f"{int(x)}") if is_int else (lambda x: f"{x:g}")

    def changed(v):
        on_change(index, name, **{field: int(v) if is_int else float(v)})

    side = t("left" if index == 0 else "right", lang)
    with solara.Div(classes=["cogov-knob", f"cogov-knob-{name}-{index}"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b style='color:{SIDE_COLOURS[index]}'>{side}</b> "
            f"{lever_text(name, 'knob_label', lang)}: <b class='cogov-knob-value'>{fmt(value)}"
            f"</b> <span class='cogov-knob-range'>({fmt(lo)}–{fmt(hi)})</span>",
            classes=["cogov-knob-label", f"cogov-knob-label-{name}-{index}"],
        )
        slider = solara.v.Slider(
            v_model=value,
            min=lo,
            max=hi,
            step=step,
            thumb_label=True,  # while sliding; the value and range are written above
            hide_details=True,
            dense=True,
            color=SIDE_COLOURS[index],
            class_=f"cogov-slider-{name}-{index}",
        )
        solara.v.use_event(slider, "change", lambda _w, _e, v: changed(v))


@solara.component
def LeverRow(name: str, left, right, lang: str, on_change):
    """A lever: its name (English and 中文), one switch per side, its one line from the
    article, and its main knob for each side where it is on (value and range shown).

    `left` and `right` (the frozen settings) are props so a change re-renders this row."""
    with solara.Div(classes=["cogov-lever", f"cogov-lever-{name}"]):
        with solara.Div(classes=["cogov-lever-head"]):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=lever_text(name, "name", lang)
                + ("" if lang == "zh" else f" <span style='font-weight:400'>"
                   f"{LEVERS[name]['short']['zh']}</span>"),
                classes=["cogov-lever-name"],
            )  # fmt: skip
            for i, lever in enumerate((left, right)):
                solara.v.Switch(
                    v_model=bool(lever.enabled),
                    on_v_model=lambda v, i=i: on_change(i, name, enabled=bool(v)),
                    color=SIDE_COLOURS[i],
                    hide_details=True,
                    dense=True,
                    inset=False,
                    class_=f"cogov-switch-{name}-{i}",
                    label="",
                )
        solara.HTML(
            tag="div", unsafe_innerHTML=lever_text(name, "line", lang), classes=["cogov-lever-line"]
        )
        field = LEVERS[name]["knob"][0]
        for i, lever in enumerate((left, right)):
            if lever.enabled:
                Knob(name, i, getattr(lever, field), lang, on_change)


@solara.component
def LeverColumn(pair: Pair, lang: str, config, on_lever, on_restart):
    """Both sides' levers in one column beside the street; re-rendered on changes only."""
    _ = config.value
    with solara.Div(classes=["cogov-levers"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<div class='cogov-h' style='margin-top:0'>{t('levers', lang)}</div>"
            f"<div class='cogov-note'>{t('from_today', lang)}</div>"
            f"<div class='cogov-cols'><span style='color:{SIDE_COLOURS[0]}'>"
            f"{t('left', lang)}</span><span style='color:{SIDE_COLOURS[1]}'>{t('right', lang)}"
            "</span></div>",
        )
        for name in (*CHORUS_LEVERS, *FAILURE_LEVERS):
            if name == FAILURE_LEVERS[0]:
                solara.HTML(
                    tag="div", unsafe_innerHTML=t("failure_modes", lang), classes=["cogov-h"]
                )
            LeverRow(name, pair.sides[0].lever(name), pair.sides[1].lever(name), lang, on_lever)
        solara.Button(
            t("restart", lang),
            on_click=on_restart,
            color="primary",
            outlined=True,
            small=True,
            style={"margin-top": "8px", "width": "100%"},
            classes=["cogov-restart"],
        )
        solara.HTML(tag="div", unsafe_innerHTML=t("restart_note", lang), classes=["cogov-note"])


# ---------------------------------------------------------------- replications
@solara.component
def Replications(reps, lang: str, on_close):
    """The replications' progress, then each side's figures and the gap with 95 % CIs."""
    r = reps.value
    if r is None:
        return
    with solara.Div(classes=["cogov-card", "cogov-replications"]):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            solara.HTML(tag="div", unsafe_innerHTML=t("replications", lang), classes=["cogov-h"])
            solara.Button(t("close", lang), on_click=on_close, text=True, small=True)
        note = t("replications_note", lang).format(n=r["n"], days=r["days"], seed=r["seed"])
        solara.HTML(tag="div", unsafe_innerHTML=note, classes=["cogov-note"])
        if r["state"] == "running":
            solara.v.ProgressLinear(value=100 * r["done"] / max(r["total"], 1), height=8)
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"{t('running', lang)} {r['done']}/{r['total']}",
                classes=["cogov-note", "cogov-reps-progress"],
            )
        elif r["state"] == "error":
            solara.Warning(r["error"])
        else:
            solara.HTML(
                tag="div", unsafe_innerHTML=panels.replications_html(r["stats"], lang, SIDE_COLOURS)
            )


# ---------------------------------------------------------------- lessons
@solara.component
def LessonBanner(lesson, step: int, lang: str, on_step, on_do):
    n = len(lesson.steps)
    s = lesson.steps[step]
    with solara.Div(classes=["cogov-card", "cogov-lesson"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{t('lesson', lang)}: {pick(lesson.title.model_dump(), lang)}</b>"
            f" · {t('step_of', lang).format(i=step + 1, n=n)}",
            classes=["cogov-note"],
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=pick(s.say.model_dump(), lang),
            classes=["cogov-lesson-text"],
        )
        with solara.Row(style={"gap": "6px"}):
            solara.Button(
                t("previous", lang),
                on_click=lambda: on_step(step - 1),
                disabled=step == 0,
                small=True,
            )
            if s.levers or s.play_to or s.replicate:
                solara.Button(
                    t("do_step", lang), on_click=lambda: on_do(s), color="primary", small=True
                )
            solara.Button(
                t("next", lang),
                on_click=lambda: on_step(step + 1),
                disabled=step >= n - 1,
                small=True,
            )
