"""What couples a city's streets (issue 22): district departments they share, the monthly
ranking (街乡排名), and the executors that must not change a number."""

import os
import signal

import numpy as np
import pandas as pd
import pytest
import yaml

from sim import city
from sim.city.run import months
from sim.experiments import run
from sim.scenarios import load

SMALL = {"community": {"residents": 800}}


def write(tmp_path, data, name="city") -> city.City:
    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return city.load(p)


def district(name, streets, departments=None):
    d = {"name": name, "streets": streets}
    if departments is not None:
        d["departments"] = departments
    return d


def test_a_lone_street_sharing_its_departments_is_that_street_alone(tmp_path):
    street = {"scenario": "chorus", "name": "only", "overrides": SMALL}
    c = write(tmp_path, {"days": 90, "districts": [district("d", [street], "all")]})
    assert c.shared("d")  # every department shared, and still the street alone
    r = city.run_city(c, seed=5)
    alone = run(load("chorus", days=90, **SMALL), seed=r.seeds["only"], periods=months(90))
    for m, (a, b) in enumerate(months(90), start=1):
        row = r.streets[r.streets["month"] == m].iloc[0]
        w = alone.periods[f"{a}:{b}"]
        for k in ("taken_in", "resolved", "lost", "callbacks", "resolution_rate"):
            assert row[k] == w[k], (m, k)


def _flood_city(tmp_path, flood: bool, shared: bool) -> city.City:
    calm = {"scenario": "solo", "name": "calm", "overrides": {"community": {"residents": 1500}}}
    other = {
        "scenario": "solo_flood" if flood else "solo",
        "name": "other",
        "overrides": {"community": {"residents": 1500}, "emergency": {"start": 30, "days": 60}},
    }
    if not flood:
        other["overrides"].pop("emergency")
    d = district("d", [calm, other], "all" if shared else {})
    return write(tmp_path, {"days": 120, "districts": [d]}, f"c{flood:d}{shared:d}")


def _calm(r) -> pd.DataFrame:
    s = r.streets
    return s[(s["street"] == "calm") & s["month"].isin([2, 3, 4])]


def test_a_flood_next_door_slows_a_street_only_when_they_share_departments(tmp_path):
    def calm_months(flood, shared):
        c = _flood_city(tmp_path, flood, shared)
        return [_calm(city.run_city(c, seed=s))[["department_hours", "resolved"]] for s in range(6)]

    for quiet, flooded in zip(calm_months(False, False), calm_months(True, False), strict=True):
        assert quiet.equals(flooded)  # alone, the other street's flood changes nothing at all
    quiet, flooded = calm_months(False, True), calm_months(True, True)
    lost = np.array(
        [
            b["department_hours"].sum() - a["department_hours"].sum()
            for a, b in zip(quiet, flooded, strict=True)
        ]
    )
    # paired seeds: the flooded neighbour takes hours the calm street's queue needed
    assert (lost < 0).sum() >= 5 and lost.mean() < -50, lost


def _ranked(tmp_path, ranking: dict | None, name: str, days: int = 150) -> city.City:
    data = {
        "days": days,
        "districts": [
            district("a", [{"scenario": "solo", "name": "s", "count": 4, "overrides": SMALL}]),
            district("b", [{"scenario": "chorus", "name": "c", "count": 2, "overrides": SMALL}]),
        ],
    }
    if ranking is not None:
        data["ranking"] = ranking
    return write(tmp_path, data, name)


def test_the_ranking_off_or_without_effects_changes_nothing(tmp_path):
    none = city.run_city(_ranked(tmp_path, None, "none"), seed=3)
    off = city.run_city(_ranked(tmp_path, {"enabled": False, "persuasion": 0.9}, "off"), seed=3)
    assert off.streets.equals(none.streets) and off.ranking.empty
    idle = {"enabled": True, "overtime_hours": 0.0, "counted_first_from": 1.0}
    on = city.run_city(_ranked(tmp_path, idle, "idle"), seed=3)
    assert len(on.ranking) == 6 * 5 and on.ranking["pressure"].max() == 1.0
    # ranked and pressured, but pressure does nothing here: solo already puts counted first
    # and the chorus' bottom street is solo's too
    drop = ["pressure"]
    assert on.streets.drop(columns=drop).equals(none.streets.drop(columns=drop))


def test_pressure_raises_effort_and_with_persuasion_the_measured_rates_more_than_the_true(
    tmp_path,
):
    off = _ranked(tmp_path, None, "off")
    on = _ranked(tmp_path, {"enabled": True, "overtime_hours": 2.0, "persuasion": 0.6}, "on")
    hours, measured, true = [], [], []
    for seed in range(4):
        a, b = city.run_city(off, seed=seed).streets, city.run_city(on, seed=seed).streets
        hot = (b["pressure"] >= 0.5).to_numpy()
        assert hot.sum() >= 4
        hours.append((b["grid_hours"] - a["grid_hours"]).to_numpy()[hot].mean())
        gm = b["callback_resolution_rate"] - a["callback_resolution_rate"]
        gt = b["true_callback_resolution_rate"] - a["true_callback_resolution_rate"]
        measured.append(np.nanmean(gm.to_numpy()[hot]))
        true.append(np.nanmean(gt.to_numpy()[hot]))
        first = (b["month"] == 1).to_numpy()  # before the first ranking is published
        assert b[first].equals(a[first])
    assert np.mean(hours) > 0, hours  # overtime is worked where the queues need it
    assert np.mean(measured) - np.mean(true) > 0.05, (measured, true)


def _small_city(tmp_path) -> city.City:
    return write(
        tmp_path,
        {
            "days": 90,
            "ranking": {"enabled": True, "persuasion": 0.3},
            "districts": [
                district(
                    "a", [{"scenario": "solo", "name": "a", "count": 2, "overrides": SMALL}], "all"
                ),
                district("b", [{"scenario": "chorus", "name": "b", "overrides": SMALL}], "all"),
            ],
        },
        "small",
    )


def test_serial_and_the_local_pool_give_the_same_numbers(tmp_path):
    c = _small_city(tmp_path)
    s, p = city.run_city(c, seed=4), city.run_city(c, seed=4, workers=2)
    assert p.executor == "local" and s.executor == "serial"
    assert s.streets.equals(p.streets) and s.ranking.equals(p.ranking) and s.city.equals(p.city)


@pytest.mark.slow
def test_dask_gives_the_same_numbers(tmp_path):
    from distributed import LocalCluster

    c = _small_city(tmp_path)
    s = city.run_city(c, seed=4)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cl:
        d = city.run_city(c, seed=4, scheduler=cl.scheduler_address)
    assert d.executor == "dask"
    assert s.streets.equals(d.streets) and s.ranking.equals(d.ranking)


def test_a_worker_killed_mid_run_is_one_line_and_no_result(tmp_path):
    import multiprocessing

    c = _small_city(tmp_path)
    before = {p.pid for p in multiprocessing.active_children()}  # a warm pool, say
    ours = []

    def kill_one(m, n):
        if m == 1:
            ours.extend(p for p in multiprocessing.active_children() if p.pid not in before)
            os.kill(ours[0].pid, signal.SIGKILL)

    with pytest.raises(city.CityRunError) as e:
        city.run_city(c, seed=4, workers=2, on_month=kill_one)
    msg = str(e.value)
    assert (
        "\n" not in msg and "died while running days 31-60" in msg and "nothing was written" in msg
    )
    assert len(ours) == 2 and not any(p.is_alive() for p in ours)  # the other one is stopped too
