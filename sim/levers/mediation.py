""" "1+N" 联动调解 (三(二)): the governance centre (综治中心, the "1") convenes the
N departments a dispute needs at the same time: one hand-off, the time of the
slowest department rather than the sum, and no bouncing while `acceptance` is 1.
The session succeeds as the departments' parts would together, with the
`coordination` premium for sitting at one table (sim/difficulty.py)."""

import numpy as np

from sim.cases import Joint


class MediationLever:
    def __init__(self, model, p):
        self.model, self.p = model, p
        n_set = {model.dept_index[d] for d in p.departments}
        self.eligible = np.array(
            [
                any(model.dept_index[d] in n_set for d in c.departments)
                for c in model.params.categories
            ]
        )

    def route(self, rows, u, claimed):
        m, b = self.model, self.model.book
        mine = ~claimed & self.eligible[b.category[rows]] & (b.route_pos[rows] == 0)
        m.hand_off_joint(rows[mine], u[mine], Joint.MEDIATION, self.p.acceptance)
        return mine
