"""The dashboard's components without a browser (solara.render), and its pieces."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

from sim.cases import Closer, Joint, State  # noqa: E402
from sim.dashboard import lessons, panels, render  # noqa: E402
from sim.dashboard.app import Dashboard  # noqa: E402
from sim.dashboard.i18n import (  # noqa: E402
    ACTOR_NAMES,
    CASE_STATES,
    CHANNELS,
    CLOSERS,
    LABELS,
    LEVERS,
    MONITORS,
    PATH_WORDS,
    SCENARIO_NAMES,
    t,
)
from sim.dashboard.state import Pair  # noqa: E402
from sim.metrics import summary  # noqa: E402
from sim.params import LEVER_NAMES  # noqa: E402


@pytest.fixture
def ui():
    pair = Pair("classroom", "classroom_chorus", seed=0)
    _box, rc = solara.render(Dashboard(pair=pair, interval=0.01), handle_error=False)
    return pair, rc


def click(rc, label: str):
    rc.find(v.Btn, children=[label]).widget.click()


def steps(rc, n: int):
    for _ in range(n):
        click(rc, "Step")


def _html(rc) -> str:
    return " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)


def html_of(rc, cls: str) -> list[str]:
    """The HTML of every solara.HTML element with the class `cls`."""
    return [
        w.unsafe_innerHTML or ""
        for w in rc.find(solara.widgets.HTML).widgets
        if cls in (w.attributes or {}).get("class", "").split()
    ]


def one_html(rc, cls: str) -> str:
    found = html_of(rc, cls)
    assert len(found) == 1, (cls, len(found))
    return found[0]


def switch(rc, lever: str, side: int):
    return rc.find(v.Switch, class_=f"cogov-switch-{lever}-{side}").widget


def wait_for(cond, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)


def test_step_advances_both_sides(ui):
    pair, rc = ui
    steps(rc, 3)
    assert [s.day for s in pair.sides] == [3, 3]
    assert "Day 3 / 120" in _html(rc)


def test_restart_is_explicit_and_keeps_the_settings(ui):
    pair, rc = ui
    steps(rc, 5)
    switch(rc, "whistle", 0).v_model = True
    old = pair.sides[0].model
    assert pair.sides[0].changes  # a change made while running is marked
    click(rc, "Restart with these settings")
    assert [s.day for s in pair.sides] == [0, 0]
    assert pair.sides[0].model is not old and pair.sides[0].changes == []
    w = pair.sides[0].model.params.levers.whistle
    assert w.enabled and w.start_day == 0  # restarted: on from the first day


def test_a_lever_switched_on_while_running_leaves_the_past(ui):
    pair, rc = ui
    steps(rc, 20)
    left, right = (s.model for s in pair.sides)
    past = left.daily.copy()
    charts_before = render.charts_svg(left, right, {k: t(k, "en") for k in LABELS}, "#000")
    switch(rc, "whistle", 0).v_model = True
    assert pair.sides[0].model is left and pair.sides[1].model is right  # nothing rebuilt
    assert left.params.levers.whistle.enabled and left.params.levers.whistle.start_day == 21
    assert left.reforms == [(21, "whistle", {"enabled": True})]
    steps(rc, 30)
    assert left.daily.iloc[:20].equals(past)  # the past stays as it was
    # the charts mark day 21 on both sides (a dashed line with the change as its title)
    for html in (one_html(rc, f"cogov-charts-{i}") for i in (0, 1)):
        assert html.count('class="mark"') == 6  # one per chart
        assert "+ whistle (吹哨报到), from day 21" in html
    assert 'class="mark"' not in "".join(charts_before)
    head = one_html(rc, "cogov-head-0")
    assert head == "Left: classroom street, solo (独角戏) + whistle (吹哨报到)"


def test_the_knob_changes_from_today_and_shows_value_and_range(ui):
    pair, rc = ui
    steps(rc, 10)
    switch(rc, "whistle", 0).v_model = True
    slider = rc.find(v.Slider, class_="cogov-slider-whistle-0").widget
    label = one_html(rc, "cogov-knob-label-whistle-0")  # the value and the range, always shown
    assert "report deadline (days): <b class='cogov-knob-value'>3</b>" in label
    assert "(1–14)" in label
    steps(rc, 5)
    slider.fire_event("change", 9)  # let go at 9
    m = pair.sides[0].model
    assert m.params.levers.whistle.deadline_days == 9
    assert m.reforms[-1] == (16, "whistle", {"deadline_days": 9})
    assert m.joint_table[Joint.WHISTLE]["horizon"] == 9  # what the kernels read
    assert "<b class='cogov-knob-value'>9</b>" in one_html(rc, "cogov-knob-label-whistle-0")
    # a switch off from today
    switch(rc, "cadres", 1).v_model = False
    right = pair.sides[1]
    assert not right.model.params.levers.cadres.enabled
    assert right.changes[-1].day == 16 and not right.changes[-1].enabled
    head = one_html(rc, "cogov-head-1")
    assert head.endswith("− sunk-down cadres (机关干部下沉)")


def test_language_switch_changes_labels(ui):
    _pair, rc = ui
    click(rc, "中文")
    click(rc, "单步")  # the Step button, now in Chinese
    rc.find(v.Btn, children=["Step"]).assert_empty()
    rc.find(v.Btn, children=["播放"]).assert_single()
    rc.find(v.Btn, children=["English"]).assert_single()
    selects = rc.find(v.Select, label="情景").widgets
    assert len(selects) == 2
    texts = [i["text"] for i in selects[0].items]
    assert "课堂街道·独角戏 · 600户,120天" in texts
    assert any(x.startswith("独角戏 · 6,400户,365天") for x in texts)
    assert not any("classroom" in x or "solo" in x for x in texts)  # no raw file names
    html = _html(rc)
    assert "解决率" in html and "Resolution rate" not in html
    assert "每案推诿次数" in html and "谁办结了案件" in html
    click(rc, "English")
    rc.find(v.Btn, children=["Step"]).assert_single()


def test_every_label_has_both_languages():
    for key, entry in LABELS.items():
        assert set(entry) == {"en", "zh"}, key
        assert t(key, "zh") == entry["zh"]
    for name, spec in LEVERS.items():
        for what in ("name", "knob_label", "line", "short"):
            assert spec[what]["en"] and spec[what]["zh"], (name, what)
    assert set(LEVERS) == set(LEVER_NAMES)
    for table in (CLOSERS, ACTOR_NAMES, CHANNELS, CASE_STATES, PATH_WORDS, SCENARIO_NAMES):
        for key, entry in table.items():
            assert (entry["en"] or key == "day_suffix") and entry["zh"], key
    for key, spec in MONITORS.items():
        assert all(spec[w][lang] for w in ("name", "line") for lang in ("en", "zh")), key
    assert set(CLOSERS) == {c.name for c in Closer if c != Closer.NONE}


def test_a_scenario_that_changes_the_street_asks_first(ui):
    pair, rc = ui
    steps(rc, 3)
    selects = rc.find(v.Select, label="Scenario").widgets
    assert [s.v_model for s in selects] == ["classroom", "classroom_chorus"]
    selects[0].v_model = "solo_flood"
    assert pair.sides[0].scenario == "classroom" and pair.day == 3  # not yet
    html = _html(rc)
    assert "600 households, 120 days → 6,400 households, 365 days" in html
    assert "Both sides restart at day 0" in html
    click(rc, "Cancel")
    assert pair.sides[0].scenario == "classroom" and pair.day == 3
    rc.find(v.Select, label="Scenario").widgets[0].v_model = "classroom_chorus"
    click(rc, "Apply")  # day 3: even the same street restarts, and says so first
    assert pair.sides[0].scenario == "classroom_chorus" and pair.day == 0
    steps(rc, 2)
    a, b = (s.model for s in pair.sides)
    assert (a.series("resolved") == b.series("resolved")).all()  # same settings, same seed


def test_a_scenario_chosen_on_day_0_with_the_same_street_applies_at_once(ui):
    pair, rc = ui
    rc.find(v.Select, label="Scenario").widgets[1].v_model = "classroom_chorus_flood"
    assert pair.sides[1].scenario == "classroom_chorus_flood"
    steps(rc, 1)
    charts = one_html(rc, "cogov-charts-0")
    assert charts.count('class="band"') == 6  # the flood (战时) shaded on every chart
    assert "shaded: emergency (战时)" in _html(rc)


def click_while_playing(rc, label: str):
    """Click a button while the play loop re-renders the page from its own thread: a
    find that lands mid-render sees no button, so try again."""

    def attempt():
        try:
            click(rc, label)
        except ValueError:
            return False
        return True

    wait_for(attempt, f"the {label} button")


def test_play_steps_until_paused_at_the_chosen_speed(ui):
    pair, rc = ui
    rc.find(v.BtnToggle).widget.v_model = 3  # 4×
    click(rc, "Play")
    wait_for(lambda: pair.day >= 3, "three days")
    click_while_playing(rc, "Pause")
    assert pair.day >= 3
    assert abs(pair.sides[0].day - pair.sides[1].day) <= 1


def test_sides_share_street_and_layout():
    pair = Pair("classroom", "classroom_chorus", seed=3)
    a, b = (s.model for s in pair.sides)
    assert pair.same_street()
    assert (a.community.adjacency != b.community.adjacency).nnz == 0
    assert render.layout_for(a) is render.layout_for(b)  # computed once per community
    assert render.big_number(a) == "—"


def test_household_states_follow_the_case_book():
    pair = Pair("classroom", "classroom_chorus", seed=0)
    m = pair.sides[0].model
    b = m.book
    for _ in range(120):  # until a household's only recent trouble is a lost case
        m.step()
        n = b.n
        latent = np.unique(b.resident[:n][b.state[:n] == State.LATENT])
        open_ = b.resident[:n][np.isin(b.state[:n], [State.QUEUED, State.IN_HANDLING])]
        lost = (b.state[:n] == State.LOST) & (b.closed[:n] >= m.day - render.RECENT_DAYS)
        only_lost = np.setdiff1d(b.resident[:n][lost], np.r_[latent, open_])
        if only_lost.size:
            break
    codes = render.household_states(m)
    assert (codes[latent] == render.STATES.index("latent")).all()
    assert (codes[open_] >= render.STATES.index("open")).all()
    assert only_lost.size
    assert (codes[only_lost] == render.STATES.index("lost")).all()  # its own colour
    assert render.COLOURS["lost"] != render.COLOURS["dissatisfied"]
    assert sum(render.state_counts(codes).values()) == m.community.n
    svg = render.households_svg(m, render.layout_for(m), codes)
    assert svg.count("m-gw") >= len(m.grid_workers)


def test_the_mechanism_panel_shows_the_models_own_figures(ui):
    pair, rc = ui
    steps(rc, 60)
    for i, side in enumerate(pair.sides):
        m = side.model
        s = summary(m)
        html = one_html(rc, f"cogov-mechanisms-{i}")
        assert f">{s['bounces_per_case']:.2f} " in html
        assert f">{s['handoffs_per_case']:.2f} " in html
        assert f">{100 * s['detection_rate']:.0f}% " in html
        assert f">{s['lost_cases']:,} " in html and f">{s['conflicts']:,} " in html
        for key in MONITORS:
            assert f'data-monitor="{key}"' in html
        closed = panels.closers(m)
        done = np.isin(m.book.state[: m.book.n], [State.RESOLVED, State.CLOSED_UNRESOLVED])
        assert sum(c for c, _ in closed.values()) == done.sum()
        assert sum(r for _, r in closed.values()) == s["resolved"]
        for actor, hours in m.tally.hours.items():
            assert (f'data-actor="{actor}"' in html) == (hours > 0)
    # the mechanisms differ as the article says: fewer bounces, more found in chorus
    solo, chorus = (summary(s.model) for s in pair.sides)
    assert solo["bounces_per_case"] > chorus["bounces_per_case"]
    chorus_closers = panels.closers(pair.sides[1].model)
    assert chorus_closers["WHISTLE"][0] + chorus_closers["MEDIATION"][0] > 0
    assert panels.closers(pair.sides[0].model)["WHISTLE"] == (0, 0)


def test_paper_resolution_shows_in_the_reported_rate(ui):
    pair, rc = ui
    steps(rc, 30)
    switch(rc, "paper_resolution", 1).v_model = True
    rc.find(v.Slider, class_="cogov-slider-paper_resolution-1").widget.fire_event("change", 0.8)
    steps(rc, 60)
    m = pair.sides[1].model
    s = summary(m)
    assert s["reported_resolution_rate"] > s["resolution_rate"] + 0.03
    html = one_html(rc, "cogov-mechanisms-1")
    assert "mon-gap" in html  # the monitor is outlined when the books and the truth part
    rep = f"{100 * s['reported_resolution_rate']:.0f}%"
    assert f"/ {rep} reported" in html and f"Reported upward: <b>{rep}</b>" in _html(rc)
    charts = one_html(rc, "cogov-charts-1")
    assert 'class="dotted"' in charts


def test_trust_is_drawn_on_a_fixed_axis():
    pair = Pair("classroom", "classroom_chorus", seed=0)
    for _ in range(20):
        pair.step()
    a, b = (s.model for s in pair.sides)
    charts = render.charts_svg(a, b, {k: t(k, "en") for k in LABELS}, "#000")
    trust = next(c for c in charts if "Mean trust" in c)
    assert ">0%</text>" in trust and ">100%</text>" in trust and ">50%</text>" in trust


def _map(rc, side: int):
    return next(w for w in rc.find(v.VuetifyTemplate).widgets if getattr(w, "side", None) == side)


def test_clicking_a_household_follows_its_case_on_both_sides(ui):
    pair, rc = ui
    steps(rc, 60)
    m = pair.sides[0].model
    b, n = m.book, m.book.n
    bounced = np.flatnonzero((b.bounces[:n] > 0) & (b.state[:n] == State.RESOLVED))
    row = int(bounced[0])
    h = int(b.resident[row])
    lay = render.layout_for(m)
    _map(rc, 0).vue_pick({"x": float(lay.x[h]) + 1.0, "y": float(lay.y[h]) - 1.0})
    svg = _map(rc, 0).households
    assert 'class="selected"' in svg and 'class="selected"' in _map(rc, 1).households
    path = one_html(rc, "cogov-case-0")
    assert f"Household {h}: its case" in path
    shown, _ = panels.followed_case(m, h)
    c = b.data[shown]
    assert f"bounces (推诿): {int(c['bounces'])}" in path
    assert f"hand-offs: {int(c['handoffs'])}" in path
    if shown == row:
        assert "resolved · closed by: " in path
    assert len(html_of(rc, "cogov-case-1")) == 1  # same household
    _map(rc, 0).vue_pick({"x": float(lay.x[h]), "y": float(lay.y[h])})  # again: let go
    assert html_of(rc, "cogov-case-0") == []
    _map(rc, 0).vue_pick({"x": -500.0, "y": -500.0})  # nowhere near a household
    assert html_of(rc, "cogov-case-0") == []


def test_a_case_path_tells_who_had_it():
    pair = Pair("classroom_chorus", "classroom_chorus", seed=1)
    m = pair.sides[0].model
    m.run(80)
    b, n = m.book, m.book.n
    whistled = np.flatnonzero((b.closer[:n] == Closer.WHISTLE) & (b.others_n[:n] == 0))
    h = int(b.resident[whistled[-1]])
    row, count = panels.followed_case(m, h)
    lines = panels.case_path(m, h, "en")["lines"]
    if row == whistled[-1]:
        assert "whistled (吹哨报到): departments together" in lines
        assert any(x.startswith("route: ") for x in lines)
    zh = panels.case_path(m, h, "zh")["lines"]
    assert len(zh) == len(lines) and zh[0].startswith("诉求")
    latent = np.flatnonzero(b.state[:n] == State.LATENT)
    if latent.size:
        h = int(b.resident[latent[0]])
        assert panels.followed_case(m, h)[0] is not None
    quiet = np.setdiff1d(np.arange(m.community.n), b.affected(np.arange(n))[1])
    assert panels.case_path(m, int(quiet[0]), "en")["lines"] == ["no case yet"]
    assert count >= 1


def test_replications_run_off_the_page_and_give_cis(ui):
    pair, rc = ui
    rc.find(v.TextField, label="seed").widget.v_model = "7"
    click(rc, "Run 10 replications")
    wait_for(lambda: "cogov-reps" in _html(rc), "the replications' table", timeout=120)
    html = _html(rc)
    assert "10 runs of each side as “Restart with these settings” would run it" in html
    assert "(days 1–120), seeds from 7 as `cogov compare --seed 7`" in html
    for metric in ("resolution_rate", "bounces_per_case", "detection_rate", "lost_cases"):
        assert f"data-metric='{metric}'" in html
    assert html.count(" [") >= 18  # mean [low, high] for both sides and the gap
    assert "CI of the gap in resolution" in html
    assert pair.day == 0  # the live sides are untouched


def test_replications_use_the_compare_machinery():
    pair = Pair("classroom", "classroom_chorus", seed=0)
    seen = []
    c = pair.replicate(3, seed=5, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(k, 6) for k in range(1, 7)]
    assert c.names == ["left", "right"] and len(c.summaries) == 6
    st = c.stats()
    gap = st["differences"]["right"]["resolution_rate"]
    assert gap["ci_low"] <= gap["mean"] <= gap["ci_high"]
    from sim.compare import compare

    named = zip(c.names, pair.sides, strict=True)
    same = compare(
        {n: s.params.model_copy(update={"name": n}) for n, s in named},
        replications=3, seed=5, keep_daily=False, progress=False,
    )  # fmt: skip
    assert same.summaries.equals(c.summaries)
    html = panels.replications_html(st, "zh", ("#a00", "#00a"))
    assert "差距" in html and "解决率" in html


def test_lever_change_that_fails_is_shown_not_raised():
    pair = Pair("classroom", "classroom_chorus", seed=0)
    side = pair.sides[0]
    before = side.model
    side.set_lever("campaign", enabled=True, category="no_such_category")
    assert side.error and "category" in side.error
    assert side.model is before and not side.model.params.levers.campaign.enabled


# ---------------------------------------------------------------- lessons
def test_a_bad_lesson_file_never_breaks_the_page(tmp_path):
    good = Path(lessons.lessons_dir()) / "2_paper_resolution.yaml"
    (tmp_path / "good.yaml").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    pair = Pair("classroom", "classroom_chorus", seed=0)
    _box, rc = solara.render(Dashboard(pair=pair, lessons_folder=tmp_path), handle_error=False)
    html = _html(rc)
    assert "Lesson file not usable: " in html and "broken.yaml: not valid YAML" in html
    select = rc.find(v.Select, class_="cogov-lesson-select").widget
    assert [i["value"] for i in select.items] == ["", "good"]
    steps(rc, 2)
    select.v_model = "good"  # the lesson's scenarios, from day 0
    assert [s.scenario for s in pair.sides] == ["classroom", "classroom"] and pair.day == 0
    assert "step 1 of 3" in _html(rc)
    click(rc, "Do it")  # play to day 40
    assert pair.day == 40
    click(rc, "Next")
    click(rc, "Do it")  # paper resolution on the right from day 41, play to day 120
    right = pair.sides[1].model
    assert right.params.levers.paper_resolution.enabled
    assert right.params.levers.paper_resolution.start_day == 41
    assert pair.day == 120 and pair.sides[1].changes[0].day == 41
    click(rc, "中文")
    assert "第3步/共3步" not in _html(rc) and "第2步/共3步" in _html(rc)


def test_cli_registers_dashboard():
    from sim.dashboard import cli

    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    args = parser.parse_args(["dashboard", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port, args.func) == ("0.0.0.0", 9000, cli._run)
    argv = cli.arguments("127.0.0.1", 9000)
    assert argv[:2] == ["run", "sim.dashboard.app"] and "--production" in argv
    assert cli.OFFLINE_ENV["SOLARA_ASSETS_PROXY"] == "true"
    assert cli.OFFLINE_ENV["SOLARA_THEME_SHOW_BANNER"] == "false"  # no badge over the levers


def test_persuasion_shows_in_the_call_back_monitor():
    """做工作 parts what called-back residents say from what they feel, and the monitor
    shows both and is outlined; without it the two agree."""
    import sim

    base = sim.scenarios.load("classroom")
    for on in (False, True):
        p = base.with_levers(persuasion={"enabled": on, "rate": 0.8})
        m = sim.run(p, seed=0, days=150, keep_model=True).model
        s = summary(m)
        html = panels.monitors_html(panels.monitors(m), None, "en")
        cell = html[
            html.index('data-monitor="callback"') - 60 : html.index('data-monitor="callback"')
        ]
        said = f"/ {100 * s['callback_satisfaction_rate']:.0f}% said"
        assert said in html
        assert ("mon-gap" in cell) is on
        gap = s["callback_satisfaction_rate"] - s["true_callback_satisfaction_rate"]
        assert (gap > 0.03) is on
