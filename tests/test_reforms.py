"""Reforms over time and figures for a window of days (issue: 'Reforms over time and
calibration to published figures')."""

import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.metrics import summary, window
from sim.model import CoGovModel
from sim.params import LEVER_NAMES

START = 60


def _with_start(base, lever, **more):
    extra = {"start": 20, "days": 200} if lever == "campaign" else {}
    return base.with_levers(**{lever: {"enabled": True, "start_day": START, **extra, **more}})


@pytest.mark.parametrize("lever", LEVER_NAMES)
def test_a_lever_before_its_start_day_is_the_lever_off(lever, solo_small):
    """Bit for bit: every daily figure before start_day equals the model without it."""
    base = solo_small.with_levers(mobilisation=True) if lever == "cadres" else solo_small
    a = sim.run(_with_start(base, lever), seed=5).daily
    b = sim.run(base, seed=5).daily
    before = a.day < START
    pd.testing.assert_frame_equal(
        a[before].drop(columns="scenario"), b[before].drop(columns="scenario"), check_exact=True
    )
    if lever != "campaign":  # a campaign reorders queues; totals need not move
        assert not a[~before].drop(columns="scenario").equals(b[~before].drop(columns="scenario"))


def test_a_ramp_grows_a_lever_linearly(solo_small):
    ramped = solo_small.with_levers(cadres={"enabled": True, "start_day": 30, "ramp_days": 50})
    d = sim.run(ramped, seed=2).daily.set_index("day")
    daily_hours = d["hours_cadre"].diff().fillna(d["hours_cadre"])
    assert (daily_hours.loc[1:29] == 0).all()
    full = daily_hours.loc[100:120].mean()
    for day in (30, 40, 55, 79):
        assert daily_hours.loc[day] == pytest.approx(full * (day - 30 + 1) / 50, rel=1e-9)
    assert daily_hours.loc[79] == pytest.approx(full)


def test_a_workstation_formed_mid_run_keeps_the_books(solo_small):
    """Cases that reached the street before it formed finish on the departments' routes;
    cases after take the workstation's; every case ends in one state."""
    p = solo_small.with_levers(workstation={"enabled": True, "start_day": 90})
    m = sim.run(p, seed=3, keep_model=True).model
    b, n = m.book, m.book.n
    d = m.daily
    assert (d.arisen == d.resolved + d.closed_unresolved + d.lost + d.open).all()
    street = b.handoffs[:n] > 0
    early = street & (b.taken_in[:n] < 80)
    late = street & (b.taken_in[:n] > 95)
    assert (b.table[:n][early] == 0).all() and (b.table[:n][late] == 1).all()
    from sim.cases import Closer

    assert (b.closer[:n][late] == Closer.WORKSTATION).sum() > 20
    assert (b.closer[:n][early] == Closer.WORKSTATION).sum() == 0


@pytest.mark.parametrize("preset", ["solo", "chorus"])
def test_the_whole_run_from_the_case_book_agrees_with_the_running_tallies(preset, small):
    """`summary` is the window of the whole run, counted from the case book and the daily
    record; the kernels' running tallies count the same things another way."""
    p = getattr(sim, preset)(community=small, days=150).with_levers(paper_resolution=True)
    p = p.model_copy(update={"emergency": p.emergency.model_copy(update={"enabled": True})})
    m = CoGovModel(p, seed=4)
    m.run()
    s, t = summary(m), m.tally
    for key, tally in [
        ("arisen", t.arisen), ("taken_in", t.total_taken_in), ("resolved", t.resolved),
        ("closed_unresolved", t.closed_unresolved), ("lost", t.lost),
        ("conflicts", t.conflicts), ("spread_disputes", t.spread),
        ("duplicate_reports", t.duplicate_reports), ("overload_days", t.overload_days),
    ]:  # fmt: skip
        assert s[key] == tally, key
    assert s["satisfaction_rate"] == t.satisfied / t.closed_or_lost
    assert s["detection_rate"] == t.detected / t.silent
    assert s["bounces_per_case"] == t.bounces / t.total_taken_in
    assert s["mean_trust"] == pytest.approx(m.residents.trust.mean(), rel=1e-12)
    assert s["participation_rate"] == m.residents.participated.mean()
    assert s["staff_hours"] == pytest.approx(t.staff_hours, rel=1e-12)
    assert s["total_hours"] == pytest.approx(t.total_hours, rel=1e-12)


def test_before_the_first_day_the_summary_is_the_street_as_built(small):
    m = CoGovModel(sim.chorus(community=small, days=10), seed=1)
    s = summary(m)
    assert s["days"] == 0 and s["taken_in"] == 0 and s["backlog"] == 0
    assert math.isnan(s["resolution_rate"])
    assert s["mean_trust"] == pytest.approx(m.residents.trust.mean(), rel=1e-12)


def test_windows_split_the_counts_and_follow_their_days(chorus_small):
    m = CoGovModel(chorus_small, seed=6)
    m.run()
    a, b, whole = window(m, 0, 90), window(m, 90, 180), window(m, 0, 180)
    for key in ("arisen", "taken_in", "resolved", "lost", "conflicts", "overload_days"):
        assert a[key] + b[key] == whole[key], key
    for key in ("staff_hours", "total_hours"):
        assert a[key] + b[key] == pytest.approx(whole[key]), key
    assert b["mean_trust"] == whole["mean_trust"]  # a level: at the window's last day
    d = m.daily.set_index("day")
    assert a["backlog"] == d.loc[90, "backlog"]
    # the day's flows sum to the cumulative counts
    assert d["resolved_today"].sum() == d["resolved"].iloc[-1]
    with pytest.raises(ValueError, match="period"):
        window(m, 100, 300)


def test_periods_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "o"
    args = ["run", "solo", "--days", "40", "--period", "0:20", "--period", "20:40"]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "days 1-20" in printed and "days 21-40" in printed
    import json

    saved = json.loads((out / "summary.json").read_text())
    assert set(saved["periods"]) == {"0:20", "20:40"}
    assert (
        main(["run", "solo", "--days", "40", "--period", "0:41", "--out", str(tmp_path / "x")]) == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--period 0:41" in err[0]
    assert main(["run", "solo", "--period", "9:3"]) == 2
    assert "A:B" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_compare_reports_each_period(tmp_path):
    from sim.compare import compare

    small = {"community": {"residents": 800, "grid_size": [100, 200]}, "days": 60}
    c = compare(
        {"solo": sim.solo(**small), "chorus": sim.chorus(**small)},
        replications=3, seed=1, keep_daily=False, progress=False, periods=((0, 30), (30, 60)),
    )  # fmt: skip
    st = c.stats(period="30:60")
    assert set(st["scenarios"]) == {"solo", "chorus"} and "chorus" in st["differences"]
    assert c.periods["0:30"]["arisen"].sum() + c.periods["30:60"]["arisen"].sum() == (
        c.summaries["arisen"].sum()
    )
    assert np.isfinite(st["differences"]["chorus"]["resolution_rate"]["mean"])


def test_scale_moves_every_category_and_department_together(solo_small):
    """The multipliers of `scale` (for sensitivity and calibration) act as named: 1 is the
    data as given, bit for bit."""

    def scaled(**k):
        return solo_small.model_copy(update={"scale": solo_small.scale.model_copy(update=k)})

    same = sim.run(scaled(caseload=1.0, department_success=1.0), seed=2).daily
    pd.testing.assert_frame_equal(same, sim.run(solo_small, seed=2).daily, check_exact=True)
    base = sim.run(solo_small, seed=2).summary
    assert sim.run(scaled(caseload=2.0), seed=2).summary["arisen"] > 1.7 * base["arisen"]
    for key in ("department_acceptance", "department_success", "department_hours"):
        low = sim.run(scaled(**{key: 0.5}), seed=2).summary
        assert low["resolution_rate"] < base["resolution_rate"] - 0.05, key
