"""Analyse a sweep folder: per-point means with 95% CIs, main effects, Sobol / Morris.

In a paired sweep (`compare: [A, B]`) a metric named in the spec or `--metrics`
means its gain column `gain_<metric>` (B - A); `sides=True` adds `A_<metric>`
and `B_<metric>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.stats import mean_ci
from sim.sweep import plots
from sim.sweep.runner import load_design, load_manifest, load_results, write_parquet
from sim.sweep.spec import SweepError

MAX_LEVELS = 12  # more distinct values than this: bin into quantiles
BINS = 8


@dataclass
class Analysis:
    out: Path
    points: pd.DataFrame  # one row per design point: axis values, n, mean/ci per metric
    effects: pd.DataFrame  # long: metric, axis, x, mean, ci_low, ci_high, n
    indices: pd.DataFrame | None = None  # sobol or morris indices
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # indices the design cannot resolve


def _ci_over_reps(df: pd.DataFrame, metric: str) -> dict:
    """Mean and CI of `metric` over replications (each replication's mean first: CRN)."""
    if df["replication"].nunique() >= 2:
        return mean_ci(df.groupby("replication")[metric].mean())
    return mean_ci(df[metric])


def per_point(runs: pd.DataFrame, axes: list[str], metrics) -> pd.DataFrame:
    rows = []
    for pid, g in runs.groupby("point", sort=True):
        row = {"point": pid, **{a: g[a].iloc[0] if a in g else None for a in axes}}
        row["n"] = len(g)
        for m in metrics:
            ci = mean_ci(g[m])
            row.update({f"{m}_{k}": v for k, v in ci.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def main_effects(runs: pd.DataFrame, axes: list[str], metrics) -> pd.DataFrame:
    rows = []
    for a in axes:
        if a not in runs:
            continue
        col = runs[a]
        sub = runs[col.notna()]
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if numeric and col.nunique() > MAX_LEVELS:
            groups = pd.qcut(sub[a], BINS, duplicates="drop")
            keyed = sub.assign(_g=groups.cat.codes)
        else:
            keyed = sub.assign(_g=sub[a])
        for g, part in keyed.groupby("_g", sort=True):
            x = part[a].mean() if numeric else g
            for m in metrics:
                ci = _ci_over_reps(part, m)
                defined = int(part[m].notna().sum())  # runs where the metric is defined
                rows.append(
                    {**ci, "metric": m, "axis": a, "x": x, "n": len(part), "n_defined": defined}
                )
    cols = ["metric", "axis", "x", "n", "n_defined", "mean", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=cols)


def _point_means(runs: pd.DataFrame, design: dict, metric: str) -> np.ndarray:
    ids = [p["point"] for p in design["points"]]
    means = runs.groupby("point")[metric].mean()
    missing = [i for i in ids if i not in means.index]
    if missing:
        raise SweepError(
            f"{len(missing)} of {len(ids)} design points have no finished run (first: "
            f"{missing[0]}); {design['design']} indices need every point: finish the sweep "
            "(cogov sweep ... --retry-failed)"
        )
    return means.loc[ids].to_numpy(float)


def sobol_indices(runs, design, spec, metrics) -> pd.DataFrame:
    from SALib.analyze import sobol

    problem = design["problem"]
    rows = []
    for m in metrics:
        y = _point_means(runs, design, m)
        s = sobol.analyze(
            problem,
            y,
            calc_second_order=spec.get("second_order", False),
            conf_level=0.95,
            print_to_console=False,
            seed=spec.get("seed", 0),
        )
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    "metric": m,
                    "parameter": name,
                    "S1": s["S1"][i],
                    "S1_conf": s["S1_conf"][i],
                    "ST": s["ST"][i],
                    "ST_conf": s["ST_conf"][i],
                }
            )
    return pd.DataFrame(rows)


def morris_indices(runs, design, spec, metrics) -> pd.DataFrame:
    from SALib.analyze import morris

    problem = design["problem"]
    x = np.array([p["x"] for p in design["points"]], dtype=float)
    rows = []
    for m in metrics:
        y = _point_means(runs, design, m)
        s = morris.analyze(
            problem,
            x,
            y,
            conf_level=0.95,
            num_levels=spec.get("levels", 4),
            print_to_console=False,
            seed=spec.get("seed", 0),
        )
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    "metric": m,
                    "parameter": name,
                    "mu": s["mu"][i],
                    "mu_star": s["mu_star"][i],
                    "mu_star_conf": s["mu_star_conf"][i],
                    "sigma": s["sigma"][i],
                }
            )
    return pd.DataFrame(rows)


def paired_names(manifest: dict) -> tuple[str, str] | None:
    """A paired sweep's scenario names (column prefixes), or None."""
    names = (manifest.get("compare") or {}).get("names")
    return (str(names[0]), str(names[1])) if names else None


def numeric_columns(runs: pd.DataFrame) -> list[str]:
    return [c for c in runs.columns if runs[c].dtype.kind in "fiu" and c not in NOT_METRICS]


NOT_METRICS = {"replication", "seed"}


def resolve_metrics(
    runs: pd.DataFrame, manifest: dict, metrics, sides: bool = False, flag: str = "--metrics"
) -> list[str]:
    """Column names for metrics as asked; in a paired sweep `m` means `gain_m` (and with
    `sides` also `A_m`, `B_m`). An unknown one is one line listing the known."""
    names = paired_names(manifest)
    out: list[str] = []
    for m in metrics:
        if names and f"gain_{m}" in runs.columns:
            cols = [f"gain_{m}", *([f"{names[0]}_{m}", f"{names[1]}_{m}"] if sides else [])]
        elif m in runs.columns and runs[m].dtype.kind in "fiu":
            cols = [m]
        else:
            known = numeric_columns(runs)
            if names:
                known = [c for c in known if c.startswith("gain_")] + [
                    c for c in known if not c.startswith("gain_")
                ]
            shown = ", ".join(known[:12]) + (
                f", ... ({len(known)} in all)" if len(known) > 12 else ""
            )
            raise SweepError(f"{flag}: unknown metric {m!r} (known: {shown})")
        out += [c for c in cols if c not in out]
    return out


NEGLIGIBLE = 0.1  # an index (Sobol) whose whole CI stays below this: under a tenth of the variance


def readable(index, conf, floor: float = NEGLIGIBLE):
    """An index can be read when its 95% CI is no wider than the index itself, or when
    the whole CI stays within `floor` of 0 (it reads as "no influence")."""
    v, c = np.abs(np.asarray(index, float)), np.asarray(conf, float)
    return (c <= v) | (v + c < floor)


def index_warnings(indices: pd.DataFrame | None, kind: str, samples: int = 0) -> list[str]:
    """One line per metric whose Sobol or Morris indices the design cannot resolve.

    An index cannot be read when its 95% CI is wider than the index and reaches past
    NEGLIGIBLE (of the largest index, for Morris); one as wide but within NEGLIGIBLE of
    0 reads as "no influence" and is only counted. A negative index, or a total (ST)
    below its first-order index (S1), each by more than their CIs, is estimator noise.
    CIs shrink as 1/sqrt(samples), so the samples that would bring the widest unreadable
    CI within its index are estimated as samples x (CI / max(|index|, NEGLIGIBLE))^2,
    rounded up to a power of 2."""
    if indices is None or indices.empty:
        return []
    pairs = (
        [("S1", "S1_conf"), ("ST", "ST_conf")] if kind == "sobol" else [("mu_star", "mu_star_conf")]
    )
    lines = []
    for m, t in indices.groupby("metric", sort=False):
        bad = small = negative = 0
        ratio = 0.0
        for idx, conf in pairs:
            raw, c = t[idx].to_numpy(float), np.abs(t[conf].to_numpy(float))
            v = np.abs(raw)
            floor = NEGLIGIBLE * (1.0 if kind == "sobol" else max(float(np.nanmax(v)), 1e-12))
            unreadable = ~readable(v, c, floor)
            bad += int(unreadable.sum())
            small += int(((c > v) & ~unreadable).sum())
            negative += int((raw + c < 0).sum())
            if unreadable.any():
                r = c[unreadable] / np.maximum(v[unreadable], floor)
                ratio = max(ratio, float(np.nanmax(r)))
        problems = []
        if bad:
            also = (
                f" (another {small} are as wide but within {NEGLIGIBLE:g} of 0: no influence)"
                if small
                else ""
            )
            problems.append(
                f"{bad} of {len(pairs) * len(t)} {kind} indices have a 95% CI wider than the "
                f"index itself and cannot be read{also}"
            )
        if negative:
            problems.append(f"{negative} negative beyond its CI")
        if kind == "sobol":
            below = int((t["ST"] + t["ST_conf"].abs() + t["S1_conf"].abs() < t["S1"]).sum())
            if below:
                problems.append(f"{below} totals (ST) below their first-order index (S1)")
        if not problems:
            continue
        if samples and ratio:
            need = 2 ** int(np.ceil(np.log2(max(2 * samples, samples * ratio**2))))
            fix = (
                f"about {need:,} samples instead of {samples:,} would help "
                "(CIs shrink as 1/sqrt(samples))"
            )
        else:
            fix = (
                "the design is too small for the model's run-to-run noise "
                "(raise `samples` or `replications`)"
            )
        lines.append(f"{m}: " + "; ".join(problems) + f"; {fix}")
    return lines


def analyze(
    out: str | Path,
    metrics: list[str] | None = None,
    figures: bool = True,
    dest: str | Path | None = None,
    overwrite: bool = True,
    sides: bool = False,
) -> Analysis:
    """Tables and figures into `dest` (default `out/analysis/`), written whole.

    Everything is computed first and written into a temporary folder that then
    replaces `dest` (refused if `dest` holds results and not `overwrite`).
    """
    from sim.outputs import output_folder
    from sim.provenance import provenance
    from sim.sweep.runner import check_results

    out = Path(out)
    manifest = load_manifest(out)
    design = load_design(out)
    check_results(out, manifest, design)
    runs = load_results(out)
    if runs.empty:
        raise SweepError(f"{out}: no finished runs yet (run `cogov sweep` first)")
    spec = manifest.get("spec", {})
    metrics = list(metrics or spec.get("metrics") or ["resolution_rate", "satisfaction_rate"])
    metrics = resolve_metrics(runs, manifest, metrics, sides=sides)
    axes = [a for a in design["axes"] if a in runs.columns]
    dest = Path(dest) if dest is not None else out / "analysis"
    res = Analysis(dest, per_point(runs, axes, metrics), main_effects(runs, axes, metrics))
    kind = design["design"]
    if kind in ("sobol", "morris"):
        fn = sobol_indices if kind == "sobol" else morris_indices
        res.indices = fn(runs, design, spec, metrics)
        res.warnings = index_warnings(res.indices, kind, int(spec.get("samples") or 0))
    figs = []
    if figures:
        for m in metrics:
            if axes:
                effects = res.effects[res.effects["metric"] == m]
                figs.append((plots.main_effects(effects, m), f"main_effects_{m}"))
            if res.indices is not None:
                fig = (plots.sobol_bars if kind == "sobol" else plots.morris_bars)(res.indices, m)
                figs.append((fig, f"{kind}_{m}"))
    with output_folder(dest, overwrite) as tmp:
        written = []
        write_parquet(tmp / "points.parquet", res.points)
        res.points.to_csv(tmp / "points.csv", index=False)
        res.effects.to_csv(tmp / "main_effects.csv", index=False)
        written += ["points.parquet", "points.csv", "main_effects.csv"]
        if res.indices is not None:
            write_parquet(tmp / f"{kind}_indices.parquet", res.indices)
            res.indices.to_csv(tmp / f"{kind}_indices.csv", index=False)
            written += [f"{kind}_indices.parquet", f"{kind}_indices.csv"]
        for fig, name in figs:
            written += [p.name for p in plots.save(fig, tmp, name)]
        (tmp / "analysis.json").write_text(
            json.dumps(
                {
                    "sweep": manifest.get("name"),
                    "spec_hash": manifest.get("spec_hash"),
                    "runs": len(runs),
                    "metrics": metrics,
                    "paired": paired_names(manifest),
                    "warnings": res.warnings,
                    "files": written,
                    "sweep_provenance": manifest.get("provenance"),
                    "provenance": provenance(),
                },
                indent=2,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    res.files = [dest / name for name in written]
    return res
