"""`cogov sweep`, `analyze`, `discover`, `attribute` (registered by sim.cli)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sim.argtypes import at_least, days, non_negative, replications, workers


def _threshold(text: str):
    from sim.sweep.discover import threshold

    try:
        return threshold(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _share(low: float, high: float):
    """A number in (low, high]: one line naming the bounds otherwise."""

    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number (got {text!r})") from None
        if not low < v <= high:
            raise argparse.ArgumentTypeError(f"must be > {low:g} and <= {high:g} (got {text})")
        return v

    return parse


def register(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a sweep file (grid, list, csv, lhs, sobol, morris); resumable",
        description="Run every design point x replication of a sweep file into DIR; "
        "run again to resume (finished runs are skipped).",
    )
    p.add_argument("spec", type=Path, help="sweep file (scenarios/sweeps/*.yaml)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--workers", "-w", type=workers, default=1, help="local worker processes")
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--retry-failed", action="store_true", help="run recorded failures again")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--wait", action="store_true", help="if another sweep is writing into DIR, wait for it"
    )
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("analyze", help="per-point means with 95%% CIs, main effects, indices")
    p.add_argument("dir", type=Path, help="a sweep output folder")
    p.add_argument("--metrics", nargs="+", help="summary metrics (default: the spec's)")
    p.add_argument(
        "--sides",
        action="store_true",
        help="paired sweep: each side's metric too, not only the gain (B - A)",
    )
    p.add_argument("--no-figures", action="store_true", help="tables only")
    p.add_argument("--out", type=Path, help="output folder (default DIR/analysis)")
    p.add_argument(
        "--overwrite", action="store_true", help="replace an earlier analysis in that folder"
    )
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser(
        "discover",
        help="scenario discovery (PRIM): the conditions under which a metric is below X",
        description="PRIM (EMA Workbench) or CART over a sweep's design points: boxes of "
        "axis values where METRIC (mean over replications) is below (or above) X, with "
        "coverage, density and mass, and each box as a sentence. In a paired sweep "
        "METRIC is e.g. gain_resolution_rate (B - A).",
    )
    p.add_argument("dir", type=Path, help="a sweep output folder")
    p.add_argument(
        "--metric", required=True, help="a column of the runs, e.g. gain_resolution_rate"
    )
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument(
        "--below", type=_threshold, metavar="X", help="a value, or a quantile such as q25"
    )
    g.add_argument(
        "--above", type=_threshold, metavar="X", help="a value, or a quantile such as q75"
    )
    p.add_argument("--method", choices=["prim", "cart"], default="prim")
    p.add_argument("--boxes", type=at_least(1, 10), default=3, help="at most this many boxes")
    p.add_argument(
        "--min-density",
        type=_share(0, 1),
        default=0.8,
        help="the chosen box: highest coverage with at least this density (default 0.8)",
    )
    p.add_argument(
        "--mass-min", type=_share(0, 0.5), default=0.05, help="smallest box, share of points"
    )
    p.add_argument(
        "--peel-alpha", type=_share(0, 0.5), default=0.05, help="PRIM: share peeled per step"
    )
    p.add_argument(
        "--no-prune",
        action="store_true",
        help="PRIM: keep every restriction (default: drop those with quasi-p >= 0.05 or "
        "cutting less than a tenth of the axis)",
    )
    p.add_argument("--out", type=Path, help="output folder (default DIR/discover-METRIC-TIME)")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--json", action="store_true", help="print JSON instead of the report")
    p.add_argument("--no-figures", action="store_true", help="tables and report only")
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser(
        "attribute",
        help="each lever's Shapley share of B's gain over A",
        description="Exact Shapley values over the levers that differ between A and B "
        "(2^k coalitions, common seeds), with 95%% CIs across replications.",
    )
    p.add_argument("a", help="scenario A (name or file), e.g. solo")
    p.add_argument("b", help="scenario B (name or file), e.g. chorus")
    p.add_argument("--replications", "-r", type=replications, default=10)
    p.add_argument("--seed", type=non_negative, default=0, help="master seed")
    p.add_argument("--workers", "-w", type=workers, default=1)
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--days", type=days, help="override the scenarios' days")
    p.add_argument("--out", type=Path, help="output folder (default out/attribute-A-vs-B-TIME)")
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_attribute)


def _check_memory(params, days, workers: int, what: str) -> None:
    """Runs at once (--workers) fit in memory, else one line (sim/limits.py)."""
    from sim import limits
    from sim.sweep.spec import SweepError

    for s in params:
        try:
            limits.check(s, days=days, parallel=workers)
        except limits.TooBig as e:
            raise SweepError(f"{what} with --workers {workers}: {e}") from None


def cmd_sweep(args) -> int:
    from sim.sweep.runner import run_sweep
    from sim.sweep.spec import load

    sweep = load(args.spec)
    if args.scheduler is None and sweep.city is not None:  # a whole city per run
        from sim.city.spec import fits

        at_once = min(args.workers, len(sweep.tasks()))
        for c in {id(c): c for c in sweep.cities.values()}.values():
            fits(args.spec, c.streets, parallel=at_once, what="a run of the city")
    elif args.scheduler is None:
        every = [*sweep.params.values(), *sweep.versus_params.values()]
        unique = {id(p): p for p in every}.values()
        _check_memory(unique, sweep.spec.days, min(args.workers, len(sweep.tasks())), args.spec)
    r = run_sweep(
        sweep,
        args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        retry_failed=args.retry_failed,
        progress=not args.quiet,
        wait=args.wait,
    )
    if r.damaged:
        shown = ", ".join(r.damaged[:5]) + (", ..." if len(r.damaged) > 5 else "")
        print(f"{len(r.damaged)} damaged run files were re-run ({shown})", file=sys.stderr)
    print(
        f"{args.out}: {r.already_done + r.done}/{r.total} "
        f"{'pairs (both sides)' if sweep.paired else 'runs'} finished "
        f"({r.done} now, {r.already_done} before) in {r.elapsed:.1f} s",
        file=sys.stderr,
    )
    if r.failed:
        print(f"{len(r.failed)} runs failed (details in {args.out}/failed/):", file=sys.stderr)
        for key, err in r.failed:
            print(f"  {key}: {err.splitlines()[0] if err else '?'}", file=sys.stderr)
    if r.skipped_failed:
        shown = ", ".join(r.skipped_failed[:5]) + (", ..." if len(r.skipped_failed) > 5 else "")
        print(
            f"{len(r.skipped_failed)} earlier failures not re-run ({shown}): use --retry-failed",
            file=sys.stderr,
        )
    return 0 if r.complete else 1


def cmd_analyze(args) -> int:
    import pandas as pd

    from sim.outputs import check_destination
    from sim.report import tables
    from sim.sweep.analysis import analyze

    dest = args.out if args.out is not None else args.dir / "analysis"
    check_destination(dest, args.overwrite)
    res = analyze(
        args.dir,
        metrics=args.metrics,
        figures=not args.no_figures,
        dest=dest,
        overwrite=args.overwrite,
        sides=args.sides,
    )
    metrics = [c.removesuffix("_mean") for c in res.points.columns if c.endswith("_mean")]
    table = tables.sweep_points(res, metrics)
    with pd.option_context("display.width", 220, "display.max_columns", 30):
        print("mean [95% CI] over replications, per design point")
        if len(table) > 40:
            print(table.head(40).to_string())
            print(f"... {len(table)} points in all: see {res.out}/points.csv")
        else:
            print(table.to_string())
        if res.indices is not None:
            print("\nsensitivity indices (95% confidence half-widths in *_conf)")
            print(res.indices.to_string(index=False, float_format=lambda v: f"{v:#.3g}"))
        for line in res.warnings:  # noise passed off as sensitivity would mislead
            print(f"warning: {line}", file=sys.stderr)
    print(f"\nwritten: {res.out}/ ({', '.join(p.name for p in res.files)})", file=sys.stderr)
    return 0


def cmd_discover(args) -> int:
    from sim.outputs import check_destination, default_folder, output_folder
    from sim.sweep.discover import discover, report, save
    from sim.sweep.runner import load_manifest

    load_manifest(args.dir)  # a sweep folder, or one line
    dest = args.out
    if dest is None:
        dest = default_folder(f"discover-{args.metric}", root=args.dir)
    check_destination(dest, args.overwrite)
    d = discover(
        args.dir,
        args.metric,
        below=args.below,
        above=args.above,
        method=args.method,
        boxes=args.boxes,
        min_density=args.min_density,
        mass_min=args.mass_min,
        peel_alpha=args.peel_alpha,
        prune=not args.no_prune,
    )
    with output_folder(dest, args.overwrite) as tmp:
        files = save(d, tmp, figures=not args.no_figures)
    if args.json:
        print(json.dumps(d.to_json(), ensure_ascii=False, default=str))
    else:
        print(report(d))
    print(f"\nwritten: {dest}/ ({', '.join(p.name for p in files)})", file=sys.stderr)
    return 0


def cmd_attribute(args) -> int:
    from sim import scenarios
    from sim.commands import out_folder
    from sim.outputs import output_folder
    from sim.report import tables
    from sim.sweep.attribution import attribute, save

    out = out_folder(args, f"attribute-{Path(args.a).stem}-vs-{Path(args.b).stem}")
    if args.scheduler is None:
        pair = [scenarios.load(args.a), scenarios.load(args.b)]
        _check_memory(pair, args.days, args.workers, f"{args.a}, {args.b}")
    scheduler = args.scheduler
    if scheduler is not None:  # reach the cluster before hours of local work
        from sim.dask_client import connect
        from sim.sweep.spec import SweepError

        try:
            scheduler = connect(scheduler)
        except ConnectionError as e:
            raise SweepError(f"--scheduler {args.scheduler}: {e}") from None
    try:
        att = attribute(
            args.a,
            args.b,
            replications=args.replications,
            seed=args.seed,
            workers=args.workers,
            scheduler=scheduler,
            days=args.days,
            progress=not (args.quiet or args.json),
        )
    finally:
        if scheduler is not None:
            scheduler.close()
    with output_folder(out, args.overwrite) as tmp:
        files = save(att, tmp)
    if args.json:
        print(json.dumps(att.to_json(), ensure_ascii=False, default=str))
    else:
        print(f"{att.a} -> {att.b}: {args.replications} replications, master seed {args.seed}")
        for m in att.metrics:
            st = att.stats[m]
            print(
                f"\n{m}: A {tables.fmt_ci(st['a'], m)}  B {tables.fmt_ci(st['b'], m)}  "
                f"gain {tables.fmt_ci(st['gain'], m, signed=True)}"
            )
            t = att.table()
            t = t[t["metric"] == m].drop(columns="metric").set_index("lever")
            print(t.to_string(formatters={c: tables.fmt for c in t.columns}))
        print("\nshapley: the lever's share of the gain (same unit as the metric)")
    names = ", ".join(p.name for p in files)
    print(f"\nwritten: {out}/ ({names})", file=sys.stderr)
    return 0
