"""The core subcommands: run, compare, validate, list, schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sim import limits
from sim.argtypes import UsageError, days, non_negative, replications, workers


def register(sub) -> None:
    p = sub.add_parser("run", help="one run of a scenario")
    p.add_argument("scenario", help="a scenario file, or a bundled name (see `cogov list`)")
    p.add_argument("--seed", type=non_negative, default=0)
    p.add_argument("--days", type=days, default=None, help="override the scenario's days")
    p.add_argument(
        "--out", type=Path, default=None, help="output folder (default out/run-NAME-TIME)"
    )
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument(
        "--period", type=period, action="append", default=[], metavar="A:B",
        help="also report days A+1..B (a window [A, B) of elapsed days); repeatable",
    )  # fmt: skip
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="replications of scenarios, with 95%% CIs")
    p.add_argument("scenarios", nargs="+", help="two or more scenario files or bundled names")
    p.add_argument("--replications", "-r", type=replications, default=10)
    p.add_argument("--seed", type=non_negative, default=0, help="master seed")
    p.add_argument("--workers", "-w", type=workers, default=1, help="local worker processes")
    p.add_argument("--days", type=days, default=None)
    p.add_argument(
        "--out", type=Path, default=None, help="output folder (default out/compare-A-B-TIME)"
    )
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    p.add_argument(
        "--period", type=period, action="append", default=[], metavar="A:B",
        help="also compare days A+1..B (a window [A, B) of elapsed days); repeatable",
    )  # fmt: skip
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("validate", help="check scenario files")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("list", help="the bundled scenarios")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("schema", help="JSON Schema of scenario files (for editors)")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("metrics", help="what each reported metric means, and its unit")
    p.set_defaults(func=cmd_metrics)


def period(text: str) -> tuple[int, int]:
    """`A:B`: the window [A, B) of elapsed days, i.e. days A+1 ... B."""
    a, sep, b = text.partition(":")
    try:
        lo, hi = int(a), int(b)
    except ValueError:
        lo = hi = -1
    if not sep or not 0 <= lo < hi <= limits.MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"must be A:B with whole numbers 0 <= A < B <= {limits.MAX_DAYS} (got {text!r})"
        )
    return lo, hi


def _check_periods(periods, days: int) -> None:
    for a, b in periods:
        if b > days:
            raise UsageError(f"--period {a}:{b}: the run has only {days} days (B <= {days})")


def _load_all(names):
    from sim import scenarios

    loaded, info = {}, {}
    for n in names:
        path = scenarios.resolve(n)
        params = scenarios.load(path)
        stem = path.stem
        if stem in loaded:
            raise UsageError(f"{path}: two scenarios are named {stem!r}; rename one file")
        loaded[stem] = params
        info[stem] = {
            "file": str(path),
            "hash": params.digest(),
            "files": scenarios.file_hashes(path),
        }
    return loaded, info


def check_memory(loaded: dict, info: dict, days: int | None, parallel: int = 1) -> None:
    """The runs as asked (--days, --workers at once) fit in memory; else one line."""
    from sim import limits

    for name, params in loaded.items():
        try:
            limits.check(params, days=days, parallel=parallel)
        except limits.TooBig as e:
            flags = "--days/--workers" if parallel > 1 else "--days"
            raise UsageError(f"{info[name]['file']} with these {flags}: {e}") from None


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str), encoding="utf-8")


def out_folder(args, stem: str) -> Path:
    """--out, or a new folder per invocation; refused early if it holds results."""
    from sim.outputs import check_destination, default_folder

    out = args.out if args.out is not None else default_folder(stem)
    check_destination(out, args.overwrite)
    return out


def cmd_run(args) -> int:
    import sim
    from sim.outputs import output_folder
    from sim.provenance import provenance
    from sim.report import figures, labels, tables

    loaded, info = _load_all([args.scenario])
    ((name, params),) = loaded.items()
    check_memory(loaded, info, args.days)
    from tqdm.auto import tqdm

    days = args.days or params.days
    _check_periods(args.period, days)
    out = out_folder(args, f"run-{name}")
    with tqdm(total=days, desc=name, unit="day", delay=1.0) as bar:
        r = sim.run(
            params, seed=args.seed, days=days, on_day=lambda m: bar.update(),
            periods=tuple(args.period),
        )  # fmt: skip
    with output_folder(out, args.overwrite) as tmp:
        r.daily.to_parquet(tmp / "timeseries.parquet", index=False)
        prov = provenance(scenarios=info, seeds=[args.seed])
        body = {"summary": r.summary, "periods": r.periods, "provenance": prov}
        write_json(tmp / "summary.json", body)
        write_json(tmp / "provenance.json", prov)
        fig = figures.run_series(
            r.daily, f"{labels.scenario(name)} — {labels.word('seed')} {args.seed}"
        )
        figures.save(fig, tmp, "timeseries")
    width = max(len(m) for m in sim.HEADLINE)
    cols = {f"days 1-{days}": r.summary} | {
        f"days {int(k.split(':')[0]) + 1}-{k.split(':')[1]}": v for k, v in r.periods.items()
    }
    print(f"{name}, seed {args.seed}, {days} days")
    print(f"{'':<{width}}  " + "  ".join(f"{c:>12}" for c in cols))
    for m in sim.HEADLINE:
        cells = "  ".join(f"{tables.fmt(v[m], m):>12}" for v in cols.values())
        print(f"{m:<{width}}  {cells}  {tables.unit(m)}")
    print("(`cogov metrics` says what each metric means)")
    print(
        f"\nwritten: {out}/ (timeseries.parquet, summary.json, timeseries.png/.svg)",
        file=sys.stderr,
    )
    return 0


def cmd_compare(args) -> int:
    from sim.compare import compare
    from sim.outputs import output_folder
    from sim.provenance import provenance
    from sim.report import figures, tables

    if len(args.scenarios) < 2:
        raise UsageError("cogov compare: give at least two scenarios (e.g. solo chorus)")
    loaded, info = _load_all(args.scenarios)
    check_memory(loaded, info, args.days, min(args.workers, args.replications * len(loaded)))
    _check_periods(args.period, min(args.days or p.days for p in loaded.values()))
    out = out_folder(args, "compare-" + "-".join(loaded))
    c = compare(
        loaded, args.replications, args.seed, args.workers, args.days,
        periods=tuple(args.period),
    )  # fmt: skip
    c.provenance = provenance(
        scenarios=info, seeds=c.seeds, master_seed=args.seed, replications=args.replications
    )
    result = c.to_json()
    table = tables.comparison(c)
    with output_folder(out, args.overwrite) as tmp:
        c.summaries.to_parquet(tmp / "summaries.parquet", index=False)
        c.summaries.to_csv(tmp / "summaries.csv", index=False)
        c.daily.to_parquet(tmp / "timeseries.parquet", index=False)
        write_json(tmp / "comparison.json", result)
        write_json(tmp / "provenance.json", c.provenance)
        table.to_csv(tmp / "table.csv")
        figures.save(figures.daily_bands(c.daily, names=c.names), tmp, "daily")
        figures.save(figures.rate_bars(result, figures.HOTLINE_RATES), tmp, "rates")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        import pandas as pd

        shown = table.assign(unit=[tables.unit(m) for m in table.index])
        with pd.option_context("display.width", 200, "display.max_colwidth", 40):
            print(f"{args.replications} replications, master seed {args.seed}; mean [95% CI]")
            print(shown.to_string())
            for key in c.periods:
                a, b = key.split(":")
                print(f"\ndays {int(a) + 1}-{b} (window [{key.replace(':', ', ')}))")
                part = tables.comparison(c, period=key)
                print(part.assign(unit=[tables.unit(m) for m in part.index]).to_string())
        print("(`cogov metrics` says what each metric means)")
    print(f"\nwritten: {out}/ (table.csv, comparison.json, figures)", file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    from sim import scenarios

    bad = 0
    for f in args.files:
        try:
            print(f"ok  {f}  ({_validate_one(f)})")
        except scenarios.ScenarioError as e:
            for line in e.problems:  # every problem of the file, one line each
                print(line, file=sys.stderr)
            bad += 1
    return 2 if bad else 0


def _validate_one(f: str) -> str:
    """A scenario, sweep, targets or city file, told apart by its keys; what it is, if
    valid."""
    from pathlib import Path

    from sim import scenarios

    try:
        keys = set(scenarios.read_mapping(Path(f))) if Path(f).is_file() else set()
    except scenarios.ScenarioError:
        keys = set()  # loading it as a scenario says what is wrong
    sweep = {"base", "compare"} & keys  # a sweep, or a paired one
    if {"cases", "parameters"} & keys and not sweep:
        from sim.calibration.targets import load as load_targets

        t = load_targets(f)
        return f"targets {t.name}: {len(t.paths)} parameters, {len(t.cases)} cases, {t.hash[:12]}"
    if "districts" in keys and not sweep:
        from sim import city

        c = city.load(f)
        return (
            f"city {c.spec.name}: {len(c.streets)} streets in {len(c.spec.districts)} "
            f"districts, {c.households:,} households, {c.digest[:12]}"
        )
    if sweep:
        from sim.sweep.spec import load as load_sweep

        w = load_sweep(f)
        return f"sweep {w.name}: {len(w.points)} points x {w.spec.replications}, {w.hash[:12]}"
    s = scenarios.load(f)
    return f"{s.name}, {s.digest()}"


def cmd_list(args) -> int:
    from sim import scenarios

    for name, path in scenarios.bundled().items():
        try:
            desc = scenarios.load(path).description
        except scenarios.ScenarioError as e:
            desc = f"(invalid: {e})"
        print(f"{name:<18} {desc}")
    return 0


def schema() -> dict:
    from sim.params import Scenario

    s = Scenario.model_json_schema()
    s["title"] = "cogov scenario"
    s["properties"]["extends"] = {
        "type": "string",
        "description": "a scenario file (relative to this one) or bundled name to start from",
    }
    return s


def cmd_schema(args) -> int:
    print(json.dumps(schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_metrics(args) -> int:
    from sim.report import tables

    print(tables.glossary())
    return 0
