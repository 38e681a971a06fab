"""No dead knobs (issue 21): every numeric setting, moved from low to high on a small
street, changes some summary figure beyond noise, unless `sim.knobs.INERT` lists it
with the condition under which it binds, and there it does."""

import functools

import pytest

from sim import knobs
from sim.scenarios import load

SMALL = {"community": {"residents": 1600}, "days": 240}
SEEDS = [1, 2, 3, 4]


@functools.cache
def streets():
    return load("solo", **SMALL), load("chorus", **SMALL)


@pytest.mark.slow
def test_every_knob_moves_something_or_is_listed_inert():
    inert = {k for k, moved in knobs.scan(*streets(), SEEDS).items() if not moved}
    assert inert <= set(knobs.INERT), (
        f"dead knobs not listed in sim.knobs.INERT: {inert - set(knobs.INERT)}"
    )
    # a listed knob that now moves something should leave the list
    assert set(knobs.INERT) <= inert, f"listed inert but live: {set(knobs.INERT) - inert}"


@pytest.mark.parametrize("path", sorted(knobs.INERT))
def test_an_inert_knob_binds_where_it_says(path):
    _, where = knobs.INERT[path]
    moved = knobs.scan(*streets(), SEEDS, only=[path], where=where)[path]
    assert moved, f"{path} still moves nothing with {where}"


def test_knobs_cover_every_numeric_setting_in_range():
    solo, _ = streets()
    found = {k.path: k for k in knobs.knobs(solo)}
    assert "grid_workers.rushed_success" in found and "departments.*.acceptance" in found
    assert "days" not in found and "levers.whistle.start_day" not in found
    for k in found.values():
        assert k.low < k.high, k
        lo, hi = knobs.setting(solo, k, k.low), knobs.setting(solo, k, k.high)
        assert lo.digest() != hi.digest(), k  # the move reaches the scenario
