"""SIGKILL `cogov run|compare` before its k-th file-system operation, for many k.

    python tests/kill_harness.py run|compare WORKDIR   ->  JSON report on stdout

Operations are counted with a Python audit hook (opens for writing, renames,
removals, mkdir/rmdir, mkdtemp, the renameat2 call). The output folder holds an
earlier run's results (seed 1); each kill is of a run with --seed 2 --overwrite.
Afterwards the folder must be exactly the old results ("old") or a complete new
result ("new": every file, all of seed 2). This process stays single-threaded
(it only forks) so that fork is safe; pytest runs it (tests/test_outputs.py).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sys
import warnings
from pathlib import Path

import pandas as pd

import sim.commands
import sim.compare
import sim.outputs
import sim.provenance  # noqa: F401
from sim.cli import main
from sim.report import figures
from sim.report.fonts import use_cjk_font

TINY = "community: {residents: 400, grid_size: [50, 100]}\n"
WRITES = {
    "os.rename",
    "os.replace",
    "os.remove",
    "os.rmdir",
    "os.mkdir",
    "shutil.rmtree",
    "tempfile.mkdtemp",
    "ctypes.call_function",
}


def is_write(event: str, args: tuple) -> bool:
    if event == "open":
        mode = args[1] if len(args) > 1 else "r"
        flags = args[2] if len(args) > 2 else 0
        if isinstance(mode, str):
            return any(c in mode for c in "wax+")
        return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    return event in WRITES


def forked(argv: list[str], kill_at: int | None, count_file: Path) -> int:
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            n = [0]

            def hook(event, args):
                if is_write(event, args):
                    n[0] += 1
                    if kill_at is not None and n[0] == kill_at:
                        os.kill(os.getpid(), signal.SIGKILL)

            sys.addaudithook(hook)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            code = main(argv)
            total = n[0]
            kill_at = None
            count_file.write_text(str(total))
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def state(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def seeds(st: dict) -> list:
    out = set()
    for name, data in st.items():
        if name == "summary.json":
            out.add(json.loads(data)["summary"]["seed"])
        elif name == "timeseries.parquet":
            out |= {int(x) for x in pd.read_parquet(io.BytesIO(data))["seed"]}
        elif name == "comparison.json":
            out.add(tuple(json.loads(data)["provenance"]["seeds"]))
        elif name == "summaries.parquet":
            out.add(tuple(sorted({int(x) for x in pd.read_parquet(io.BytesIO(data))["seed"]})))
    return sorted(out, key=str)


def main_(command: str, work: Path) -> dict:
    (work / "a.yaml").write_text(f"extends: solo\n{TINY}")
    (work / "b.yaml").write_text(f"extends: chorus\n{TINY}")
    out = work / "out" / "res"
    if command == "run":
        argv = ["run", str(work / "a.yaml"), "--days", "5", "--out", str(out)]
    else:
        argv = ["compare", str(work / "a.yaml"), str(work / "b.yaml"), "-r", "2"]
        argv += ["--days", "5", "--out", str(out)]
    count = work / "count"
    assert forked([*argv, "--seed", "1"], None, count) == 0
    old = state(out)
    keep = work / "keep"
    shutil.copytree(out, keep)
    new_argv = [*argv, "--seed", "2", "--overwrite"]
    assert forked(new_argv, None, count) == 0
    new = state(out)
    assert set(new) == set(old) and seeds(new) != seeds(old)
    total = int(count.read_text())
    # every point near the end (where the folders are swapped), a spread before it
    ks = sorted({*range(max(1, total - 8), total + 1), *range(1, total, max(1, total // 10))})
    points = []
    leftovers = []
    for k in ks:
        for p in out.parent.iterdir():  # the same start each time: op k is the same op
            shutil.rmtree(p)
        shutil.copytree(keep, out)
        code = forked(new_argv, k, count)
        after = state(out)
        if after == old:
            outcome = "old"
        elif set(after) == set(new) and all(after.values()) and seeds(after) == seeds(new):
            outcome = "new"
        else:
            outcome = f"mixed: {sorted(after)} {seeds(after)}"
        visible = sorted(p.name for p in out.parent.iterdir() if not p.name.startswith("."))
        points.append([k, code, outcome, visible])
        leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".")] or leftovers
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(keep, out)
    for name in leftovers:  # what the last kill that left something left: cleaned next time
        (out.parent / name).mkdir(exist_ok=True)
    assert forked(new_argv, None, count) == 0
    return {
        "total": total,
        "leftovers": leftovers,
        "points": points,
        "after_rerun": sorted(p.name for p in out.parent.iterdir()),
    }


if __name__ == "__main__":
    # pyarrow's and BLAS's idle pool threads exist; each child only runs cogov and dies
    warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks")
    use_cjk_font()
    assert figures.style  # the figure code is imported before any fork
    print(json.dumps(main_(sys.argv[1], Path(sys.argv[2]))))
