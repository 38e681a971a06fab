"""Your own actors: a Mesa agent whose `step` acts at a named phase of the day.

The day runs in compiled phases (`sim/day.py` `PHASES`). An actor added with
`CoGovModel.add_actor(agent, after="needs_are_found")` has its `step()` called
once a day after that phase, and reads and changes cases only through the
model's case API: `open_cases`, `case`, `case_chance`, `close_case`. A case is
closed with its true outcome (the resident's satisfaction and trust follow, as
for any closer), and counts as closed by `Closer.OTHER`. With an actor the model
runs day by day through Mesa's `step`; without one it is untouched.
"""

from __future__ import annotations

from mesa import Agent


class Actor(Agent):
    """A base for your own actor: give it a `step`, add it with `model.add_actor`."""

    def step(self) -> None:  # pragma: no cover - yours to write
        raise NotImplementedError
