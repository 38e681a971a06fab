"""Reforms while running: a lever switched on, changed or off from the next day on,
and each lever's strength today (reform timing).

A part of `CoGovModel` (`sim/model.py`); what a lever keeps when it changes is the
lever's own (`reformed`, `BUILT_AROUND`, `REBUILT_WITH` in its module).
"""

from __future__ import annotations

from sim import core, day
from sim import levers as levers_mod
from sim.levers import MODULES, ORDER
from sim.params import COMPILED_LEVERS, LEVER_NAMES


class Reforms:
    """Changing levers while the model runs (`reform`), and their timing."""

    def lever_strength(self, name: str) -> float:
        """A lever's strength today (`day.strength`): the compiled one's from `L`, yours
        from its settings in force and the day it was switched off (`reform`)."""
        k = LEVER_NAMES.index(name)
        if name in COMPILED_LEVERS:
            return float(self.L.strength[k])
        p, today = getattr(self._view_levers, name), self.day
        if not p.enabled or today < p.start_day or today >= self._ends[k]:
            return 0.0
        return 1.0 if p.ramp_days <= 0 else min(1.0, (today - p.start_day + 1) / p.ramp_days)

    def _hook(self, lever) -> None:
        """A Python lever acts after the phase it names, as your actors do."""
        if lever.PHASE is not None:
            if lever.PHASE not in day.PHASES:
                raise ValueError(f"{lever.name}.PHASE: {lever.PHASE!r} is not a phase of the day")
            self._actors.setdefault(lever.PHASE, []).append(lever)

    # ------------------------------------------------------------ reforms while running
    DAY_STATE = tuple(name for name, _ in core.DAY_STATE)  # param fields set each morning
    LEVER_STATE = ("emergency", "centre_budget", "sessions", "whistles")  # kept in `L.on`

    def reform(self, lever: str, **changes) -> None:
        """Change a lever from the next day on; the days run so far stay as they were.

        * Switching a lever on (`enabled=True`, optionally with `ramp_days` and knobs) sets
          its `start_day` to the next day: the run then continues exactly, bit for bit, as
          a model built with that `start_day` (`tests/test_reform_running.py`).
        * Knobs of a lever that is on take effect the next morning; what the model has
          become (cases, trust, volunteers, online groups, queues, debts) stays.
        * Switching it off (`enabled=False`) makes its strength 0 from the next day, as
          before its start day; the work it already took on finishes (joint sessions
          booked, meetings called, cases on the workstation's routes, whose members keep
          their hours pooled).

        `params` then holds the settings in force, and `reforms` every change with its
        first day. A bad setting raises (pydantic's ValidationError, or ValueError for
        what cannot change while running) and leaves the model as it was.
        """
        if lever not in LEVER_NAMES:
            raise KeyError(f"unknown lever {lever!r} (levers: {', '.join(LEVER_NAMES)})")
        if "start_day" in changes:
            raise ValueError(f"levers.{lever}.start_day: a reform starts the next day")
        first = self.day + 1
        k = LEVER_NAMES.index(lever)
        was = getattr(self.params.levers, lever)
        switch_on = changes.get("enabled", was.enabled) and not was.enabled
        if "ramp_days" in changes and not switch_on:
            raise ValueError(f"levers.{lever}.ramp_days: can change only when switching it on")
        settings = {**changes, "start_day": first} if switch_on else dict(changes)
        params = self.params.with_levers(**{lever: settings})  # validated
        now = getattr(params.levers, lever)
        built = self.levers.get(lever)
        view = getattr(self._view_levers, lever)
        if built is not None:
            for field in getattr(MODULES[lever], "BUILT_AROUND", ()):
                if getattr(now, field) != getattr(view, field):
                    raise ValueError(
                        f"levers.{lever}.{field}: the lever was built around it; it cannot "
                        "change while running (restart with the new setting)"
                    )
        self.params = params
        self.reforms.append((first, lever, dict(changes)))
        if not now.enabled:  # off from tomorrow; built levers keep their last settings
            if built is not None and self._ends[k] > first:
                self._ends[k] = first
            self._refresh_view()
            return
        self._ends[k] = day.NEVER
        self._view_levers = self._view_levers.model_copy(update={lever: now})
        self._rebuild_lever(lever, now, built)
        self._refresh_view()

    def _rebuild_lever(self, lever: str, p, built) -> None:
        """The lever's object for settings `p`: built and set up now, or what the built one
        becomes (`reformed`: the workstation keeps its unit, the online groups their
        members). A lever built while running may add a unit and routes (`SETS_ROUTES`), and
        levers that reach them are set up again (`REBUILT_WITH`)."""
        if built is not None:
            obj = built.reformed(p)
        else:
            obj = levers_mod.build(self, lever, p)
            obj.setup()
        objects = {**self.levers, lever: obj}
        if built is None:
            if getattr(MODULES[lever], "SETS_ROUTES", False):
                self._build_routes()  # its new unit's routes
            self._view = None  # its arrays
            for name, other in objects.items():
                if lever in getattr(MODULES.get(name), "REBUILT_WITH", ()):
                    other.remove()
                    other.setup()
        for phase in self._actors.values():  # a Python lever acts as its new self
            phase[:] = [x for x in phase if x is not built]
        self._hook(obj)
        rest = {n: x for n, x in objects.items() if n not in ORDER}  # the emergency shock
        self.levers = {n: objects[n] for n in ORDER if n in objects} | rest

    def _refresh_view(self) -> None:
        """The compiled view (`param_table`, `L`) from the settings now, keeping the state."""
        rec = self._param_record()
        for name in day.PARAMS.names:
            if name not in self.DAY_STATE:
                self.param_table[name] = rec[name]
        self.joint_table[:] = self._joint_bodies()
        old, new = self.L, self._lever_view()
        for name in self.LEVER_STATE:
            new.on[name] = old.on[name]
        new.strength[:] = old.strength
        self.L = new._replace(volunteers=old.volunteers, daily=old.daily)
