"""吹哨报到 (三(二)): when a case has bounced, or needs several departments, the
street office whistles and every department it needs must report (报到) within
the deadline, ahead of their own queues. Reporting is compulsory: the named
`acceptance` (1 by default). The session succeeds as the departments' parts
would together, with the `coordination` premium (sim/difficulty.py)."""

from sim.cases import Joint


class WhistleLever:
    def __init__(self, model, p):
        self.model, self.p = model, p

    def route(self, rows, u, claimed):
        m, b = self.model, self.model.book
        remaining = m.route_len[b.category[rows]] - b.route_pos[rows]
        blow = b.bounces[rows] >= self.p.after_bounces
        if self.p.multi_department:
            blow |= remaining >= 2
        mine = ~claimed & blow
        m.street_office.whistles += int(mine.sum())
        m.hand_off_joint(rows[mine], u[mine], Joint.WHISTLE, self.p.acceptance)
        return mine
