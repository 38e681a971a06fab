"""cogov: an agent-based model of grassroots co-governance, 独角戏 vs 大合唱."""

from sim.experiments import RunResult, replication_seeds, run, run_many
from sim.metrics import HEADLINE
from sim.model import CoGovModel
from sim.params import LEVER_NAMES, Scenario
from sim.presets import chorus, solo

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
