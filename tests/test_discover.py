"""`cogov discover`: PRIM / CART find a box the test planted; bad input is one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.cli import main
from sim.executors import Outcome
from sim.sweep import load_results, run_sweep, runner
from sim.sweep.discover import discover, threshold

ROOT = Path(__file__).resolve().parent.parent
TINY = {"community": {"residents": 400, "grid_size": [50, 100]}}
# the planted box: the chorus gains little exactly where acceptance is high and
# grid workers succeed often; elsewhere it gains a lot
BOX = {"scale.department_acceptance": (1.1, 1.5), "grid_workers.success": (0.8, 1.0)}
AXES = {
    "scale.department_acceptance": {"low": 0.5, "high": 1.5},
    "grid_workers.success": {"low": 0.5, "high": 1.0},
    "residents.voice": {"low": 0.3, "high": 0.8},  # irrelevant to the gain
}


def toy_gain(values: dict, rng) -> float:
    inside = all(lo <= values[a] <= hi for a, (lo, hi) in BOX.items())
    return (0.01 if inside else 0.15) + rng.normal(0, 0.004)


def toy_execute(tasks, workers=1, scheduler=None):
    """Stands in for the model: the gain is a known function of the axes."""
    for t in tasks:
        rng = np.random.default_rng(t.seed + int(t.meta["point"][1:]))
        gain = toy_gain(t.meta["values"], rng)
        cost = 10 - 2 * t.meta["values"]["scale.department_acceptance"]
        yield Outcome(
            t,
            {
                "seed": t.seed,
                "solo_resolution_rate": 0.7,
                "chorus_resolution_rate": 0.7 + gain,
                "gain_resolution_rate": gain,
                "solo_resolutions_per_100_total_hours": cost,
                "chorus_resolutions_per_100_total_hours": cost - 1,
                "gain_resolutions_per_100_total_hours": -1.0,
            },
        )


def write_spec(path: Path, **spec) -> Path:
    data = {
        "compare": ["solo", "chorus"],
        "overrides": TINY,
        "design": "lhs",
        "samples": 400,
        "axes": AXES,
        "replications": 2,
        "seed": 5,
        "days": 5,
        **spec,
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """A finished paired sweep folder whose gain is the toy function (no model runs)."""
    d = tmp_path_factory.mktemp("toy")
    mp = pytest.MonkeyPatch()
    mp.setattr(runner, "execute", toy_execute)
    try:
        r = run_sweep(write_spec(d / "toy.yaml"), d / "sweep", progress=False)
    finally:
        mp.undo()
    assert r.complete and r.total == 800
    return d / "sweep"


def run_cli(argv, capsys):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def inside_truth(d, b) -> float:
    """Share of the box's points that lie inside the planted box."""
    x = d.cases
    mask = np.ones(len(x), bool)
    for a, (lo, hi) in b.limits.items():
        mask &= (x[a] >= lo).to_numpy() & (x[a] <= hi).to_numpy()
    truth = np.ones(len(x), bool)
    for a, (lo, hi) in BOX.items():
        truth &= (x[a] >= lo).to_numpy() & (x[a] <= hi).to_numpy()
    return float((mask & truth).sum() / mask.sum())


# ---------------------------------------------------------------- the planted box
def test_prim_recovers_the_planted_box(toy):
    d = discover(toy, "gain_resolution_rate", below="0.05")
    assert d.n_interest == pytest.approx(0.4 * 0.4 * len(d.cases), rel=0.25)
    b = d.boxes[0]
    assert b.coverage >= 0.85 and b.density >= 0.9, b
    # the two axes that matter are restricted on the right side, near the truth
    # (PRIM peels 5 % of the points at a time, so a bound is within a step or two)
    lo, hi = b.limits["scale.department_acceptance"]
    assert abs(lo - 1.1) <= 0.06 and hi == pytest.approx(d.ranges["scale.department_acceptance"][1])
    lo, hi = b.limits["grid_workers.success"]
    assert abs(lo - 0.8) <= 0.03
    # the irrelevant axis is left alone, or nearly (it keeps most of its range)
    if "residents.voice" in b.limits:
        lo, hi = b.limits["residents.voice"]
        assert hi - lo >= 0.8 * 0.5
    assert inside_truth(d, b) >= 0.9
    assert b.side == {"scale.department_acceptance": "above", "grid_workers.success": "above"}
    en = b.sentence_en
    assert en.startswith("Chorus gains less than +5.0 points of resolution rate over solo when")
    assert "department acceptance multiplier is above 1.1" in en
    assert "grid workers' success is above 0.8" in en
    assert "部门接单率倍数高于 1.1" in b.sentence_zh and "个百分点" in b.sentence_zh
    # the cost side: both sides' resolutions per 100 hours inside the box
    cost = b.cost["resolutions_per_100_total_hours"]["inside"]
    assert cost["gain_resolutions_per_100_total_hours"] == pytest.approx(-1.0)


def test_pruning_drops_restrictions_that_chase_noise():
    """Cases of interest where a > 0.7, with 15 % of labels flipped: asked for a very
    dense box, PRIM also trims b, c and d around the flipped points; pruning drops those
    restrictions (quasi-p well above 0.05) and keeps a."""
    import pandas as pd

    from sim.sweep.boxes import MAX_QP, prim_boxes

    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(0, 1, (600, 4)), columns=list("abcd"))
    y = (x["a"] > 0.7).to_numpy() ^ (rng.uniform(size=600) < 0.15)
    (raw,), _ = prim_boxes(x, y, 1, 0.95, 0.05, 0.05, 0.05, prune=False)
    (pruned,), (traj,) = prim_boxes(x, y, 1, 0.95, 0.05, 0.05, 0.05, prune=True)
    weak = {a for a, p in raw.quasi_p.items() if all(v is None or v >= MAX_QP for v in p)}
    assert weak and weak <= {"b", "c", "d"}
    assert list(pruned.limits) == ["a"] and abs(pruned.limits["a"][0] - 0.7) < 0.05
    assert pruned.before_prune["res_dim"] == len(raw.limits)
    assert pruned.coverage > raw.coverage  # the box grew back where noise had trimmed it
    assert traj["pruned"].any() and traj.loc[traj["selected"], "pruned"].all()


def test_cart_recovers_the_planted_box(toy):
    d = discover(toy, "gain_resolution_rate", below="0.05", method="cart")
    b = d.boxes[0]
    assert b.coverage >= 0.85 and b.density >= 0.9
    assert abs(b.limits["scale.department_acceptance"][0] - 1.1) <= 0.06
    assert abs(b.limits["grid_workers.success"][0] - 0.8) <= 0.03
    assert "residents.voice" not in b.limits


def test_above_and_quantile_thresholds(toy):
    # where the chorus gains a lot: outside the planted box, e.g. where acceptance is low
    # (86 % of the points: a box must be at least halfway from that to 1 dense)
    d = discover(toy, "gain_resolution_rate", above="0.1")
    assert d.settings["density_floor"] == pytest.approx((1 + d.n_interest / 400) / 2)
    assert d.boxes[0].density >= 0.93 and inside_truth(d, d.boxes[0]) <= 1 - 0.93
    assert "gains more than +10.0 points" in d.boxes[0].sentence_en
    # a side's metric: solo's cost is 10 - 2 x acceptance, above 8.4 below acceptance 0.8
    d = discover(toy, "solo_resolutions_per_100_total_hours", above="8.4")
    assert list(d.boxes[0].limits) == ["scale.department_acceptance"]
    assert d.boxes[0].limits["scale.department_acceptance"][1] == pytest.approx(0.8, abs=0.02)
    assert d.boxes[0].density >= 0.95 and d.boxes[0].coverage >= 0.9
    assert d.boxes[0].sentence_en.startswith("Solo's resolutions per 100 total hours is above")
    assert "department acceptance multiplier is below 0.8" in d.boxes[0].sentence_en
    # a quantile is a value of the points: the sweep's lowest tenth lies in the box
    d = discover(toy, "gain_resolution_rate", below="q10")
    y = d.cases["gain_resolution_rate"]
    assert d.value == pytest.approx(float(np.quantile(y, 0.1)))
    assert d.n_interest == (y < d.value).sum()
    assert inside_truth(d, d.boxes[0]) >= 0.9
    assert "(q10 of the sweep's points)" in d.boxes[0].sentence_en


def test_cli_writes_report_json_figure_with_provenance(toy, tmp_path, capsys):
    out = tmp_path / "disc"
    argv = ["discover", toy, "--metric", "gain_resolution_rate", "--below", "0.05", "--out", out]
    code, text, err = run_cli(argv, capsys)
    assert code == 0, err
    assert "box 1: coverage" in text and "Chorus gains less than" in text and "当" in text
    body = json.loads((out / "discover.json").read_text(encoding="utf-8"))
    assert body["method"] == "prim" and body["threshold"]["value"] == 0.05
    assert body["provenance"]["version"] and body["sweep_provenance"]["seeds"]
    assert body["boxes"][0]["limits"]["grid_workers.success"]["side"] == "above"
    for name in ("boxes.csv", "peeling_trajectory.csv", "report.txt", "cases.csv"):
        assert (out / name).is_file(), name
    for ext in ("png", "svg"):
        assert (out / f"peeling_trajectory.{ext}").stat().st_size > 1000
    # the results are not replaced without --overwrite; --json prints one object
    code, _, err = run_cli(argv, capsys)
    assert code == 2 and "--overwrite" in err
    code, text, _ = run_cli([*argv, "--overwrite", "--json", "--method", "cart"], capsys)
    assert code == 0 and json.loads(text)["method"] == "cart"
    assert (out / "cart_leaves.png").is_file()


def test_default_folder_inside_the_sweep(toy, capsys):
    code, _, err = run_cli(
        ["discover", toy, "--metric", "gain_resolution_rate", "--below", "q25", "--no-figures"],
        capsys,
    )
    assert code == 0
    made = sorted(toy.glob("discover-gain_resolution_rate-*"))
    assert made and str(made[-1]) in err
    assert not list(made[-1].glob("*.png"))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "argv, expect",
    [
        (["--metric", "nosuch", "--below", "0.1"], "unknown metric 'nosuch'"),
        (["--metric", "resolution_rate", "--below", "0.1"], "did you mean gain_resolution_rate"),
        (["--metric", "gain_resolution_rate", "--below", "-0.5"], "no design point has"),
        (["--metric", "gain_resolution_rate", "--above", "0.9"], "no design point has"),
        (["--metric", "gain_resolution_rate", "--below", "5"], "every design point has"),
        (["--metric", "gain_resolution_rate", "--below", "abc"], "must be a number or a quant"),
        (["--metric", "gain_resolution_rate", "--below", "q100"], "q1 .. q99"),
        (["--metric", "gain_resolution_rate"], "one of the arguments --below --above"),
        (["--metric", "gain_resolution_rate", "--below", "0.1", "--above", "0.2"], "not allowed"),
        (["--metric", "gain_resolution_rate", "--below", "0.1", "--min-density", "2"], "<= 1"),
        (["--metric", "gain_resolution_rate", "--below", "0.1", "--method", "svm"], "choice"),
    ],
)
def test_bad_arguments_one_line_exit_2_nothing_written(toy, tmp_path, capsys, argv, expect):
    out = tmp_path / "o"
    code, text, err = run_cli(["discover", toy, *argv, "--out", out], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0], err
    assert not out.exists() and not text


def test_not_a_sweep_folder(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    for d in (tmp_path, tmp_path / "nosuch"):
        code, _, err = run_cli(["discover", d, "--metric", "x", "--below", "0"], capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "not a sweep folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_too_few_points(tmp_path, capsys):
    mp = pytest.MonkeyPatch()
    mp.setattr(runner, "execute", toy_execute)
    try:
        run_sweep(write_spec(tmp_path / "s.yaml", samples=6), tmp_path / "sw", progress=False)
    finally:
        mp.undo()
    code, _, err = run_cli(
        ["discover", tmp_path / "sw", "--metric", "gain_resolution_rate", "--below", "0.05"],
        capsys,
    )
    assert code == 2 and "discovery needs at least 10" in err
    assert not list((tmp_path / "sw").glob("discover-*"))


def test_threshold_parsing():
    assert threshold("q25").quantile == 25 and threshold("-0.02").value == -0.02
    for bad in ("q0", "q", "nan", "inf", "1e"):
        with pytest.raises(ValueError):
            threshold(bad)


# ---------------------------------------------------------------- the bundled sweep
def test_every_bundled_axis_has_a_bilingual_name():
    from sim.report.labels import PARAMETERS

    for f in sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml")):
        for axis in yaml.safe_load(f.read_text(encoding="utf-8")).get("axes", {}):
            zh, en, _unit = PARAMETERS[axis]  # KeyError names the missing axis
            assert zh and en and zh != en, axis


def test_toy_folder_holds_pairs(toy):
    df = load_results(toy)
    assert len(df) == 800 and df["key"].is_unique
    assert {"solo_resolution_rate", "chorus_resolution_rate", "gain_resolution_rate"} <= set(df)


def test_integer_and_bool_axes_are_peeled(tmp_path):
    """An int axis (grid workers per grid) and a bool one (the retry switch): PRIM and
    CART peel them as numbers instead of failing on an int column (issue 23)."""

    def execute(tasks, workers=1, scheduler=None):
        for t in tasks:
            v = t.meta["values"]
            rng = np.random.default_rng(t.seed + int(t.meta["point"][1:]))
            gain = (0.01 if v["grid_workers.per_grid"] >= 3 else 0.15) + rng.normal(0, 0.004)
            yield Outcome(t, {"seed": t.seed, "gain_resolution_rate": gain})

    axes = {
        "grid_workers.per_grid": {"low": 1, "high": 4},
        "grid_workers.retry_after_helper": {"low": 0, "high": 1},
        "residents.voice": {"low": 0.3, "high": 0.8},
    }
    mp = pytest.MonkeyPatch()
    mp.setattr(runner, "execute", execute)
    try:
        spec = write_spec(tmp_path / "ints.yaml", axes=axes, samples=200, replications=1)
        run_sweep(spec, tmp_path / "sweep", progress=False)
    finally:
        mp.undo()
    for method in ("prim", "cart"):
        d = discover(tmp_path / "sweep", "gain_resolution_rate", below="0.05", method=method)
        b = d.boxes[0]
        assert b.density >= 0.9 and b.coverage >= 0.85, (method, b)
        assert b.limits["grid_workers.per_grid"][0] >= 2.5, (method, b.limits)
