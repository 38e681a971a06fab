"""Where compiled kernels are cached, and warming them up.

numba re-checks a cached function only against its own source file, so a
kernel that inlines a helper from another module would keep running the old
helper after that module changed. The cache folder is therefore named by a hash
of every source file of the model (all but the layers over it, which no kernel
imports): any edit there starts a fresh cache, and nothing stale can run. Set
`COGOV_NUMBA_CACHE` to choose the parent folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
KEEP = 3  # older cache folders kept (other checkouts may still use them)
# the layers over the model: editing them must not cost a recompile
OUTER = {
    "calibration", "dashboard", "report", "sweep", "cli.py", "commands.py", "compare.py",
    "dask_executor.py", "docgen.py", "executors.py", "limits.py", "outputs.py",
    "provenance.py", "stats.py", "warm_worker.py",
}  # fmt: skip


def source_hash() -> str:
    h = hashlib.sha256()
    for f in sorted(PACKAGE.rglob("*.py")):
        if f.relative_to(PACKAGE).parts[0] in OUTER:
            continue
        h.update(f.relative_to(PACKAGE).as_posix().encode())
        h.update(f.read_bytes())
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

    import sim

    t = time.perf_counter()
    small = {"residents": 400, "grid_size": [50, 100]}
    everything = sim.chorus(community=small, days=3).with_levers(
        paper_resolution=True, campaign={"enabled": True, "start": 1, "days": 2}
    )
    for params in (sim.solo(community=small, days=3), everything):
        sim.run(params, seed=0)
    return time.perf_counter() - t
