"""Where a result came from: package version, git commit, scenario hashes, seeds, command."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
import sys
from pathlib import Path

_command: list[str] = []


def command() -> str:
    """The command line recorded by `set_command` ('' if none was)."""
    return " ".join(_command)


def set_command(argv: list[str]) -> None:
    """Record the command line that produced the outputs (the CLI calls this)."""
    _command[:] = argv


def git_commit() -> str | None:
    """The commit of the source tree (with '-dirty' if modified), when it is a git checkout."""
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return sha + ("-dirty" if dirty else "")


def provenance(scenarios: dict | None = None, seeds=None, **extra) -> dict:
    """A JSON-ready record; `scenarios` maps a name to {'hash': ..., 'files': {...}}."""
    import mesa
    import numpy as np

    import sim

    return {
        "package": "cogov",
        "version": sim.__version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "command": " ".join(_command or [Path(sys.argv[0]).name, *sys.argv[1:]]),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scenarios": scenarios or {},
        "seeds": list(seeds) if seeds is not None else None,
        **extra,
    }
