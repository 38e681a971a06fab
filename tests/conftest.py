import os

import pytest

import sim
from sim.params import CommunityParams

IN_CI = os.environ.get("CI") == "true"


def skip_or_fail(reason: str):
    """Skip when a system package is missing; under CI=true it must be there, so fail."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: .ci/run should have installed it)")
    pytest.skip(reason)


@pytest.fixture(name="skip_or_fail")
def _skip_or_fail():
    return skip_or_fail


@pytest.fixture
def small():
    """A small street (2,000 households): fast, yet every mechanism is exercised."""
    return CommunityParams(residents=2000, communities=2)


@pytest.fixture
def solo_small(small):
    return sim.solo(community=small, days=180)


@pytest.fixture
def chorus_small(small):
    return sim.chorus(community=small, days=180)
