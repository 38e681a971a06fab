"""Reforms while running (`CoGovModel.reform`): a change takes effect the next day and
the days already run stay as they were (the dashboard's "from today")."""

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from sim.cases import Closer, Desk, State
from sim.model import CoGovModel
from sim.params import LEVER_NAMES

DAY = 40  # the reform is made after this day: it acts from DAY + 1


def _extra(lever: str) -> dict:
    return {"start": 20, "days": 200} if lever == "campaign" else {}


def _finish(m: CoGovModel) -> None:
    m.run(m.params.days - m.day)


def _same(a: CoGovModel, b: CoGovModel) -> None:
    pd.testing.assert_frame_equal(a.daily, b.daily, check_exact=True)
    n = a.book.n
    assert n == b.book.n
    assert (a.book.data[:n] == b.book.data[:n]).all()
    assert (a.residents.data == b.residents.data).all()
    assert (a.L.on == b.L.on).all()  # whistles blown, sessions held, the centre's budget
    assert (a.unit_table == b.unit_table).all() and (a.grid_table == b.grid_table).all()


@pytest.mark.parametrize("lever", LEVER_NAMES)
def test_switching_a_lever_on_while_running_is_its_start_day(lever, solo_small):
    """Bit for bit: on from DAY + 1 by `reform` == built with start_day DAY + 1."""
    base = solo_small.with_levers(mobilisation=True) if lever == "cadres" else solo_small
    a = CoGovModel(base, seed=5)
    for _ in range(DAY):
        a.step()
    before = a.daily.copy()
    a.reform(lever, enabled=True, **_extra(lever))
    _finish(a)
    b = CoGovModel(
        base.with_levers(**{lever: {"enabled": True, "start_day": DAY + 1, **_extra(lever)}}),
        seed=5,
    )
    b.run()
    _same(a, b)
    pd.testing.assert_frame_equal(a.daily.iloc[:DAY], before, check_exact=True)
    assert getattr(a.params.levers, lever).start_day == DAY + 1
    assert a.reforms == [(DAY + 1, lever, {"enabled": True, **_extra(lever)})]


def test_a_workstation_formed_while_cadres_serve_is_its_start_day(solo_small):
    """The cadres' bridge reaches a workstation built while running, as when built at once."""
    base = solo_small.with_levers(cadres=True, mobilisation=True)
    a = CoGovModel(base, seed=2)
    a.run(DAY)
    a.reform("workstation", enabled=True)
    _finish(a)
    b = CoGovModel(base.with_levers(workstation={"enabled": True, "start_day": DAY + 1}), seed=2)
    b.run()
    _same(a, b)
    assert (a.book.closer[: a.book.n] == Closer.WORKSTATION).sum() > 0


def test_a_ramp_starts_the_day_after_the_reform(solo_small):
    a = CoGovModel(solo_small, seed=1)
    a.run(DAY)
    a.reform("cadres", enabled=True, ramp_days=20)
    _finish(a)
    ramped = {"enabled": True, "start_day": DAY + 1, "ramp_days": 20}
    b = CoGovModel(solo_small.with_levers(cadres=ramped), seed=1)
    b.run()
    _same(a, b)


# each lever's main knob (the dashboard's), and a value other than its default
KNOBS = {
    "whistle": ("deadline_days", 8),
    "workstation": ("coordination", 0.9),
    "mediation": ("sessions_per_day", 25.0),
    "cadres": ("per_grid", 4.0),
    "deliberation": ("join", 0.95),
    "social_forces": ("hours_per_day", 30.0),
    "mobilisation": ("online_detection", 0.15),
    "paper_resolution": ("rate", 0.7),
    "campaign": ("days", 30),
    "persuasion": ("rate", 0.9),
}


def _all_on(p):
    return p.with_levers(
        paper_resolution=True, persuasion=True, campaign={"enabled": True, "start": 10}
    )


@pytest.mark.parametrize("lever", LEVER_NAMES)
def test_a_knob_changed_before_the_first_day_is_the_model_built_with_it(lever, chorus_small):
    """Everything a knob decides is rebuilt: changed on day 0, it is the model built so."""
    base = _all_on(chorus_small)
    field, value = KNOBS[lever]
    a = CoGovModel(base, seed=3)
    a.reform(lever, **{field: value})
    a.run(90)
    b = CoGovModel(base.with_levers(**{lever: {field: value}}), seed=3)
    b.run(90)
    _same(a, b)
    assert getattr(a.params.levers, lever) == getattr(b.params.levers, lever)


@pytest.mark.parametrize("lever", LEVER_NAMES)
def test_a_reform_that_changes_nothing_changes_nothing(lever, chorus_small):
    """Everything the model has become is kept across a reform (state, streams, queues)."""
    base = _all_on(chorus_small)
    field, _ = KNOBS[lever]
    a = CoGovModel(base, seed=4)
    a.run(DAY)
    a.reform(lever, **{field: getattr(getattr(base.levers, lever), field)})
    a.run(60)
    b = CoGovModel(base, seed=4)
    b.run(DAY + 60)
    _same(a, b)


def test_a_knob_changed_while_running_acts_from_the_next_day(chorus_small):
    a = CoGovModel(chorus_small, seed=6)
    a.run(DAY)
    past = a.daily.copy()
    a.reform("cadres", per_grid=6.0)
    a.run(30)
    b = CoGovModel(chorus_small, seed=6)
    b.run(DAY + 30)
    pd.testing.assert_frame_equal(a.daily.iloc[:DAY], past, check_exact=True)
    hours_a = a.series("hours_cadre")
    hours_b = b.series("hours_cadre")
    assert (hours_a[:DAY] == hours_b[:DAY]).all()
    today = np.diff(hours_a)[DAY:]  # the cadres' hours of each day after the reform
    assert today == pytest.approx(3 * np.diff(hours_b)[DAY:], rel=1e-9)  # 6 per grid, not 2
    assert len(a.cadres) == 3 * len(b.cadres)


@pytest.mark.parametrize("lever", ["whistle", "mediation", "workstation", "deliberation"])
def test_a_lever_switched_off_stops_and_its_work_finishes(lever, chorus_small):
    p = chorus_small.with_levers(mediation={"sessions_per_day": 30.0})
    m = CoGovModel(p, seed=7)
    m.run(DAY)
    m.reform(lever, enabled=False)
    assert not getattr(m.params.levers, lever).enabled
    m.run(140)
    b, n = m.book, m.book.n
    d = m.daily
    assert (d.arisen == d.resolved + d.closed_unresolved + d.lost + d.open).all()
    late = b.taken_in[:n] > DAY + 20
    settled = (b.state[:n] >= State.RESOLVED) & (b.taken_in[:n] <= DAY)
    if lever == "whistle":
        whistled = b.joint[:n] == 1
        assert whistled[b.taken_in[:n] <= DAY].any() and not whistled[late].any()
    if lever == "mediation":
        assert not (b.joint[:n] == 2)[late].any()
        assert (b.closer[:n][settled] == Closer.MEDIATION).any()
    if lever == "workstation":
        on_its_routes = (b.table[:n] == 1) & (b.handoffs[:n] > 0)
        assert not on_its_routes[late].any()
        stuck = (b.desk[:n] == Desk.UNIT) & (b.unit[:n] == m.workstation_unit)
        assert not (stuck & (b.state[:n] <= State.IN_HANDLING)).any()  # its queue emptied
    if lever == "deliberation":
        assert not (b.deliberated[:n][late] >= 0).any()
        waiting = (b.desk[:n] == Desk.DELIBERATION) & (b.state[:n] == State.QUEUED)
        assert not waiting.any()  # every meeting called was held


def test_switched_off_then_on_again(solo_small):
    m = CoGovModel(solo_small.with_levers(cadres=True), seed=8)
    m.run(30)
    m.reform("cadres", enabled=False)
    m.run(30)
    m.reform("cadres", enabled=True)
    m.run(30)
    per_day = np.diff(m.series("hours_cadre"), prepend=0.0)
    assert (per_day[:30] > 0).all() and (per_day[30:60] == 0).all() and (per_day[60:] > 0).all()
    assert m.params.levers.cadres.start_day == 61
    assert [r[:2] for r in m.reforms] == [(31, "cadres"), (61, "cadres")]


def test_paper_resolution_switched_on_shows_in_the_reported_rate(solo_small):
    m = CoGovModel(solo_small, seed=9)
    m.run(DAY)
    m.reform("paper_resolution", enabled=True, rate=0.8)
    m.run(80)
    d = m.daily
    assert (d.reported_resolved.iloc[:DAY] == d.resolved.iloc[:DAY]).all()
    assert d.reported_resolution_rate.iloc[-1] > d.resolution_rate.iloc[-1] + 0.05


def test_a_bad_reform_raises_and_changes_nothing(solo_small):
    m = CoGovModel(solo_small.with_levers(workstation=True), seed=0)
    m.run(10)
    params, view = m.params, m.L
    with pytest.raises(KeyError, match="unknown lever"):
        m.reform("no_such_lever", enabled=True)
    with pytest.raises(ValueError, match="start_day"):
        m.reform("whistle", enabled=True, start_day=3)
    with pytest.raises(ValueError, match="ramp_days"):
        m.reform("workstation", ramp_days=3)
    with pytest.raises(ValueError, match=r"levers\.workstation\.departments"):
        m.reform("workstation", departments=("market",))
    with pytest.raises(ValidationError):
        m.reform("whistle", enabled=True, deadline_days=0)
    assert m.params is params and m.L is view and m.reforms == []
    m.run(5)
    assert m.day == 15
