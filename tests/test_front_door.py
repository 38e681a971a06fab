"""Every command in README.md and docs/usage.md runs as written, at reduced sizes.

The fenced `bash` and `python` blocks are extracted and run in a fresh folder, as
a new user would paste them. Sizes are reduced without touching the commands:
bundled scenario names point (COGOV_SCENARIOS) at copies that extend the real
files with a tiny street (400 households, 10 days), sweep and targets files are
copied with 1 replication or 10 days, `-r/--replications N` becomes 2, a
calibration's budget 120 runs and a generated city four tiny streets. Skipped, with the
reason: the test suite itself, the dashboard (serves until Ctrl-C; its Ctrl-C is
tested in test_outputs.py) and lines naming a placeholder Dask host.
Every command that runs must also state its expected duration (`~N s` / `~N min`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = {"README": ROOT / "README.md", "usage": ROOT / "docs" / "usage.md"}
TINY = {"residents": 400, "grid_size": [50, 100]}

SKIP = [
    (re.compile(r"-m pytest"), "the test suite itself"),
    (re.compile(r"(^|/)cogov dashboard|python -m sim\.dashboard"), "serves until Ctrl-C"),
    (re.compile(r"tcp://HOST"), "a placeholder Dask host"),
    (re.compile(r"(^|/)dask (scheduler|worker)"), "starts a Dask cluster service"),
]


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.M | re.S)


def commands(doc: str) -> list[tuple[str, str | None]]:
    """(line, reason to skip or None) for every line of the doc's bash blocks."""
    out = []
    for block in blocks(DOCS[doc].read_text(encoding="utf-8"), "bash"):
        for line in block.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if "scripts/bootstrap.sh" in line and "&&" in line:  # already bootstrapped
                line = line.split("&&", 1)[1].strip()
            reason = next((why for rx, why in SKIP if rx.search(line)), None)
            out.append((line, reason))
    return out


def reduced(line: str) -> str:
    """Fewer replications; sizes come from the tiny scenario copies."""
    code, _, comment = line.partition("#")
    code = re.sub(r"(-r|--replications)\s+\d+", r"\1 2", code)
    if " calibrate " in code:  # the smallest budget it takes (3 generations of 20 draws)
        code = re.sub(r"\s--budget\s+\d+", "", code) + " --budget 120"
    if " city make " in code:  # a generated city of four tiny streets (the last flag wins)
        code = code.rstrip() + " --streets 4 --districts 2 --households 2000 --days 30"
    return code.rstrip() + ("  #" + comment if comment else "")


def tiny_world(tmp: Path) -> dict:
    """The folder a new user works in, with tiny bundled scenarios and sweeps."""
    scen = tmp / "scenarios"
    (scen / "sweeps").mkdir(parents=True)
    for f in (ROOT / "scenarios").glob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        tiny = {
            "extends": str(f),
            "description": data.get("description", ""),
            "days": 10,
            "community": {**TINY, "communities": None},
        }
        (scen / f.name).write_text(yaml.safe_dump(tiny, allow_unicode=True), encoding="utf-8")
    for f in (ROOT / "scenarios" / "sweeps").glob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        data.update(replications=1, days=10)
        if "samples" in data:
            data["samples"] = 2
        (scen / "sweeps" / f.name).write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    (scen / "cities").mkdir()
    for f in (ROOT / "scenarios" / "cities").glob("*.yaml"):  # one month of tiny streets
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        data["days"] = 30
        for d in data["districts"]:
            for st in d["streets"]:
                st.pop("overrides", None)
        (scen / "cities" / f.name).write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    (scen / "targets").mkdir()
    for f in (ROOT / "scenarios" / "targets").glob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for case in data["cases"]:
            case.update(days=10)
            case.pop("period", None)
        (scen / "targets" / f.name).write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    bin_ = tmp / ".venv" / "bin"
    bin_.mkdir(parents=True)
    for name, target in (("cogov", f'"{sys.executable}" -m sim.cli'), ("python", sys.executable)):
        (bin_ / name).write_text(f'#!/bin/sh\nexec {target} "$@"\n')
        (bin_ / name).chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}",
        "COGOV_SCENARIOS": str(scen),
        "MPLBACKEND": "Agg",
    }


@pytest.mark.parametrize("doc", list(DOCS))
def test_every_command_runs_as_written_and_says_how_long(doc, tmp_path):
    env = tiny_world(tmp_path)
    ran, skipped = [], []
    for line, reason in commands(doc):
        if reason:
            skipped.append((line, reason))
            continue
        assert re.search(r"#.*~\s*\d+\s*(s|min)\b", line), f"{doc}: no duration stated: {line}"
        cmd = reduced(line)
        p = subprocess.run(
            ["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert p.returncode == 0, f"{doc}: {cmd}\n{p.stderr[-3000:]}"
        assert "Traceback" not in p.stderr, p.stderr
        ran.append(line)
    assert len(ran) >= 5 and skipped, (ran, skipped)


@pytest.mark.parametrize("doc", list(DOCS))
def test_the_python_examples_run_as_scripts(doc, tmp_path):
    env = tiny_world(tmp_path)
    code = blocks(DOCS[doc].read_text(encoding="utf-8"), "python")
    assert code, f"{doc} has no Python example"
    for i, text in enumerate(code):
        text = text.replace("replications=20, seed=0, workers=2)", "replications=2, seed=0, "
                            "workers=2, days=10)")  # fmt: skip
        script = tmp_path / f"example_{i}.py"  # saved as a file, as a user would
        script.write_text(text, encoding="utf-8")
        p = subprocess.run(
            [sys.executable, script.name],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert p.returncode == 0, f"{doc} example {i}:\n{p.stderr[-3000:]}"


def test_the_readme_keeps_its_first_two_commands():
    first = blocks(DOCS["README"].read_text(encoding="utf-8"), "bash")[0].splitlines()
    assert first[0].startswith("bash scripts/bootstrap.sh && .venv/bin/cogov compare solo chorus")
    assert first[1].startswith("bash scripts/bootstrap.sh dev,sweep,dashboard,browser,notebooks")
    assert ".venv/bin/python -m pytest" in first[1]
