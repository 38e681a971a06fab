"""Refactors hold results: every bundled scenario, two seeds, serial, pool and Dask.

The fixture is `tests/golden/outputs.json`; `tests/golden.py` rewrites it, only
when results are meant to change.
"""

import json
from pathlib import Path

import pytest
from golden import SEEDS, fingerprint

import sim
from sim import scenarios
from sim.executors import Task, execute

GOLDEN = json.loads((Path(__file__).resolve().parent / "golden" / "outputs.json").read_text())


def tasks():
    for name, path in sorted(scenarios.bundled().items()):
        params = scenarios.load(path)
        for seed in SEEDS:
            yield Task(key=f"{name}/{seed}", params=params, seed=seed)


def check(key, got):
    want = GOLDEN[key]
    assert got["summary"] == want["summary"], key
    changed = [c for c in want["daily"] if got["daily"].get(c) != want["daily"][c]]
    assert not changed, f"{key}: daily columns changed: {changed}"


def test_every_bundled_scenario_is_in_the_fixture():
    assert {t.key for t in tasks()} == set(GOLDEN)


def test_serial_runs_match_the_fixture():
    for t in tasks():
        check(t.key, fingerprint(sim.run(t.params, seed=t.seed)))


class _Result:  # what fingerprint reads, rebuilt from an executor's outcome
    def __init__(self, outcome):
        assert outcome.ok, outcome.error
        self.summary, self.daily = outcome.summary, outcome.daily


def test_local_pool_matches_the_fixture():
    for o in execute(list(tasks()), workers=2):
        check(o.task.key, fingerprint(_Result(o)))


@pytest.mark.slow
def test_dask_matches_the_fixture():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        for o in execute(list(tasks()), scheduler=cluster.scheduler_address):
            check(o.task.key, fingerprint(_Result(o)))
