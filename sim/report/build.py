"""`cogov report`: run the report notebooks at given parameters and write one document.

Each notebook is executed with papermill (its `parameters` cell takes `-p NAME VALUE`),
its outputs land in a folder of the report named for it, and the executed notebooks
are joined into one self-contained HTML file: code hidden, warnings and progress bars
dropped, figures embedded as data: URIs, no script or remote resource, and a provenance
footer (version, commit, scenarios, seeds, settings). A Word file is written as well
when pandoc is installed. The whole report folder is written atomically
(`sim.outputs.output_folder`).
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim import limits
from sim.argtypes import UsageError

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
# the parameter each notebook writes its outputs to: cogov report sets it
OUT_PARAMETER = "OUT"
# bounds checked before any notebook runs (the CLI's own, sim/limits.py)
BOUNDS = {
    "replications": (1, limits.MAX_REPLICATIONS),
    "attribution_replications": (1, limits.MAX_REPLICATIONS),
    "days": (1, limits.MAX_DAYS),
    "residents": (10, 5_000_000),
    "workers": (1, limits.MAX_WORKERS),
    "budget": (1, 1_000_000),
    "samples": (2, 65_536),
    "predictive_draws": (1, 10_000),
    "seed": (0, 2**63 - 1),
    "shock_start": (0, limits.MAX_DAYS),
    "shock_days": (1, limits.MAX_DAYS),
}
INPUT_ERRORS = {"ScenarioError", "SweepError", "TargetsError", "ValidationError", "ValueError"}


class ReportError(Exception):
    """A notebook failed while running: one line, exit code 1."""


def notebooks_folder() -> Path:
    """The report notebooks: $COGOV_NOTEBOOKS, else `notebooks/` of the source checkout."""
    env = os.environ.get("COGOV_NOTEBOOKS")
    folder = Path(env) if env else PACKAGE.parent / "notebooks"
    if not folder.is_dir():
        raise UsageError(
            f"cogov report: no notebooks folder at {folder} (cogov report runs the notebooks "
            "of a source checkout; set COGOV_NOTEBOOKS to another folder)"
        )
    return folder


def available(folder: Path | None = None) -> dict[str, Path]:
    folder = folder or notebooks_folder()
    return {p.stem: p for p in sorted(folder.glob("[0-9]*.ipynb"))}


def resolve(names: list[str]) -> list[Path]:
    """Notebooks by stem ('01_solo_vs_chorus'), number ('01', '1'), topic
    ('solo_vs_chorus') or path; none: all of them, in order."""
    nbs = available()
    if not names:
        if not nbs:
            raise UsageError(f"cogov report: no notebooks in {notebooks_folder()}")
        return list(nbs.values())
    out = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb":
            if not path.is_file():
                raise UsageError(f"cogov report: {name}: no such notebook file")
            out.append(path.resolve())
            continue
        key = name.removesuffix(".ipynb")
        hits = [
            p
            for stem, p in nbs.items()
            if key in (stem, stem.split("_", 1)[0], stem.split("_", 1)[-1])
            or (key.isdigit() and stem.split("_")[0] == f"{int(key):02d}")
        ]
        if len(hits) != 1:
            raise UsageError(
                f"cogov report: no notebook {name!r} (choose from: {', '.join(nbs)}; or a "
                "path to an .ipynb file)"
            )
        if hits[0] not in out:
            out.append(hits[0])
    return out


def parameters_of(path: Path) -> dict[str, object]:
    """The notebook's parameters and their default values (its `parameters` cell)."""
    import papermill

    found = papermill.inspect_notebook(str(path))
    params = {}
    for name, info in found.items():
        try:
            params[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            params[name] = info["default"]
    return params


def _check(name: str, raw: str, default, where: str):
    """`raw` (as typed after -p) as a value of the default's type, within its bounds."""
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        value = raw
    if isinstance(default, str):
        value = raw  # a string parameter takes the text as typed
    elif isinstance(default, bool):
        if not isinstance(value, bool):
            raise UsageError(f"cogov report: -p {name}: must be true or false (got {raw!r})")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise UsageError(f"cogov report: -p {name}: must be a whole number (got {raw!r})")
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UsageError(f"cogov report: -p {name}: must be a number (got {raw!r})")
        value = float(value)
    elif isinstance(default, list):
        numbers = isinstance(value, list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
        if not numbers:
            raise UsageError(
                f"cogov report: -p {name}: must be a list of numbers like [0, 1, 2] (got {raw!r})"
            )
    if name in BOUNDS and isinstance(value, int):
        lo, hi = BOUNDS[name]
        if not lo <= value <= hi:
            raise UsageError(f"cogov report: -p {name}: must be {lo}..{hi:,} (got {value})")
    if name == "samples" and isinstance(value, int) and value & (value - 1):
        raise UsageError(f"cogov report: -p samples: must be a power of 2 (got {value})")
    if name == "lang":
        from sim.report.labels import LANGUAGES

        if value not in LANGUAGES:
            allowed = ", ".join(LANGUAGES)
            raise UsageError(f"cogov report: -p lang: must be one of {allowed} (got {raw!r})")
    return value


def plan(paths: list[Path], given: list[tuple[str, str]]) -> dict[Path, dict]:
    """Each notebook's parameters as it will run: its defaults, then what -p gave (a
    -p name applies to every chosen notebook that has it, and to at least one)."""
    defaults = {p: parameters_of(p) for p in paths}
    for p, d in defaults.items():
        if OUT_PARAMETER not in d:
            raise UsageError(
                f"cogov report: {p.name}: its parameters cell has no {OUT_PARAMETER} (where it "
                "writes): it is not a report notebook"
            )
    chosen: dict[Path, dict] = {p: {} for p in paths}
    for name, raw in given:
        if name == OUT_PARAMETER:
            raise UsageError(f"cogov report: -p {OUT_PARAMETER}: set by cogov report (use --out)")
        having = [p for p in paths if name in defaults[p]]
        if not having:
            known = sorted({k for d in defaults.values() for k in d} - {OUT_PARAMETER})
            which = paths[0].stem if len(paths) == 1 else "the chosen notebooks"
            raise UsageError(
                f"cogov report: -p {name}: {which} {'has' if len(paths) == 1 else 'have'} no "
                f"such parameter (allowed: {', '.join(known)})"
            )
        for p in having:
            chosen[p][name] = _check(name, raw, defaults[p][name], p.stem)
    return {p: {**defaults[p], **chosen[p]} for p in paths}


@dataclass
class Report:
    out: Path
    notebooks: list[str]
    files: list[str] = field(default_factory=list)
    docx: bool = False
    seconds: float = 0.0


@contextlib.contextmanager
def _quiet_stderr():
    """Send file descriptor 2 (which the kernel process inherits) to nowhere for a while."""
    import sys

    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _execute(path: Path, dest: Path, parameters: dict, timeout: int | None) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    env_path = os.environ.get("PYTHONPATH", "")
    # the kernel imports the same `sim` as this command, whatever is installed elsewhere
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(PACKAGE.parent), *([env_path] if env_path else [])]
    )
    try:
        with _quiet_stderr():  # the kernel's own start-up chatter, not the notebook's
            papermill.execute_notebook(
                str(path),
                str(dest),
                parameters=parameters,
                cwd=str(path.parent),
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=timeout,
            )
    except PapermillExecutionError as e:
        what = f"{path.stem} failed in cell {e.exec_count}: {e.ename}: {e.evalue}".splitlines()[0]
        if e.ename in INPUT_ERRORS:
            raise UsageError(f"cogov report: {what}") from None
        raise ReportError(f"cogov report: {what}") from None
    finally:
        if env_path:
            os.environ["PYTHONPATH"] = env_path
        else:
            os.environ.pop("PYTHONPATH", None)


def _clean(nb) -> None:
    """What a reader should not see: the parameters cells, warnings and progress bars
    (stderr), and links that only work inside the repository."""
    keep = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace("../docs/model.md", "model.md")
        keep.append(cell)
    nb.cells = keep


def _footer(runs: list[tuple[Path, dict, Path]], command: str) -> str:
    """The provenance section, as Markdown (it renders in HTML and in Word alike)."""
    from sim.provenance import provenance

    top = provenance()
    lines = [
        "## 出处 / Provenance",
        "",
        f"cogov {top['version']}, commit `{top['git_commit'] or 'unknown'}`, Python "
        f"{top['python']}, Mesa {top['mesa']}, NumPy {top['numpy']}; made {top['created']} by "
        f"`{command}`.",
        "",
    ]
    for path, params, out in runs:
        prov_file = out / "provenance.json"
        prov = json.loads(prov_file.read_text(encoding="utf-8")) if prov_file.is_file() else {}
        shown = {k: v for k, v in params.items() if k != OUT_PARAMETER}
        lines.append(f"**{path.stem}**: " + ", ".join(f"`{k}={v!r}`" for k, v in shown.items()))
        scen = prov.get("scenarios") or {}
        if scen:
            lines.append("")
            lines.append(
                "scenarios: "
                + "; ".join(
                    f"{n} (`{s.get('hash', '')[:12]}`, {s.get('residents', '?'):,} households, "
                    f"{s.get('days', '?')} days)"
                    if isinstance(s.get("residents"), int)
                    else f"{n} (`{s.get('hash', '')[:12]}`)"
                    for n, s in scen.items()
                )
            )
        seeds = prov.get("seeds")
        if seeds:
            more = f" … ({len(seeds)} in all)" if len(seeds) > 10 else ""
            lines.append("")
            lines.append("seeds: " + ", ".join(str(s) for s in seeds[:10]) + more)
        lines.append("")
    return "\n".join(lines)


def _combine(runs, command: str, title: str):
    """The executed notebooks, cleaned, one after the other, then the provenance."""
    import nbformat

    combined = nbformat.v4.new_notebook()
    combined.metadata = {"title": title}
    for _path, _params, executed in runs:
        nb = nbformat.read(str(executed), as_version=4)
        _clean(nb)
        combined.cells += nb.cells
    outs = [(path, params, executed.with_suffix("")) for path, params, executed in runs]
    footer = nbformat.v4.new_markdown_cell(_footer(outs, command))
    footer.metadata["tags"] = ["provenance"]  # styled by the template (celltag_provenance)
    combined.cells.append(footer)
    return combined


def _html(nb) -> str:
    from nbconvert import HTMLExporter

    ex = HTMLExporter(
        template_name="cogov",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = ex.from_notebook_node(nb, resources={"metadata": {"name": nb.metadata["title"]}})
    return body


def _docx(nb, dest: Path) -> bool:
    """report.docx through pandoc (Markdown with the figures as files); False without it."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return False
    from nbconvert import MarkdownExporter

    ex = MarkdownExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    text, res = ex.from_notebook_node(nb)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, data in res.get("outputs", {}).items():
            (tmp / name).write_bytes(data)
        (tmp / "report.md").write_text(text, encoding="utf-8")
        p = subprocess.run(
            [
                pandoc,
                "report.md",
                "--from",
                "markdown+pipe_tables+raw_html",
                "-o",
                str(dest),
                "--metadata",
                f"title={nb.metadata['title']}",
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=300,
        )
    if p.returncode != 0:
        raise ReportError(
            f"cogov report: pandoc could not write {dest.name}: "
            f"{(p.stderr or '').strip().splitlines()[:1]}"
        )
    return True


def build(
    names: list[str],
    given: list[tuple[str, str]],
    out: Path,
    overwrite: bool = False,
    docx: bool = True,
    timeout: int | None = None,
    command: str = "cogov report",
    on_start=None,
) -> Report:
    """Run the notebooks and write `out/` whole: report.html (and report.docx), each
    notebook's executed copy and its output folder, provenance.json, model.md."""
    from sim.outputs import output_folder
    from sim.provenance import provenance

    paths = resolve(names)
    params = plan(paths, given)
    t0 = time.perf_counter()
    title = "cogov: " + ", ".join(p.stem for p in paths)
    with output_folder(out, overwrite) as tmp:
        runs = []
        for path in paths:
            if on_start:
                on_start(path.stem)
            run_params = {**params[path], OUT_PARAMETER: str(tmp / path.stem)}
            executed = tmp / f"{path.stem}.ipynb"
            _execute(path, executed, run_params, timeout)
            runs.append((path, params[path], executed))
        nb = _combine(runs, command, title)
        (tmp / "report.html").write_text(_html(nb), encoding="utf-8")
        files = ["report.html"]
        made_docx = docx and _docx(nb, tmp / "report.docx")
        if made_docx:
            files.append("report.docx")
        model = PACKAGE.parent / "docs" / "model.md"
        with contextlib.suppress(OSError):
            shutil.copyfile(model, tmp / "model.md")  # the caveats link to it
        prov = provenance(
            notebooks={
                p.stem: {k: v for k, v in q.items() if k != OUT_PARAMETER} for p, q, _ in runs
            },
            files=files,
        )
        (tmp / "provenance.json").write_text(
            json.dumps(prov, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
    return Report(out, [p.stem for p in paths], files, made_docx, time.perf_counter() - t0)
