"""cogov: an agent-based model of grassroots co-governance, 独角戏 vs 大合唱."""

from sim import jit
from sim.imports import cheap_stack

jit.configure()  # before any kernel is compiled: a cache of this source tree's own
with cheap_stack():  # Mesa's import-time stack walks cost 0.8 s (sim/imports.py)
    import mesa  # noqa: F401

from sim.experiments import RunResult, replication_seeds, run, run_many  # noqa: E402
from sim.metrics import HEADLINE  # noqa: E402
from sim.model import CoGovModel  # noqa: E402
from sim.params import LEVER_NAMES, Scenario  # noqa: E402
from sim.presets import chorus, solo  # noqa: E402

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
