"""Your own Mesa agent acting at a named phase of the day, through the case API."""

import numpy as np
import pytest

import sim
from sim.actors import Actor
from sim.cases import Closer, State
from sim.day import PHASES
from sim.metrics import summary
from sim.model import CoGovModel
from sim.params import CommunityParams


class PropertyCompany(Actor):
    """物业公司: tries each property (物业) case waiting at the grid desk once; what it
    fails stays for the grid worker."""

    def __init__(self, model, success=0.7):
        super().__init__(model)
        self.success, self.tried, self.resolved = success, set(), 0

    def step(self):
        m = self.model
        for row in m.open_cases("property", desk="grid"):
            if int(row) in self.tried:
                continue
            self.tried.add(int(row))
            if m.rng.random() < m.case_chance(row, self.success):
                m.close_case(row, resolved=True)
                self.resolved += 1


class Watcher(Actor):
    def step(self):
        self.model.open_cases()


@pytest.fixture
def street():
    return sim.solo(community=CommunityParams(residents=1500, communities=1), days=60)


def same(a: dict, b: dict) -> bool:
    return all(a[k] == b[k] or (np.isnan(a[k]) and np.isnan(b[k])) for k in a)


def test_an_actor_that_changes_nothing_leaves_results_bit_identical(street):
    plain = CoGovModel(street, seed=2)
    plain.run()
    watched = CoGovModel(street, seed=2)
    for phase in PHASES:  # day by day now, with an actor after every phase
        watched.add_actor(Watcher(watched), after=phase)
    watched.run()
    assert same(summary(plain), summary(watched))
    assert watched.steps == plain.steps == 60 and watched.time == plain.time
    assert (plain.book.state[: plain.book.n] == watched.book.state[: watched.book.n]).all()


def test_a_property_company_takes_property_cases(street):
    base = CoGovModel(street, seed=5)
    base.run()
    m = CoGovModel(street, seed=5)
    company = PropertyCompany(m)
    m.add_actor(company, after="needs_are_found")
    m.run()
    b, n = m.book, m.book.n
    by_it = b.closer[:n] == Closer.OTHER
    assert by_it.sum() == company.resolved > 0
    assert (b.state[:n][by_it] == State.RESOLVED).all()
    prop = [c.name for c in m.params.categories].index("property")
    assert (b.category[:n][by_it] == prop).all()
    # it succeeds as its typical success says, on cases of every difficulty
    assert 0.4 < company.resolved / len(company.tried) < 0.95
    s, s0 = summary(m), summary(base)
    assert s["resolved"] == m.tally.resolved and s["taken_in"] == m.tally.total_taken_in
    assert s["hours_grid_worker"] < s0["hours_grid_worker"]  # less left for the grid
    again = CoGovModel(street, seed=5)
    again.add_actor(PropertyCompany(again), after="needs_are_found")
    again.run()
    assert same(summary(again), s)  # same seed, same results


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m, a: m.add_actor(a, after="lunch"), "after: 'lunch' is not a phase"),
        (lambda m, a: m.add_actor(object(), after="begin_day"), "agent: must be a Mesa agent"),
        (lambda m, a: m.open_cases("potholes"), "category: 'potholes' is not one"),
        (lambda m, a: m.open_cases(desk="unit"), "desk: 'unit'; choose from grid, street"),
        (lambda m, a: m.case_chance(0, 1.5), "success: 1.5 must be in [0, 1]"),
        (lambda m, a: m.close_case(10**9, True), "no such case"),
    ],
)
def test_bad_use_of_the_case_api_is_one_clear_error(street, call, message):
    m = CoGovModel(street, seed=1)
    m.run(5)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call(m, PropertyCompany(m))


def test_a_case_no_longer_waiting_cannot_be_closed(street):
    m = CoGovModel(street, seed=1)
    m.run(30)
    b, n = m.book, m.book.n
    (done,) = np.flatnonzero(b.state[:n] == State.RESOLVED)[:1]
    with pytest.raises(ValueError, match="not waiting at the grid or street desk"):
        m.close_case(done, resolved=True)
    assert m.case(done)["state"] == "resolved"
