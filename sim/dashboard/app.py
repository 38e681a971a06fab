"""The teaching dashboard: 独角戏 (solo) and 大合唱 (chorus) side by side.

Run it with `cogov dashboard` (or `solara run sim.dashboard.app`). Two models,
same seed, same street, step together. The levers sit in a column beside the two
sides, so a lever and its effect share the screen on a 1366×768 projector. Each
side shows its resolution rate as a big number, the street (click a household to
follow its case), the mechanisms behind the outcome (bounces, hand-offs,
detection, lost cases, conflicts, reported vs true resolution, who closed the
cases, hours by actor) and live charts.

History is honest: a lever changed while running acts from the next day
(`CoGovModel.reform`) and the charts mark the day on both sides; "Restart with
these settings" is a separate button. "Run 10 replications" runs both sides'
settings over ten seeds with `sim.compare` (as `cogov compare`), off the UI thread.

Mesa's SolaraViz drives one model; here two models must step in lockstep, so the
controls are custom Solara components over `sim.dashboard.state.Pair`. The
drawing is plain SVG (`sim.dashboard.render`, `sim.dashboard.panels`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import solara

from sim.dashboard import lessons as lessons_mod
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
from sim.dashboard.state import REPLICATIONS, Pair, load_scenario, scenario_names
from sim.presets import CHORUS_LEVERS

SIDE_COLOURS = (render.LEFT_COLOUR, render.RIGHT_COLOUR)
INTERVAL_S = 0.12  # pause between days while playing, at 1×
SPEEDS = {"½×": 2.0, "1×": 1.0, "2×": 0.4, "4×": 0.1}  # multiples of the interval

CSS = """
.cogov-root, .cogov-root .v-application, .cogov-root * {
  font-family: Roboto, "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
    "Noto Sans CJK SC", sans-serif;
}
.cogov-root { height: 100vh; display: flex; flex-direction: column; padding: 4px 10px 0;
  box-sizing: border-box; }
.cogov-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px;
  padding-bottom: 4px; border-bottom: 1px solid #e3e6ea; }
.cogov-bar .v-btn { min-width: 0 !important; }
.cogov-bar .v-input { margin: 0; padding: 0; }
.cogov-title { font-size: 0.88rem; font-weight: 700; margin: 0; max-width: 265px;
  line-height: 1.2; }
.cogov-body { flex: 1; min-height: 0; display: grid; gap: 10px;
  grid-template-columns: 300px minmax(0, 1fr); }
.cogov-levers, .cogov-main { overflow-y: auto; min-height: 0; padding: 6px 2px 40px; }
.cogov-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.cogov-side { border-top: 6px solid; border-radius: 4px; background: #fff;
  box-shadow: 0 1px 3px rgba(0,0,0,.15); padding: 6px 10px; min-width: 0; }
.cogov-side-head { font-size: 1.05rem; font-weight: 700; line-height: 1.25; }
.cogov-changes { font-size: 0.78rem; color: #444; }
.cogov-big { font-size: 64px; font-weight: 800; line-height: 1; letter-spacing: -1px; }
.cogov-big-label { font-size: 0.95rem; font-weight: 600; }
.cogov-note { font-size: 0.75rem; color: #666; }
.cogov-graph { position: relative; width: 100%; aspect-ratio: 1000 / 700; cursor: pointer;
  background: #fbfbfc; border: 1px solid #e3e6ea; border-radius: 6px; }
.cogov-graph > .cogov-layer { position: absolute; inset: 0; }
.cogov-svg { width: 100%; height: 100%; display: block; }
.cogov-charts { display: grid; grid-template-columns: 1fr 1fr; gap: 2px 10px; }
.cogov-chart { width: 100%; height: auto; }
.cogov-chart text { font-size: 10px; fill: #555; }
.cogov-chart text.ct { font-size: 12px; fill: #222; }
.cogov-legend { display: flex; flex-wrap: wrap; gap: 1px 12px; font-size: 0.8rem; }
.cogov-legend.small { font-size: 0.72rem; gap: 0 10px; }
.cogov-dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 4px; vertical-align: -1px; }
.cogov-sq { display: inline-block; width: 10px; height: 10px; margin-right: 3px;
  vertical-align: -1px; }
.cogov-stat { font-size: 0.9rem; line-height: 1.35; }
.cogov-stat b { font-size: 1.1rem; }
.cogov-day { font-size: 1.25rem; font-weight: 700; white-space: nowrap; }
.cogov-h { font-weight: 700; font-size: 0.95rem; margin: 6px 0 2px; }
.cogov-mons { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 6px; }
.cogov-mon { border: 1px solid #e3e6ea; border-radius: 4px; padding: 3px 6px;
  background: #fbfbfc; }
.cogov-mon.mon-wide { grid-column: 1 / -1; }
.cogov-mon.mon-gap { border-color: #e0413a; }
.mon-name { font-size: 0.74rem; font-weight: 600; color: #333; }
.mon-val { font-size: 1.15rem; font-weight: 700; }
.mon-other, .mon-rep { font-size: 0.72rem; font-weight: 400; color: #888; }
.mon-line { font-size: 0.68rem; color: #666; line-height: 1.2; }
svg.cogov-sbar { width: 100%; height: 14px; display: block; margin: 2px 0; }
.cogov-path { font-size: 0.8rem; margin: 2px 0 4px; padding-left: 18px; }
.cogov-lever { border-bottom: 1px solid #eef0f3; padding: 3px 0 4px; }
.cogov-lever-head { display: flex; align-items: center; gap: 4px; }
.cogov-lever-name { flex: 1; font-size: 0.84rem; font-weight: 600; line-height: 1.15; }
.cogov-lever-line { font-size: 0.7rem; color: #666; line-height: 1.2; }
.cogov-lever .v-input--switch { margin: 0 0 0 2px; padding: 0; }
.cogov-lever .v-input--selection-controls__input { margin-right: 0 !important; }
.cogov-knob { font-size: 0.72rem; color: #444; margin-top: 1px; }
.cogov-knob .v-input { margin: 0; padding: 0; }
.cogov-knob .v-slider { margin: 0 2px; min-height: 24px; }
.cogov-knob-value { font-size: 0.85rem; color: #111; }
.cogov-knob-range { color: #777; }
.cogov-knob .v-slider__thumb-label { font-size: 0.68rem; }
.cogov-cols { display: flex; justify-content: flex-end; gap: 14px; font-size: 0.72rem;
  font-weight: 700; padding-right: 6px; }
.cogov-reps { border-collapse: collapse; font-size: 0.82rem; width: 100%; }
.cogov-reps td, .cogov-reps th { padding: 1px 8px; text-align: right; white-space: nowrap; }
.cogov-reps td:first-child, .cogov-reps th:first-child { text-align: left; }
.cogov-verdict { font-size: 0.85rem; margin-top: 3px; font-weight: 600; }
.cogov-verdict.noise { color: #b26b00; }
.cogov-verdict.real { color: #1e7d4a; }
.cogov-card { border: 1px solid #d5dae0; border-radius: 6px; padding: 6px 10px;
  margin-bottom: 8px; background: #fff; }
.cogov-lesson { border-left: 6px solid #6c5ce7; background: #f6f5ff; }
.cogov-lesson-text { font-size: 1.0rem; }
.cogov-small-warn { font-size: 0.75rem; color: #8a5a00; }
"""


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


# ---------------------------------------------------------------- the page
@solara.component
def Dashboard(
    left: str = "classroom",
    right: str = "classroom_chorus",
    seed: int = 0,
    pair: Pair | None = None,
    interval: float = INTERVAL_S,
    lessons_folder=None,
):
    """The top bar (play, step, speed, restart, seed, replications, lesson, language), the
    lever column and the two sides."""
    pair = solara.use_memo(lambda: pair or Pair(left, right, seed), [])
    lessons, lesson_errors = solara.use_memo(lambda: lessons_mod.load_all(lessons_folder), [])
    lang = solara.use_reactive("en")
    playing = solara.use_reactive(False)
    speed = solara.use_reactive("1×")
    version = solara.use_reactive(0)  # bumped every tick: live views only
    config = solara.use_reactive(0)  # bumped on lever / scenario changes
    selected = solara.use_reactive(None)  # the household whose case is followed
    seed_value = solara.use_reactive(pair.seed)
    pending = solara.use_reactive(None)  # (side, scenario) waiting for confirmation
    reps = solara.use_reactive(None)
    rep_request = solara.use_reactive(0)
    lesson = solara.use_reactive(None)  # (name, step)
    gen = solara.use_memo(lambda: {"n": 0, "lock": threading.Lock()}, [])

    def bump(rebuilt: bool = False):
        version.value = version.value + 1
        if rebuilt:
            config.value = config.value + 1

    def loop():
        with gen["lock"]:
            gen["n"] += 1
            mine = gen["n"]
        while playing.value and gen["n"] == mine:
            time.sleep(interval * SPEEDS.get(speed.value, 1.0))
            if not playing.value or gen["n"] != mine:
                break
            pair.step()
            bump()
            if pair.finished:
                playing.value = False

    solara.lab.use_task(loop, dependencies=[playing.value], prefer_threaded=True)

    def replicate():
        if rep_request.value == 0:
            return
        n, base_seed = REPLICATIONS, int(seed_value.value)
        state = {"state": "running", "done": 0, "total": 2 * n, "n": n, "seed": base_seed}
        state["days"] = max(s.params.days for s in pair.sides)
        reps.value = dict(state)

        def progress(done, total):
            reps.value = {**state, "done": done, "total": total}

        try:
            comparison = pair.replicate(n, base_seed, on_progress=progress)
            reps.value = {**state, "state": "done", "done": 2 * n, "stats": comparison.stats()}
        except Exception as e:  # shown, never raised into the page
            reps.value = {**state, "state": "error", "error": f"{type(e).__name__}: {e}"}

    solara.lab.use_task(replicate, dependencies=[rep_request.value], prefer_threaded=True)

    def step():
        playing.value = False
        pair.step()
        bump()

    def restart():
        playing.value = False
        pair.restart(int(seed_value.value))
        bump(rebuilt=True)

    def on_lever(index: int, name: str, **changes):
        with pair.lock:
            pair.sides[index].set_lever(name, **changes)
        bump(rebuilt=True)

    def apply_scenario(index: int, name: str):
        playing.value = False
        pair.set_scenario(index, name)
        pending.value = None
        selected.value = None
        bump(rebuilt=True)

    def on_scenario(index: int, name: str):
        side = pair.sides[index]
        if name == side.scenario:
            return
        new, old = load_scenario(name), side.model.params if side.model else side.params
        if pair.day == 0 and (new.community, new.days) == (old.community, old.days):
            apply_scenario(index, name)
        else:
            pending.value = (index, name)
            bump(rebuilt=True)

    def on_pick(index: int, xy: dict):
        model = pair.sides[index].model
        if model is None:
            return
        h = render.nearest_household(render.layout_for(model), float(xy["x"]), float(xy["y"]))
        selected.value = None if h == selected.value else h

    def toggle_lang():
        lang.value = "zh" if lang.value == "en" else "en"

    def choose_lesson(name):
        playing.value = False
        if not name:
            lesson.value = None
            return
        ls = lessons[name]
        with pair.lock:
            for i, scen in enumerate((ls.left, ls.right)):
                pair.sides[i].scenario = scen
                pair.sides[i].levers = {}
            pair.restart(int(seed_value.value))
        lesson.value = (name, 0)
        selected.value = None
        bump(rebuilt=True)

    def lesson_step(i: int):
        name, _ = lesson.value
        lesson.value = (name, max(0, min(i, len(lessons[name].steps) - 1)))

    def lesson_do(s):
        playing.value = False
        with pair.lock:
            for side, changes in s.levers.items():
                for lever, value in changes.items():
                    settings = {"enabled": value} if isinstance(value, bool) else dict(value)
                    pair.sides[0 if side == "left" else 1].set_lever(lever, **settings)
            if s.play_to:
                while pair.day < min(s.play_to, pair.days) and not pair.finished:
                    pair.step()
        bump(rebuilt=True)
        if s.replicate:
            rep_request.value = rep_request.value + 1

    L = lang.value
    solara.Style(render_css())
    with solara.Div(classes=["cogov-root"]):
        with solara.Div(classes=["cogov-bar"]):
            solara.HTML(tag="h1", unsafe_innerHTML=t("title", L), classes=["cogov-title"])
            solara.Button(
                t("pause", L) if playing.value else t("play", L),
                on_click=lambda: playing.set(not playing.value),
                color="primary",
            )
            solara.Button(t("step", L), on_click=step, small=True)
            solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), dense=True)
            DayLabel(pair, L, version)
            solara.InputInt(
                t("seed", L),
                value=seed_value,
                continuous_update=True,
                style={"max-width": "64px"},
                classes=["cogov-seed"],
            )
            solara.Button(
                t("run_replications", L).format(n=REPLICATIONS),
                on_click=lambda: rep_request.set(rep_request.value + 1),
                disabled=reps.value is not None and reps.value["state"] == "running",
                outlined=True,
                small=True,
                classes=["cogov-run-reps"],
            )
            solara.v.Select(
                label=t("lesson", L),
                items=[{"text": t("no_lesson", L), "value": ""}]
                + [
                    {"text": pick(ls.title.model_dump(), L), "value": k}
                    for k, ls in lessons.items()
                ],
                v_model=lesson.value[0] if lesson.value else "",
                on_v_model=choose_lesson,
                dense=True,
                hide_details=True,
                style_="max-width: 190px; font-size: 0.85rem",
                class_="cogov-lesson-select",
            )
            solara.Button(t("lang_button", L), on_click=toggle_lang, outlined=True, small=True)
        with solara.Div(classes=["cogov-body"]):
            LeverColumn(pair, L, config, on_lever, restart)
            with solara.Div(classes=["cogov-main"]):
                for bad in lesson_errors.values():
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML=f"{t('lesson_error', L)}: {bad}",
                        classes=["cogov-small-warn"],
                    )
                if lesson.value is not None:
                    name, i = lesson.value
                    LessonBanner(lessons[name], i, L, lesson_step, lesson_do)
                if pending.value is not None:
                    index, name = pending.value
                    old = pair.sides[index].model.params if pair.sides[index].model else None
                    msg = f"<b>{t('scenario_change', L)}</b> {scenario_label(name, L)}. "
                    if old is not None and (
                        (load_scenario(name).community, load_scenario(name).days)
                        != (old.community, old.days)
                    ):
                        now = t("size", L).format(n=old.community.residents, days=old.days)
                        msg += t("scenario_size", L).format(old=now, new=size_text(name, L)) + " "
                    msg += t("scenario_restart", L)
                    with solara.Div(classes=["cogov-card", "cogov-confirm"]):
                        solara.HTML(tag="div", unsafe_innerHTML=msg)
                        with solara.Row(style={"gap": "6px"}):
                            solara.Button(
                                t("apply", L),
                                on_click=lambda: apply_scenario(index, name),
                                color="primary",
                                small=True,
                            )
                            solara.Button(
                                t("cancel", L), on_click=lambda: pending.set(None), small=True
                            )
                Replications(reps, L, lambda: reps.set(None))
                _ = config.value  # a rebuilt side may change the street
                if not pair.same_street():
                    solara.Warning(t("different_street", L))
                Live(pair, L, version, selected, on_scenario, on_pick)


def render_css() -> str:
    return CSS


@solara.component
def Page():
    Dashboard()
