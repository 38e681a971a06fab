""" "1+N" 联动调解 (三(二)): the governance centre (综治中心, the "1") convenes the
N departments a dispute needs at the same time: one hand-off, no bouncing, the
time of the slowest department rather than the sum."""

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

    def route(self, rows, u_loss, claimed):
        m, b = self.model, self.model.book
        mine = ~claimed & self.eligible[b.category[rows]] & (b.route_pos[rows] == 0)
        m.hand_off_joint(rows[mine], u_loss[mine], Joint.MEDIATION)
        return mine
