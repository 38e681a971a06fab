"""What can go wrong opening a user's file, said in one line (below every reader)."""

from __future__ import annotations

import stat
from pathlib import Path


def not_a_file(path: Path) -> str | None:
    """Why `path` cannot be read as a file (a folder, a device, missing), or None."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "no such file"
    except OSError as e:
        return f"cannot read it ({e.strerror or e.__class__.__name__})"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a device, pipe or socket)"
    return None
