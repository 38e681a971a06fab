"""Fail at once, with one line, when this Python cannot run cogov.

A benchmark started with the system `python` (older, or without cogov installed)
used to hang forever waiting for a child that had died on import. Imported first
by every benchmark: `import _require` (the benchmarks folder is on sys.path).
"""

import sys

_HINT = f"run: .venv/bin/python {' '.join(sys.argv)}  (after bash scripts/bootstrap.sh)"

if sys.version_info < (3, 12):  # noqa: UP036  (this runs under any python3)
    sys.exit(f"{sys.executable} is Python {sys.version.split()[0]}; cogov needs 3.12+: {_HINT}")
try:
    import sim  # noqa: F401
except ImportError as e:
    sys.exit(f"{sys.executable} cannot import cogov ({e}): {_HINT}")
