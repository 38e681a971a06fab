"""`cogov report`: the report notebooks as one HTML (and Word) document."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="run the report notebooks; write one self-contained HTML (and .docx)",
        description="Run the notebooks (all, or those named) with papermill at the "
        "parameters given, and write report.html (code hidden, figures embedded, provenance "
        "footer) and, when pandoc is installed, report.docx, into one folder.",
    )
    p.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="01, 01_solo_vs_chorus, solo_vs_chorus or a path (default: every notebook)",
    )
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter, as papermill's -p (repeatable)",
    )
    p.add_argument(
        "--lang",
        choices=("zh", "en", "both"),
        default=None,
        help="language of figures and findings (the notebooks' `lang`)",
    )
    p.add_argument(
        "--out", type=Path, default=None, help="output folder (default out/report-NAMES-TIME)"
    )
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--no-docx", action="store_true", help="HTML only, even with pandoc")
    p.add_argument(
        "--timeout",
        type=int,
        default=None,
        metavar="S",
        help="give up on a cell after S seconds (default: never)",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    from sim.commands import out_folder
    from sim.provenance import command
    from sim.report import build

    given = [tuple(pv) for pv in args.parameter]
    if args.lang is not None:
        given.append(("lang", args.lang))
    paths = build.resolve(args.notebooks)
    build.plan(paths, given)  # bad names or values: one line before any folder is made
    stem = "report-" + ("all" if not args.notebooks else "-".join(p.stem[:2] for p in paths))
    out = out_folder(args, stem)
    try:
        rep = build.build(
            args.notebooks,
            given,
            out,
            overwrite=args.overwrite,
            docx=not args.no_docx,
            timeout=args.timeout,
            command=command() or "cogov report",
            on_start=lambda name: print(f"running {name} ...", file=sys.stderr, flush=True),
        )
    except build.ReportError as e:
        print(str(e), file=sys.stderr)
        return 1
    note = "" if rep.docx or args.no_docx else " (no report.docx: pandoc is not installed)"
    print(f"{', '.join(rep.notebooks)}: {rep.seconds:.0f} s{note}")
    print(f"\nwritten: {out}/ ({', '.join(rep.files)}, one folder per notebook)", file=sys.stderr)
    return 0
