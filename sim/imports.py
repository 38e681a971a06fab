"""Importing Mesa and EMA Workbench without their stack walks.

Both libraries' logging helpers call `inspect.stack()` or `inspect.getouterframes()`
at import time only to learn a caller's module or function name. Those calls read
the source of every frame on the stack and scan every loaded module, once per
decorated method: measured here, 0.8 s of Mesa's import and 11 s of EMA Workbench's
`analysis.prim`. While they import, the two functions return the same frames and
names without the source lines (which the helpers never read).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import sys
import warnings


def _frames(frame, context=1):
    out = []
    while frame is not None:
        code = frame.f_code
        out.append(inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name,
                                     None, None))  # fmt: skip
        frame = frame.f_back
    return out


def _stack(context=1):
    return _frames(inspect.currentframe().f_back, context)


@contextlib.contextmanager
def cheap_stack():
    """`inspect.stack` and `inspect.getouterframes` without source lookups, for a while."""
    saved = inspect.stack, inspect.getouterframes
    inspect.stack, inspect.getouterframes = _stack, _frames
    try:
        yield
    finally:
        inspect.stack, inspect.getouterframes = saved


def quietly(name: str, without: tuple[str, ...] = ("altair",)):
    """Import a module cheaply and without its warnings about optional packages.

    The optional packages in `without` are hidden while it imports, unless already
    loaded: PRIM's import of altair (for an interactive view we never show) costs 6 s
    here, most of it compiling URI grammars for jsonschema. They import as usual later.
    """
    hidden = [m for m in without if m not in sys.modules]
    for m in hidden:
        sys.modules[m] = None  # `import m` raises ImportError, which the library allows
    try:
        with cheap_stack(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module(name)
    finally:
        for m in hidden:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]
