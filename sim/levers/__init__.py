"""The levers of 三(一)-三(三), one module each, the two failure modes of 二(一)
(paper resolution, campaign) and the emergency shock (平时 / 战时).

A lever is its module here, named as its key under `levers:` in a scenario file,
its settings class in `sim/params.py` and its labels in `sim/report/labels.py`;
nothing else names it. What a module and its class may declare is in
`sim.actors.LeverObject`. The module's class (`LEVER`) is built only while the lever
is on. A compiled lever's kernels are called from the day's phases
(`sim/day.py`) at fixed points, reading its switches, knobs and strength today
from `day.Levers`; a Python lever acts in its own `step` after the phase it
names. A lever that is off is never built and its kernels are not called (the
morning setters of `begin_day` run every day and leave it without effect), so
it draws nothing. Levers are built in the order of `ORDER`; the helpers at the
grid desk try cases in the order of `RETRY_CHAIN`.
"""

from importlib import import_module

from sim.levers import emergency
from sim.params import COMPILED_LEVERS, PLUGINS

# Each lever's module: the built-in ones here, then yours (`COGOV_LEVERS`).
MODULES = {name: import_module(f"sim.levers.{name}") for name in COMPILED_LEVERS} | PLUGINS

# Order matters only where levers meet: the workstation pools capacity before
# cadres draw on it; 1+N mediation claims disputes before the whistle blows.
# Levers not named here are built after these, in the scenario file's order.
BUILT_FIRST = ("workstation", "mediation", "whistle", "mobilisation", "social_forces", "cadres")
ORDER = BUILT_FIRST + tuple(n for n in MODULES if n not in BUILT_FIRST)

# The retry chain at the grid desk: who tries a simple (grid-solvable) case, in
# this order (each lever's module says how, as `HELPER`); each case meets at most
# one helper, and one the helper fails goes to the grid worker, who escalates what it
# fails to the street office. The case's difficulty stays with it all along
# (sim/difficulty.py).
RETRY_CHAIN = (
    "mobilisation",  # 线下编队: unpaid, first
    "social_forces",  # 政府购买服务: contracted
    "cadres",  # 下沉干部: simple cases in their grid
)


def build(model, name: str, p):
    """Lever `name`'s object for settings `p` (not yet set up)."""
    lever = MODULES[name].LEVER(model, p)
    lever.name = name
    return lever


def build_levers(model) -> dict:
    """The enabled levers' objects by name, in `ORDER`, and the emergency shock last
    when it is on; the model runs their `setup` in this order, so the workstation's
    unit exists before the cadres are paired (their bridge reaches it)."""
    levers = {
        name: build(model, name, getattr(model.params.levers, name))
        for name in ORDER
        if getattr(model.params.levers, name).enabled
    }
    if model.params.emergency.enabled:
        levers["emergency"] = shock = emergency.EmergencyShock(model, model.params.emergency)
        shock.name = "emergency"
    return levers
