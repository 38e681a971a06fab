"""A city run's outputs: Parquet tables, figures and provenance, written into a folder
that becomes the results whole (`sim.outputs.output_folder`)."""

from __future__ import annotations

from pathlib import Path

from sim.city.run import CityResult, summary
from sim.city.spec import City

WHOLE = ("response_rate", "callback_resolution_rate", "callback_satisfaction_rate",
         "resolution_rate", "satisfaction_rate", "reported_resolution_rate")  # fmt: skip


def provenance(city: City, r: CityResult, seed: int) -> dict:
    from sim.provenance import provenance as record

    return record(
        scenarios={"city": {"hash": city.digest, "files": city.files}},
        seeds=[seed],
        street_seeds=r.seeds,
        executor=r.executor,
    )


def save(r: CityResult, city: City, folder: Path, seed: int) -> list[str]:
    """Write the tables, figures and provenance; returns the files' names."""
    from sim.commands import write_json
    from sim.report import figures

    r.streets.to_parquet(folder / "streets.parquet", index=False)
    r.city.to_parquet(folder / "city.parquet", index=False)
    r.ranking.to_parquet(folder / "ranking.parquet", index=False)
    prov = provenance(city, r, seed)
    write_json(folder / "summary.json", {"whole_run": summary(r), "provenance": prov})
    write_json(folder / "provenance.json", prov)
    names = ["streets.parquet", "city.parquet", "ranking.parquet", "summary.json"]
    figures.save(figures.city_series(r.city), folder, "city_series")
    figures.save(figures.street_rates(r.streets), folder, "street_rates")
    names += ["city_series.png/.svg", "street_rates.png/.svg"]
    if len(r.ranking):
        figures.save(figures.ranking_bump(r.ranking), folder, "ranking_bump")
        names.append("ranking_bump.png/.svg")
    return names


def headline(r: CityResult) -> str:
    from sim.report import tables

    w = summary(r)
    lines = [
        f"{w['streets']} streets, {w['households']:,} households, {r.city['month'].max()} months"
    ]
    for k in WHOLE:
        lines.append(f"  {k:<28} {tables.fmt(w[k], k):>8}")
    lines.append(
        "  street resolution (min / median / max): "
        f"{w['street_resolution_min']:.3f} / {w['street_resolution_median']:.3f} / "
        f"{w['street_resolution_max']:.3f}"
    )
    return "\n".join(lines)
