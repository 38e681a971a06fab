"""`cogov calibrate` (registered by sim.cli)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.argtypes import at_least, non_negative, workers

budget = at_least(1, 10_000_000, " model runs")
population = at_least(5, 10_000)


def min_epsilon(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number (got {text!r})") from None
    if not 0 <= v < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0 (got {text!r})")
    return v


def register(sub) -> None:
    p = sub.add_parser(
        "calibrate",
        help="fit parameters to observed figures (ABC-SMC, pyabc); resumable",
        description="Likelihood-free Bayesian calibration of a targets file "
        "(scenarios/targets/*.yaml) into DIR: posterior.parquet, fit.json, fitted/ "
        "scenarios and figures. Run the same command again to resume; a larger "
        "--budget continues a finished calibration.",
    )
    p.add_argument("targets", type=Path, help="targets file (scenarios/targets/*.yaml)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--budget", type=budget, default=2000, help="model runs at most (default 2000)")
    p.add_argument("--workers", "-w", type=workers, default=1, help="local worker processes")
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--seed", type=non_negative, default=0, help="master seed")
    p.add_argument(
        "--population", type=population, help="draws per generation (default: from the budget)"
    )
    p.add_argument(
        "--min-epsilon", type=min_epsilon, default=1.0,
        help="stop when the tolerance (root sum of squared z-scores) is this small (default 1)",
    )  # fmt: skip
    p.add_argument("--overwrite", action="store_true", help="replace another calibration in DIR")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args) -> int:
    from sim.calibration.fit import calibrate
    from sim.calibration.targets import load

    if args.scheduler is not None and args.workers != 1:
        from sim.argtypes import UsageError

        raise UsageError("cogov calibrate: give --workers or --scheduler, not both")
    targets = load(args.targets)
    r = calibrate(
        targets,
        args.out,
        budget=args.budget,
        workers=args.workers,
        scheduler=args.scheduler,
        seed=args.seed,
        population=args.population,
        min_epsilon=args.min_epsilon,
        overwrite=args.overwrite,
        progress=not args.quiet,
    )
    why = {
        "min_epsilon": f"tolerance reached {args.min_epsilon:g}",
        "budget": "budget spent",
        "generations": "generation limit",
    }[r.stopped]
    eps = r.fit["epsilon"]
    print(
        f"{args.out}: {r.generations} generations, {r.fit['runs']:,} model runs, "
        f"epsilon {eps:.3g} ({why}) in {r.elapsed:.1f} s" if eps is not None else
        f"{args.out}: {r.generations} generations ({why})",
        file=sys.stderr,
    )  # fmt: skip
    per = r.fit["epsilon_per_target_se"]
    print(
        f"  effective sample size {r.fit['ess']:.0f} of {r.fit['population']}"
        + (f"; tolerance {per:.2g} standard errors per target" if per is not None else ""),
        file=sys.stderr,
    )
    for path, s in r.fit["posterior"].items():
        print(f"  {path}: median {s['median']:.3g}, 90% interval [{s['q05']:.3g}, {s['q95']:.3g}]")
    for w in r.fit["at_bounds"]:
        print(
            f"warning: {w['parameter']}: {w['weight_in_outer_5pc']:.0%} of the posterior lies "
            f"in the outer 5% of its prior next to its {w['bound']} bound: the targets pull it "
            "out of the prior, so read it as a misfit, not as information",
            file=sys.stderr,
        )
    for row in r.fit["targets"]:
        print(
            f"  case {row['case']} {row['metric']}: observed {row['observed']:.3g} "
            f"± {row['se']:.2g}, simulated {row['simulated_mean']:.3g} "
            f"[{row['ci_low']:.3g}, {row['ci_high']:.3g}]"
        )
    return 0
