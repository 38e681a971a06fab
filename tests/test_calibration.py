# ruff: noqa: E501  (the table of bad files reads best one case per line)
"""Calibration (`cogov calibrate`): recovery of known parameters, determinism on any
executor and across a SIGKILL, the outputs it promises, one-line errors for bad targets."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

pytest.importorskip("pyabc")

import sim
from sim.calibration import calibrate, load
from sim.calibration.targets import METRICS
from sim.cli import main
from sim.metrics import window
from sim.params import CommunityParams
from sim.scenarios import load as load_scenario

ROOT = Path(__file__).resolve().parent.parent
# a street of 400 households for 60 days: a run takes milliseconds
SMALL = {"community": {"residents": 400, "grid_size": [50, 100]}}
# the explanation is one of the three parts of satisfaction (docs/model.md §7.8)
KNOWN = {"scale.department_success": 0.75, "residents.explanation": 0.45}
PRIORS = {"scale.department_success": [0.3, 1.3], "residents.explanation": [0.0, 1.0]}


def targets_file(folder: Path, targets: dict, **change) -> Path:
    spec = {
        "name": "recovery",
        "source": "simulated from known parameters (tests/test_calibration.py)",
        "replications": 2,
        "parameters": PRIORS,
        "cases": [{"scenario": "solo", "days": 60, "overrides": SMALL, "targets": targets}],
        **change,
    }
    path = folder / "targets.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def observed(tmp_path_factory) -> dict:
    """Targets made by the model itself at KNOWN: means of 40 runs, a stated error."""
    folder = tmp_path_factory.mktemp("known")
    t = load(targets_file(folder, {"resolution_rate": [0.5, 0.1]}))
    s = t.cases[0].scenario(KNOWN)
    runs = [sim.run(s, seed, days=60, daily=False).summary for seed in range(40)]
    return {
        m: [float(np.mean([r[m] for r in runs])), 0.02]
        for m in ("resolution_rate", "satisfaction_rate")
    }


@pytest.fixture(scope="module")
def recovered(tmp_path_factory, observed):
    folder = tmp_path_factory.mktemp("recovery")
    path = targets_file(folder, observed)
    r = calibrate(path, folder / "out", budget=1600, seed=3, progress=False)
    return path, folder / "out", r


def test_known_parameters_inside_the_posterior_90_percent_intervals(recovered):
    _, _, r = recovered
    for path, value in KNOWN.items():
        s = r.fit["posterior"][path]
        assert s["q05"] <= value <= s["q95"], (path, value, s)
    # and the posterior learned something: narrower than the prior for both
    for path, (low, high) in PRIORS.items():
        s = r.fit["posterior"][path]
        assert s["q95"] - s["q05"] < 0.8 * (high - low), (path, s)


def test_outputs_posterior_fit_fitted_figures(recovered):
    _, out, r = recovered
    post = pd.read_parquet(out / "posterior.parquet")
    assert list(post.columns) == [*PRIORS, "weight", "distance"]
    assert len(post) == r.fit["population"] and post["weight"].sum() == pytest.approx(1.0)
    for path, (low, high) in PRIORS.items():
        assert post[path].between(low, high).all()
    fit = json.loads((out / "fit.json").read_text(encoding="utf-8"))
    assert set(fit["best"]) == set(PRIORS)
    assert 0 < fit["runs"] <= 1600
    assert [t["metric"] for t in fit["targets"]] == ["resolution_rate", "satisfaction_rate"]
    for t in fit["targets"]:
        assert t["ci_low"] <= t["simulated_mean"] <= t["ci_high"]
        assert set(t) >= {"case", "metric", "observed", "se", "simulated_mean", "ci_low"}
    prov = fit["provenance"]
    assert prov["version"] == sim.__version__ and prov["targets_hash"] and prov["seeds"]
    for name in ("marginals", "pairwise", "observed_vs_simulated"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 1000
    # the fitted scenario runs from the command line and holds the best draw
    (fitted,) = (out / "fitted").glob("*.yaml")
    s = load_scenario(fitted)
    assert s.scale.department_success == pytest.approx(fit["best"]["scale.department_success"])
    assert s.residents.explanation == pytest.approx(fit["best"]["residents.explanation"])
    assert fit["ess"] > 1 and fit["stopped"] in ("min_epsilon", "budget", "generations")
    assert fit["epsilon_per_target_se"] == pytest.approx(fit["epsilon"] / np.sqrt(2))
    assert fit["at_bounds"] == []  # the known values sit inside the priors
    assert main(["run", str(fitted), "--days", "5", "--out", str(out.parent / "run")]) == 0


def test_rerun_resumes_and_a_larger_budget_goes_on(recovered, tmp_path):
    path, out, r = recovered
    again = calibrate(path, out, budget=1600, seed=3, progress=False)
    assert again.posterior.equals(r.posterior) and again.fit["runs"] == r.fit["runs"]
    more = calibrate(path, out, budget=2400, seed=3, progress=False)
    assert more.fit["runs"] > r.fit["runs"] and more.generations > r.generations
    # ... exactly as a calibration given that budget from the start
    fresh = calibrate(path, tmp_path / "fresh", budget=2400, seed=3, progress=False)
    assert fresh.posterior.equals(more.posterior)


def test_same_posterior_on_local_workers(recovered, tmp_path):
    path, _, r = recovered
    two = calibrate(path, tmp_path / "two", budget=1600, seed=3, workers=2, progress=False)
    assert two.posterior.equals(r.posterior)
    assert two.fit["targets"] == r.fit["targets"]


def test_same_posterior_on_dask(recovered, tmp_path):
    distributed = pytest.importorskip("distributed")
    path, _, r = recovered
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        on = calibrate(path, tmp_path / "dask", budget=1600, seed=3, scheduler=cluster,
                       progress=False)  # fmt: skip
    assert on.posterior.equals(r.posterior)


def _generations(db: Path) -> int:
    try:
        # read-only: a plain connect would create abc.db in the folder the run is making
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("select count(*) from populations where t >= 0").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_then_rerun_ends_with_the_unbroken_result(recovered, tmp_path):
    path, _, r = recovered
    out = tmp_path / "killed"
    argv = [sys.executable, "-m", "sim.cli", "calibrate", str(path), "--out", str(out),
            "--budget", "1600", "--seed", "3", "--quiet"]  # fmt: skip
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _generations(out / "abc.db") < 2 and proc.poll() is None:
        assert time.monotonic() < deadline, "no generation written in 120 s"
        time.sleep(0.05)
    assert proc.poll() is None, "finished before it could be killed: raise the budget"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "fit.json").exists()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert pd.read_parquet(out / "posterior.parquet").equals(r.posterior)
    fit = json.loads((out / "fit.json").read_text(encoding="utf-8"))
    assert fit["runs"] == r.fit["runs"] and fit["best"] == r.fit["best"]


def test_another_calibration_in_the_folder_is_refused(recovered, tmp_path, capsys):
    path, out, _ = recovered
    code = main(["calibrate", str(path), "--out", str(out), "--seed", "4", "--budget", "1600"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "--overwrite" in err


def test_bundled_targets_are_valid():
    for f in sorted((ROOT / "scenarios" / "targets").glob("*.yaml")):
        t = load(f)
        assert t.spec.source and t.cases and t.paths


# ---------------------------------------------------------------- bad targets files
GOOD = {
    "source": "test",
    "parameters": {"residents.voice": [0.2, 0.9]},
    "cases": [{"scenario": "solo", "days": 30, "targets": {"resolution_rate": [0.7, 0.02]}}],
}


def _case(**kw):
    return {"cases": [{**GOOD["cases"][0], **kw}]}


BAD = [
    ("unknown metric", _case(targets={"resolution": [0.7, 0.02]}), "targets.resolution: unknown metric"),
    ("unknown path", {"parameters": {"residents.voise": [0.2, 0.9]}}, "residents.voise"),
    ("unknown list item", {"parameters": {"departments.nobody.acceptance": [0.2, 0.9]}}, "no item named 'nobody'"),
    ("low > high", {"parameters": {"residents.voice": [0.9, 0.2]}}, "low must be < high"),
    ("empty cases", {"cases": []}, "cases: give at least one case"),
    ("rate above 1", _case(targets={"resolution_rate": [1.2, 0.02]}), "a rate must be in [0, 1]"),
    ("rate below 0", _case(targets={"satisfaction_rate": [-0.1, 0.02]}), "a rate must be in [0, 1]"),
    ("se of 0", _case(targets={"resolution_rate": [0.7, 0]}), "standard error must be > 0"),
    ("no targets", _case(targets={}), "targets: give at least one metric"),
    ("not a pair", _case(targets={"resolution_rate": 0.7}), "must be [observed, standard error]"),
    ("prior not a pair", {"parameters": {"residents.voice": [0.2]}}, "must be [low, high]"),
    ("no parameters", {"parameters": {}}, "parameters: give at least one path"),
    ("not a number", {"parameters": {"levers.whistle.enabled": [0, 1]}}, "only numbers can be fitted"),
    ("outside the field's range", {"parameters": {"residents.voice": [0.2, 1.5]}}, "residents.voice"),
    ("period past the run", _case(period=[0, 40]), "period: needs 0 <= A < B <= days (30)"),
    ("unknown key", {"replicates": 3}, "replicates: unknown key"),
    ("unknown case key", _case(scenarios="solo"), "cases.0.scenarios: unknown key"),
    ("no source", {"source": ""}, "source"),
    ("no such scenario", _case(scenario="nowhere"), "no such scenario 'nowhere'"),
    ("bad override", _case(overrides={"residents": {"voice": 2}}), "residents.voice"),
]  # fmt: skip


@pytest.mark.parametrize(("why", "change", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_targets_file_one_line_exit_2(tmp_path, capsys, monkeypatch, why, change, expected):
    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text(yaml.safe_dump({**GOOD, **change}), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(["calibrate", "t.yaml", "--out", "out"])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "t.yaml" in err and expected in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--budget", "10"], "--budget: 10 model runs"),
        (["--budget", "0"], "--budget"),
        (["--population", "2"], "--population"),
        (["--min-epsilon", "-1"], "--min-epsilon"),
        (["--workers", "2", "--scheduler", "tcp://x:1"], "not both"),
    ],
)
def test_bad_flags_one_line_exit_2(tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text(yaml.safe_dump(GOOD), encoding="utf-8")
    code = main(["calibrate", "t.yaml", "--out", "out", *argv])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and expected in err, err
    assert not Path("out").exists()


def test_every_window_metric_can_be_a_target():
    m = sim.CoGovModel(sim.solo(community=CommunityParams(residents=400, grid_size=(50, 100))))
    m.run(5)
    assert set(METRICS) <= set(window(m, 0, 5))


def test_validate_tells_targets_and_sweeps_from_scenarios(capsys):
    files = [
        "scenarios/targets/shanghai_2016.yaml",
        "scenarios/sweeps/classroom.yaml",
        "scenarios/sweeps/assumptions.yaml",  # a paired sweep: compare, not base
        "solo",
    ]
    assert main(["validate", *(str(ROOT / f) if "/" in f else f for f in files)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "targets shanghai_2016: 6 parameters" in out[0] and "sweep classroom" in out[1]
    assert "sweep assumptions" in out[2]


def test_too_many_workers_for_memory_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COGOV_MEMORY_GB", "0.4")  # one run of the street fits, 64 at once do not
    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text(yaml.safe_dump(GOOD), encoding="utf-8")
    code = main(["calibrate", "t.yaml", "--out", "out", "--workers", "64"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "--workers 64" in err, err
    assert not Path("out").exists()
