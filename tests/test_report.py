"""`cogov report` and the report notebooks: findings written from the numbers, one
HTML document with embedded figures and a provenance footer, bad input refused."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import papermill
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TINY_STREET = {"residents": 400, "days": 20}
# Each notebook runs once at its own defaults (the reference budget a report writer
# gets) and once at a tiny size with one parameter changed, to see its findings change.
TINY = {
    "01_solo_vs_chorus": ({**TINY_STREET, "replications": 2}, {"replications": 3}),
    "02_levers": (
        {**TINY_STREET, "replications": 2, "attribution_replications": 2, "workers": 1},
        {"replications": 3},
    ),
    "03_where_chorus_pays": (
        {
            **TINY_STREET,
            "replications": 2,
            "per_grid": [0, 2],
            "acceptance": [0.3, 0.9],
            "workers": 1,
        },
        {"replications": 3},
    ),
    "04_emergency": (
        {**TINY_STREET, "days": 60, "shock_start": 20, "shock_days": 10, "replications": 2},
        {"replications": 3},
    ),
    "05_sensitivity": (
        {**TINY_STREET, "samples": 4, "replications": 2, "workers": 1},
        {"seed": 8},
    ),
    "06_network": ({**TINY_STREET, "replications": 2}, {"replications": 3}),
    "07_calibration": ({"budget": 120, "predictive_draws": 3, "workers": 1}, {"seed": 1}),
    "08_where_chorus_fails": (
        {**TINY_STREET, "samples": 4, "replications": 1, "workers": 1},
        {"replications": 2},
    ),
    "09_city_ranking": ({"days": 60, "replications": 2}, {"replications": 3}),
}
# The reference run at its defaults but for its longest loop: 05's 256 Sobol samples
# (4,096 runs of the default street) take 9 minutes of a core, half of CI's budget, 08's 64
# (1,536 pairs) 2 minutes and 07's 2,400-run budget 3. At a quarter, a half and a half
# they run the same cells on the same street, still state indices and posteriors with
# intervals, and say when an interval is too wide to read.
REFERENCE = {
    "05_sensitivity": {"samples": 64},
    "07_calibration": {"budget": 1200},
    "08_where_chorus_fails": {"samples": 32},
}


@pytest.fixture(scope="module")
def kernel_env():
    """The notebooks' kernel imports this checkout, wherever cogov is installed."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *([old] if old else [])])
    yield
    if old is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = old


def tiny_targets(tmp: Path) -> Path:
    data = yaml.safe_load((ROOT / "scenarios/targets/shanghai_2016.yaml").read_text("utf-8"))
    for case in data["cases"]:
        case.update(days=10)
        case.pop("period", None)
        case.setdefault("overrides", {})["community"] = {"residents": 400, "grid_size": [50, 100]}
    path = tmp / "tiny_targets.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(name: str, params: dict, out: Path) -> tuple[str, nbformat.NotebookNode]:
    executed = out.with_suffix(".ipynb")
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(executed),
        parameters={**params, "OUT": str(out)},
        cwd=str(NOTEBOOKS),
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=1200,  # one cell; the reference sensitivity sweep is the longest
    )
    return (out / "findings.md").read_text(encoding="utf-8"), nbformat.read(executed, 4)


def shown_text(nb) -> str:
    """Everything the executed notebook shows: its outputs' text and Markdown."""
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", ""))
            data = o.get("data", {})
            parts.append(data.get("text/markdown", "") + data.get("text/plain", ""))
    return "\n".join(parts)


def test_every_notebook_is_checked():
    assert set(TINY) == {p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}


@pytest.mark.parametrize("name", list(TINY))
def test_findings_are_written_from_the_numbers(name, tmp_path, kernel_env):
    """At its defaults (`REFERENCE`) the notebook runs top to bottom (its own checks
    pass) and states its findings in both languages; at a tiny size, changed, in English
    alone."""
    base, change = TINY[name]
    if name == "07_calibration":
        base = {**base, "TARGETS": str(tiny_targets(tmp_path))}
    first, nb = run(name, {**REFERENCE.get(name, {}), "lang": "both"}, tmp_path / "a")
    second, _ = run(name, {**base, **change, "lang": "en"}, tmp_path / "b")
    # the findings cell shows what it saved, and it states runs and intervals
    body = first.split("\n\n")[0]
    assert body in shown_text(nb)
    assert "[" in first and "docs/model.md" in first
    assert re.search(r"[\u4e00-\u9fff]", first)  # both languages ...
    assert not re.search(r"[\u4e00-\u9fff]", second)  # ... or English alone
    en_first = first[first.index("\n\n", first.rindex("docs/model.md") - 400) :]
    assert second != en_first  # a parameter changed: so did the sentences
    if "replications" in change:
        n = change["replications"]
        assert f"{n} paired replications" in second or f"{n} replications" in second, second
    # the notebook's folder records the settings that made it
    prov = json.loads((tmp_path / "b" / "provenance.json").read_text(encoding="utf-8"))
    assert all(prov["settings"][k] == v for k, v in change.items())
    assert prov["git_commit"] is not None and prov["version"]
    assert list((tmp_path / "b").glob("*.png")), "no figure saved"
    figures_shown = sum(
        "image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])
    )
    assert figures_shown >= 1, "figures are not shown inline"


def _cogov(*args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def test_report_on_notebook_01_is_one_offline_html_with_figures_and_provenance(tmp_path):
    dead = "http://127.0.0.1:9"  # any attempt to reach the network fails
    out = tmp_path / "rep"
    p = _cogov(
        "report",
        "01",
        "-p",
        "residents",
        "400",
        "-p",
        "days",
        "30",
        "-p",
        "replications",
        "2",
        "--lang",
        "en",
        "--out",
        str(out),
        cwd=tmp_path,
        env={"http_proxy": dead, "https_proxy": dead, "HTTP_PROXY": dead, "HTTPS_PROXY": dead},
    )
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 3  # figures embedded
    assert not re.search(r"(src|href)=\"https?://", html)  # nothing fetched when opened
    assert "<script src" not in html
    assert "import " not in html and "nb.figure(" not in html  # code hidden
    assert "Traceback" not in html and "warnings.warn" not in html
    assert "Findings" in html and "2 paired replications" in html
    footer = html[html.index("Provenance") :]
    from sim.provenance import git_commit

    for text in (
        "cogov 0.1.0",
        (git_commit() or "")[:12],
        "residents=400",
        "days=30",
        "solo (",
        "chorus (",
        "seeds: ",
    ):
        assert text in footer, text
    assert (out / "01_solo_vs_chorus" / "findings.md").is_file()
    assert (out / "01_solo_vs_chorus.ipynb").is_file()
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["notebooks"]["01_solo_vs_chorus"]["residents"] == 400
    assert (out / "model.md").is_file() and 'href="model.md"' in html
    if shutil.which("pandoc"):
        with zipfile.ZipFile(out / "report.docx") as z:
            names = z.namelist()
            doc = z.read("word/document.xml").decode("utf-8")
        assert any(n.startswith("word/media/") for n in names)  # figures inside
        assert "Provenance" in doc and "paired replications" in doc
    else:
        assert not (out / "report.docx").exists()
        assert "pandoc is not installed" in p.stdout


def test_report_docx_needs_pandoc(skip_or_fail):
    if shutil.which("pandoc") is None:
        skip_or_fail("pandoc not installed (apt-get install pandoc): no report.docx")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99"], "no notebook '99' (choose from: 01_solo_vs_chorus"),
        (["01", "-p", "resdents", "5"], "-p resdents: 01_solo_vs_chorus has no such parameter"),
        (["01", "-p", "replications", "x"], "-p replications: must be a whole number"),
        (["01", "-p", "replications", "0"], "-p replications: must be 1..1,000"),
        (["01", "-p", "lang", "fr"], "-p lang: must be one of zh, en, both"),
        (["05", "-p", "samples", "100"], "-p samples: must be a power of 2"),
        (["03", "-p", "per_grid", "two"], "-p per_grid: must be a list of numbers"),
        (["01", "-p", "OUT", "x"], "-p OUT: set by cogov report (use --out)"),
        (["01", "--lang", "fr"], "--lang: invalid choice"),
    ],
)
def test_bad_report_input_is_one_line_and_exit_2(args, message, tmp_path, capsys):
    from sim.cli import main

    assert main(["report", *args, "--out", str(tmp_path / "rep")]) == 2
    err = capsys.readouterr().err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and message in lines[0], err
    assert not list(tmp_path.iterdir())  # refused before anything was made


def test_a_notebook_that_fails_on_its_input_is_one_line_and_exit_2(tmp_path):
    p = _cogov(
        "report",
        "01",
        "-p",
        "scenario_a",
        "nosuch",
        "-p",
        "days",
        "5",
        "-p",
        "residents",
        "400",
        "--out",
        str(tmp_path / "rep"),
        cwd=tmp_path,
    )
    assert p.returncode == 2, p.stderr
    lines = [x for x in p.stderr.splitlines() if x.strip() and not x.startswith("running ")]
    assert len(lines) == 1, p.stderr
    assert "01_solo_vs_chorus failed in cell" in lines[0] and "nosuch" in lines[0]
    assert not (tmp_path / "rep").exists()  # nothing half-written
    assert not [q for q in tmp_path.iterdir() if q.name.startswith(".rep")]


def test_every_notebook_has_unique_cell_ids():
    """A copied cell keeps its id; nbformat then rewrites it on every run and warns."""
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        ids = [c.get("id") for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
        assert len(ids) == len(set(ids)), path.name
