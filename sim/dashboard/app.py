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
from pathlib import Path

import solara

from sim.dashboard import lessons as lessons_mod
from sim.dashboard import render
from sim.dashboard.components import (
    DayLabel,
    LessonBanner,
    LeverColumn,
    Live,
    Replications,
    size_text,
)
from sim.dashboard.i18n import (
    pick,
    scenario_label,
    t,
)
from sim.dashboard.state import REPLICATIONS, Pair, load_scenario

INTERVAL_S = 0.12  # pause between days while playing, at 1×
SPEEDS = {"½×": 2.0, "1×": 1.0, "2×": 0.4, "4×": 0.1}  # multiples of the interval
# The page's look: font sizes for a projector, the levers' column, the two sides.
CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")


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
