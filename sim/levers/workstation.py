"""应急管理消防一体化工作站 (三(二)): "一支队伍管执法".

Its member departments become one team: a case needing any of them takes one
hand-off to the workstation instead of one per department, is accepted with the
named `acceptance` (一体化领导), and draws on the members' pooled hours. Its step
does every member's part the case needs: the hours add up, it lasts as long as
the slowest part, and it succeeds as the parts would together, with the
`coordination` premium (sim/difficulty.py).

It forms on `start_day` (`apply`, each morning): from then the members' hours are
one pool, and cases reaching the street office take the workstation's routes;
cases already on the departments' routes finish there, from the same pool.
Switched off while running (`CoGovModel.reform`), new cases take the departments'
routes again; the pool stays, so the cases on the workstation's routes finish.
"""

import numba as nb
import numpy as np

from sim.actors import LeverObject
from sim.agents import Workstation

BUILT_AROUND = ("departments",)  # its members, formed once
SETS_ROUTES = True  # its routes are the street's second table (`CoGovModel.routes`)
ARRAYS = {"members": (np.int64, 1)}  # what `view` gives the kernels: (dtype, dimensions)


@nb.njit(cache=True)
def apply(X, members, unit, active, formed):
    """While it is `active`, cases reaching the street office take its routes; once it has
    `formed` the members' hours are one pool with the workstation's (still after it is
    switched off while running, so the cases on its routes finish)."""
    X.params[0].pooled = active
    for m in members:
        X.units[m].pool = unit if formed else m


class WorkstationLever(LeverObject):
    def setup(self):
        m = self.model
        members = [m.dept_index[d] for d in self.p.departments]
        agent = Workstation(m, [m.departments[i] for i in members], unit=len(m.units))
        unit = m.add_unit(
            agent, hours=0.0, acceptance=self.acceptance(self.p), premium=self.p.coordination
        )
        m.workstation_unit = unit  # its closures are the workstation's
        m.pooled_into = {i: unit for i in members}
        self.members = np.array(members, dtype=np.int64)
        routes = []
        for c in m.params.categories:
            steps: dict[int, list[int]] = {}  # unit -> the parts it does, in route order
            for d in c.departments:
                i = m.dept_index[d]
                steps.setdefault(unit if i in members else i, []).append(i)
            routes.append(list(steps.items()))
        m.routes[1] = routes

    def acceptance(self, p) -> float:
        """The named acceptance (one command), or the alternative rule: the members' own,
        on average, raised by the mandate."""
        if not p.members_accept:
            return p.acceptance
        m = self.model
        own = np.array([m.unit_table["acceptance"][m.dept_index[d]] for d in p.departments])
        return float(np.mean(own + p.mandate_gain * (1.0 - own)))

    def view(self, on) -> dict:
        return {"members": self.members}

    def reformed(self, p):
        """One unit, formed once: new knobs reach its acceptance and premium."""
        self.p, m = p, self.model
        u = m.workstation_unit
        m.unit_table["acceptance"][u] = self.acceptance(p)
        m.unit_table["premium"][u] = p.coordination
        return self


LEVER = WorkstationLever
