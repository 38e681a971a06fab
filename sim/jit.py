"""Where compiled kernels are cached, and warming them up.

numba re-checks a cached function only against its own source file, so a
kernel that inlines a helper from another module would keep running the old
helper after that module changed. The cache folder is therefore named by a hash
of the code of every module a kernel reads (those that compile kernels, and the
constants and enums they import), docstrings and comments left out: editing the
model's Python layers or its prose never costs a recompile, and nothing stale can
run. Set `COGOV_NUMBA_CACHE` to choose the parent folder.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
KEEP = 3  # older cache folders kept (other checkouts may still use them)
# modules without kernels whose values kernels read (case states, lever codes)
READ_BY_KERNELS = ("cases.py", "params.py")


def kernel_sources() -> list[Path]:
    """The modules whose code a compiled kernel can depend on."""
    return sorted(
        f
        for f in PACKAGE.rglob("*.py")
        if (f.name in READ_BY_KERNELS and f.parent == PACKAGE) or b"\n@nb.njit" in f.read_bytes()
    )


def _code(source: bytes) -> str:
    """The module's syntax tree without docstrings: prose edits hash alike."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def source_hash() -> str:
    h = hashlib.sha256()
    for f in kernel_sources():
        h.update(f.relative_to(PACKAGE).as_posix().encode())
        h.update(_code(f.read_bytes()).encode())
    return h.hexdigest()[:16]


# the layers over the model: they change how results are shown, never what they are
OUTER = {
    "calibration", "dashboard", "report", "sweep", "cli.py", "commands.py", "compare.py",
    "dask_client.py", "dask_executor.py", "docgen.py", "executors.py", "limits.py", "outputs.py",
    "processes.py",
    "provenance.py", "stats.py", "warm_worker.py",
}  # fmt: skip


def model_hash() -> str:
    """A hash of the model's code (not its prose or outer layers): what a result depends on."""
    h = hashlib.sha256()
    for f in sorted(PACKAGE.rglob("*.py")):
        if f.relative_to(PACKAGE).parts[0] not in OUTER:
            h.update(f.relative_to(PACKAGE).as_posix().encode())
            h.update(_code(f.read_bytes()).encode())
    return h.hexdigest()[:16]


def cache_root() -> Path:
    env = os.environ.get("COGOV_NUMBA_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cogov" / "numba"


def configure() -> Path:
    """Point numba's cache at this source tree's own folder (before any kernel compiles)."""
    import numba

    folder = cache_root() / source_hash()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        old = sorted(
            (p for p in folder.parent.iterdir() if p.is_dir() and p != folder),
            key=lambda p: p.stat().st_mtime,
        )
        for p in old[:-KEEP] if len(old) > KEEP else []:
            shutil.rmtree(p, ignore_errors=True)
    except OSError:  # read-only home: numba then caches beside the sources, or not at all
        return folder
    numba.config.CACHE_DIR = str(folder)
    return folder


def warm() -> float:
    """Compile (or load) every kernel once by running a tiny street; returns seconds."""
    import time

    from sim.experiments import run
    from sim.presets import chorus, solo

    t = time.perf_counter()
    small = {"residents": 400, "grid_size": [50, 100]}
    everything = chorus(community=small, days=3).with_levers(
        paper_resolution=True, campaign={"enabled": True, "start": 1, "days": 2}
    )
    for params in (solo(community=small, days=3), everything):
        run(params, seed=0)
    return time.perf_counter() - t
