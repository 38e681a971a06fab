"""cogov: an agent-based model of grassroots co-governance, 独角戏 vs 大合唱."""

from sim import jit

jit.configure()  # before any kernel is compiled: a cache of this source tree's own

# The public names load on first use, so that `cogov list` or `validate` starts in a
# fraction of the time the model's libraries (Mesa, numba, pandas) take to import.
_PUBLIC = {
    "RunResult": "sim.experiments", "replication_seeds": "sim.experiments",
    "run": "sim.experiments", "run_many": "sim.experiments", "HEADLINE": "sim.metrics",
    "CoGovModel": "sim.model", "LEVER_NAMES": "sim.params", "Scenario": "sim.params",
    "chorus": "sim.presets", "solo": "sim.presets",
}  # fmt: skip


def __getattr__(name: str):
    if name in _PUBLIC:
        import importlib

        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "HEADLINE",
    "LEVER_NAMES",
    "CoGovModel",
    "RunResult",
    "Scenario",
    "__version__",
    "chorus",
    "replication_seeds",
    "run",
    "run_many",
    "solo",
]
