"""接诉即办 as the hotline measures it: response (响应), three-part satisfaction, the
call-back (回访) and persuasion before it (做工作), and horizons so every case ends."""

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cases import Channel, Closer, State
from sim.metrics import summary
from sim.model import CoGovModel
from sim.params import HorizonParams

SEEDS = range(4)


def _with(params, section, **changes):
    part = getattr(params, section).model_copy(update=changes)
    return params.model_validate({**params.model_dump(), section: part.model_dump()})


def _runs(params, metrics, seeds=SEEDS):
    rows = [sim.run(params, seed=s).summary for s in seeds]
    return {m: np.array([r[m] for r in rows]) for m in metrics}


@pytest.mark.parametrize("preset", ["solo", "chorus"])
def test_call_back_satisfaction_can_sit_above_or_below_resolution(preset, solo_small, chorus_small):
    """Both orders are reachable from the parameters; neither is built in."""
    base = {"solo": solo_small, "chorus": chorus_small}[preset]
    manner = _with(
        base,
        "residents",
        satisfaction_response=0.45,
        satisfaction_explanation=0.45,
        satisfaction_result=0.1,
        explanation=1.0,
        topdown_satisfaction=1.0,
    )
    result = _with(
        base,
        "residents",
        satisfaction_response=0.0,
        satisfaction_explanation=0.0,
        satisfaction_result=0.8,
    )
    want = ("callback_satisfaction_rate", "callback_resolution_rate")
    for params, sign in ((manner, 1), (result, -1)):
        r = _runs(params, want)
        gap = sign * (r["callback_satisfaction_rate"] - r["callback_resolution_rate"])
        assert gap.mean() > 3 * gap.std(ddof=1) / np.sqrt(gap.size) and gap.mean() > 0.02, (
            preset,
            sign,
            gap,
        )


def test_a_prompt_explained_no_can_satisfy_and_the_old_formula_cannot(solo_small):
    """Three parts: an unresolved case satisfies through the manner of the answer; under
    the outcome formula only `satisfaction_unresolved` does."""
    three = sim.run(solo_small, seed=1, keep_model=True).model
    old = _with(solo_small, "residents", satisfaction_model="outcome", satisfaction_unresolved=0.0)
    outcome = sim.run(old, seed=1, keep_model=True).model
    for m, some in ((three, True), (outcome, False)):
        b, n = m.book, m.book.n
        unresolved = b.state[:n] == State.CLOSED_UNRESOLVED
        assert unresolved.sum() > 50
        assert bool(b.satisfied[:n][unresolved].mean() > 0.2) is some
    b, n = three.book, three.book.n
    bounced_out = b.closer[:n] == Closer.STREET_OFFICE
    assert bounced_out.any() and not b.explained[:n][bounced_out].any()  # 推诿: no answer


def test_response_slips_under_overload(solo_small):
    """Halving the grid workers' hours lowers the response rate (paired seeds)."""
    tired = _with(
        solo_small, "grid_workers", hours_per_day=solo_small.grid_workers.hours_per_day / 2
    )
    a = _runs(solo_small, ("response_rate",))["response_rate"]
    b = _runs(tired, ("response_rate",))["response_rate"]
    assert (a - b).min() > 0.05, (a, b)


def test_persuasion_moves_what_residents_say_not_what_they_live(solo_small):
    """做工作: reported satisfaction rises above the truth; the truth, trust and the
    call-back sample do not move (paired seeds)."""
    on = solo_small.with_levers(persuasion={"enabled": True, "rate": 0.6})
    same = (
        "satisfaction_rate",
        "true_callback_satisfaction_rate",
        "true_callback_resolution_rate",
        "callbacks",
        "mean_trust",
        "resolution_rate",
    )
    for seed in SEEDS:
        a = sim.run(solo_small, seed=seed).summary
        b = sim.run(on, seed=seed).summary
        for k in same:
            assert a[k] == b[k], (seed, k)
        assert a["callback_satisfaction_rate"] == a["true_callback_satisfaction_rate"]
        assert b["callback_satisfaction_rate"] > b["true_callback_satisfaction_rate"] + 0.03
        assert b["callback_resolution_rate"] > b["true_callback_resolution_rate"] + 0.03


def test_call_backs_reach_only_answered_voiced_closed_cases(solo_small):
    p = solo_small.with_levers(cadres=True, mobilisation=True)  # needs found, not voiced
    m = sim.run(p, seed=2, keep_model=True).model
    b, n = m.book, m.book.n
    called = b.callback[:n] > 0
    assert called.any()
    assert (b.channel[:n][called] == Channel.VOICED).all()
    assert (b.state[:n][called] >= State.RESOLVED).all() and (
        b.state[:n][called] != State.LOST
    ).all()
    assert not called[b.taken_in[:n] < 0].any()  # silent needs are never called back
    found = np.isin(b.channel[:n], [Channel.PATROL, Channel.PROBE, Channel.VISIT, Channel.ONLINE])
    assert found.any() and not called[found].any()
    answered = b.callback[:n] == 2
    s = summary(m)
    assert s["callbacks"] == answered.sum() < called.sum()
    assert s["callback_satisfaction_rate"] == b.said_satisfied[:n][answered].mean()
    assert s["true_callback_resolution_rate"] == (b.state[:n][answered] == State.RESOLVED).mean()
    share = solo_small.hotline.callback_share * solo_small.hotline.callback_answer
    voiced_closed = (b.channel[:n] == Channel.VOICED) & (b.state[:n] >= State.RESOLVED)
    voiced_closed &= b.state[:n] != State.LOST
    assert abs(answered.sum() / voiced_closed.sum() - share) < 0.05
    nobody = sim.run(_with(p, "hotline", callback_share=0.0), seed=2).summary
    assert nobody["callbacks"] == 0 and np.isnan(nobody["callback_satisfaction_rate"])


def _flood(params):
    p = params.model_copy(
        update={"emergency": params.emergency.model_copy(update={"enabled": True, "start": 30})}
    )
    return p.model_copy(update={"days": 240})


@pytest.mark.parametrize("preset", ["solo", "chorus"])
def test_no_case_waits_past_its_horizons_and_the_books_balance(preset, solo_small, chorus_small):
    """Under a flood that overloads every desk, each morning after the street's phase no
    queued case is older than close_days, and the books balance every day."""
    params = _flood({"solo": solo_small, "chorus": chorus_small}[preset])
    h = params.horizons
    m = CoGovModel(params, seed=3)
    oldest = 0
    for _ in range(params.days):
        m.step()
        b, n = m.book, m.book.n
        queued = b.state[:n] == State.QUEUED
        age = m.day - b.taken_in[:n][queued]
        oldest = max(oldest, int(age.max(initial=0)))
        assert age.max(initial=0) < h.close_days
        counts = m.book.counts()
        assert counts[State.RESOLVED] == m.tally.resolved
        assert counts[State.CLOSED_UNRESOLVED] == m.tally.closed_unresolved
    assert oldest >= h.escalate_days  # the flood did reach the horizons
    d = m.daily  # where the open cases sit adds up to the backlog, every day
    desks = d[["at_grid", "at_street", "at_unit", "at_joint", "at_meeting", "in_handling"]]
    assert (desks.sum(axis=1) == d.backlog).all() and d.at_unit.max() > 0
    s = summary(m)
    assert s["escalated"] > 0
    # solo closes its flood cases by bouncing them out; the chorus's joint bodies never
    # bounce, so only its horizon answers them
    assert (s["closed_at_horizon"] > 0) is (preset == "chorus")
    b, n = m.book, m.book.n
    at_horizon = b.closer[:n] == Closer.HORIZON
    assert (b.explained[:n][at_horizon]).all()
    assert ((b.closed - b.taken_in)[:n][at_horizon] >= h.close_days).all()


def test_horizons_off_is_horizons_never_reached(chorus_small):
    """0 switches every horizon off: the same run as horizons no case reaches."""
    flood = _flood(chorus_small)
    off = flood.model_copy(
        update={"horizons": HorizonParams(grid_days=0, escalate_days=0, close_days=0)}
    )
    far = flood.model_copy(
        update={"horizons": HorizonParams(grid_days=3000, escalate_days=3000, close_days=3000)}
    )
    a, b = sim.run(off, seed=1).daily, sim.run(far, seed=1).daily
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    on = sim.run(flood, seed=1).daily
    assert on.backlog.iloc[-1] < a.backlog.iloc[-1]  # without horizons the backlog stays


def test_weights_over_one_count_relative_to_their_sum(solo_small):
    """Doubling every weight past 1 is the same street as the weights themselves."""
    w = {"satisfaction_response": 0.3, "satisfaction_explanation": 0.3, "satisfaction_result": 0.4}
    double = _with(solo_small, "residents", **{k: 2 * v for k, v in w.items()})
    a = sim.run(_with(solo_small, "residents", **w), seed=2).daily
    pd.testing.assert_frame_equal(a, sim.run(double, seed=2).daily, check_exact=True)


def test_utilisation_is_the_share_of_hours_worked(solo_small, chorus_small):
    """Fewer department hours, a busier department; a workstation's members share its pool."""
    from sim.metrics import utilisation

    half = _with(solo_small, "scale", department_hours=0.5)
    a = utilisation(sim.run(solo_small, seed=1, keep_model=True).model)
    b = utilisation(sim.run(half, seed=1, keep_model=True).model)
    assert set(a) == {d.name for d in solo_small.departments}
    assert all(0 <= v <= 1.5 for v in a.values())
    assert sum(b[k] > a[k] for k in a) >= len(a) - 1  # a unit nobody reaches may stay at 0
    c = utilisation(sim.run(chorus_small, seed=1, keep_model=True).model)
    members = set(chorus_small.levers.workstation.departments)
    assert "workstation" in c and not members & set(c)


def test_the_outcome_formula_ignores_the_three_parts(solo_small):
    """`satisfaction_model: outcome` is the formula before three parts: their weights and
    the explanation's chance change nothing, bit for bit (its explanation stream is never
    drawn)."""
    old = _with(solo_small, "residents", satisfaction_model="outcome")
    moved = _with(
        old,
        "residents",
        satisfaction_response=0.9,
        satisfaction_explanation=0.05,
        satisfaction_result=0.05,
        explanation=0.1,
    )
    a, b = sim.run(old, seed=3).daily, sim.run(moved, seed=3).daily
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    three = sim.run(solo_small, seed=3).daily
    assert not three.satisfied.equals(a.satisfied)
