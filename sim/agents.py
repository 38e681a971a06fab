"""Mesa agents: the staff, and residents as views over the population arrays.

Staff are few and individual, so they are Mesa agents holding their own
parameters, for inspection and the dashboard. They do no work themselves: each
day is compiled kernels (`sim/core.py`, `sim/stages.py`, the phases of `sim/day.py`,
`sim/levers/`) looping over the model's tables (`CoGovModel.grid_table`,
`CoGovModel.unit_table`, the case book, the levers' view `L`), which the model
and the levers' `setup` build from the same settings (the cadres' hours per
grid are summed from their agents, `hours_by`). What an agent reports
(`overload_days`, `hours_worked`, `forwarded`, `accepted`, `whistles`,
`sessions`) is a property reading those tables, so it is the kernels' own count.
"""

from __future__ import annotations

import numpy as np

from sim.imports import cheap_stack

with cheap_stack():  # Mesa's import-time stack walks cost 0.8 s (sim/imports.py)
    from mesa import Agent
    from mesa.discrete_space import FixedAgent


class Resident(FixedAgent):
    """居民: a household on the community graph; its state lives in `model.residents`.

    Created only when the Mesa space is needed (dashboard, inspection); the
    daily update never loops over them.
    """

    def __init__(self, model, index: int, cell):
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def trust(self) -> float:
        return float(self.model.residents.trust[self.index])

    @property
    def grid(self) -> int:
        return int(self.model.community.grid[self.index])

    @property
    def party_member(self) -> bool:
        return bool(self.model.residents.party_member[self.index])

    @property
    def volunteer(self) -> bool:
        return bool(self.model.residents.volunteer[self.index])


class GridWorker(Agent):
    """网格员: patrols one grid, takes in needs, settles simple ones, escalates the rest."""

    def __init__(self, model, grid: int, hours_per_day: float, admin_hours: float):
        super().__init__(model)
        self.grid = grid
        self.hours_per_day = hours_per_day
        self.admin_hours = admin_hours

    @property
    def overload_days(self) -> int:
        return int(self.model.grid_table["overload_days"][self.grid])


class Department(Agent):
    """职能部门 (条): its own line, powers over some categories, its own priorities."""

    def __init__(self, model, spec, unit: int):
        super().__init__(model)
        self.spec = spec
        self.name = spec.name
        self.unit = unit  # index into the model's unit arrays

    @property
    def hours_worked(self) -> float:
        return float(self.model.unit_table["used"][self.unit])

    @property
    def forwarded(self) -> int:
        return int(self.model.tally.forwarded[:, self.unit].sum())

    @property
    def accepted(self) -> int:
        """Silo forwards it accepted (the rest it bounced: 推诿)."""
        return int(self.model.tally.accepted[:, self.unit].sum())


class Workstation(Department):
    """应急管理消防一体化工作站: one team for its member departments (一支队伍管执法)."""

    def __init__(self, model, members: list[Department], unit: int):
        Agent.__init__(self, model)
        self.spec = None
        self.name = "workstation"
        self.members = members
        self.unit = unit


class StreetOffice(Agent):
    """街道 (块): broad responsibility, little power; forwards and, in chorus, whistles."""

    @property
    def whistles(self) -> int:
        """Whistles blown so far (counted by the whistle lever)."""
        return int(self.model.L.on["whistles"][0])


class GovernanceCentre(Agent):
    """综治中心: the "1" of "1+N"; convenes departments when mediation is on."""

    def __init__(self, model, sessions_per_day: float, hours_per_session: float):
        super().__init__(model)
        self.sessions_per_day = sessions_per_day
        self.hours_per_session = hours_per_session

    @property
    def sessions(self) -> int:
        """Joint sessions convened so far."""
        return int(self.model.L.on["sessions"][0])


class Cadre(Agent):
    """下沉机关干部: paired with a grid (包小区), from a home organ, a few hours a week."""

    def __init__(self, model, grid: int, home: Department, hours_per_day: float):
        super().__init__(model)
        self.grid = grid
        self.home = home
        self.hours_per_day = hours_per_day


class SocialOrganisation(Agent):
    """社会组织 / 驻区企业: purchased services for one community."""

    def __init__(self, model, community: int, hours_per_day: float):
        super().__init__(model)
        self.community = community
        self.hours_per_day = hours_per_day


def hours_by(agents, attr: str = "hours_per_day", n: int | None = None, key: str = "grid"):
    """Sum an attribute of agents into an array indexed by `key` (e.g. hours per grid)."""
    out = np.zeros(n, dtype=np.float64)
    for a in agents:
        out[getattr(a, key)] += getattr(a, attr)
    return out
