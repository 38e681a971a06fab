"""应急管理消防一体化工作站 (三(二)): "一支队伍管执法".

Its member departments become one team: a case needing any of them takes one
hand-off to the workstation instead of one per department, is accepted with the
named `acceptance` (一体化领导), and draws on the members' pooled hours. Its step
does every member's part the case needs: the hours add up, it lasts as long as
the slowest part, and it succeeds as the parts would together, with the
`coordination` premium (sim/difficulty.py).
"""

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
            acceptance=self.p.acceptance,
            premium=self.p.coordination,
        )
        m.unit_hours[members] = 0.0  # pooled into the workstation
        m.workstation_unit = unit  # its closures are the workstation's
        m.pooled_into = {i: unit for i in members}
        routes = []
        for c in m.params.categories:
            steps: dict[int, list[int]] = {}  # unit -> the parts it does, in route order
            for d in c.departments:
                i = m.dept_index[d]
                steps.setdefault(unit if i in members else i, []).append(i)
            routes.append(list(steps.items()))
        m.set_routes(routes)
