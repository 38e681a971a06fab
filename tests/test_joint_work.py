"""The chorus earns its gain: joint work derives from the departments, retries are
correlated through a need's difficulty, deliberation counts real neighbours, and
every hour is a cost (issue: 'The chorus must earn its gain')."""

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cases import Closer, State
from sim.model import CoGovModel
from sim.params import CommunityParams


def _set(params, **changes):
    """A copy with dotted-path changes, e.g. _set(p, **{"grid_workers.success": 0.4})."""
    from sim.sweep.paths import set_path

    data = params.model_dump()
    for path, value in changes.items():
        data = set_path(data, path, value)
    return sim.Scenario.model_validate(data)


def _rates(params, seeds):
    return np.array([sim.run(params, seed=s).summary["resolution_rate"] for s in seeds])


def test_halving_grid_success_reaches_the_chorus_only_through_borrowed_success(small):
    """Helpers that borrow the grid workers' success (null) make the chorus feel a weaker
    grid too: at least a third of solo's loss (retries no longer rescue every simple
    case). With their own success (the default) it loses less than half of solo's
    (paired seeds)."""
    seeds = sim.replication_seeds(9, 6)
    borrow = {h: {"enabled": True, "success": None} for h in ("social_forces", "cadres")}
    borrow["mobilisation"] = {"enabled": True, "success": None}
    chorus = sim.chorus(community=small, days=180)
    cases = {
        "solo": sim.solo(community=small, days=180),
        "chorus": chorus,
        "chorus_borrowed": chorus.with_levers(**borrow),
    }
    loss = {}
    for name, base in cases.items():
        weak = _set(base, **{"grid_workers.success": base.grid_workers.success / 2})
        loss[name] = _rates(base, seeds) - _rates(weak, seeds)
    assert loss["solo"].mean() > 0.05
    assert loss["chorus_borrowed"].mean() >= loss["solo"].mean() / 3, loss
    assert loss["chorus"].mean() < loss["solo"].mean() / 2, loss
    assert (loss["chorus_borrowed"] - loss["chorus"]).mean() > 0, loss


def test_a_case_that_failed_once_is_harder_on_its_next_attempt(small):
    """The grid worker settles fewer of the service cases a helper failed than of fresh
    ones (same category mix), because the difficulty stays with the case."""

    def grid_worker_success(params, seeds):
        fresh, retried = [0, 0], [0, 0]
        for seed in seeds:
            m = sim.run(params, seed=seed, keep_model=True).model
            b, n = m.book, m.book.n
            service = m.cat_service[b.category[:n]] & (b.channel[:n] != 6)  # no conflicts
            won = (b.closer[:n] == Closer.GRID_WORKER) & (b.state[:n] == State.RESOLVED)
            tried_by_gw = service & (won | (b.handoffs[:n] > 0))
            for acc, sel in ((fresh, b.tried[:n] == 0), (retried, b.tried[:n] != 0)):
                acc[0] += int((won & tried_by_gw & sel).sum())
                acc[1] += int((tried_by_gw & sel).sum())
        return fresh[0] / fresh[1], retried[0] / retried[1], retried[1]

    # purchased services with a few hours: some service cases meet them first, some not
    helpers = sim.solo(community=small, days=180).with_levers(
        social_forces={"enabled": True, "hours_per_day": 1.0}
    )
    fresh, retried, n_retried = grid_worker_success(helpers, range(6))
    assert n_retried > 150, n_retried
    assert retried < fresh - 0.1, (fresh, retried)
    # with no difficulty weight a failed case is as easy as a fresh one (within noise)
    flat = _set(helpers, **{"difficulty.weight": 0.0})
    fresh0, retried0, n0 = grid_worker_success(flat, range(6))
    se = np.sqrt(fresh0 * (1 - fresh0) / n0)
    assert abs(retried0 - fresh0) < 4 * se + 0.02, (fresh0, retried0, n0)


@pytest.mark.parametrize("weight", [0.0, 0.5, 0.9])
def test_joint_success_with_no_premium_is_the_parts_one_after_another(solo_small, weight):
    """`CoGovModel.success` over several parts at once (a joint session, coordination 0)
    succeeds as often as the same parts drawn one after another on the same needs."""
    m = CoGovModel(_set(solo_small, **{"difficulty.weight": weight}), seed=0)
    n = 200_000
    rng = np.random.default_rng(1)
    rows = np.arange(m.book.n, m.book.n + n)
    m.book.add(
        np.zeros(n, int), np.zeros(n, int), np.zeros(n, int), np.full(n, 0.3),
        rng.standard_normal(n), 0,
    )  # fmt: skip
    parts = np.array([0.75, 0.8, 0.9])
    together = m.success(rows, np.tile(parts, (n, 1)), premium=0.0)
    one_by_one = np.ones(n, dtype=bool)
    for p in parts:
        one_by_one &= m.success(rows, np.full((n, 1), p))
    se = np.sqrt(2 * together.mean() * (1 - together.mean()) / n)
    assert abs(together.mean() - one_by_one.mean()) < 4 * se
    if weight == 0:  # independent parts: the product of their chances
        assert abs(together.mean() - parts.prod()) < 4 * se
    else:  # one difficulty behind every part: they fail together more often than not
        assert together.mean() > parts.prod() + 0.03
    premium = m.success(rows, np.tile(parts, (n, 1)), premium=0.5).mean()
    assert premium > together.mean() + 0.1  # the premium averts half the joint failures
    if weight > 0:  # a hard need fails more parts together than independent draws would
        hard = m.book.difficulty[rows] > 1
        assert together[hard].mean() < 0.5 * parts.prod()


def test_mediation_and_workstation_follow_their_departments(solo_small):
    """No constant replaces a department's success: halving every department's success
    lowers what 1+N mediation and the workstation settle."""
    base = solo_small.with_levers(mediation=True, workstation=True)
    weak = _set(base, **{"departments.*.success": 0.4})
    closed = {}
    for label, params in (("base", base), ("weak", weak)):
        ok, total = {Closer.MEDIATION: 0, Closer.WORKSTATION: 0}, {}
        for seed in range(2):
            m = sim.run(params, seed=seed, keep_model=True).model
            b, n = m.book, m.book.n
            for c in ok:
                sel = b.closer[:n] == c
                ok[c] += int((sel & (b.state[:n] == State.RESOLVED)).sum())
                total[c] = total.get(c, 0) + int(sel.sum())
        closed[label] = {c: ok[c] / total[c] for c in ok}
    for c in (Closer.MEDIATION, Closer.WORKSTATION):
        assert closed["weak"][c] < closed["base"][c] - 0.2, closed


def test_workstation_step_costs_what_its_parts_add_up_to(solo_small):
    m = CoGovModel(solo_small.with_levers(workstation=True), seed=0)
    cats = [c.name for c in solo_small.categories]
    hours = {d.name: d.hours_per_case for d in solo_small.departments}
    days = {d.name: d.handling_days for d in solo_small.departments}
    market_order = cats.index("market_order")  # market + urban: one workstation step
    ws = 1  # the routes once the workstation has formed
    assert m.route_len[ws, market_order] == 1 and m.route_len[0, market_order] == 2
    assert m.step_hours[ws, market_order, 0] == hours["market"] + hours["urban"]
    assert m.step_days[ws, market_order, 0] == max(days["market"], days["urban"])
    infra = cats.index("infrastructure")  # urban (workstation), then housing
    assert m.route_len[ws, infra] == 2
    assert m.step_hours[ws, infra, 1] == hours["housing"]


def test_an_isolated_household_gains_nothing_from_deliberation():
    sparse = CommunityParams(
        residents=2000,
        communities=2,
        ties_within_grid=0.6,
        ties_across_grids=0.0,
        ties_across_communities=0.0,
    )
    s = sim.solo(community=sparse, days=200).with_levers(deliberation=True)
    m = sim.run(s, seed=3, keep_model=True).model
    b, n = m.book, m.book.n
    deg = np.diff(m.community.adjacency.indptr)
    met = b.deliberated[:n] >= 0
    alone = met & (deg[b.resident[:n]] == 0)
    tied = met & (deg[b.resident[:n]] > 0)
    assert alone.sum() > 20 and tied.sum() > 20
    assert (b.deliberated[:n][alone] == 0).all()  # a meeting of one: no share, no gain
    assert b.deliberated[:n][tied].max() > 0


def test_every_hour_is_a_cost(chorus_small):
    s = sim.run(chorus_small, seed=1).summary
    paid = sum(s[f"hours_{a}"] for a in ("grid_worker", "cadre", "department", "governance_centre"))
    assert s["staff_hours"] == pytest.approx(paid)
    others = s["hours_social_forces"] + s["hours_volunteers"] + s["hours_residents"]
    assert min(s["hours_social_forces"], s["hours_volunteers"], s["hours_residents"]) > 0
    assert s["total_hours"] == pytest.approx(paid + others)
    assert s["resolutions_per_100_total_hours"] < s["resolutions_per_100_staff_hours"]


def test_whistle_acceptance_is_a_named_override(solo_small):
    """Switched from compulsory (1) to 0.5, half the whistles bounce: nothing is hard-wired."""
    on = solo_small.with_levers(whistle=True)
    half = solo_small.with_levers(whistle={"enabled": True, "acceptance": 0.5})
    m1 = sim.run(on, seed=2, keep_model=True).model
    m2 = sim.run(half, seed=2, keep_model=True).model
    whistled = m2.street_office.whistles
    assert whistled > 100
    # every refused whistle is one more bounce than compulsory reporting gives
    assert m2.tally.bounces - m1.tally.bounces > 0.25 * whistled


JOINT_BODIES = ("whistle", "workstation", "mediation")


def test_each_members_own_acceptance_with_a_full_mandate_is_the_named_rule(chorus_small):
    """members_accept with mandate_gain 1 leaves no refusal: the same run, bit for bit,
    as the named acceptance of 1 (the default)."""
    full = chorus_small.with_levers(
        **{b: {"members_accept": True, "mandate_gain": 1.0} for b in JOINT_BODIES}
    )
    a, b = sim.run(chorus_small, seed=2).daily, sim.run(full, seed=2).daily
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_the_strict_acceptance_rule_gives_a_gain_whatever_its_sign(small):
    """Each member's own acceptance, no mandate: joint bodies refuse as the silo does, so
    the chorus bounces more and gains less; the gain is computed either way."""
    seeds = sim.replication_seeds(4, 4)
    solo = sim.solo(community=small, days=180)
    chorus = sim.chorus(community=small, days=180)
    strict = chorus.with_levers(
        **{b: {"members_accept": True, "mandate_gain": 0.0} for b in JOINT_BODIES}
    )
    base = _rates(solo, seeds)
    gain = _rates(chorus, seeds) - base
    strict_gain = _rates(strict, seeds) - base
    assert np.isfinite(strict_gain).all()
    assert (gain - strict_gain).mean() > 0.01, (gain, strict_gain)
    bounces = [
        np.mean([sim.run(p, seed=s).summary["bounces_per_case"] for s in seeds])
        for p in (chorus, strict)
    ]
    assert bounces[1] > 2 * bounces[0], bounces
