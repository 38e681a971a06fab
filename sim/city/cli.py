"""`cogov city run|make|check`: a city of streets from the command line (thin: the work
is `sim.city`)."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.argtypes import UsageError, at_least, days, non_negative, positive, workers


def register(sub) -> None:
    from sim.argtypes import Parser
    from sim.cli import figure_options

    city = sub.add_parser("city", help="a city of streets: run, make or check a city file")
    inner = city.add_subparsers(dest="city_command", required=True, parser_class=Parser)

    p = inner.add_parser("run", help="run a city file month by month")
    p.add_argument("city", help="a city file, or a bundled name (example)")
    p.add_argument("--seed", type=non_negative, default=0)
    p.add_argument(
        "--workers", "-w", type=workers, default=1,
        help="local worker processes (each runs whole districts)",
    )  # fmt: skip
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument(
        "--out", type=Path, default=None, help="output folder (default out/city-NAME-TIME)"
    )
    p.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    figure_options(p)
    p.set_defaults(func=cmd_run, figures=True)

    p = inner.add_parser("make", help="write a city file of N streets (sizes and types spread)")
    p.add_argument("file", type=Path, help="the city file to write (.yaml)")
    p.add_argument("--streets", type=at_least(1, 2000), default=343)
    p.add_argument("--districts", type=positive, default=16)
    p.add_argument("--households", type=at_least(500, 10_000_000), default=7_000_000)
    p.add_argument("--spread", type=float, default=0.5, help="sigma of the sizes' lognormal")
    p.add_argument("--scenario", default="solo", help="every street's scenario")
    p.add_argument("--days", type=days, default=365)
    p.add_argument("--seed", type=non_negative, default=0)
    p.add_argument("--ranking", action="store_true", help="switch the monthly ranking on")
    p.add_argument("--overwrite", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=cmd_make)

    p = inner.add_parser("check", help="validate a city file and say what it holds")
    p.add_argument("city")
    p.set_defaults(func=cmd_check)


def _describe(c) -> str:
    kinds: dict[str, int] = {}
    for s in c.streets:
        kinds[s.type] = kinds.get(s.type, 0) + 1
    shared = sum(bool(c.shared(d.name)) for d in c.spec.districts)
    ranking = "on" if c.spec.ranking.enabled else "off"
    mix = ", ".join(f"{v} {k}" for k, v in kinds.items())
    return (
        f"{c.spec.name}: {len(c.streets)} streets ({mix}) "
        f"in {len(c.spec.districts)} districts ({shared} sharing departments), "
        f"{c.households:,} households, {c.days} days, ranking {ranking}"
    )


def cmd_check(args) -> int:
    from sim import city

    print(_describe(city.load(args.city)))
    return 0


def cmd_make(args) -> int:
    import yaml

    from sim.city.spec import generate

    if args.file.suffix not in (".yaml", ".yml"):
        raise UsageError(f"cogov city make: {args.file}: the file must end in .yaml")
    if args.file.exists() and not args.overwrite:
        raise UsageError(f"cogov city make: {args.file} exists (--overwrite replaces it)")
    if not 0.0 <= args.spread <= 3.0:
        raise UsageError(f"cogov city make: --spread must be within 0-3 (got {args.spread})")
    if args.districts > args.streets:
        raise UsageError(
            f"cogov city make: --districts ({args.districts}) must not exceed --streets "
            f"({args.streets})"
        )
    if args.households < 500 * args.streets:
        raise UsageError(
            f"cogov city make: --households must be at least 500 a street "
            f"({500 * args.streets:,} for {args.streets}; got {args.households:,})"
        )
    data = generate(
        streets=args.streets, districts=args.districts, households=args.households,
        spread=args.spread, scenario=args.scenario, days=args.days, seed=args.seed,
        ranking=args.ranking,
    )  # fmt: skip
    text = f"# {data['description']}\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    tmp = args.file.with_name(f".{args.file.name}.tmp")
    try:
        args.file.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.file)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cogov city make: {args.file}: cannot write ({e.strerror})") from None
    from sim import city

    try:
        print(_describe(city.load(args.file)))
    except city.CityError:
        args.file.unlink(missing_ok=True)  # e.g. an unknown --scenario: no file left behind
        raise
    print(f"written: {args.file}", file=sys.stderr)
    return 0


def cmd_run(args) -> int:
    from sim import city
    from sim.city import output
    from sim.commands import out_folder
    from sim.outputs import output_folder

    c = city.load(args.city)
    out = out_folder(args, f"city-{Path(c.path).stem}")
    scheduler = args.scheduler
    if scheduler is not None:  # reach the cluster before building any street
        from sim.dask_client import connect

        try:
            scheduler = connect(scheduler)
        except ConnectionError as e:
            raise UsageError(f"--scheduler {args.scheduler}: {e}") from None
    bar = None
    if not args.quiet:
        from tqdm.auto import tqdm

        bar = tqdm(total=-(-c.days // city.MONTH), desc=c.spec.name, unit="month", delay=1.0)
    try:
        r = city.run_city(
            c, seed=args.seed, workers=args.workers, scheduler=scheduler,
            on_month=(lambda m, n: bar.update()) if bar else None,
        )  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
        if scheduler is not None:
            scheduler.close()
    with output_folder(out, args.overwrite) as tmp:
        files = output.save(r, c, tmp, seed=args.seed)
    print(output.headline(r))
    print(f"\nwritten: {out}/ ({', '.join(files)})", file=sys.stderr)
    return 0
