"""应急管理消防一体化工作站 (三(二)): "一支队伍管执法".

Its member departments become one team: a case needing any of them takes one
hand-off to the workstation instead of one per department, is always accepted
(一体化领导), and draws on the members' pooled hours.
"""

import numpy as np

from sim.agents import Workstation


class WorkstationLever:
    def __init__(self, model, p):
        self.model, self.p = model, p

    def setup(self):
        m = self.model
        members = [m.dept_index[d] for d in self.p.departments]
        agent = Workstation(m, [m.departments[i] for i in members], unit=len(m.units))
        unit = m.add_unit(
            agent,
            hours=m.unit_hours[members].sum(),
            hours_per_case=float(np.mean(m.unit_hours_per_case[members])),
            acceptance=1.0,
            days=self.p.handling_days,
            success=float(np.mean(m.unit_success[members])),
        )
        m.unit_hours[members] = 0.0  # pooled into the workstation
        m.workstation_unit = unit
        m.pooled_into = {i: unit for i in members}
        routes = []
        for c in m.params.categories:
            r = []
            for d in c.departments:
                u = unit if m.dept_index[d] in members else m.dept_index[d]
                if u not in r:
                    r.append(u)
            routes.append(r)
        m.set_routes(routes)
