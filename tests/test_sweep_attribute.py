"""Shapley attribution of B's gain over A to the levers that differ."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import yaml

from sim.cli import main
from sim.sweep.attribution import attribute, shapley
from sim.sweep.spec import SweepError

TINY = {"days": 30, "community": {"residents": 300, "grid_size": [50, 100]}}


@pytest.fixture
def ab(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text(yaml.safe_dump({"extends": "solo", "name": "tiny_solo", **TINY}))
    b = tmp_path / "b.yaml"
    levers = {n: {"enabled": True} for n in ("whistle", "cadres", "deliberation")}
    levers["cadres"]["per_grid"] = 1.5
    b.write_text(yaml.safe_dump({"extends": "a.yaml", "name": "tiny_three", "levers": levers}))
    return a, b


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_shapley_efficiency_and_symmetry_exact(k):
    rng = np.random.default_rng(k)
    v = {m: float(rng.random()) for m in range(1 << k)}
    phi = shapley(v, k)
    assert math.isclose(math.fsum(phi), v[(1 << k) - 1] - v[0], abs_tol=1e-15)
    # an additive game: each player's value is its own marginal
    w = rng.random(k)
    add = {m: float(sum(w[i] for i in range(k) if m >> i & 1)) for m in range(1 << k)}
    assert np.allclose(shapley(add, k), w, atol=1e-15)


def test_attribute_efficiency_per_replication(ab):
    a, b = ab
    att = attribute(a, b, replications=3, seed=4, workers=2, progress=False)
    assert att.levers == ["whistle", "cadres", "deliberation"]
    assert len(att.coalitions) == 8 * 3
    # common random numbers: one seed per replication across every coalition
    assert att.coalitions.groupby("replication")["seed"].nunique().eq(1).all()
    for m in att.metrics:
        for r in range(3):
            c = att.coalitions[att.coalitions["replication"] == r].set_index("mask")[m]
            phi = att.per_replication.query("metric == @m and replication == @r")["shapley"]
            assert math.isclose(phi.sum(), c[7] - c[0], abs_tol=1e-12)
        st = att.stats[m]
        total = sum(st["shapley"][n]["mean"] for n in att.levers)
        assert math.isclose(total, st["gain"]["mean"], abs_tol=1e-12)
        assert math.isclose(st["b"]["mean"] - st["a"]["mean"], st["gain"]["mean"], abs_tol=1e-12)


def test_attribute_cli_writes_table_json_and_waterfall(ab, tmp_path, capsys):
    a, b = ab
    out = tmp_path / "att"
    code = main(["attribute", str(a), str(b), "--replications", "2", "--out", str(out), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["metrics"]) == {"resolution_rate", "satisfaction_rate"}
    assert set(data["metrics"]["resolution_rate"]["shapley"]) == {
        "whistle",
        "cadres",
        "deliberation",
    }
    for f in (
        "shapley.csv",
        "attribution.json",
        "waterfall_resolution_rate.png",
        "waterfall_satisfaction_rate.svg",
    ):
        assert (out / f).is_file(), f
    prov = json.loads((out / "attribution.json").read_text())["provenance"]
    assert prov["version"] and len(prov["seeds"]) == 2 and len(prov["scenarios"]) == 2


def test_attribute_refusals(ab, tmp_path, capsys):
    a, _ = ab
    all9 = tmp_path / "all9.yaml"
    levers = {
        n: {"enabled": True}
        for n in (
            "whistle",
            "workstation",
            "mediation",
            "cadres",
            "deliberation",
            "social_forces",
            "mobilisation",
            "paper_resolution",
            "campaign",
        )
    }
    all9.write_text(yaml.safe_dump({"extends": "a.yaml", "levers": levers}))
    with pytest.raises(SweepError, match=r"9 levers differ.*at most 8"):
        attribute(a, all9, replications=1, progress=False)
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({"extends": "a.yaml", "residents": {"voice": 0.9}}))
    code = main(["attribute", str(a), str(other)])
    err = capsys.readouterr().err
    assert code == 2 and "differ outside levers (residents.voice: 0.55 vs 0.9)" in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(SweepError, match="same lever settings"):
        attribute(a, a, replications=1, progress=False)


def test_coalitions_are_subsets_of_b(ab):
    from sim import scenarios
    from sim.sweep.attribution import coalition

    a, b = scenarios.load(ab[0]), scenarios.load(ab[1])
    levers = ["whistle", "cadres", "deliberation"]
    for m, (i, n) in itertools.product(range(8), enumerate(levers)):
        got = getattr(coalition(a, b, levers, m).levers, n)
        assert got == getattr((b if m >> i & 1 else a).levers, n)
    assert (
        coalition(a, b, levers, 7).digest()
        == b.model_copy(update={"name": a.name + "+whistle+cadres+deliberation"}).digest()
    )
