"""The retry chain's helpers (volunteers, social forces, cadres) have their own success,
and the grid worker's second attempt after a helper fails is a switch."""

import numpy as np
import pytest

import sim
from sim.cases import Closer, State

SEEDS = range(4)


def _closed_by(params, closer, seeds=SEEDS):
    out = []
    for s in seeds:
        m = sim.run(params, seed=s, keep_model=True).model
        b, n = m.book, m.book.n
        out.append(int(((b.closer[:n] == closer) & (b.state[:n] == State.RESOLVED)).sum()))
    return np.array(out, float)


def _grid_success(params, success):
    gw = params.grid_workers.model_copy(update={"success": success})
    return params.model_copy(update={"grid_workers": gw})


@pytest.mark.parametrize(
    ("lever", "closer"),
    [("social_forces", Closer.SOCIAL_FORCES), ("cadres", Closer.CADRE)],
)
def test_a_helper_with_its_own_success_does_not_borrow_the_grid_workers(lever, closer, solo_small):
    """Halving the grid workers' success moves a helper's closures only when the helper
    borrows it (success: null)."""
    own = solo_small.with_levers(**{lever: True})
    borrowed = solo_small.with_levers(**{lever: {"enabled": True, "success": None}})
    for params, moves in ((own, False), (borrowed, True)):
        a = _closed_by(params, closer)
        b = _closed_by(_grid_success(params, 0.425), closer)
        change = (b - a) / a
        assert a.min() > 30
        if moves:
            assert change.mean() < -0.3, change
        else:
            assert abs(change.mean()) < 0.1, change


def test_without_the_second_attempt_a_helpers_failure_is_escalated(solo_small):
    p = solo_small.with_levers(social_forces=True, cadres=True)
    off = p.model_copy(
        update={"grid_workers": p.grid_workers.model_copy(update={"retry_after_helper": False})}
    )
    for params, retried in ((p, True), (off, False)):
        m = sim.run(params, seed=1, keep_model=True).model
        b, n = m.book, m.book.n
        tried = b.tried[:n] > 0
        assert tried.sum() > 30
        by_grid = tried & (b.closer[:n] == Closer.GRID_WORKER) & (b.state[:n] == State.RESOLVED)
        assert bool(by_grid.any()) is retried
