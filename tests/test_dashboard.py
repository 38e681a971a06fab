"""The dashboard's components without a browser (solara.render), and its pieces."""

from __future__ import annotations

import argparse
import time

import numpy as np
import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

from sim.cases import State  # noqa: E402
from sim.dashboard import render  # noqa: E402
from sim.dashboard.app import Dashboard  # noqa: E402
from sim.dashboard.i18n import LABELS, LEVERS, t  # noqa: E402
from sim.dashboard.state import Pair  # noqa: E402


@pytest.fixture
def ui():
    pair = Pair("classroom", "classroom_chorus", seed=0)
    _box, rc = solara.render(Dashboard(pair=pair, interval=0.01), handle_error=False)
    return pair, rc


def click(rc, label: str):
    rc.find(v.Btn, children=[label]).widget.click()


def test_step_advances_both_sides(ui):
    pair, rc = ui
    for _ in range(3):
        click(rc, "Step")
    assert [s.day for s in pair.sides] == [3, 3]
    rc.find(v.Html, children=["Day 3 / 120"]).assert_empty()  # rendered as HTML, not text
    assert any("Day 3 / 120" in (w.unsafe_innerHTML or "") for w in _html(rc))


def _html(rc):
    return rc.find(solara.widgets.HTML).widgets


def test_reset_goes_back_to_day_0(ui):
    pair, rc = ui
    click(rc, "Step")
    click(rc, "Step")
    old = pair.sides[0].model
    click(rc, "Reset")
    assert [s.day for s in pair.sides] == [0, 0]
    assert pair.sides[0].model is not old


def test_lever_switch_rebuilds_that_side_only(ui):
    pair, rc = ui
    for _ in range(4):
        click(rc, "Step")
    right_before = pair.sides[1].model
    label = LEVERS["whistle"]["name"]["en"]
    switches = rc.find(v.Switch, label=label).widgets
    assert len(switches) == 2  # one per side
    assert not pair.sides[0].model.params.levers.whistle.enabled
    switches[0].v_model = True
    left = pair.sides[0].model
    assert left.params.levers.whistle.enabled
    assert left.seed == 0 and left.day == 4  # same seed, caught up with the other side
    assert pair.sides[1].model is right_before  # the other side keeps running
    # the main knob appears (the chorus side already has one) and changes the lever
    sliders = rc.find(v.Slider, label=LEVERS["whistle"]["knob_label"]["en"]).widgets
    assert len(sliders) == 2
    sliders[0].v_model = 7
    assert pair.sides[0].model.params.levers.whistle.deadline_days == 7
    assert pair.sides[0].model.params.levers.whistle.enabled


def test_language_switch_changes_labels(ui):
    _pair, rc = ui
    click(rc, "中文")
    click(rc, "单步")  # the Step button, now in Chinese
    rc.find(v.Btn, children=["Step"]).assert_empty()
    rc.find(v.Btn, children=["播放"]).assert_single()
    rc.find(v.Btn, children=["English"]).assert_single()
    assert len(rc.find(v.Switch, label=LEVERS["cadres"]["name"]["zh"]).widgets) == 2
    assert len(rc.find(v.Select, label="情景").widgets) == 2
    html = " ".join(w.unsafe_innerHTML or "" for w in _html(rc))
    assert "解决率" in html and "Resolution rate" not in html
    click(rc, "English")
    rc.find(v.Btn, children=["Step"]).assert_single()


def test_every_label_has_both_languages():
    for key, entry in LABELS.items():
        assert set(entry) == {"en", "zh"}, key
        assert t(key, "zh") == entry["zh"]
    for name, spec in LEVERS.items():
        for what in ("name", "knob_label", "line"):
            assert spec[what]["en"] and spec[what]["zh"], (name, what)


def test_scenario_selection_rebuilds_the_side(ui):
    pair, rc = ui
    click(rc, "Step")
    selects = rc.find(v.Select, label="Scenario").widgets
    assert [s.v_model for s in selects] == ["classroom", "classroom_chorus"]
    selects[0].v_model = "classroom_chorus"
    assert pair.sides[0].scenario == "classroom_chorus"
    assert pair.sides[0].model.params.levers.cadres.enabled
    assert pair.sides[0].day == 1
    # same scenario, same seed: the two sides are now identical
    click(rc, "Step")
    a, b = (s.model for s in pair.sides)
    assert (a.series("resolved") == b.series("resolved")).all()


def test_play_steps_until_paused(ui):
    pair, rc = ui
    click(rc, "Play")
    deadline = time.monotonic() + 10
    while pair.day < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    click(rc, "Pause")
    assert pair.day >= 3
    assert pair.sides[0].day == pair.sides[1].day or abs(pair.sides[0].day - pair.sides[1].day) <= 1


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
    for _ in range(30):
        m.step()
    codes = render.household_states(m)
    b, n = m.book, m.book.n
    latent = np.unique(b.resident[:n][b.state[:n] == State.LATENT])
    assert (codes[latent] == render.STATES.index("latent")).all()
    open_ = np.unique(b.resident[:n][np.isin(b.state[:n], [State.QUEUED, State.IN_HANDLING])])
    assert (codes[open_] >= render.STATES.index("open")).all()
    assert sum(render.state_counts(codes).values()) == m.community.n
    svg = render.households_svg(m, render.layout_for(m), codes)
    assert svg.count("m-gw") >= len(m.grid_workers)


def test_lever_change_that_fails_is_shown_not_raised():
    pair = Pair("classroom", "classroom_chorus", seed=0)
    side = pair.sides[0]
    side.set_lever("campaign", enabled=True, category="no_such_category")
    assert side.error and "category" in side.error
    assert side.model is not None  # the previous model stays


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
