"""`cogov`: the command line, a thin layer over the Python API.

Bad input (a scenario, graph or spec file; an out-of-range option) ends with
one line naming the file, the field and what is allowed, and exit code 2.
"""

from __future__ import annotations

import argparse
import sys

from sim.argtypes import Parser, RunFailed, UsageError

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    from sim import __version__

    p = Parser(prog="cogov", description="Grassroots co-governance model: 独角戏 vs 大合唱")
    p.add_argument("--version", action="version", version=f"cogov {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    # Each feature registers its own subcommands: register(subparsers) sets func=...
    from sim.commands import register as register_core

    register_core(sub)
    for module in (
        "sim.city.cli", "sim.sweep.cli", "sim.calibration.cli", "sim.dashboard.cli",
        "sim.report.cli",
    ):  # fmt: skip
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as e:
            if e.name and module.startswith(e.name):
                continue  # feature not built yet / optional extra not installed
            raise
        mod.register(sub)
    _figure_options(sub)
    return p


# Commands that draw figures take the language and page size of every figure they draw.
FIGURE_COMMANDS = ("run", "compare", "analyze", "attribute", "discover", "calibrate")
PRESET_NAMES = ("page", "half", "slide")  # sim/report/style.py PRESETS (not imported: slow)


def _figure_options(sub) -> None:
    for name in FIGURE_COMMANDS:
        parser = sub.choices.get(name)
        if parser is not None:
            figure_options(parser)


def figure_options(parser) -> None:
    """--lang and --preset on a command that draws figures (nested ones call it too, and
    set `figures=True`)."""
    from sim.report.labels import LANGUAGES

    group = parser.add_argument_group("figures")
    group.add_argument(
        "--lang", choices=LANGUAGES, default=None,
        help="language of the figures: zh (中文), en or both (default)",
    )  # fmt: skip
    group.add_argument(
        "--preset", choices=PRESET_NAMES, default=None,
        help="figure size: page (16 cm wide, 9 pt; default), half or slide",
    )  # fmt: skip


def _one_line(e: BaseException) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text if len(text) <= 400 else text[:399] + "…"


def main(argv: list[str] | None = None) -> int:
    from sim.community import GraphFileError
    from sim.outputs import OutputError
    from sim.provenance import set_command
    from sim.scenarios import ScenarioError

    argv = sys.argv[1:] if argv is None else list(argv)
    set_command(["cogov", *argv])
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "preset", None) or (
            getattr(args, "lang", None)
            and (args.command in FIGURE_COMMANDS or getattr(args, "figures", False))
        ):
            from sim.report import style

            style.configure(lang=args.lang, preset=args.preset)
        return int(args.func(args) or 0)
    except (UsageError, ScenarioError, GraphFileError, OutputError) as e:
        print(_one_line(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    except RunFailed as e:
        _stop_workers()
        print(_one_line(e), file=sys.stderr)
        return 1
    except ModuleNotFoundError as e:  # an optional extra is not installed
        extra = {
            "solara": "dashboard",
            "distributed": "sweep",
            "SALib": "sweep",
            "pyabc": "sweep",
            "ema_workbench": "sweep",
            "sklearn": "sweep",
            "papermill": "notebooks",
            "nbconvert": "notebooks",
            "nbformat": "notebooks",
        }.get((e.name or "").split(".")[0], "all")
        print(
            f"cogov: this needs the package {e.name!r}: "
            f"bash scripts/bootstrap.sh {extra}  (or pip install 'cogov[{extra}]')",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _stop_workers()
        print("cogov: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        _stop_workers()
        print("cogov: out of memory; try a smaller street or fewer --workers", file=sys.stderr)
        return 1
    except OSError as e:  # a file system problem outside any output folder we manage
        where = f"{e.filename}: " if getattr(e, "filename", None) else ""
        print(f"cogov: {where}{e.strerror or _one_line(e)}", file=sys.stderr)
        return 1


def _stop_workers() -> None:
    """Local worker processes (spawned by a pool) end now, not when their runs finish."""
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()


def _ignore_sigint_in_workers() -> None:
    """A pool worker spawned by this command line leaves Ctrl-C to its parent, which
    stops it: otherwise every worker prints its own KeyboardInterrupt traceback."""
    import signal
    from multiprocessing import spawn

    if spawn.is_forking(sys.argv):
        signal.signal(signal.SIGINT, signal.SIG_IGN)


_ignore_sigint_in_workers()


if __name__ == "__main__":
    # `python -m sim.cli`: run the imported module's main, so that the UsageError raised by
    # the commands (imported from sim.cli) is the one main catches, not __main__'s copy
    from sim.cli import main as _main

    sys.exit(_main())
