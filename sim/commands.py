"""The core subcommands: run, compare, validate, list, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim.cli import UsageError, days, non_negative, replications, workers


def register(sub) -> None:
    p = sub.add_parser("run", help="one run of a scenario")
    p.add_argument("scenario", help="a scenario file, or a bundled name (see `cogov list`)")
    p.add_argument("--seed", type=non_negative, default=0)
    p.add_argument("--days", type=days, default=None, help="override the scenario's days")
    p.add_argument("--out", type=Path, default=None, help="output folder (default out/NAME)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="replications of scenarios, with 95%% CIs")
    p.add_argument("scenarios", nargs="+", help="two or more scenario files or bundled names")
    p.add_argument("--replications", "-r", type=replications, default=10)
    p.add_argument("--seed", type=non_negative, default=0, help="master seed")
    p.add_argument("--workers", "-w", type=workers, default=1, help="local worker processes")
    p.add_argument("--days", type=days, default=None)
    p.add_argument("--out", type=Path, default=None, help="output folder (default out/compare)")
    p.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("validate", help="check scenario files")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("list", help="the bundled scenarios")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("schema", help="JSON Schema of scenario files (for editors)")
    p.set_defaults(func=cmd_schema)


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


def _write_json(path: Path, obj) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


def _out_dir(out: Path | None, default: str) -> Path:
    out = out if out is not None else Path("out") / default
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"{out}: cannot create the output folder ({e.strerror})") from None
    return out


def cmd_run(args) -> int:
    import pandas as pd

    import sim
    from sim.provenance import provenance
    from sim.report import figures, labels

    loaded, info = _load_all([args.scenario])
    ((name, params),) = loaded.items()
    from tqdm.auto import tqdm

    out = _out_dir(args.out, name)
    days = args.days or params.days
    with tqdm(total=days, desc=name, unit="day", delay=1.0) as bar:
        r = sim.run(params, seed=args.seed, days=days, on_day=lambda m: bar.update())
    r.daily.to_parquet(out / "timeseries.parquet", index=False)
    prov = provenance(scenarios=info, seeds=[args.seed])
    _write_json(out / "summary.json", {"summary": r.summary, "provenance": prov})
    _write_json(out / "provenance.json", prov)
    fig = figures.run_series(r.daily, f"{labels.scenario(name)} — seed {args.seed}")
    figures.save(fig, out, "timeseries")
    table = pd.Series({k: v for k, v in r.summary.items() if k in sim.HEADLINE}, name=name)
    print(table.to_string(float_format=lambda v: f"{v:.4g}"))
    print(
        f"\nwritten: {out}/timeseries.parquet, summary.json, timeseries.png/.svg", file=sys.stderr
    )
    return 0


def cmd_compare(args) -> int:
    from sim.compare import compare
    from sim.provenance import provenance
    from sim.report import figures

    if len(args.scenarios) < 2:
        raise UsageError("cogov compare: give at least two scenarios (e.g. solo chorus)")
    loaded, info = _load_all(args.scenarios)
    out = _out_dir(args.out, "compare")
    c = compare(loaded, args.replications, args.seed, args.workers, args.days)
    c.provenance = provenance(
        scenarios=info, seeds=c.seeds, master_seed=args.seed, replications=args.replications
    )
    c.summaries.to_parquet(out / "summaries.parquet", index=False)
    c.summaries.to_csv(out / "summaries.csv", index=False)
    c.daily.to_parquet(out / "timeseries.parquet", index=False)
    result = c.to_json()
    _write_json(out / "comparison.json", result)
    _write_json(out / "provenance.json", c.provenance)
    table = c.table()
    table.to_csv(out / "table.csv")
    figures.save(figures.daily_bands(c.daily, names=c.names), out, "daily")
    figures.save(figures.rate_bars(result), out, "rates")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_colwidth", 40):
            print(f"{args.replications} replications, master seed {args.seed}; mean [95% CI]")
            print(table.to_string())
        print(f"\nwritten: {out}/ (table.csv, comparison.json, figures)", file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    from sim import scenarios

    bad = 0
    for f in args.files:
        try:
            s = scenarios.load(f)
        except scenarios.ScenarioError as e:
            for line in e.problems:  # every problem of the file, one line each
                print(line, file=sys.stderr)
            bad += 1
            continue
        print(f"ok  {f}  ({s.name}, {s.digest()})")
    return 2 if bad else 0


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
