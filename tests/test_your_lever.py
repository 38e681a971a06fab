"""A new lever is one file: its module, its settings class and its labels (`COGOV_LEVERS`).

The toy lever below, a hotline that calls back residents whose case closed, does
nothing but count; nothing else in the package names it. Each check runs in a fresh
interpreter, since the levers a scenario may name are fixed when `sim` is imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

TOY = '''
"""回访: the hotline calls back a share of the residents whose case closed today."""

from pydantic import Field

from sim.actors import LeverObject
from sim.params import Lever

NAME = "hotline_callback"
LABELS = ("回访", "Hotline call-back")


class CallbackSettings(Lever):
    share: float = Field(1.0, ge=0.0, le=1.0, description="share of closed cases called back")


SETTINGS = CallbackSettings


class HotlineCallback(LeverObject):
    PHASE = "residents_respond"  # once the day's cases have closed

    def setup(self):
        self.calls = 0.0

    def step(self):
        m = self.model
        closed = m.series("resolved") + m.series("closed_unresolved")
        today = closed[-1] - (closed[-2] if closed.size > 1 else 0)
        self.calls += self.p.share * self.strength * today


LEVER = HotlineCallback
'''

CHECK = """
import json, sys
import numpy as np
import sim
from sim.model import CoGovModel
from sim.params import CommunityParams
from sim.report import labels

small = dict(community=CommunityParams(residents=400, communities=1), days=40)
base = sim.chorus(**small)
with_toy = base.with_levers(hotline_callback={"enabled": True, "share": 0.5, "start_day": 11})
plain, toy = CoGovModel(base, seed=3), CoGovModel(with_toy, seed=3)
plain.run()
toy.run()
closed = plain.series("resolved") + plain.series("closed_unresolved")
late = CoGovModel(base, seed=3)
late.run(20)
late.reform("hotline_callback", enabled=True)
late.run(20)
try:
    base.with_levers(hotline_callback={"share": 2})
    refused = False
except Exception:
    refused = True
print(json.dumps({
    "names": list(sim.LEVER_NAMES),
    "same": bool(np.array_equal(plain.L.daily, toy.L.daily)),
    "calls": toy.levers["hotline_callback"].calls,
    "expected": 0.5 * float(closed[-1] - closed[9]),
    "late_calls": late.levers["hotline_callback"].calls,
    "late_expected": float(closed[-1] - closed[19]),
    "label": [labels.lever("hotline_callback", "en"), labels.lever("hotline_callback", "zh")],
    "refused": refused,
}))
"""


def _run(code: str, lever_file, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COGOV_LEVERS": str(lever_file)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
        env=env, cwd=tmp_path, timeout=600,
    )  # fmt: skip


@pytest.fixture
def toy(tmp_path):
    path = tmp_path / "hotline_callback.py"
    path.write_text(TOY, encoding="utf-8")
    return path


def test_a_lever_in_one_file_joins_the_scenario_acts_and_changes_nothing_else(toy, tmp_path):
    out = _run(CHECK, toy, tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["names"][-1] == "hotline_callback"  # after the built-in levers
    assert got["same"]  # it only counts: the street is bit for bit the same
    assert got["expected"] > 0 and got["calls"] == got["expected"]  # from its start_day
    assert got["late_calls"] == got["late_expected"]  # switched on while running
    assert got["label"] == ["Hotline call-back", "回访"]
    assert got["refused"]  # its settings are validated like any other


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("NAME = 'whistle'", "is a built-in lever"),
        ("NAME = 'x y'", "NAME must be"),
        ("NAME = 'x'\nSETTINGS = dict", "SETTINGS must be"),
        ("from sim.params import Lever\nNAME = 'x'\nSETTINGS = Lever\nLEVER = object", "LABELS"),
    ],
)
def test_a_file_that_is_not_a_lever_is_one_line_naming_the_field(tmp_path, text, field):
    bad = tmp_path / "bad.py"
    bad.write_text(text, encoding="utf-8")
    out = _run("from sim import Scenario", bad, tmp_path)  # the levers join its schema
    assert out.returncode != 0
    assert f"COGOV_LEVERS: {bad}: " in out.stderr and field in out.stderr
