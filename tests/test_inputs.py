# ruff: noqa: E501  (the tables below read best one case per line)
"""Every bad input a clear line: a table of malformed inputs of every file kind and command.

Each case must end with exit code 2, exactly one line on stderr naming what is
wrong, no traceback, and nothing written anywhere (the working folder is the
case's own and is compared before and after). A second test sets every numeric
parameter to the ends of its allowed range and runs it: what validation lets
through must run without an exception or a warning.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest
import yaml

import sim
from sim.cli import main

TINY = "community: {residents: 400, grid_size: [50, 100]}\n"
BOMB = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True)
)
XML_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    + ']><graphml><graph edgedefault="undirected"><node id="&h;"/></graph></graphml>'
)


def graphml(nodes, edges, extra=""):
    n = "".join(f'<node id="{x}"/>' if x is not None else "<node/>" for x in nodes)
    e = "".join(f'<edge source="{a}" target="{b}"/>' for a, b in edges)
    return (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        f'<graph edgedefault="undirected">{n}{e}{extra}</graph></graphml>'
    )


RING = [(i, (i + 1) % 12) for i in range(12)]
SWEEP = {
    "base": "solo",
    "overrides": {"community": {"residents": 400, "grid_size": [50, 100]}},
    "axes": {"levers.cadres.per_grid": [0, 1]},
    "replications": 1,
    "days": 5,
}


def sweep_yaml(**change) -> str:
    return yaml.safe_dump({**SWEEP, **change}, sort_keys=False)


# (id, files {name: text | bytes}, argv (run in the case's own folder), expected text)
# fmt: off
CASES = [
    # ---- scenario files: types (no coercion), finite numbers, bounds
    ("bool_days", {"s.yaml": "days: true\n"}, ["validate", "s.yaml"], "days: must be a whole"),
    ("text_days", {"s.yaml": 'days: "30"\n'}, ["validate", "s.yaml"], "text, not a number"),
    ("float_days", {"s.yaml": "days: 1.5\n"}, ["validate", "s.yaml"], "days: must be a whole"),
    ("text_prob", {"s.yaml": "residents: {voice: '0.5'}\n"}, ["run", "s.yaml"], "must be a number"),
    ("inf", {"s.yaml": "residents: {trust_mean: .inf}\n"}, ["run", "s.yaml"], "finite number"),
    ("nan", {"s.yaml": "community: {ties_within_grid: .nan}\n"}, ["run", "s.yaml"], "finite"),
    ("neg_inf", {"s.yaml": "residents: {severity_growth: -.inf}\n"}, ["run", "s.yaml"], "finite"),
    ("huge_float", {"s.yaml": "residents: {voice: 1.0e+400}\n"}, ["run", "s.yaml"], "finite"),
    ("ties", {"s.yaml": "community: {ties_within_grid: 1.0e+9}\n"}, ["run", "s.yaml"], "<= 1000"),
    ("residents", {"s.yaml": "community: {residents: 10000000000}\n"}, ["run", "s.yaml"], "<= 5,"),
    (
        "residents_1e30",
        {"s.yaml": f"community: {{residents: {10**30}}}\n"},
        ["run", "s.yaml"],
        "<=",
    ),
    (
        "grid_huge",
        {"s.yaml": f"community: {{grid_size: [2, {10**30}]}}\n"},
        ["run", "s.yaml"],
        "grid_size",
    ),
    ("grid_short", {"s.yaml": "community: {grid_size: [300]}\n"}, ["run", "s.yaml"], "grid_size"),
    ("grid_text", {"s.yaml": "community: {grid_size: big}\n"}, ["run", "s.yaml"], "grid_size"),
    (
        "rate",
        {"s.yaml": "categories: [{name: a, rate: 1.0e+12, grid_solvable: true}]\n"},
        ["run", "s.yaml"],
        "rate: must be <=",
    ),
    (
        "multiplier",
        {"s.yaml": "emergency: {enabled: true, multipliers: {infrastructure: 1.0e+9}}\n"},
        ["run", "s.yaml"],
        "<= 1000",
    ),
    (
        "recruit_inf",
        {"s.yaml": "levers: {mobilisation: {recruit: .inf}}\n"},
        ["run", "s.yaml"],
        "finite",
    ),
    (
        "cadres",
        {"s.yaml": "levers: {cadres: {per_grid: 80}}\n"},
        ["run", "s.yaml"],
        "<= 50 (got 80)",
    ),
    (
        "bool_text",
        {"s.yaml": "levers: {whistle: {enabled: 'yes'}}\n"},
        ["run", "s.yaml"],
        "true or false",
    ),
    (
        "bool_int",
        {"s.yaml": "levers: {whistle: {enabled: 1}}\n"},
        ["run", "s.yaml"],
        "true or false",
    ),
    ("name_int", {"s.yaml": "name: 12\n"}, ["validate", "s.yaml"], "name: must be a string"),
    ("no_categories", {"s.yaml": "categories: []\n"}, ["validate", "s.yaml"], "at least one"),
    (
        "many_categories",
        {
            "s.yaml": "categories:\n"
            + "".join(f"  - {{name: c{i}, rate: 1, grid_solvable: true}}\n" for i in range(1001))
        },
        ["validate", "s.yaml"],
        "at most 1000",
    ),
    (
        "dup_departments",
        {"s.yaml": "departments: [{name: a}, {name: a}]\n"},
        ["validate", "s.yaml"],
        "unique",
    ),
    (
        "memory_ties",
        {"s.yaml": "community: {residents: 5000000, grid_size: [2, 3], ties_within_grid: 900}\n"},
        ["run", "s.yaml"],
        "a run would need about",
    ),
    (
        "memory_rate",
        {
            "s.yaml": "days: 3650\ncommunity: {residents: 5000000}\ncategories: [{name: a, rate: 1000000, grid_solvable: true}]\n"
        },
        ["validate", "s.yaml"],
        "mostly cases",
    ),
    (
        "long_value",
        {"s.yaml": f"days: '{'x' * 100_000}'\n"},
        ["validate", "s.yaml"],
        "days: must be a whole",
    ),
    ("long_key", {"s.yaml": f"{'k' * 900}: 1\n"}, ["validate", "s.yaml"], "unknown key"),
    # ---- YAML structure: duplicates, keys, tags, bombs, depth, size
    ("dup_key", {"s.yaml": "days: 3\ndays: 4\n"}, ["validate", "s.yaml"], "duplicate key 'days'"),
    (
        "dup_nested",
        {"s.yaml": "levers:\n  cadres: {per_grid: 1, per_grid: 2}\n"},
        ["run", "s.yaml"],
        "duplicate key 'per_grid'",
    ),
    ("int_key", {"s.yaml": "1: x\n"}, ["validate", "s.yaml"], "is not a name"),
    (
        "on_key",
        {"s.yaml": "levers: {whistle: {on: true}}\n"},
        ["validate", "s.yaml"],
        "key True is not a name",
    ),
    ("null_key", {"s.yaml": "~: 3\n"}, ["validate", "s.yaml"], "key None is not a name"),
    ("alias_bomb", {"s.yaml": BOMB}, ["validate", "s.yaml"], "aliases expanded"),
    ("alias_loop", {"s.yaml": "x: &x [*x]\n"}, ["validate", "s.yaml"], "refers to itself"),
    (
        "deep",
        {"s.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n"},
        ["validate", "s.yaml"],
        "nested more than",
    ),
    (
        "deep_maps",
        {
            "s.yaml": "a:\n"
            + "".join(" " * i + f"k{i}:\n" for i in range(1, 60))
            + " " * 60
            + "v: 1\n"
        },
        ["run", "s.yaml"],
        "nested more than",
    ),
    ("big_file", {"s.yaml": "# " + "x" * 2_000_000 + "\n"}, ["validate", "s.yaml"], "larger than"),
    ("binary_tag", {"s.yaml": "name: !!binary aGVsbG8=\n"}, ["validate", "s.yaml"], "tag"),
    (
        "python_tag",
        {"s.yaml": "a: !!python/object/apply:os.system ['echo hi']\n"},
        ["validate", "s.yaml"],
        "not allowed",
    ),
    ("set_tag", {"s.yaml": "a: !!set {x, y}\n"}, ["validate", "s.yaml"], "not allowed"),
    ("two_docs", {"s.yaml": "days: 3\n---\ndays: 4\n"}, ["validate", "s.yaml"], "not valid YAML"),
    ("syntax", {"s.yaml": "levers: [unclosed\n"}, ["validate", "s.yaml"], "not valid YAML at line"),
    ("bad_utf8", {"s.yaml": b"days: \xff\xfe\n"}, ["validate", "s.yaml"], "not UTF-8"),
    ("empty", {"s.yaml": ""}, ["run", "s.yaml"], "the file is empty"),
    ("scalar_doc", {"s.yaml": "42\n"}, ["run", "s.yaml"], "expected a mapping"),
    # ---- files that are not files; extends
    ("folder_scenario", {"d/x.yaml": "days: 3\n"}, ["run", "d"], "is a folder, not a file"),
    ("device_scenario", {}, ["validate", "/dev/null"], "not a regular file"),
    ("missing_scenario", {}, ["run", "nosuch.yaml"], "no such file"),
    (
        "extends_folder",
        {"s.yaml": "extends: sub\n", "sub/a": "x"},
        ["validate", "s.yaml"],
        "is a folder",
    ),
    (
        "extends_number",
        {"s.yaml": "extends: 3\n"},
        ["validate", "s.yaml"],
        "extends: must be a file name",
    ),
    (
        "extends_cycle",
        {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
        ["run", "a.yaml"],
        "cycle",
    ),
    (
        "base_blamed",
        {
            "base.yaml": "levers: {cadres: {per_grid: 80}}\n",
            "s.yaml": "extends: base.yaml\ndays: 10\n",
        },
        ["run", "s.yaml"],
        "base.yaml (extended by s.yaml): levers.cadres.per_grid",
    ),
    # ---- graph files
    (
        "graph_folder",
        {"s.yaml": "community: {graph_file: g}\n", "g/x": "x"},
        ["run", "s.yaml"],
        "is a folder",
    ),
    (
        "graph_dup_id",
        {
            "s.yaml": "community: {graph_file: g.graphml}\n",
            "g.graphml": graphml([*range(12), 3], RING),
        },
        ["run", "s.yaml"],
        "duplicate node id '3'",
    ),
    (
        "graph_no_id",
        {
            "s.yaml": "community: {graph_file: g.graphml}\n",
            "g.graphml": graphml([*range(12), None], RING),
        },
        ["run", "s.yaml"],
        "has no id",
    ),
    (
        "graph_undeclared",
        {
            "s.yaml": "community: {graph_file: g.graphml}\n",
            "g.graphml": graphml(range(12), [*RING, (3, 99)]),
        },
        ["run", "s.yaml"],
        "'99', which is not declared",
    ),
    (
        "graph_small",
        {
            "s.yaml": "community: {graph_file: g.graphml}\n",
            "g.graphml": graphml(range(5), [(0, 1)]),
        },
        ["run", "s.yaml"],
        "at least 10",
    ),
    (
        "edges_small",
        {"s.yaml": "community: {graph_file: g.edgelist}\n", "g.edgelist": "1 2\n2 3\n"},
        ["validate", "s.yaml"],
        "at least 10",
    ),
    (
        "edges_bad_line",
        {"s.yaml": "community: {graph_file: g.edgelist}\n", "g.edgelist": "1 2 x y\n"},
        ["run", "s.yaml"],
        "malformed graph file",
    ),
    (
        "graph_empty",
        {"s.yaml": "community: {graph_file: g.graphml}\n", "g.graphml": ""},
        ["run", "s.yaml"],
        "the file is empty",
    ),
    (
        "graph_suffix",
        {"s.yaml": "community: {graph_file: g.gexf}\n", "g.gexf": "<gexf/>"},
        ["run", "s.yaml"],
        "unknown graph format",
    ),
    (
        "graph_xml_bomb",
        {"s.yaml": "community: {graph_file: g.graphml}\n", "g.graphml": XML_BOMB},
        ["run", "s.yaml"],
        "malformed graph file",
    ),
    (
        "graph_device",
        {"s.yaml": "community: {graph_file: /dev/null}\n"},
        ["run", "s.yaml"],
        "not a regular file",
    ),
    # ---- sweep files
    (
        "sweep_bool_reps",
        {"w.yaml": sweep_yaml(replications=True)},
        ["sweep", "w.yaml", "--out", "o"],
        "replications: must be a whole",
    ),
    (
        "sweep_reps",
        {"w.yaml": sweep_yaml(replications=20000)},
        ["sweep", "w.yaml", "--out", "o"],
        "<= 10,000",
    ),
    (
        "sweep_1e10_points",
        {
            "w.yaml": sweep_yaml(
                axes={
                    f"residents.{k}": [0.1 * i for i in range(10)]
                    for k in (
                        "voice",
                        "revoice",
                        "trust_learning",
                        "word_of_mouth",
                        "party_member_share",
                        "volunteer_rate",
                        "satisfaction_late",
                        "topdown_satisfaction",
                        "trust_mean",
                        "conflict_rate",
                    )
                }
            )
        },
        ["sweep", "w.yaml", "--out", "o"],
        "10,000,000,000 design points",
    ),
    (
        "sweep_sobol_size",
        {
            "w.yaml": sweep_yaml(
                design="sobol", samples=524288, axes={"residents.voice": {"low": 0, "high": 1}}
            )
        },
        ["sweep", "w.yaml", "--out", "o"],
        "design points; at most",
    ),
    (
        "sweep_range_inf",
        {
            "w.yaml": sweep_yaml(
                design="lhs", samples=4, axes={"residents.voice": {"low": 0, "high": float("inf")}}
            )
        },
        ["sweep", "w.yaml", "--out", "o"],
        "finite",
    ),
    (
        "sweep_axis_bool",
        {"w.yaml": sweep_yaml(axes={"levers.cadres.per_grid": [True]})},
        ["sweep", "w.yaml", "--out", "o"],
        "must be a number (got True)",
    ),
    (
        "sweep_overrides",
        {"w.yaml": sweep_yaml(overrides={"levers": {"cadres": {"per_grid": 80}}})},
        ["sweep", "w.yaml", "--out", "o"],
        "w.yaml (overrides)",
    ),
    (
        "sweep_dup_key",
        {"w.yaml": "base: solo\nbase: chorus\n"},
        ["sweep", "w.yaml", "--out", "o"],
        "duplicate key 'base'",
    ),
    (
        "sweep_points_folder",
        {"w.yaml": sweep_yaml(design="csv", axes={}, points_file="p"), "p/x": "x"},
        ["sweep", "w.yaml", "--out", "o"],
        "points_file: is a folder",
    ),
    (
        "sweep_points_big",
        {
            "w.yaml": sweep_yaml(design="csv", axes={}, points_file="p.csv"),
            "p.csv": "residents.voice\n" + "0.5\n" * 400_000,
        },
        ["sweep", "w.yaml", "--out", "o"],
        "larger than",
    ),
    (
        "sweep_out_file",
        {"w.yaml": sweep_yaml(), "o": "not a folder"},
        ["sweep", "w.yaml", "--out", "o"],
        "exists and is not a folder",
    ),
    (
        "sweep_base_folder",
        {"w.yaml": sweep_yaml(base="sub"), "sub/x": "x"},
        ["sweep", "w.yaml", "--out", "o"],
        "base: no such scenario",
    ),
    # ---- command-line flags and output folders
    ("days_zero", {}, ["run", "solo", "--days", "0"], "must be >= 1 (got 0)"),
    ("days_huge", {}, ["run", "solo", "--days", "100000"], "must be <= 3,650"),
    ("reps_huge", {}, ["compare", "solo", "chorus", "-r", "100000"], "must be <= 1,000"),
    ("workers_huge", {}, ["compare", "solo", "chorus", "-w", "1000"], "must be <= 64"),
    ("attribute_reps", {}, ["attribute", "solo", "chorus", "-r", "0"], "must be >= 1"),
    ("seed_negative", {}, ["run", "solo", "--seed", "-1"], "must be >= 0"),
    ("seed_huge", {}, ["run", "solo", "--seed", str(2**64)], "< 2**63"),
    ("compare_one", {}, ["compare", "solo"], "at least two scenarios"),
    ("attribute_same", {}, ["attribute", "solo", "solo", "-r", "2"], "same lever settings"),
    ("out_is_file", {"o": "x"}, ["run", "solo", "--out", "o"], "exists and is not a folder"),
    (
        "out_has_results",
        {"o/summary.json": "{}"},
        ["compare", "solo", "chorus", "--out", "o"],
        "holds earlier results; add --overwrite",
    ),
    (
        "attribute_out_taken",
        {"o/x.csv": "1"},
        ["attribute", "solo", "whistle", "--out", "o"],
        "holds earlier results",
    ),
    ("analyze_nothing", {}, ["analyze", "nosuch"], "not a sweep folder"),
    ("analyze_file", {"f": "x"}, ["analyze", "f"], "not a sweep folder"),
    ("dashboard_port", {}, ["dashboard", "--port", "70000"], "between 1 and 65535"),
    ("unknown_command", {}, ["frobnicate"], "invalid choice"),
    ("unknown_option", {}, ["run", "solo", "--speed", "3"], "unrecognized arguments"),
]
# fmt: on


def snapshot(root: Path) -> dict:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def write_files(root: Path, files: dict) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def test_the_table_is_large_and_covers_every_command():
    assert len(CASES) >= 60
    commands = {argv[0] for _, _, argv, _ in CASES}
    assert {"run", "compare", "validate", "sweep", "analyze", "attribute", "dashboard"} <= commands
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("files", "argv", "expect"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path, monkeypatch, capsys, files, argv, expect
):
    monkeypatch.chdir(tmp_path)
    write_files(tmp_path, files)
    before = snapshot(tmp_path)
    code = main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err[:2000]
    assert expect in lines[0], lines[0]
    assert "Traceback" not in err and len(lines[0]) <= 500
    assert snapshot(tmp_path) == before  # nothing written, not even an empty folder


# ---------------------------------------------------------------- damaged sweep folders
@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory):
    from sim.sweep import run_sweep

    d = tmp_path_factory.mktemp("sweep")
    (d / "w.yaml").write_text(sweep_yaml(), encoding="utf-8")
    run_sweep(d / "w.yaml", d / "o", progress=False)
    return d / "o"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:40])


# fmt: off
DAMAGE = [
    (
        "manifest_json",
        lambda o: (o / "manifest.json").write_text("{not json"),
        "manifest.json: damaged",
    ),
    ("design_missing", lambda o: (o / "design.json").unlink(), "design.json: missing"),
    ("design_list", lambda o: (o / "design.json").write_text("[1, 2]"), "design.json: damaged"),
    ("run_truncated", lambda o: _truncate(next((o / "runs").glob("*.parquet"))), "damaged"),
    (
        "run_foreign",
        lambda o: shutil.copy(
            next((o / "runs").glob("*.parquet")), o / "runs" / "p9999-r000.parquet"
        ),
        "not a run of this sweep",
    ),
]


@pytest.mark.parametrize(("damage", "expect"), [d[1:] for d in DAMAGE], ids=[d[0] for d in DAMAGE])
def test_analyze_on_a_damaged_folder_is_one_line(finished_sweep, tmp_path, capsys, damage, expect):
    out = tmp_path / "o"
    shutil.copytree(finished_sweep, out)
    damage(out)
    before = snapshot(tmp_path)
    assert main(["analyze", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expect in err[0] and str(out) in err[0], err
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------- what passes must run
def _numeric_fields():
    from sim.commands import schema

    s = schema()

    def walk(defn, prefix, depth=0):
        for key, v in defn.get("properties", {}).items():
            ref = v.get("$ref") or next(
                (a["$ref"] for a in v.get("anyOf", []) if "$ref" in a), None
            )
            if ref and depth < 3:
                yield from walk(s["$defs"][ref.split("/")[-1]], f"{prefix}{key}.", depth + 1)
            items = v.get("items", {})
            if v.get("type") == "array" and "$ref" in items:
                sub = s["$defs"][items["$ref"].split("/")[-1]]
                yield from walk(sub, f"{prefix}{key}.*.", depth + 1)
            for cand in [v, *v.get("anyOf", [])]:
                if cand.get("type") in ("number", "integer"):
                    yield f"{prefix}{key}", cand

    return list(walk(s, ""))


def test_every_number_at_the_ends_of_its_range_runs_cleanly():
    from sim.sweep.paths import set_path

    base = sim.chorus(community={"residents": 400, "grid_size": [50, 100]}, days=8)
    dump = base.model_dump(mode="json")
    dump["emergency"].update(enabled=True, start=2, days=4)
    dump["levers"]["campaign"].update(enabled=True, start=2)
    dump["levers"]["paper_resolution"]["enabled"] = True
    skip = {"days", "community.residents"}  # sizes: the memory estimate's job, and slow
    # switch-only levers refuse any ramp (their own validator says so)
    skip |= {"levers.workstation.ramp_days", "levers.campaign.ramp_days"}
    ran = 0
    for path, rng in _numeric_fields():
        if path in skip:
            continue
        ints = rng["type"] == "integer"
        lo = rng.get("minimum", rng.get("exclusiveMinimum", 0))
        if "exclusiveMinimum" in rng:
            lo += 1 if ints else 1e-9
        big = 10**12 if ints else 1e12  # unbounded: try a big typo
        hi = rng.get("maximum", rng.get("exclusiveMaximum", big))
        for value in (lo, hi):
            data = set_path(dump, path, value)
            params = sim.Scenario.model_validate_json(json.dumps(data), strict=True)
            from sim import limits

            try:
                limits.check(params)
            except limits.TooBig:
                continue  # refused by the memory estimate: fine, it did not pass
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                r = sim.run(params, seed=1)
            assert r.summary["days"] == 8, path
            ran += 1
    assert ran > 100
