"""Your own actors: a Mesa agent whose `step` acts at a named phase of the day.

The day runs in compiled phases (`sim/day.py` `PHASES`). An actor added with
`CoGovModel.add_actor(agent, after="needs_are_found")` has its `step()` called
once a day after that phase, and reads and changes cases only through the
model's case API: `open_cases`, `case`, `case_chance`, `close_case`. A case is
closed with its true outcome (the resident's satisfaction and trust follow, as
for any closer), and counts as closed by `Closer.OTHER`. With an actor the model
runs day by day through Mesa's `step`; without one it is untouched.

Your own lever works the same way (`LeverObject` below, and `sim/levers/__init__.py`).
"""

from __future__ import annotations

from sim.imports import cheap_stack

with cheap_stack():  # Mesa's import-time stack walks cost 0.8 s (sim/imports.py)
    from mesa import Agent


class Actor(Agent):
    """A base for your own actor: give it a `step`, add it with `model.add_actor`."""

    def step(self) -> None:  # pragma: no cover - yours to write
        raise NotImplementedError


# What every lever is, so the model handles them all alike.
#
# A built-in lever is its module in `sim/levers/` (named as its key under `levers:`
# in a scenario file), its settings class in `sim/params.py` and its labels in
# `sim/report/labels.py`; nothing else names it. Your own lever is one file named
# in `COGOV_LEVERS` (see `sim.params.plugin_levers`) holding all three: `NAME`,
# `SETTINGS` (a `sim.params.Lever`), `LEVER` (this class's subclass) and `LABELS`
# (its name as (中文, English)).
# The class is built only while the lever is on, and may:
#
# * `setup()`: add agents, a unit, routes or arrays (once, when built);
# * `view(on)`: set its fields of the compiled record `on` (`day.LEVERS`) and
#   return its arrays in `day.Levers` (those it leaves out stay empty);
# * `reformed(p)`: what it becomes when its settings change while running
#   (`CoGovModel.reform`; by default it is built anew);
# * `remove()`: take away what `setup` added before it is built anew;
# * act in Python: a class with `PHASE` (one of `day.PHASES`) has its `step()`
#   called once a day after that phase, reading and changing cases through the
#   case API above, with its `strength` today (reform timing). A compiled lever
#   instead has its kernels called from the phases of `sim/day.py`.
#
# A built-in module may also declare `KNOBS`, `SHARED`, `OFF` (settings the kernels
# read, `sim/day.py`), `JOINT` (its joint body, `core.JOINT_BODY`), `HELPER` (its
# place in the retry chain), `BUILT_AROUND` (settings it cannot change while
# running), `REBUILT_WITH`, `VIEW_OFF`, `ARRAYS` (what its `view` gives the kernels)
# and `SETS_ROUTES`.
class LeverObject:
    """A lever while it is on: its model, its settings `p` and its name."""

    PHASE: str | None = None  # a Python lever: acts after this phase (`step`)

    def __init__(self, model, p):
        self.model, self.p = model, p

    @property
    def strength(self) -> float:
        """Its strength today: 0 before its start_day, rising linearly to 1 over its
        ramp_days; 0 again once switched off while running (`CoGovModel.reform`)."""
        return self.model.lever_strength(self.name)

    def view(self, on) -> dict:
        return {}

    def reformed(self, p) -> LeverObject:
        self.remove()
        new = type(self)(self.model, p)
        new.name = self.name
        new.setup()
        return new

    def setup(self) -> None:
        pass

    def remove(self) -> None:
        pass
