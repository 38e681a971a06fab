"""A city of streets (issue 22, first step): the city file, its one-line errors, and
monthly rates pooled from the streets' counts."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import city
from sim.experiments import run
from sim.scenarios import load

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"community": {"residents": 800}}


def write(tmp_path, data) -> Path:
    p = tmp_path / "city.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return p


def one_street(tmp_path, **extra):
    street = {"scenario": "solo", "name": "only", "overrides": SMALL, **extra}
    return write(tmp_path, {"days": 90, "districts": [{"name": "d", "streets": [street]}]})


def test_a_city_of_one_street_is_that_street_alone(tmp_path):
    c = city.load(one_street(tmp_path))
    r = city.run_city(c, seed=5)
    alone = run(load("solo", days=90, **SMALL), seed=r.seeds["only"], periods=((0, 30),))
    first = r.streets.iloc[0]
    w = alone.periods["0:30"]
    for k in ("taken_in", "resolved", "resolution_rate", "callback_resolution_rate"):
        assert first[k] == w[k] or (np.isnan(first[k]) and np.isnan(w[k])), k
    assert list(r.city["month"]) == [1, 2, 3]


def test_city_rates_are_pooled_from_street_counts():
    c = city.load(ROOT / "scenarios" / "cities" / "example.yaml")
    assert city.load("example").digest == c.digest  # the bundled name finds it
    assert [s.name for s in c.streets][:2] == ["core_solo_1", "core_solo_2"]
    assert c.households == 6400 * 3 + 4000 + 2000
    r = city.run_city(c, seed=1)
    m1 = r.streets[r.streets["month"] == 1]
    want = (m1["resolution_rate"] * m1["taken_in"]).sum() / m1["taken_in"].sum()
    got = r.city.loc[r.city["month"] == 1, "resolution_rate"].item()
    assert got == pytest.approx(want)
    assert r.city["streets"].eq(5).all() and len(r.city) == 12
    # alike streets get their own seeds: their months differ
    a, b = (r.streets[r.streets["street"] == s.name]["taken_in"].to_numpy() for s in c.streets[:2])
    assert not np.array_equal(a, b)


def test_same_seed_same_city_other_seed_other_city(tmp_path):
    c = city.load(one_street(tmp_path, count=2))
    a, b, other = city.run_city(c, 2), city.run_city(c, 2), city.run_city(c, 3)
    assert a.streets.equals(b.streets)
    assert not a.streets.equals(other.streets)


def test_a_missing_city_names_the_bundled_ones():
    with pytest.raises(city.CityError, match=r"^nowhere: no such file \(bundled cities: example"):
        city.load("nowhere")


@pytest.mark.parametrize(
    "data, expect",
    [
        ({"districts": []}, "districts: "),
        ({"districts": [{"name": "d", "streets": []}]}, "districts.0.streets: "),
        ({"districts": [{"name": "d", "streets": [{"scenario": "nope"}]}]},
         "districts.0.streets.0.scenario: no such scenario 'nope'"),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo", "count": 0}]}]},
         "districts.0.streets.0.count: "),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo", "colour": 1}]}]},
         "districts.0.streets.0.colour: unknown key (allowed here: scenario, name, count"),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo"}, {"scenario": "solo"}]}]},
         "districts.0.streets.1.name: street 'solo' is also in districts.0.streets.0"),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo"}]},
                        {"name": "d", "streets": [{"scenario": "chorus"}]}]},
         "districts.1.name: 'd' is named twice"),
        ({"districts": [{"name": "d", "streets": [
            {"scenario": "solo", "overrides": {"residents": {"voice": 2}}}]}]},
         "residents.voice"),
        ({"districts": [{"name": "d", "streets": [
            {"scenario": "solo", "count": 2000,
             "overrides": {"community": {"residents": 6000}}}]}]},
         "households in all, more than the 10,000,000 allowed"),
        ({"districts": [{"name": "a", "streets": [{"scenario": "solo", "name": "x"}]},
                        {"name": "b", "streets": [{"scenario": "chorus", "name": "x"}]}]},
         "districts.1.streets.0.name: street 'x' is also in districts.0.streets.0"),
        ({"districts": [{"name": "d", "departments": {"water": {}},
                         "streets": [{"scenario": "solo"}]}]},
         "districts.0.departments.water: no street of 'd' has this department (its streets"),
        ({"districts": [{"name": "d", "departments": {"urban": {"capacity": -1}},
                         "streets": [{"scenario": "solo"}]}]},
         "districts.0.departments"),
        ({"districts": [{"name": "d", "streets": [{"scenario": "solo", "type": "megacity"}]}]},
         "districts.0.streets.0.type: "),
        ({"ranking": {"enabled": True, "colour": 1},
          "districts": [{"name": "d", "streets": [{"scenario": "solo"}]}]},
         "ranking.colour: unknown key (allowed here: enabled, weights, pressure_from"),
        ({"reforms": [{"lever": "teleport"}],
          "districts": [{"name": "d", "streets": [{"scenario": "solo"}]}]},
         "reforms.0.lever: unknown lever 'teleport'"),
        ({"reforms": [{"lever": "whistle", "streets": ["nobody"]}],
          "districts": [{"name": "d", "streets": [{"scenario": "solo"}]}]},
         "reforms.0.streets: no street named 'nobody'"),
    ],
)  # fmt: skip
def test_bad_city_files_are_one_line_naming_the_field(tmp_path, data, expect):
    p = write(tmp_path, data)
    with pytest.raises(city.CityError) as e:
        city.load(p)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(str(p)) and expect in msg, msg


def test_a_city_that_would_not_fit_in_memory_is_refused_before_it_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("COGOV_MEMORY_GB", "1")
    p = write(
        tmp_path,
        {"districts": [{"name": "d", "streets": [
            {"scenario": "solo", "count": 40, "overrides": {"community": {"residents": 20000}}}
        ]}]},
    )  # fmt: skip
    with pytest.raises(city.CityError, match=r"districts: the city would need about .* GiB"):
        city.load(p)


def test_bad_city_files_exit_2_with_one_line_and_write_nothing(tmp_path):
    import subprocess
    import sys

    p = write(tmp_path, {"districts": [{"name": "d", "streets": [{"scenario": "nope"}]}]})
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, "-m", "sim.cli", "city", "run", str(p), "--out", str(out)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().count("\n") == 0 and "districts.0.streets.0.scenario" in r.stderr
    assert not out.exists() and sorted(x.name for x in tmp_path.iterdir()) == ["city.yaml"]


def test_street_types_and_pilots_change_only_what_they_say(tmp_path):
    p = write(
        tmp_path,
        {
            "days": 60,
            "reforms": [{"lever": "whistle", "share": 0.5, "pilot_day": 0, "spread_day": 30}],
            "districts": [{"name": "d", "streets": [
                {"scenario": "solo", "name": "s", "count": 6, "type": "township"}
            ]}],
        },
    )  # fmt: skip
    c = city.load(p)
    starts = {s.name: s.params.levers.whistle.start_day for s in c.streets}
    pilots = city.pilot_streets(list(starts), 0.5)
    assert len(pilots) == 3 and {k for k, v in starts.items() if v == 0} == pilots
    assert {v for k, v in starts.items() if k not in pilots} == {30}
    assert all(s.params.levers.whistle.enabled for s in c.streets)
    township = c.streets[0].params
    assert township.community.grid_size == (400, 600) and township.scale.caseload == 0.7


def test_generated_city_has_the_stated_size_spread_and_types():
    from sim.city.spec import TYPE_MIX, generate

    d = generate(streets=343, districts=16, households=7_000_000, seed=3)
    streets = [s for dist in d["districts"] for s in dist["streets"]]
    sizes = np.array([s["overrides"]["community"]["residents"] for s in streets])
    assert len(streets) == 343 and len(d["districts"]) == 16
    assert abs(sizes.sum() - 7_000_000) < 343 and sizes.min() >= 500
    for kind, (share, _) in TYPE_MIX.items():
        assert abs(sum(s["type"] == kind for s in streets) - share * 343) <= 1
    per = [len(dist["streets"]) for dist in d["districts"]]
    held = [
        sum(s["overrides"]["community"]["residents"] for s in x["streets"]) for x in d["districts"]
    ]
    assert max(per) <= -(-343 // 16) and (max(held) - min(held)) / np.mean(held) < 0.02
    kinds = np.array([s["type"] for s in streets])
    assert np.median(sizes[kinds == "township"]) < np.median(sizes[kinds == "urban_core"])
    assert generate(streets=20, districts=2, seed=3) == generate(streets=20, districts=2, seed=3)


def test_cogov_city_run_writes_whole_outputs_with_provenance(tmp_path):
    import json

    import pandas as pd

    from sim.cli import main

    c = one_street(tmp_path, count=3)
    out = tmp_path / "out"
    assert main(["city", "run", str(c), "--out", str(out), "--quiet", "--seed", "7"]) == 0
    streets = pd.read_parquet(out / "streets.parquet")
    assert len(streets) == 3 * 3 and set(streets["month"]) == {1, 2, 3}
    assert len(pd.read_parquet(out / "city.parquet")) == 3
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seeds"] == [7] and len(prov["street_seeds"]) == 3 and prov["git_commit"]
    assert prov["scenarios"]["city"]["hash"] == city.load(c).digest
    assert str(c) in prov["scenarios"]["city"]["files"]
    for f in ("city_series.png", "street_rates.svg", "summary.json"):
        assert (out / f).is_file(), f


def test_a_worker_that_dies_is_one_line_exit_1_and_nothing_written(tmp_path, monkeypatch, capsys):
    from sim.cli import main

    def dies(*a, **k):
        raise city.CityRunError("cogov city: local worker 1 (pid 9) died while running days 1-30")

    monkeypatch.setattr(city, "run_city", dies)
    out = tmp_path / "out"
    assert main(["city", "run", str(one_street(tmp_path)), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "died while running days 1-30" in err
    assert not out.exists()


def test_cogov_city_make_writes_a_city_that_loads(tmp_path, capsys):
    from sim.cli import main

    f = tmp_path / "sub" / "city.yaml"
    args = ["city", "make", str(f), "--streets", "6", "--districts", "2", "--households", "3000"]
    assert main(args) == 0
    c = city.load(f)
    assert len(c.streets) == 6 and len(c.spec.districts) == 2 and abs(c.households - 3000) < 6
    assert main(args) == 2  # never over a file without --overwrite
    assert "exists (--overwrite replaces it)" in capsys.readouterr().err
    bad = ["city", "make", str(tmp_path / "x.yaml"), "--scenario", "nope"]
    assert main(bad) == 2 and not (tmp_path / "x.yaml").exists()


def test_cogov_validate_knows_a_city_file(tmp_path, capsys):
    from sim.cli import main

    assert main(["validate", str(ROOT / "scenarios" / "cities" / "example.yaml")]) == 0
    assert "city example_city: 5 streets in 2 districts" in capsys.readouterr().out
    bad = write(tmp_path, {"districts": [{"name": "d", "streets": [{"scenario": "nope"}]}]})
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "districts.0.streets.0.scenario: no such scenario" in err


def test_an_unreachable_scheduler_is_one_line_before_any_street_is_built(tmp_path, capsys):
    from sim.cli import main

    out = tmp_path / "out"
    args = ["city", "run", str(one_street(tmp_path)), "--scheduler", "not-an-address", "--out"]
    assert main([*args, str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("--scheduler not-an-address:")
    assert not out.exists()


def _city_sweep(tmp_path, **extra) -> Path:
    write(
        tmp_path,
        {
            "days": 60,
            "ranking": {"enabled": True},
            "districts": [
                {"name": "a", "departments": "all", "streets": [
                    {"scenario": "solo", "name": "s", "count": 2, "overrides": SMALL}]},
                {"name": "b", "streets": [{"scenario": "chorus", "name": "c", "overrides": SMALL}]},
            ],
        },
    )  # fmt: skip
    spec = {
        "base": "city.yaml",
        "axes": {"levers.cadres.enabled": [True], "levers.cadres.per_grid": [0, 2]},
        "replications": 2,
        **extra,
    }
    p = tmp_path / "sweep.yaml"
    p.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return p


def test_a_sweep_over_a_city_runs_the_whole_city_at_every_point(tmp_path):
    from sim.sweep import load_results, run_sweep
    from sim.sweep.spec import load as load_sweep

    sweep = load_sweep(_city_sweep(tmp_path))
    assert sweep.city is not None and len(sweep.points) == 2
    assert sweep.spec.metrics == (
        "resolution_rate",
        "callback_resolution_rate",
        "satisfaction_rate",
    )
    run_sweep(sweep, tmp_path / "out", workers=2, progress=False)
    runs = load_results(tmp_path / "out").sort_values(["point", "replication"])
    assert len(runs) == 4 and set(runs["streets"]) == {3}
    # a point's row is the city run whole with the point's values in every street
    c = city.load(tmp_path / "city.yaml").with_params(
        lambda s: s.with_levers(cadres={"enabled": True, "per_grid": 2})
    )
    row = runs[(runs["point"] == sweep.points[1].id) & (runs["replication"] == 1)].iloc[0]
    alone = city.run.summary(city.run_city(c, seed=int(row["seed"])))
    for k in ("resolution_rate", "callback_resolution_rate", "taken_in", "households"):
        assert row[k] == alone[k], k
    assert not runs.groupby("point")["resolution_rate"].mean().duplicated().any()


@pytest.mark.parametrize(
    "extra, expect",
    [
        ({"metrics": ["bounces_per_case"]}, "metrics: 'bounces_per_case' is not a city figure"),
        ({"keep_daily": True}, "keep_daily: a city sweep keeps each run's figures only"),
        ({"overrides": {"residents": {"voice": 2}}}, "overrides: residents.voice"),
    ],
)
def test_a_bad_city_sweep_is_one_line(tmp_path, extra, expect):
    from sim.sweep.spec import SweepError
    from sim.sweep.spec import load as load_sweep

    with pytest.raises(SweepError) as e:
        load_sweep(_city_sweep(tmp_path, **extra))
    assert "\n" not in str(e.value) and expect in str(e.value), str(e.value)


def _city_targets(tmp_path, case_extra=None) -> Path:
    _city_sweep(tmp_path)  # writes city.yaml
    case = {
        "scenario": "city.yaml",
        "period": [0, 60],
        "targets": {"resolution_rate": [0.7, 0.02], "callback_satisfaction_rate": [0.8, 0.03]},
        **(case_extra or {}),
    }
    data = {
        "source": "made-up figures (a test)",
        "replications": 1,
        "parameters": {"scale.department_success": [0.5, 1.5]},
        "cases": [case],
    }
    p = tmp_path / "targets.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return p


def test_a_calibration_fits_a_city_and_writes_the_fitted_city(tmp_path):
    import json

    from sim.calibration.fit import calibrate

    targets = _city_targets(tmp_path)
    calibrate(targets, tmp_path / "out", budget=120, seed=3, progress=False, figures=False)
    fit = json.loads((tmp_path / "out" / "fit.json").read_text())
    best = fit["best"]["scale.department_success"]
    assert 0.5 <= best <= 1.5 and {r["metric"] for r in fit["targets"]} == {
        "resolution_rate", "callback_satisfaction_rate"}  # fmt: skip
    fitted = city.load(tmp_path / "out" / "fitted" / "case0_city.yaml")
    assert len(fitted.streets) == 3 and fitted.days == 60
    assert {s.params.scale.department_success for s in fitted.streets} == {best}
    assert fitted.spec.ranking.enabled  # the city file as written, with the fitted values


@pytest.mark.parametrize(
    "extra, expect",
    [
        (
            {"targets": {"bounces_per_case": [1.0, 0.1]}},
            "targets.bounces_per_case: not a city figure",
        ),
        ({"period": [0, 45]}, "period: a city's figures are for whole 30-day months"),
    ],
)
def test_a_bad_city_case_is_one_line(tmp_path, extra, expect):
    from sim.calibration.targets import TargetsError
    from sim.calibration.targets import load as load_targets

    with pytest.raises(TargetsError) as e:
        load_targets(_city_targets(tmp_path, extra))
    assert "\n" not in str(e.value) and expect in str(e.value), str(e.value)
