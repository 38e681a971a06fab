"""`cogov sweep`, `cogov analyze`, `cogov attribute` (registered by sim.cli)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim.cli import UsageError, days, non_negative, replications, workers


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
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("analyze", help="per-point means with 95%% CIs, main effects, indices")
    p.add_argument("dir", type=Path, help="a sweep output folder")
    p.add_argument("--metrics", nargs="+", help="summary metrics (default: the spec's)")
    p.add_argument("--no-figures", action="store_true", help="tables only")
    p.set_defaults(func=cmd_analyze)

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
    p.add_argument("--out", type=Path, help="output folder (default out/attribute_A_vs_B)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_attribute)


def cmd_sweep(args) -> int:
    from sim.sweep.runner import run_sweep

    r = run_sweep(
        args.spec,
        args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        retry_failed=args.retry_failed,
        progress=not args.quiet,
    )
    print(
        f"{args.out}: {r.already_done + r.done}/{r.total} runs finished "
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

    from sim.sweep.analysis import analyze

    res = analyze(args.dir, metrics=args.metrics, figures=not args.no_figures)
    metrics = [c.removesuffix("_mean") for c in res.points.columns if c.endswith("_mean")]
    table = res.table(metrics)
    with pd.option_context("display.width", 220, "display.max_columns", 30):
        print("mean [95% CI] over replications, per design point")
        if len(table) > 40:
            print(table.head(40).to_string())
            print(f"... {len(table)} points in all: see {res.out}/points.csv")
        else:
            print(table.to_string())
        if res.indices is not None:
            print("\nsensitivity indices (95% confidence half-widths in *_conf)")
            print(res.indices.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\nwritten: {res.out}/ ({', '.join(p.name for p in res.files)})", file=sys.stderr)
    return 0


def cmd_attribute(args) -> int:
    import pandas as pd

    from sim.sweep.attribution import attribute, save

    att = attribute(
        args.a,
        args.b,
        replications=args.replications,
        seed=args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
        days=args.days,
        progress=not (args.quiet or args.json),
    )
    out = args.out or Path("out") / f"attribute_{att.a}_vs_{att.b}"
    try:
        files = save(att, out)
    except OSError as e:
        raise UsageError(f"{out}: cannot write the results ({e.strerror})") from None
    if args.json:
        print(json.dumps(att.to_json(), ensure_ascii=False, default=str))
        return 0
    print(f"{att.a} -> {att.b}: {args.replications} replications, master seed {args.seed}")
    for m in att.metrics:
        st = att.stats[m]
        fmt = "{mean:.4f} [{ci_low:.4f}, {ci_high:.4f}]".format
        print(f"\n{m}: A {fmt(**st['a'])}  B {fmt(**st['b'])}  gain {fmt(**st['gain'])}")
        t = att.table()
        t = t[t["metric"] == m].drop(columns="metric").set_index("lever")
        with pd.option_context("display.width", 200):
            print(t.to_string(float_format=lambda v: f"{v:.4f}"))
    print(f"\nwritten: {out}/ ({', '.join(p.name for p in files)})", file=sys.stderr)
    return 0
