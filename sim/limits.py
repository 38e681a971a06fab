"""Bounds on what may run here: input sizes and a run's memory, checked before it starts.

A scenario can pass the schema and still ask for more memory than the machine
has (5 million households in grids of 2, hundreds of ties each, a need rate of
millions). Rather than let numpy try to allocate it and die minutes later, the
loader estimates a run's peak memory from the parameters and refuses, naming
the estimate and its largest part. The coefficients were measured on this
model (peak RSS of runs of 20,000-200,000 households); they err on the high side.
"""

from __future__ import annotations

import os

# input files: hand-written scenario and sweep files are a few KB
MAX_FILE_BYTES = 1_000_000  # scenario, sweep or points file
MAX_GRAPH_BYTES = 50_000_000  # a graph file (≈ 4 million edges)
MAX_DEPTH = 32  # nesting of YAML mappings and lists
MAX_NODES = 100_000  # YAML values, aliases expanded

# command-line and sweep bounds
MAX_DAYS = 3650
MAX_REPLICATIONS = 1000  # compare, attribute
MAX_WORKERS = 64
MAX_SWEEP_POINTS = 100_000
MAX_SWEEP_RUNS = 1_000_000

# bytes, measured (see the module docstring)
BASE = 250e6  # interpreter, numpy, pandas, mesa
_PER_HOUSEHOLD = 400.0
_PER_TIE = 140.0  # one edge while the graph is generated and as CSR
_PER_CASE = 160.0  # the case book grows by doubling
_PER_AGENT = 1500.0  # a Mesa agent (grid worker, cadre, organisation)
_PER_GRID_UNIT = 32.0  # per grid and handling unit: tallies, bridges


class TooBig(ValueError):
    """A run that would not fit in memory; the message names the estimate."""


def memory_limit() -> float:
    """Bytes one command may plan to use: COGOV_MEMORY_GB, else half the machine's RAM."""
    env = os.environ.get("COGOV_MEMORY_GB")
    if env:
        try:
            return float(env) * 2**30
        except ValueError:
            pass
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not Linux/macOS: assume a small machine
        total = 8 * 2**30
    return 0.5 * total


def estimate(params, days: int | None = None, households: int | None = None) -> dict[str, float]:
    """Estimated peak bytes of one run, by part (`households`: a graph file's node count)."""
    c = params.community
    n = households if households is not None else c.residents
    days = days if days is not None else params.days
    lo, hi = c.grid_size
    grids = max(1.0, n / ((lo + hi) / 2))
    ties = n * (c.ties_within_grid + c.ties_across_grids + c.ties_across_communities) / 2
    rate = sum(cat.rate for cat in params.categories) / 1000 / 365  # per household-day
    e = params.emergency
    if e.enabled:  # the shock window adds its extra needs
        extra = sum(
            cat.rate * (e.multipliers.get(cat.name, 1.0) - 1.0)
            for cat in params.categories
            if e.multipliers.get(cat.name, 1.0) > 1.0
        )
        rate += extra / 1000 / 365 * min(e.days, days) / max(days, 1)
    cases = n * rate * days
    agents = grids * params.grid_workers.per_grid
    if params.levers.cadres.enabled:
        agents += grids * params.levers.cadres.per_grid
    units = len(params.departments) + 2
    return {
        "households": _PER_HOUSEHOLD * n,
        "social ties": _PER_TIE * ties,
        "cases": _PER_CASE * cases,
        "staff agents": _PER_AGENT * agents,
        "grid tallies": _PER_GRID_UNIT * grids * units,
    }


def _size(b: float) -> str:
    return f"{b / 2**30:,.1f} GiB" if b >= 2**30 else f"{b / 2**20:,.0f} MiB"


def check(params, days: int | None = None, parallel: int = 1, households: int | None = None):
    """Raise TooBig when `parallel` runs at once would need more than memory_limit()."""
    parts = estimate(params, days, households)
    need = BASE + sum(parts.values())
    limit = memory_limit()
    if need * parallel <= limit:
        return
    worst = max(parts, key=parts.get)
    also = f" x {parallel} workers" if parallel > 1 else ""
    raise TooBig(
        f"a run would need about {_size(need)} of memory{also} (mostly {worst}: "
        f"{_size(parts[worst])}), more than the {_size(limit)} allowed here "
        "(half the RAM; COGOV_MEMORY_GB changes it): use fewer households, ties, "
        "days or a lower rate"
    )
