"""What every lever is, so the model handles them all alike (`sim/levers/__init__.py`).

A lever is its module in `sim/levers/` (named as its key under `levers:` in a
scenario file), its settings class in `sim/params.py` and its labels in
`sim/report/labels.py`. The module names its class as `LEVER`; the class,
built only while the lever is on, may:

* `setup()`: add agents, a unit, routes or arrays (once, when built);
* `view(on)`: set its fields of the compiled record `on` (`day.LEVERS`) and
  return its arrays in `day.Levers` (those it leaves out stay empty);
* `reformed(p)`: what it becomes when its settings change while running
  (`CoGovModel.reform`; by default it is built anew);
* `remove()`: take away what `setup` added before it is built anew;
* act in Python: a class with `PHASE` (one of `day.PHASES`) has its `step()`
  called once a day after that phase, and reads its strength today as
  `strength` (reform timing). A compiled lever instead has its kernels called
  from the phases of `sim/day.py`.

Its module may also declare `KNOBS`, `SHARED`, `OFF` (settings the kernels
read, `sim/day.py`), `JOINT` (its joint body, `core.JOINT_BODY`), `HELPER` (its
place in the retry chain) and `BUILT_AROUND` (settings it cannot change while
running).
"""

from __future__ import annotations


class LeverObject:
    """A lever while it is on: its model, its settings `p` and its name."""

    PHASE: str | None = None  # a Python lever: acts after this phase (`step`)

    def __init__(self, model, p):
        self.model, self.p = model, p

    @property
    def strength(self) -> float:
        """Its strength today: 0 before its start_day, rising over its ramp_days."""
        return float(self.model.L.strength[self.model.lever_index(self.name)])

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
