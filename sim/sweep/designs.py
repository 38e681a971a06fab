"""A sweep's designs, one class each: what it needs, how many points, and the points.

`grid` crosses lists of values, `list` and `csv` give the points themselves, and the
samplers `lhs`, `sobol` and `morris` draw points in ranges `{low, high}` (with the
spec's seed, so the same file gives the same points). The file's schema and the checks
common to every design are in `sim/sweep/spec.py`.
"""

from __future__ import annotations

import io
import itertools
import math
from pathlib import Path
from typing import Any, ClassVar

from sim import limits, scenarios
from sim.files import not_a_file
from sim.scenarios import ScenarioError
from sim.sweep.paths import get_path, plain


class SweepError(ScenarioError):
    """A sweep that cannot be used or run; one line, exit code 2 on the command line."""

    more_hint = ""


def check_size(sweep_path: Path, spec, points: int) -> None:
    """Refuse a design too large to run (one line: points, runs and the limits)."""
    if points > limits.MAX_SWEEP_POINTS:
        raise SweepError(
            f"{sweep_path}: {points:,} design points; at most {limits.MAX_SWEEP_POINTS:,} "
            "(fewer axis values or samples, or split the sweep)"
        )
    runs = points * spec.replications
    if runs > limits.MAX_SWEEP_RUNS:
        raise SweepError(
            f"{sweep_path}: {points:,} points x {spec.replications:,} replications = {runs:,} "
            f"runs; at most {limits.MAX_SWEEP_RUNS:,}"
        )


Row = tuple[dict, "list[float] | None"]  # axis values, and a sampler's raw row


class Design:
    """One design: the checks of its own keys, its size and its points."""

    name: ClassVar[str]
    sampler: ClassVar[bool] = False
    own: ClassVar[tuple[str, ...]] = ()  # keys only this design (or these designs) take

    def check(self, spec) -> None:
        """Raise ValueError("field: what is wrong") for a spec this design cannot run."""
        ranges = [k for k, v in spec.axes.items() if not isinstance(v, list)]
        if ranges:
            raise ValueError(
                f"axes.{ranges[0]}: design {self.name} takes a list of values; "
                "ranges {low, high} are for lhs, sobol, morris"
            )
        for k, v in spec.axes.items():
            if not v:
                raise ValueError(f"axes.{k}: give at least one value")

    def count(self, spec) -> int | None:
        """Design points, known before any is made (None: only once they are read)."""
        raise NotImplementedError

    def rows(self, path: Path, spec, base_dump: dict) -> list[Row]:
        raise NotImplementedError


class Grid(Design):
    name = "grid"

    def check(self, spec) -> None:
        super().check(spec)
        if not spec.axes:
            raise ValueError("axes: design grid needs at least one axis")

    def count(self, spec) -> int:
        return math.prod(len(v) for v in spec.axes.values())

    def rows(self, path, spec, base_dump) -> list[Row]:
        keys = list(spec.axes)
        return [
            (dict(zip(keys, c, strict=True)), None)
            for c in itertools.product(*(spec.axes[k] for k in keys))
        ]


class Points(Design):
    name = "list"
    own = ("points",)

    def check(self, spec) -> None:
        super().check(spec)
        if not spec.points:
            raise ValueError("points: design list needs a non-empty list of points")

    def count(self, spec) -> int:
        return len(spec.points)

    def rows(self, path, spec, base_dump) -> list[Row]:
        return [(dict(p), None) for p in spec.points]


class Csv(Design):
    name = "csv"
    own = ("points_file",)

    def check(self, spec) -> None:
        super().check(spec)
        if not spec.points_file:
            raise ValueError("points_file: design csv needs a CSV file of points")

    def count(self, spec) -> None:
        return None

    def rows(self, path, spec, base_dump) -> list[Row]:
        import pandas as pd

        f = path.parent / str(spec.points_file)
        why = not_a_file(f)
        if why:
            raise SweepError(f"{path}: points_file: {why} ({f})")
        text = scenarios.read_text(f, SweepError)
        try:
            df = pd.read_csv(io.StringIO(text))
        except Exception as e:
            msg = scenarios.clip(str(e) or type(e).__name__, 120)
            raise SweepError(f"{path}: points_file: cannot read {f} ({msg})") from None
        if df.empty:
            raise SweepError(f"{path}: points_file: {f} has no rows")
        check_size(path, spec, len(df))
        for c in df.columns:
            if "." not in str(c):
                raise SweepError(
                    f"{path}: points_file: column {c!r} is not a dotted parameter path"
                )
        return [
            ({k: plain(v) for k, v in r.items() if not pd.isna(v)}, None)
            for r in df.to_dict("records")
        ]


class Sampler(Design):
    """Points drawn in ranges; each sampled float takes the type of the base's value."""

    sampler = True
    own = ("samples",)

    def check(self, spec) -> None:
        d = self.name
        if not spec.axes:
            raise ValueError(f"axes: design {d} needs at least one axis")
        lists = [k for k, v in spec.axes.items() if isinstance(v, list)]
        if lists:
            raise ValueError(
                f"axes.{lists[0]}: design {d} samples ranges: give {{low: .., high: ..}}"
            )
        if spec.samples is None:
            raise ValueError(f"samples: required for design {d}")

    def unit_rows(self, spec, problem: dict):
        raise NotImplementedError

    def rows(self, path, spec, base_dump) -> list[Row]:
        problem = problem_of(spec)
        keys = list(spec.axes)
        out = []
        for row in self.unit_rows(spec, problem):
            vals = {
                k: coerce(get_path(base_dump, k), float(v)) for k, v in zip(keys, row, strict=True)
            }
            out.append((vals, [float(v) for v in row]))
        return out


class Lhs(Sampler):
    name = "lhs"

    def count(self, spec) -> int:
        return int(spec.samples)

    def unit_rows(self, spec, problem):
        import numpy as np
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(spec.axes), seed=spec.seed).random(int(spec.samples))
        lo = np.array([b[0] for b in problem["bounds"]])
        hi = np.array([b[1] for b in problem["bounds"]])
        return qmc.scale(unit, lo, hi) if len(lo) else unit


class Sobol(Sampler):
    name = "sobol"
    own = ("samples", "second_order")

    def check(self, spec) -> None:
        super().check(spec)
        n = spec.samples
        if n & (n - 1):
            raise ValueError(f"samples: sobol needs a power of 2 (got {n}; e.g. 32, 64, 128)")

    def count(self, spec) -> int:
        k = len(spec.axes)
        return int(spec.samples) * (2 * k + 2 if spec.second_order else k + 2)

    def unit_rows(self, spec, problem):
        from SALib.sample import sobol

        return sobol.sample(
            problem, int(spec.samples), calc_second_order=spec.second_order, seed=spec.seed
        )


class Morris(Sampler):
    name = "morris"
    own = ("samples", "levels")

    def count(self, spec) -> int:
        return int(spec.samples) * (len(spec.axes) + 1)

    def unit_rows(self, spec, problem):
        from SALib.sample import morris

        return morris.sample(problem, int(spec.samples), num_levels=spec.levels, seed=spec.seed)


DESIGNS: dict[str, Design] = {
    d.name: d for d in (Grid(), Points(), Csv(), Lhs(), Sobol(), Morris())
}
SAMPLERS = tuple(n for n, d in DESIGNS.items() if d.sampler)


def owners(key: str) -> list[str]:
    """The designs that take `key` (empty: every design does)."""
    return [n for n, d in DESIGNS.items() if key in d.own]


def problem_of(spec) -> dict:
    """SALib's problem for a sampler's ranges."""
    return {
        "num_vars": len(spec.axes),
        "names": list(spec.axes),
        "bounds": [[r.low, r.high] for r in spec.axes.values()],
    }


def coerce(template: Any, v: Any) -> Any:
    """A sampled float in the type of the base's value (int rounds, bool thresholds)."""
    if isinstance(template, bool):
        return bool(v >= 0.5)
    if isinstance(template, int):
        return round(v)
    return float(v)
