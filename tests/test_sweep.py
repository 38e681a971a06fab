"""Sweeps: spec validation, executors agree, kill-and-resume, failures, analysis."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.sweep import analyze, load, load_failures, load_manifest, load_results, run_sweep
from sim.sweep.spec import SweepError

ROOT = Path(__file__).resolve().parent.parent
TINY = {"community": {"residents": 300, "grid_size": [50, 100]}}


def write_spec(path: Path, **spec) -> Path:
    data = {
        "base": "solo",
        "overrides": TINY,
        "design": "grid",
        "axes": {"levers.cadres.per_grid": [0, 2], "departments.*.acceptance": [0.4, 0.8]},
        "replications": 2,
        "seed": 11,
        "days": 30,
        **spec,
    }
    data["overrides"] = {**TINY, **data["overrides"]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def spec(tmp_path):
    return write_spec(tmp_path / "tiny.yaml", overrides={"levers": {"cadres": {"enabled": True}}})


def run_cli(argv, capsys):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


# ---------------------------------------------------------------- spec and paths
def test_design_points_and_common_seeds(spec):
    sw = load(spec)
    assert len(sw.points) == 4 and len(sw.tasks()) == 8
    s = sw.params[sw.points[-1].id]
    assert s.levers.cadres.per_grid == 2
    assert {d.acceptance for d in s.departments} == {0.8}  # departments.* sets every one
    by_rep = {}
    for t in sw.tasks():  # replication i: the same seed at every point
        by_rep.setdefault(t.meta["replication"], set()).add(t.seed)
    assert all(len(v) == 1 for v in by_rep.values()) and len(by_rep) == 2


def test_axis_by_department_name(tmp_path):
    sw = load(write_spec(tmp_path / "s.yaml", axes={"departments.court.acceptance": [0.1]}))
    deps = {d.name: d.acceptance for d in sw.params[sw.points[0].id].departments}
    assert deps["court"] == 0.1 and deps["police"] != 0.1


@pytest.mark.parametrize(
    "change, expect",
    [
        ({"bogus": 1}, "bogus: unknown key (allowed here: name, description, base"),
        ({"design": "sobol"}, "axes.levers.cadres.per_grid: design sobol samples ranges"),
        ({"axes": {"levers.cadres.per_grid": [80]}}, "levers.cadres.per_grid: must be <= 50"),
        ({"axes": {"levers.cadres.nope": [1]}}, "levers.cadres.nope: unknown key"),
        ({"axes": {"departments.nosuch.acceptance": [0.5]}}, "no item named 'nosuch'"),
        ({"axes": {"Levers": [1]}}, "is not a dotted parameter path"),
        ({"base": "nosuch"}, "base: no such scenario 'nosuch'"),
        ({"replications": 0}, "replications: must be >= 1"),
        (
            {"design": "sobol", "samples": 6, "axes": {"residents.voice": {"low": 0, "high": 1}}},
            "samples: sobol needs a power of 2",
        ),
    ],
)
def test_spec_errors_one_line_exit_2(tmp_path, capsys, change, expect):
    bad = write_spec(tmp_path / "bad.yaml", **change)
    code, _, err = run_cli(["sweep", bad, "--out", tmp_path / "o", "--quiet"], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(bad) in lines[0] and expect in lines[0], lines[0]
    assert not (tmp_path / "o").exists()


def test_bundled_sweeps_validate():
    for name in ("classroom", "cadres_x_acceptance", "sobol_levers", "assumptions"):
        sw = load(ROOT / "scenarios" / "sweeps" / f"{name}.yaml")
        assert sw.tasks()
    assert len(load(ROOT / "scenarios/sweeps/sobol_levers.yaml").points) == 256 * (6 + 2)


def test_points_validated_by_section_are_the_fully_validated_scenarios():
    """Only the sections a point changes are validated again; the scenario is the same
    as a full validation's, and what a full validation refuses is still refused."""
    from sim.params import Scenario
    from sim.sweep.paths import set_path

    for name in ("classroom", "cadres_x_acceptance", "sobol_levers", "assumptions"):
        sw = load(ROOT / "scenarios" / "sweeps" / f"{name}.yaml")
        sides = [(sw.base, sw.params)] + ([(sw.versus, sw.versus_params)] if sw.paired else [])
        for base, params in sides:
            dump = base.model_dump(mode="json")
            for p in sw.points[:: max(1, len(sw.points) // 40)]:
                data = dump
                for k, v in p.values.items():
                    data = set_path(data, k, v)
                full = Scenario.model_validate_json(json.dumps(data, default=str), strict=True)
                assert params[p.id] == full.model_copy(update={"name": base.name}), (name, p.id)


@pytest.mark.parametrize(
    ("axes", "overrides", "expect"),
    [
        ({"levers.campaign.category": ["nosuch"]}, {"levers": {"campaign": {"enabled": True}}},
         "levers.campaign.category: unknown category 'nosuch'"),
        ({"levers.cadres.per_grid": [2, -1]}, {}, "levers.cadres.per_grid"),
        ({"residents.voice": [True]}, {}, "residents.voice"),
    ],
)  # fmt: skip
def test_a_point_refused_across_sections_or_strictly_names_the_field(
    tmp_path, capsys, axes, overrides, expect
):
    bad = write_spec(tmp_path / "bad.yaml", axes=axes, overrides=overrides)
    code, _, err = run_cli(["sweep", bad, "--out", tmp_path / "o", "--quiet"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert expect in err, err


# ---------------------------------------------------------------- executors agree
def test_serial_local_pool_and_dask_identical(spec, tmp_path):
    from distributed import LocalCluster

    run_sweep(spec, tmp_path / "serial", workers=1, progress=False)
    run_sweep(spec, tmp_path / "pool", workers=2, progress=False)
    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        r = run_sweep(spec, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    assert r.complete and not r.failed
    a = load_results(tmp_path / "serial")
    assert len(a) == 8 and a["key"].is_unique
    pd.testing.assert_frame_equal(a, load_results(tmp_path / "pool"))
    pd.testing.assert_frame_equal(a, load_results(tmp_path / "dask"))
    # the design point and seed travel with each run
    row = a.iloc[-1]
    assert row["levers.cadres.per_grid"] == 2 and row["departments.*.acceptance"] == 0.8
    assert json.loads(row["point_values"])["levers.cadres.per_grid"] == 2


def test_keep_daily_written(tmp_path):
    sp = write_spec(
        tmp_path / "d.yaml", keep_daily=True, replications=1, axes={"levers.cadres.per_grid": [0]}
    )
    run_sweep(sp, tmp_path / "o", progress=False)
    daily = load_results(tmp_path / "o", daily=True)
    assert len(daily) == 30 and set(daily["key"]) == {"p0000-r000"}


# ---------------------------------------------------------------- kill, resume, refuse
def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    sp = write_spec(
        tmp_path / "k.yaml",
        overrides={"community": {"residents": 600, "grid_size": [80, 120]}},
        axes={"levers.cadres.per_grid": [0, 1, 2, 3], "residents.voice": [0.4, 0.7]},
        replications=3,
        days=60,
        seed=5,
    )
    total = 24
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(sp), "--out", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            n = len(list((out / "runs").glob("*.parquet"))) if (out / "runs").is_dir() else 0
            if n >= 3 or proc.poll() is not None:
                break
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    partial = len(list((out / "runs").glob("*.parquet")))
    assert 3 <= partial < total, partial

    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert f"{total - partial} now, {partial} before" in res.stderr

    run_sweep(sp, tmp_path / "whole", progress=False)
    resumed, whole = load_results(out), load_results(tmp_path / "whole")
    assert len(resumed) == total and resumed["key"].is_unique
    pd.testing.assert_frame_equal(resumed, whole)
    assert not list(out.glob("*/.*.tmp"))
    assert load_manifest(out)["status"]["state"] == "complete"

    # a third time: nothing to do, nothing duplicated
    r = run_sweep(sp, out, progress=False)
    assert r.done == 0 and r.already_done == total
    assert len(load_results(out)) == total


def test_different_spec_same_dir_refused(spec, tmp_path, capsys):
    out = tmp_path / "o"
    run_sweep(spec, out, progress=False)
    other = write_spec(tmp_path / "other.yaml", axes={"levers.cadres.per_grid": [0, 3]})
    code, _, err = run_cli(["sweep", other, "--out", out, "--quiet"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "holds a different sweep" in err and str(out) in err
    with pytest.raises(SweepError):
        run_sweep(other, out, progress=False)
    assert len(load_results(out)) == 8  # untouched


def test_non_sweep_folder_refused(spec, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match=r"not empty and has no manifest\.json"):
        run_sweep(spec, out, progress=False)


# ---------------------------------------------------------------- failures
def test_failing_run_recorded_rest_completes(tmp_path, capsys):
    bad_graph = tmp_path / "broken.graphml"
    bad_graph.write_text("this is not a graph\n")  # exists, so it passes validation
    sp = write_spec(
        tmp_path / "f.yaml",
        design="list",
        axes={},
        points=[
            {"levers.cadres.per_grid": 0},
            {"community.graph_file": str(bad_graph)},  # the model raises when it loads it
            {"levers.cadres.per_grid": 1},
        ],
    )
    out = tmp_path / "o"
    code, _, err = run_cli(["sweep", sp, "--out", out, "--workers", 2, "--quiet"], capsys)
    assert code == 1
    assert "2 runs failed" in err and "p0001-r000: GraphFileError" in err
    fails = load_failures(out)
    assert [f["key"] for f in fails] == ["p0001-r000", "p0001-r001"]
    assert "GraphFileError" in fails[0]["error"] and "Traceback" in fails[0]["traceback"]
    assert sorted(load_results(out)["point"].unique()) == ["p0000", "p0002"]

    code, _, err = run_cli(["sweep", sp, "--out", out, "--quiet"], capsys)
    assert code == 1 and "2 earlier failures not re-run" in err and "--retry-failed" in err
    code, _, err = run_cli(["sweep", sp, "--out", out, "--quiet", "--retry-failed"], capsys)
    assert code == 1 and "2 runs failed" in err and "(0 now, 4 before)" in err


# ---------------------------------------------------------------- analysis
def test_analyze_writes_table_and_figures(spec, tmp_path, capsys):
    out = tmp_path / "o"
    run_sweep(spec, out, progress=False)
    code, table, _ = run_cli(["analyze", out, "--metrics", "resolution_rate"], capsys)
    assert code == 0 and "p0003" in table and "[" in table
    a = out / "analysis"
    pts = pd.read_parquet(a / "points.parquet")
    assert len(pts) == 4 and {"resolution_rate_ci_low", "resolution_rate_ci_high"} <= set(pts)
    assert (a / "points.csv").is_file()
    meta = json.loads((a / "analysis.json").read_text())
    assert meta["provenance"]["version"] and meta["sweep_provenance"]["seeds"]
    for ext in ("png", "svg"):
        assert (a / f"main_effects_resolution_rate.{ext}").stat().st_size > 1000
    res = analyze(out, metrics=["satisfaction_rate"], figures=False)
    assert set(res.effects["axis"]) == {"levers.cadres.per_grid", "departments.*.acceptance"}


def test_analyze_not_a_sweep(tmp_path, capsys):
    code, _, err = run_cli(["analyze", tmp_path], capsys)
    assert code == 2 and "not a sweep folder" in err


@pytest.mark.parametrize("design", ["sobol", "morris"])
def test_sampler_analyze_gives_indices(tmp_path, design):
    sp = write_spec(
        tmp_path / f"{design}.yaml",
        overrides={"levers": {"cadres": {"enabled": True}}},
        design=design,
        samples=4,
        axes={
            "levers.cadres.per_grid": {"low": 0, "high": 3},
            "grid_workers.per_grid": {"low": 1, "high": 3},  # an int: rounded
        },
        replications=1,
        days=20,
    )
    out = tmp_path / "o"
    r = run_sweep(sp, out, workers=2, progress=False)
    assert r.complete
    res = analyze(out, metrics=["resolution_rate"])
    idx = res.indices
    assert list(idx["parameter"]) == ["levers.cadres.per_grid", "grid_workers.per_grid"]
    cols = ["S1", "S1_conf", "ST", "ST_conf"] if design == "sobol" else ["mu_star", "sigma"]
    assert idx[cols].notna().all().all()
    assert (res.out / f"{design}_indices.csv").is_file()
    assert (res.out / f"{design}_resolution_rate.png").is_file()
    assert (res.out / f"{design}_resolution_rate.svg").is_file()
    assert set(load_results(out)["grid_workers.per_grid"]) <= {1, 2, 3}


def test_lhs_design_is_seeded(tmp_path):
    kw = dict(design="lhs", samples=5, axes={"residents.voice": {"low": 0.2, "high": 0.8}})
    a = load(write_spec(tmp_path / "a.yaml", **kw))
    b = load(write_spec(tmp_path / "b.yaml", **kw))
    va = [p.values["residents.voice"] for p in a.points]
    assert va == [p.values["residents.voice"] for p in b.points]
    assert all(0.2 <= v <= 0.8 for v in va) and len(set(va)) == 5


def test_csv_design(tmp_path):
    (tmp_path / "pts.csv").write_text("levers.cadres.per_grid,residents.voice\n0,0.3\n2,0.6\n")
    sw = load(write_spec(tmp_path / "c.yaml", design="csv", axes={}, points_file="pts.csv"))
    assert [p.values for p in sw.points] == [
        {"levers.cadres.per_grid": 0, "residents.voice": 0.3},
        {"levers.cadres.per_grid": 2, "residents.voice": 0.6},
    ]


# ---------------------------------------------------------------- one folder, two processes
def test_two_sweeps_on_one_folder_one_proceeds_the_other_refuses_or_waits(tmp_path):
    sp = write_spec(  # long enough (~6 s) for the others to start while it runs
        tmp_path / "two.yaml",
        overrides={"community": {"residents": 4000}},
        axes={"levers.cadres.per_grid": [0, 1, 2, 3], "residents.voice": [0.4, 0.7]},
        replications=25,
        days=365,
    )
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(sp), "--out", str(out), "--quiet"]
    first = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60  # wait until the first holds the folder
        while not (out / "manifest.json").is_file() and time.monotonic() < deadline:
            time.sleep(0.02)
        second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
        waiter = subprocess.Popen([*cmd, "--wait"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        _, err1 = first.communicate(timeout=120)
        _, err3 = waiter.communicate(timeout=120)
    finally:
        first.kill()
    assert first.returncode == 0, err1
    assert second.returncode == 2, second.stderr
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "another cogov sweep (pid" in lines[0] and str(out) in lines[0]
    assert waiter.returncode == 0 and "(0 now, 200 before)" in err3, err3  # waited its turn
    run_sweep(sp, tmp_path / "whole", progress=False)
    pd.testing.assert_frame_equal(load_results(out), load_results(tmp_path / "whole"))
    assert not list(out.glob("*/.*.tmp"))


def test_resume_reruns_damaged_run_files(spec, tmp_path):
    out = tmp_path / "o"
    run_sweep(spec, out, progress=False)
    whole = load_results(out)
    runs = sorted((out / "runs").glob("*.parquet"))
    runs[0].write_bytes(runs[0].read_bytes()[:50])  # truncated by a crash
    runs[1].write_bytes(runs[2].read_bytes())  # another run's row under this name
    r = run_sweep(spec, out, progress=False)
    assert sorted(r.damaged) == sorted([runs[0].stem, runs[1].stem])
    assert r.done == 2 and r.already_done == 6 and r.complete
    pd.testing.assert_frame_equal(load_results(out), whole)


def test_a_live_processs_temporary_file_is_not_cleaned_away(spec, tmp_path):
    out = tmp_path / "o"
    run_sweep(spec, out, progress=False)
    mine = out / "runs" / f".p0000-r000.parquet.{os.getpid()}-0123abcd.tmp"  # alive: this one
    dead = out / "runs" / ".p0000-r000.parquet.999999999-0123abcd.tmp"
    mine.write_text("writing")
    dead.write_text("left by a killed process")
    run_sweep(spec, out, progress=False)
    assert mine.exists() and not dead.exists()


# ---------------------------------------------------------------- paired sweeps
def paired_spec(path: Path, **spec) -> Path:
    data = {
        "compare": ["solo", "chorus"],
        "overrides": TINY,
        "design": "grid",
        "axes": {"scale.department_acceptance": [0.5, 1.5], "residents.voice": [0.3, 0.8]},
        "replications": 2,
        "seed": 11,
        "days": 20,
        **spec,
    }
    data = {k: v for k, v in data.items() if v is not None}  # None: leave the key out
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_paired_gain_equals_the_two_scenarios_run_separately(tmp_path):
    import sim
    from sim import scenarios

    sp = paired_spec(tmp_path / "p.yaml")
    r = run_sweep(sp, tmp_path / "o", workers=2, progress=False)
    assert r.complete and r.total == 8  # one task, one file per pair
    df = load_results(tmp_path / "o")
    assert len(list((tmp_path / "o" / "runs").glob("*.parquet"))) == 8
    metrics = ("resolution_rate", "satisfaction_rate", "resolutions_per_100_total_hours")
    for row in df.to_dict("records"):
        values = json.loads(row["point_values"])
        over = {"community": TINY["community"], "scale": {}, "residents": {}}
        over["scale"]["department_acceptance"] = values["scale.department_acceptance"]
        over["residents"]["voice"] = values["residents.voice"]
        alone = {n: sim.run(scenarios.load(n, **over), seed=row["seed"], days=20).summary
                 for n in ("solo", "chorus")}  # fmt: skip
        for m in metrics:
            assert row[f"solo_{m}"] == alone["solo"][m]
            assert row[f"chorus_{m}"] == alone["chorus"][m]
            assert row[f"gain_{m}"] == alone["chorus"][m] - alone["solo"][m]
    assert (df["gain_resolution_rate"] > 0).mean() >= 0.5  # the chorus usually gains
    manifest = load_manifest(tmp_path / "o")
    assert manifest["compare"]["names"] == ["solo", "chorus"]
    assert set(manifest["provenance"]["scenarios"]) == {"solo", "chorus"}


def test_paired_sweep_same_on_serial_pool_and_dask(tmp_path):
    from distributed import LocalCluster

    sp = paired_spec(tmp_path / "p.yaml", replications=1, keep_daily=True)
    run_sweep(sp, tmp_path / "serial", workers=1, progress=False)
    run_sweep(sp, tmp_path / "pool", workers=2, progress=False)
    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        run_sweep(sp, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    a = load_results(tmp_path / "serial")
    assert len(a) == 4 and {"solo_seed", "chorus_seed"}.isdisjoint(a.columns)
    for other in ("pool", "dask"):
        pd.testing.assert_frame_equal(a, load_results(tmp_path / other))
        pd.testing.assert_frame_equal(
            load_results(tmp_path / "serial", daily=True),
            load_results(tmp_path / other, daily=True),
        )
    daily = load_results(tmp_path / "serial", daily=True)
    assert set(daily["side"]) == {"solo", "chorus"} and len(daily) == 4 * 2 * 20


@pytest.mark.parametrize(
    "change, expect",
    [
        ({"compare": ["solo"]}, "compare: give exactly two scenarios"),
        ({"compare": ["solo", "chorus", "cadres"]}, "compare: give exactly two scenarios"),
        ({"base": "solo"}, "base: give either base: SCENARIO, or compare: [A, B]"),
        ({"compare": ["solo", "solo"]}, "both scenarios are named 'solo'"),
        ({"compare": ["solo", "nosuch"]}, "compare: no such scenario 'nosuch'"),
        ({"compare": None}, "base: give either base: SCENARIO, or compare: [A, B]"),
    ],
)
def test_paired_spec_errors_one_line_exit_2(tmp_path, capsys, change, expect):
    bad = paired_spec(tmp_path / "bad.yaml", **change)
    code, _, err = run_cli(["sweep", bad, "--out", tmp_path / "o", "--quiet"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert str(bad) in err and expect in err, err
    assert not (tmp_path / "o").exists()


def test_paired_side_named_gain_is_refused(tmp_path):
    (tmp_path / "gain.yaml").write_text("extends: chorus\n", encoding="utf-8")
    with pytest.raises(SweepError, match="'gain' prefixes the columns and is reserved"):
        load(paired_spec(tmp_path / "p.yaml", compare=["solo", "gain.yaml"]))


def test_single_sweeps_keep_their_hash(spec):
    """Folders made before paired sweeps existed still resume: `compare` is not hashed."""
    from sim.sweep.spec import spec_hash

    sw = load(spec)
    h = spec_hash(sw)
    sw.spec = sw.spec.model_copy(update={"compare": ["x", "y"]})  # hashed only when paired
    assert spec_hash(sw) == h


def test_paired_sobol_analyze_reports_gain_indices(tmp_path, capsys):
    sp = paired_spec(
        tmp_path / "s.yaml",
        design="sobol",
        samples=4,
        axes={
            "scale.department_acceptance": {"low": 0.5, "high": 1.5},
            "residents.voice": {"low": 0.3, "high": 0.8},
        },
        replications=1,
        days=10,
        metrics=["resolution_rate", "resolutions_per_100_total_hours"],
    )
    run_sweep(sp, tmp_path / "o", workers=2, progress=False)
    code, table, err = run_cli(["analyze", tmp_path / "o", "--no-figures"], capsys)
    assert code == 0, err
    idx = pd.read_csv(tmp_path / "o" / "analysis" / "sobol_indices.csv")
    assert set(idx["metric"]) == {"gain_resolution_rate", "gain_resolutions_per_100_total_hours"}
    assert "gain_resolution_rate" in table
    res = analyze(tmp_path / "o", metrics=["resolution_rate"], sides=True, figures=False)
    assert set(res.indices["metric"]) == {
        "gain_resolution_rate",
        "solo_resolution_rate",
        "chorus_resolution_rate",
    }
    for line in res.warnings:  # 4 samples: one line each, naming the fix
        assert line.split(":")[0] in set(res.indices["metric"])
        assert "samples instead of 4" in line or "raise `samples`" in line
    code, _, err = run_cli(
        ["analyze", tmp_path / "o", "--metrics", "nosuch", "--out", tmp_path / "a"], capsys
    )
    assert code == 2 and "known: gain_" in err


def test_index_warnings_say_how_many_samples():
    from sim.sweep.analysis import index_warnings

    idx = pd.DataFrame(
        {
            "metric": ["gain_x", "gain_x", "gain_x", "gain_y"],
            "parameter": ["a", "b", "c", "a"],
            "S1": [0.5, 0.02, 0.001, 0.6],
            "S1_conf": [0.1, 0.01, 0.01, 0.05],  # c: wider than 0.001, but surely < 0.05
            "ST": [0.6, 0.1, 0.002, 0.7],
            "ST_conf": [0.1, 0.3, 0.001, 0.05],  # b's total index: CI 3x the index
        }
    )
    (line,) = index_warnings(idx, "sobol", 64)  # gain_y reads well: no line
    assert line.startswith("gain_x: 1 of 6 sobol indices") and "cannot be read" in line
    assert "another 1 are as wide but within 0.1 of 0" in line
    assert "about 1,024 samples instead of 64" in line  # 64 x (0.3 / 0.1)^2 = 576 -> 2^10
    assert index_warnings(idx[idx["parameter"] != "b"], "sobol", 64) == []


def test_assumptions_sweep_is_paired_and_covers_the_assumptions():
    sw = load(ROOT / "scenarios" / "sweeps" / "assumptions.yaml")
    assert sw.paired and sw.names == ("solo", "chorus")
    assert sw.spec.design in ("sobol", "lhs")
    wanted = {
        "scale.department_acceptance",
        "scale.department_success",
        "grid_workers.success",
        "grid_workers.hours_per_day",
        "scale.caseload",
        "residents.voice",
        "street_office.info_loss",
        "levers.whistle.coordination",
        "levers.workstation.coordination",
        "levers.mediation.coordination",
        "levers.whistle.mandate_gain",
        "levers.workstation.mandate_gain",
        "levers.mediation.mandate_gain",
        "grid_workers.rushed_success",
        "grid_workers.retry_after_helper",  # the retry chain's second attempt (issue 21)
    }
    assert wanted <= set(sw.axes)
    for t in sw.tasks()[:3]:  # every task runs both: one seed, the same point values
        assert t.versus is not None and t.names == ("solo", "chorus")
        assert not t.params.levers.cadres.enabled and t.versus.levers.cadres.enabled
