"""The teaching dashboard: 独角戏 (solo) and 大合唱 (chorus) side by side.

Run it with `cogov dashboard` (or `solara run sim.dashboard.app`). Two models,
same seed, same street, step together; each side shows its community graph,
the resolution rate as a big number, live plots and its levers.

Mesa's SolaraViz drives one model; here two models must step in lockstep and a
lever change must rebuild one side, so the controls are custom Solara
components over `sim.dashboard.state.Pair`. The drawing is plain SVG from
`sim.dashboard.render` (fast enough for a 100 ms tick).
"""

from __future__ import annotations

import threading
import time

import solara

from sim.dashboard import render
from sim.dashboard.i18n import (
    FAILURE_LEVERS,
    LABELS,
    LEVERS,
    lever_text,
    scenario_label,
    t,
)
from sim.dashboard.state import Pair, scenario_names
from sim.presets import CHORUS_LEVERS

SIDE_COLOURS = (render.LEFT_COLOUR, render.RIGHT_COLOUR)
INTERVAL_S = 0.12  # pause between days while playing

CSS = """
.cogov-root, .cogov-root .v-application, .cogov-root * {
  font-family: Roboto, "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
    "Noto Sans CJK SC", sans-serif;
}
.cogov-title { font-size: 1.5rem; font-weight: 700; margin: 0; }
.cogov-big { font-size: 104px; font-weight: 800; line-height: 1; letter-spacing: -2px; }
.cogov-big-label { font-size: 1.1rem; font-weight: 600; }
.cogov-note { font-size: 0.8rem; color: #666; }
.cogov-graph { position: relative; width: 100%; aspect-ratio: 1000 / 700;
  background: #fbfbfc; border: 1px solid #e3e6ea; border-radius: 6px; }
.cogov-graph > .cogov-layer { position: absolute; inset: 0; }
.cogov-svg { width: 100%; height: 100%; display: block; }
.cogov-charts { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 12px; }
.cogov-chart { width: 100%; height: auto; }
.cogov-chart text { font-size: 10px; fill: #555; }
.cogov-chart text.ct { font-size: 12px; fill: #222; }
.cogov-legend { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 0.85rem; }
.cogov-dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 4px; vertical-align: -1px; }
.cogov-stat { font-size: 1.05rem; }
.cogov-stat b { font-size: 1.4rem; }
.cogov-lever-line { font-size: 0.78rem; color: #555; margin: -14px 0 2px 44px; }
.cogov-day { font-size: 1.6rem; font-weight: 700; }
"""


def _fmt_pct(v) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "—"
    return "—" if v != v else f"{100 * v:.0f}%"


def _labels(lang: str) -> dict[str, str]:
    return {key: t(key, lang) for key in LABELS}


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


def live_view(pair: Pair, index: int, lang: str, on_scenario):
    """The part of a side that changes every day: big number, graph, plots."""
    side = pair.sides[index]
    colour = SIDE_COLOURS[index]
    with solara.Row(style={"align-items": "center", "gap": "12px"}):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"{t('left' if index == 0 else 'right', lang)}: "
            f"{scenario_label(side.scenario, lang)}",
            style=f"font-size:1.3rem;font-weight:700;color:{colour}",
        )
        solara.Select(
            label=t("scenario", lang),
            value=side.scenario,
            values=scenario_names(),
            on_value=lambda name: on_scenario(index, name),
            style={"max-width": "220px"},
        )
    if side.model is None:
        solara.Error(f"{t('error', lang)}: {side.error}")
        return
    other = pair.sides[1 - index].model
    colour = SIDE_COLOURS[index]
    with pair.lock:
        out = render.render_side(side.model, other, _labels(lang), colour)
        m = side.model
        last = {k: render.series(m, k) for k in ("satisfaction_rate", "backlog", "mean_trust")}
    with solara.Row(style={"align-items": "flex-end", "gap": "24px", "flex-wrap": "wrap"}):
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
        with solara.Column(gap="2px"):

            def stat(key, value):
                return f"{t(key, lang)}: <b>{value}</b>"

            sat = last["satisfaction_rate"][-1] if last["satisfaction_rate"] else None
            backlog = last["backlog"][-1] if last["backlog"] else 0
            trust = last["mean_trust"][-1] if last["mean_trust"] else None
            html = "<br>".join(
                [
                    stat("satisfaction_rate", _fmt_pct(sat)),
                    stat("backlog", backlog),
                    stat("mean_trust", _fmt_pct(trust)),
                    f"{m.community.n} {t('households', lang)} · {m.community.n_grids} "
                    f"{t('grids', lang)}",
                ]
            )
            solara.HTML(tag="div", unsafe_innerHTML=html, classes=["cogov-stat"])
    with solara.Div(classes=["cogov-graph"]):
        solara.HTML(tag="div", unsafe_innerHTML=out["edges"], classes=["cogov-layer"])
        solara.HTML(tag="div", unsafe_innerHTML=out["households"], classes=["cogov-layer"])
    legend(out["counts"], lang)
    solara.HTML(tag="div", unsafe_innerHTML="".join(out["charts"]), classes=["cogov-charts"])
    solara.HTML(tag="div", unsafe_innerHTML=t("other_side", lang), classes=["cogov-note"])


@solara.component
def LeverControl(name: str, lever, lang: str, on_change):
    """A lever's switch, its one line from the article, and its main knob when on.

    `lever` (the frozen settings) is a prop so that a change re-renders this control.
    """
    field, lo, hi, step = LEVERS[name]["knob"]
    solara.Switch(
        label=lever_text(name, "name", lang),
        value=lever.enabled,
        on_value=lambda v: on_change(name, enabled=bool(v)),
        style={"margin-top": "4px"},
    )
    solara.HTML(
        tag="div", unsafe_innerHTML=lever_text(name, "line", lang), classes=["cogov-lever-line"]
    )
    if lever.enabled:
        value = getattr(lever, field)
        label = lever_text(name, "knob_label", lang)
        if isinstance(step, int):
            solara.SliderInt(
                label=label,
                value=int(value),
                min=lo,
                max=hi,
                step=step,
                on_value=lambda v: on_change(name, **{field: int(v)}),
            )
        else:
            solara.SliderFloat(
                label=label,
                value=float(value),
                min=lo,
                max=hi,
                step=step,
                on_value=lambda v: on_change(name, **{field: float(v)}),
            )


@solara.component
def LeverPanel(pair: Pair, index: int, lang: str, config, bump):
    """A side's levers; re-rendered only when a side is rebuilt, not every tick."""
    _ = config.value
    side = pair.sides[index]

    def on_lever(name, **changes):
        with pair.lock:
            side.set_lever(name, day=pair.day, **changes)
        bump(rebuilt=True)

    with solara.Card(style={"border-top": f"6px solid {SIDE_COLOURS[index]}"}):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{t('levers', lang)}</b> · "
            f"{t('left' if index == 0 else 'right', lang)}: {scenario_label(side.scenario, lang)}",
            style="font-size:1.1rem",
        )
        for name in CHORUS_LEVERS:
            LeverControl(name, side.lever(name), lang, on_lever)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{t('failure_modes', lang)}</b>",
            style="margin-top:8px",
        )
        for name in FAILURE_LEVERS:
            LeverControl(name, side.lever(name), lang, on_lever)


@solara.component
def Live(pair: Pair, lang: str, version, on_scenario):
    """Everything that changes every day; the one component a tick re-renders."""
    _ = version.value
    with solara.Column(gap="8px"):
        day_label(pair, lang)
        with solara.Columns([1, 1]):
            for i in (0, 1):
                with solara.Card(style={"border-top": f"6px solid {SIDE_COLOURS[i]}"}):
                    live_view(pair, i, lang, on_scenario)


def day_label(pair: Pair, lang: str):
    text = f"{t('day', lang)} {pair.day}{t('day_suffix', lang)} / {max(s.days for s in pair.sides)}"
    if pair.finished:
        text += f" · {t('finished', lang)}"
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=["cogov-day"])


@solara.component
def Dashboard(
    left: str = "classroom",
    right: str = "classroom_chorus",
    seed: int = 0,
    pair: Pair | None = None,
    interval: float = INTERVAL_S,
):
    """Both sides, the shared controls (play, pause, step, reset) and the language switch."""
    pair = solara.use_memo(lambda: pair or Pair(left, right, seed), [])
    lang = solara.use_reactive("en")
    playing = solara.use_reactive(False)
    version = solara.use_reactive(0)  # bumped every tick: live views only
    config = solara.use_reactive(0)  # bumped on lever / scenario changes
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
            time.sleep(interval)
            if not playing.value or gen["n"] != mine:
                break
            pair.step()
            bump()
            if pair.finished:
                playing.value = False

    solara.lab.use_task(loop, dependencies=[playing.value], prefer_threaded=True)

    def step():
        playing.value = False
        pair.step()
        bump()

    def reset():
        playing.value = False
        pair.reset()
        bump()

    def on_scenario(index: int, name: str):
        with pair.lock:
            pair.sides[index].set_scenario(name, day=pair.day)
        bump(rebuilt=True)

    def toggle_lang():
        lang.value = "zh" if lang.value == "en" else "en"

    solara.Style(render_css())
    with solara.Column(classes=["cogov-root"], style={"padding": "8px 16px"}):
        with solara.Row(style={"align-items": "center", "gap": "10px", "flex-wrap": "wrap"}):
            solara.HTML(tag="h1", unsafe_innerHTML=t("title", lang.value), classes=["cogov-title"])
            solara.Button(
                t("pause", lang.value) if playing.value else t("play", lang.value),
                on_click=lambda: playing.set(not playing.value),
                color="primary",
            )
            solara.Button(t("step", lang.value), on_click=step)
            solara.Button(t("reset", lang.value), on_click=reset)
            solara.Button(t("lang_button", lang.value), on_click=toggle_lang, outlined=True)
        _ = config.value  # a rebuilt side may change the street
        if not pair.same_street():
            solara.Warning(t("different_street", lang.value))
        Live(pair, lang.value, version, on_scenario)
        with solara.Columns([1, 1]):
            for i in (0, 1):
                LeverPanel(pair, i, lang.value, config, bump)


def render_css() -> str:
    return CSS


@solara.component
def Page():
    Dashboard()
