"""Properties the model is held to (MODEL.md: 'Properties a test can hold the model to')."""

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cases import Closer, Joint, State
from sim.model import CoGovModel
from sim.params import HorizonParams, SwitchOnly
from sim.presets import CHORUS_LEVERS

ALL_ON = {
    **dict.fromkeys(CHORUS_LEVERS, True),
    "paper_resolution": True,
    "campaign": True,
}


def everything(base):
    """Every lever, the failure modes and an emergency: the hardest case for the books."""
    s = base.with_levers(**ALL_ON)
    return s.model_copy(update={"emergency": s.emergency.model_copy(update={"enabled": True})})


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("preset", ["solo", "chorus", "everything"])
def test_books_balance_every_day(preset, seed, solo_small, chorus_small):
    params = {"solo": solo_small, "chorus": chorus_small, "everything": everything(solo_small)}[
        preset
    ]
    r = sim.run(params, seed=seed, keep_model=True)
    d = r.daily
    assert (d.arisen == d.resolved + d.closed_unresolved + d.lost + d.open).all()
    assert (d.arisen.diff().dropna() >= 0).all()
    # the running tallies agree with the states in the case book itself
    m = r.model
    counts = m.book.counts()
    assert counts[State.RESOLVED] == m.tally.resolved
    assert counts[State.CLOSED_UNRESOLVED] == m.tally.closed_unresolved
    assert counts[State.LOST] == m.tally.lost
    assert m.book.n == m.tally.arisen
    closed = m.book.state[: m.book.n] >= State.RESOLVED
    assert (m.book.closed[: m.book.n][closed] >= 0).all()
    assert (m.book.closed[: m.book.n][~closed] == -1).all()


def test_same_seed_same_results(chorus_small):
    a = sim.run(chorus_small, seed=7).daily
    b = sim.run(chorus_small, seed=7).daily
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    c = sim.run(chorus_small, seed=8).daily
    assert not a.drop(columns="seed").equals(c.drop(columns="seed"))


def test_chorus_with_every_lever_off_is_solo(solo_small, chorus_small):
    off = chorus_small.with_levers(**dict.fromkeys(CHORUS_LEVERS, False))
    a = sim.run(off, seed=3).daily.drop(columns="scenario")
    b = sim.run(solo_small, seed=3).daily.drop(columns="scenario")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def _tweak(params) -> dict:
    """A different value for every knob of a lever (all but `enabled`)."""
    changed = {}
    for name, field in type(params).model_fields.items():
        value = getattr(params, name)
        if name == "enabled" or (name == "ramp_days" and isinstance(params, SwitchOnly)):
            continue  # (a switch-only lever refuses any ramp)
        if isinstance(value, bool):
            changed[name] = not value
        elif isinstance(value, float):
            changed[name] = value / 2 if field.metadata or 0 < value <= 1 else value + 1
        elif isinstance(value, int):
            changed[name] = value + 1
        elif isinstance(value, tuple):
            changed[name] = value[1:]
        elif isinstance(value, str):
            changed[name] = "property"
        elif isinstance(value, dict):
            changed[name] = {**value, "sanitation": 9.0}
    return changed


@pytest.mark.parametrize("lever", [*sim.LEVER_NAMES, "emergency"])
def test_a_lever_off_leaves_no_trace(lever, solo_small):
    """Changing every knob of a lever that is off changes nothing, bit for bit."""
    if lever == "emergency":
        changed = _tweak(solo_small.emergency)
        tweaked = solo_small.model_copy(
            update={"emergency": solo_small.emergency.model_copy(update=changed)}
        )
        switched_on = solo_small.model_copy(
            update={"emergency": solo_small.emergency.model_copy(update={"enabled": True})}
        )
    else:
        changed = _tweak(getattr(solo_small.levers, lever))
        tweaked = solo_small.with_levers(**{lever: {**changed, "enabled": False}})
        switched_on = solo_small.with_levers(**{lever: True})
    assert changed and tweaked != solo_small
    a = sim.run(tweaked, seed=5).daily
    b = sim.run(solo_small, seed=5).daily
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    on = sim.run(switched_on, seed=5).daily
    if lever != "campaign":  # a campaign reorders queues, it need not change the totals
        assert not on.drop(columns="scenario").equals(b.drop(columns="scenario"))


def test_workstation_cases_take_exactly_one_hand_off(solo_small):
    s = solo_small.with_levers(workstation=True)
    m = sim.run(s, seed=1, keep_model=True).model
    b, n = m.book, m.book.n
    members = set(s.levers.workstation.departments)
    ws_cats = [
        i for i, c in enumerate(s.categories) if c.departments and set(c.departments) <= members
    ]
    assert ws_cats, "the default data has workstation categories"
    mine = np.isin(b.category[:n], ws_cats) & (b.handoffs[:n] > 0)
    assert mine.sum() > 100
    assert (b.handoffs[:n][mine] == 1).all()
    assert (b.bounces[:n][mine] == 0).all()
    assert (b.closer[:n] == Closer.WORKSTATION).sum() > 50
    # without it the same categories bounce and hop between departments
    m0 = sim.run(solo_small, seed=1, keep_model=True).model
    b0, n0 = m0.book, m0.book.n
    theirs = np.isin(b0.category[:n0], ws_cats) & (b0.handoffs[:n0] > 0)
    assert b0.handoffs[:n0][theirs].mean() > 1.3


def test_mediation_never_bounces(solo_small):
    s = solo_small.with_levers(mediation=True)
    m = sim.run(s, seed=2, keep_model=True).model
    b, n = m.book, m.book.n
    mediated = b.joint[:n] == Joint.MEDIATION
    assert mediated.sum() > 100
    assert (b.bounces[:n][mediated] == 0).all()
    assert (b.handoffs[:n][mediated] == 1).all()
    assert (b.closer[:n] == Closer.MEDIATION).sum() > 50


def test_cadre_bridge_raises_home_department_acceptance(solo_small):
    on = solo_small.with_levers(cadres=True)
    off = solo_small.with_levers(cadres={"enabled": True, "bridge_acceptance": 0.0})
    bridged, unbridged, same_pairs_off = [0, 0], [0, 0], [0, 0]
    for seed in range(3):
        m = CoGovModel(on, seed=seed)
        m.run()
        bridge = m.levers["cadres"].bridge
        fw, ac = m.tally.forwarded[:, : bridge.shape[1]], m.tally.accepted[:, : bridge.shape[1]]
        bridged[0] += ac[bridge].sum()
        bridged[1] += fw[bridge].sum()
        unbridged[0] += ac[~bridge].sum()
        unbridged[1] += fw[~bridge].sum()
        m0 = CoGovModel(off, seed=seed)
        m0.run()
        same_pairs_off[0] += m0.tally.accepted[:, : bridge.shape[1]][bridge].sum()
        same_pairs_off[1] += m0.tally.forwarded[:, : bridge.shape[1]][bridge].sum()
    rate = lambda x: x[0] / x[1]  # noqa: E731
    assert bridged[1] > 200 and unbridged[1] > 200
    assert rate(bridged) > 0.9  # bridge_acceptance is 0.95
    assert rate(unbridged) < 0.65  # departments' own acceptance is 0.4-0.6
    assert rate(same_pairs_off) < 0.65  # the same grid-department pairs, bridge cut


def test_more_grid_capacity_never_lowers_resolution(small):
    """Paired over common seeds: each step up in hours must not lower the mean rate."""
    seeds = sim.replication_seeds(11, 8)
    rates = []
    for hours in (5.0, 6.0, 8.0, 11.0):
        s = sim.solo(community=small, days=180, grid_workers={"hours_per_day": hours})
        rates.append(np.array([sim.run(s, seed=x).summary["resolution_rate"] for x in seeds]))

    def paired(lo, hi):
        d = rates[hi] - rates[lo]
        return d.mean(), d.std(ddof=1) / np.sqrt(d.size)

    for i in range(len(rates) - 1):
        mean, se = paired(i, i + 1)
        assert mean >= -2 * se, (i, mean, se)
    mean, se = paired(0, len(rates) - 1)
    assert mean > 3 * se and mean > 0.01, (mean, se)


def test_chorus_resolves_more_than_solo_outside_both_cis():
    seeds = sim.replication_seeds(2026, 10)
    _, solo = sim.run_many(sim.solo(), seeds)
    _, chorus = sim.run_many(sim.chorus(), seeds)

    def ci(x):
        half = 1.96 * x.std(ddof=1) / np.sqrt(len(x))  # normal approx., n = 10
        return x.mean() - half, x.mean() + half

    lo_c, _ = ci(chorus.resolution_rate)
    _, hi_s = ci(solo.resolution_rate)
    assert lo_c > hi_s, (solo.resolution_rate.describe(), chorus.resolution_rate.describe())
    assert chorus.satisfaction_rate.mean() > solo.satisfaction_rate.mean()
    # emergent, not a constant: the replications vary
    assert chorus.resolution_rate.std() > 0 and solo.resolution_rate.std() > 0


def test_paper_resolution_hides_failures_but_not_from_residents(solo_small):
    on = solo_small.with_levers(paper_resolution={"enabled": True, "rate": 0.5})
    a = sim.run(on, seed=4).daily
    b = sim.run(solo_small, seed=4).daily
    true_cols = ["arisen", "resolved", "closed_unresolved", "lost", "satisfied", "mean_trust"]
    pd.testing.assert_frame_equal(a[true_cols], b[true_cols], check_exact=True)
    assert a.reported_resolution_rate.iloc[-1] > a.resolution_rate.iloc[-1] + 0.05


def test_emergency_window_raises_arrivals_and_backlog(solo_small):
    shock = solo_small.model_copy(
        update={"emergency": solo_small.emergency.model_copy(update={"enabled": True})}
    )
    a = sim.run(shock, seed=6).daily.set_index("day")
    b = sim.run(solo_small, seed=6).daily.set_index("day")
    start, days = shock.emergency.start, shock.emergency.days
    window = slice(start, start + days - 1)
    new_a = a.arisen.diff()[window].sum()
    new_b = b.arisen.diff()[window].sum()
    assert new_a > 1.5 * new_b
    assert a.emergency[window].all() and not a.emergency.loc[: start - 1].any()
    assert a.backlog[window].max() > b.backlog[window].max()
    assert (a.arisen.loc[: start - 1] == b.arisen.loc[: start - 1]).all()


def test_campaign_favours_its_category(solo_small):
    """Sanitation is closed faster in the window, over several seeds, paired."""
    camp = solo_small.with_levers(campaign={"enabled": True, "start": 20, "days": 120})
    san = [c.name for c in solo_small.categories].index("sanitation")

    def days_to_close(params, seed):
        m = sim.run(params, seed=seed, keep_model=True).model
        b, n = m.book, m.book.n
        sel = (b.category[:n] == san) & (b.closed[:n] >= 0)
        sel &= (b.taken_in[:n] >= 20) & (b.taken_in[:n] < 140)
        return (b.closed[:n] - b.taken_in[:n])[sel].mean()

    gains = np.array([days_to_close(solo_small, s) - days_to_close(camp, s) for s in range(4)])
    assert (gains > 0).all(), gains


def test_a_department_follows_its_own_priorities(solo_small):
    """need_first at a department serves severe cases sooner than first-come-first-served
    (without horizons: an escalated case (督办) goes first whatever its need)."""
    solo_small = solo_small.model_copy(
        update={"horizons": HorizonParams(grid_days=0, escalate_days=0, close_days=0)}
    )
    depts = [d.model_copy(update={"priority": "need_first"}) for d in solo_small.departments]
    own = solo_small.model_copy(update={"departments": tuple(depts)})
    gaps = []
    for seed in range(10):
        waits = []
        for params in (solo_small, own):
            m = sim.run(params, seed=seed, keep_model=True).model
            b, n = m.book, m.book.n
            done = (b.state[:n] == State.RESOLVED) & (b.closer[:n] == Closer.DEPARTMENT)
            severe = done & (b.severity[:n] >= np.quantile(b.severity[:n][done], 0.75))
            waits.append((b.closed[:n] - b.taken_in[:n])[severe].mean())
        gaps.append(waits[0] - waits[1])
    gaps = np.array(gaps)  # paired over seeds: severe cases wait less on average
    assert gaps.mean() > 3 * gaps.std(ddof=1) / np.sqrt(gaps.size), gaps


def test_a_compiled_run_equals_the_same_days_stepped(solo_small):
    """`run` (days in one compiled loop) and `step` (phase by phase, as the dashboard
    does) give the same books, bit for bit, and leave Mesa's clock where `step` would."""
    p = everything(solo_small).with_levers(campaign={"enabled": True, "start": 10, "days": 40})
    a = CoGovModel(p, seed=4)
    a.run(150)
    b = CoGovModel(p, seed=4)
    for _ in range(150):
        b.step()
    pd.testing.assert_frame_equal(a.daily, b.daily, check_exact=True)
    assert (a.book.data[: a.book.n] == b.book.data[: b.book.n]).all()
    assert a.steps == b.steps == 150 and a.time == b.time
    a.step()  # and it goes on stepping from there
    assert a.steps == 151 and a.daily.day.iloc[-1] == 151


def test_local_workers_stay_warm_between_batches():
    from sim.executors import close_pool, local_pool

    try:
        pool = local_pool(2)
        assert local_pool(2) is pool  # the second sweep reuses the first's workers
        assert local_pool(1) is not pool  # another size: a fresh pool
    finally:
        close_pool()


def test_every_actor_is_a_mesa_agent_residents_as_views(chorus_small):
    from sim.agents import Cadre, Department, GridWorker, Resident, StreetOffice

    m = CoGovModel(chorus_small.model_copy(update={"days": 20}), seed=3)
    m.run()
    by_type = m.agents_by_type  # residents are made on this first asking
    homes = by_type[Resident]
    assert len(homes) == m.community.n
    assert len(by_type[GridWorker]) == m.community.n_grids * m.params.grid_workers.per_grid
    assert len(by_type[Department]) == len(m.params.departments)
    assert len(by_type[StreetOffice]) == 1 and len(by_type[Cadre]) > 0
    # a view: the resident reads the population arrays as they are now
    one = next(iter(homes))
    assert one.trust == m.residents.trust[one.index]
    m.residents.trust[one.index] = 0.123
    assert one.trust == 0.123
    assert one.grid == m.community.grid[one.index]


def test_compare_names_scenarios_by_the_callers_keys(solo_small):
    """Two variants of one scenario file stay apart under the names they are given."""
    from sim.compare import compare

    strict = solo_small.with_levers(whistle={"enabled": True, "members_accept": True})
    c = compare({"base": solo_small, "strict": strict}, replications=2, days=20, progress=False)
    assert list(c.summaries.scenario.unique()) == ["base", "strict"]
    assert set(c.daily.scenario) == {"base", "strict"}
    assert set(c.stats()["differences"]) == {"strict"}
