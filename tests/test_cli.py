"""The command line: scenario files, validation, run, compare."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim import scenarios
from sim.cli import main

SOLO = scenarios.bundled()["solo"]


def test_every_bundled_scenario_validates_and_runs(capsys):
    names = scenarios.bundled()
    for must in (
        "solo",
        "chorus",
        "classroom",
        "solo_flood",
        "chorus_flood",
        "whistle",
        "workstation",
        "mediation",
        "cadres",
        "deliberation",
        "social_forces",
        "mobilisation",
    ):
        assert must in names
    assert main(["validate", *map(str, names.values())]) == 0
    for name in names:
        s = scenarios.load(name, days=15, community={"residents": 400, "grid_size": [50, 100]})
        r = sim.run(s, seed=1)
        assert r.summary["arisen"] > 0, name
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert "独角戏" in listed and "大合唱" in listed


def test_presets_in_python_match_the_files():
    def strip(s):
        return s.model_copy(update={"name": "", "description": ""})

    assert strip(scenarios.load("solo")) == strip(sim.solo())
    assert strip(scenarios.load("chorus")) == strip(sim.chorus())
    # chorus differs from solo only in its levers
    a, b = scenarios.load("solo"), scenarios.load("chorus")
    assert strip(a).model_copy(update={"levers": b.levers}) == strip(b)


def test_extends_merges_mappings_and_replaces_the_rest(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "days: 100\ncommunity: {residents: 900, grid_size: [100, 200]}\n"
        "levers: {cadres: {enabled: true, per_grid: 3}}\n"
    )
    (tmp_path / "child.yaml").write_text(
        "extends: base.yaml\ncommunity: {grid_size: [150, 160]}\n"
        "levers: {cadres: {hours_per_week: 2}}\n"
    )
    s = scenarios.load(tmp_path / "child.yaml")
    assert s.name == "child" and s.days == 100
    assert s.community.residents == 900 and s.community.grid_size == (150, 160)
    assert s.levers.cadres.enabled and s.levers.cadres.per_grid == 3
    assert s.levers.cadres.hours_per_week == 2
    # a bundled name works as a parent too
    (tmp_path / "c2.yaml").write_text("extends: chorus\ndays: 30\n")
    assert scenarios.load(tmp_path / "c2.yaml").levers == sim.chorus().levers


def test_extends_cycle_is_refused(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    assert main(["validate", str(tmp_path / "a.yaml")]) == 2
    err = capsys.readouterr().err
    assert "cycle" in err and "a.yaml" in err


BAD = [
    ("unknown_top.yaml", "speed: 3\n", "speed: unknown key (allowed here: name"),
    (
        "unknown_lever_key.yaml",
        "levers: {cadres: {hours_per_weak: 3}}\n",
        "levers.cadres.hours_per_weak: unknown key",
    ),
    ("unknown_lever.yaml", "levers: {magic: {enabled: true}}\n", "levers.magic: unknown key"),
    (
        "negative.yaml",
        "levers: {cadres: {hours_per_week: -3}}\n",
        "levers.cadres.hours_per_week: must be >= 0 (got -3)",
    ),
    ("prob.yaml", "residents: {voice: 1.5}\n", "residents.voice: must be <= 1"),
    ("type.yaml", "days: many\n", "days: must be a whole number (got 'many')"),
    (
        "bool.yaml",
        "levers: {whistle: {enabled: perhaps}}\n",
        "levers.whistle.enabled: must be true",
    ),
    (
        "literal.yaml",
        "grid_workers: {priority: loudest_first}\n",
        "grid_workers.priority: must be one of",
    ),
    ("lever_scalar.yaml", "levers: {cadres: yes}\n", "levers.cadres: must be a mapping"),
    (
        "dept.yaml",
        "categories: [{name: noise, rate: 10, departments: [noise_police]}]\n",
        "categories.0.departments: unknown department 'noise_police'",
    ),
    ("grid_size.yaml", "community: {grid_size: [500, 300]}\n", "grid_size"),
    (
        "multiplier.yaml",
        "emergency: {enabled: true, multipliers: {zombies: 3}}\n",
        "emergency.multipliers: unknown category 'zombies'",
    ),
    (
        "campaign.yaml",
        "levers: {campaign: {enabled: true, category: karaoke}}\n",
        "levers.campaign.category: unknown category 'karaoke'",
    ),
    ("yaml.yaml", "levers: [unclosed\n", "not valid YAML at line"),
    ("empty.yaml", "", "the file is empty"),
    ("list.yaml", "- solo\n- chorus\n", "expected a mapping of scenario keys, got list"),
    ("extends_missing.yaml", "extends: nowhere.yaml\n", "extends: no such scenario 'nowhere.yaml'"),
    (
        "graph_missing.yaml",
        "community: {graph_file: nowhere.graphml}\n",
        "community.graph_file: no such file",
    ),
    ("binary.yaml", b"\xff\xfe\x00\x00garbage", "cannot read the file"),
    ("zero_days.yaml", "days: 0\n", "days: must be >= 1 (got 0)"),
    (
        "no_sessions.yaml",
        "levers: {mediation: {enabled: true, sessions_per_day: 0}}\n",
        "levers.mediation.sessions_per_day: must be > 0 (got 0)",
    ),
]


@pytest.mark.parametrize(("name", "content", "expect"), BAD, ids=[b[0] for b in BAD])
def test_malformed_scenarios_exit_2_with_one_clear_line(tmp_path, capsys, name, content, expect):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert str(path) in err and expect in err, err
    assert "Traceback" not in err
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["run", "no_such_scenario"], "no_such_scenario: no such file (bundled scenarios:"),
        (["compare", "solo", "chorus", "--replications", "0"], "must be >= 1 (got 0)"),
        (["compare", "solo"], "at least two scenarios"),
        (["run", "solo", "--seed", "minus"], "must be a whole number"),
        (["run", "solo", "--seed", str(2**64)], "must be < 2**63"),
    ],
)
def test_bad_command_lines_exit_2_with_one_line(capsys, argv, expect):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expect in err, err


def test_bad_graph_file_named_by_a_scenario(tmp_path, capsys):
    (tmp_path / "g.graphml").write_text("<graphml><graph>")
    (tmp_path / "s.yaml").write_text("extends: solo\ncommunity: {graph_file: g.graphml}\n")
    assert main(["run", str(tmp_path / "s.yaml"), "--days", "3", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "g.graphml: malformed graph file" in err


def test_malformed_graph_file_fails_validation_not_the_runs(tmp_path, capsys):
    (tmp_path / "g.edgelist").write_text("1 2 3 4\n")
    (tmp_path / "s.yaml").write_text("extends: solo\ncommunity: {graph_file: g.edgelist}\n")
    assert main(["validate", str(tmp_path / "s.yaml")]) == 2
    assert main(["compare", "solo", str(tmp_path / "s.yaml"), "-r", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("community.graph_file" in e and "malformed" in e for e in err)


def test_a_lever_that_is_off_is_not_checked_against_the_data(tmp_path):
    own = (
        "departments: [{name: office}]\n"
        "categories: [{name: noise, rate: 50, departments: [office]}]\n"
    )
    (tmp_path / "own.yaml").write_text(own)
    s = scenarios.load(tmp_path / "own.yaml")  # workstation/mediation name absent departments
    assert sim.run(s.model_copy(update={"days": 20}), seed=1).summary["arisen"] > 0
    (tmp_path / "on.yaml").write_text(own + "levers: {workstation: {enabled: true}}\n")
    with pytest.raises(scenarios.ScenarioError, match=r"levers\.workstation\.departments"):
        scenarios.load(tmp_path / "on.yaml")


def test_no_traceback_from_the_installed_command(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("levers: {cadres: {hours_per_week: -3}}\n")
    p = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(bad)], capture_output=True, text=True
    )
    assert p.returncode == 2
    assert p.stderr.strip() == f"{bad}: levers.cadres.hours_per_week: must be >= 0 (got -3)"


def test_run_writes_series_summary_figures_and_provenance(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "classroom", "--seed", "4", "--days", "30", "--out", str(out)]) == 0
    import pandas as pd

    daily = pd.read_parquet(out / "timeseries.parquet")
    assert len(daily) == 30 and (daily.seed == 4).all()
    summary = json.loads((out / "summary.json").read_text())
    prov = summary["provenance"]
    assert prov["version"] == sim.__version__ and prov["seeds"] == [4]
    assert "classroom" in prov["scenarios"] and prov["scenarios"]["classroom"]["files"]
    assert "run classroom" in prov["command"] or "classroom" in prov["command"]
    for f in ("timeseries.png", "timeseries.svg", "provenance.json"):
        assert (out / f).stat().st_size > 0
    assert "resolution_rate" in capsys.readouterr().out


def test_compare_json_chorus_beats_solo_with_separate_cis(tmp_path, capsys):
    argv = [
        "compare",
        "solo",
        "chorus",
        "--replications",
        "10",
        "--days",
        "180",
        "--workers",
        "2",
        "--out",
        str(tmp_path),
        "--json",
    ]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    solo, chorus = result["scenarios"]["solo"], result["scenarios"]["chorus"]
    assert set(sim.HEADLINE) <= set(solo)
    assert chorus["resolution_rate"]["ci_low"] > solo["resolution_rate"]["ci_high"]
    diff = result["differences"]["chorus"]["resolution_rate"]
    assert diff["ci_low"] > 0
    assert set(result["provenance"]["scenarios"]) == {"solo", "chorus"}
    assert len(result["provenance"]["seeds"]) == 10
    for f in (
        "daily.png",
        "daily.svg",
        "rates.png",
        "rates.svg",
        "summaries.parquet",
        "timeseries.parquet",
        "comparison.json",
        "provenance.json",
    ):
        assert (Path(tmp_path) / f).stat().st_size > 0


def test_schema_is_json_schema_with_every_lever(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "extends" in schema["properties"] and "levers" in schema["properties"]
    levers = schema["$defs"]["Levers"]["properties"]
    assert set(sim.LEVER_NAMES) <= set(levers)


def test_a_missing_optional_package_is_one_line(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_solara(name, *args, **kwargs):
        if name.split(".")[0] == "solara":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_solara)
    assert main(["dashboard", "--port", "9"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bootstrap.sh dashboard" in err


def test_figure_commands_take_language_and_preset(tmp_path, capsys):
    from sim.report import labels, style

    try:
        argv = ["compare", "solo", "chorus", "-r", "2", "--days", "10", "--out", str(tmp_path)]
        code = main([*argv, "--overwrite", "--lang", "en", "--preset", "half"])
        assert code == 0, capsys.readouterr().err
        assert labels.language() == "en" and style.preset().name == "half"
        assert (tmp_path / "rates.png").is_file()
        code = main([*argv, "--overwrite", "--lang", "fr"])
        err = capsys.readouterr().err
        assert code == 2 and "--lang" in err and "'zh', 'en', 'both'" in err
    finally:
        style.configure(lang="both", preset="page")
