"""协商民主 / 议事协商 (三(一)): a collective case (environment, infrastructure…)
first goes to a meeting of those affected; the larger the share of them that
take part, the better its odds and the residents' satisfaction. A household
with nobody else affected holds no meeting worth the name: share 0. Off, the
case is settled top down."""

import numpy as np

from sim.cases import Desk


class DeliberationLever:
    def __init__(self, model, p):
        self.model, self.p = model, p

    def intake(self, rows):
        m, b = self.model, self.model.book
        sel = rows[m.cat_collective[b.category[rows]] & (b.deliberated[rows] < 0)]
        b.desk[sel] = Desk.DELIBERATION
        b.due[sel] = m.day + self.p.meeting_days

    def meet(self):
        """Meetings due today: the other affected households (the raiser's ties in its
        grid) join with a chance that grows with trust."""
        m, b = self.model, self.model.book
        rows = m.rows(Desk.DELIBERATION)
        rows = rows[b.due[rows] <= m.day]
        if rows.size == 0:
            return
        case, who = b.affected(rows)
        others = np.arange(case.size) >= rows.size  # the raisers come first
        case_of, nbr = case[others], who[others]
        trust = m.residents.trust
        joined = m.rngs["deliberation"].random(nbr.size) < self.p.join * trust[nbr]
        m.residents.participated[nbr[joined]] = True
        m.residents.participated[b.resident[rows]] = True
        came = np.bincount(case_of[joined], minlength=rows.size)
        deg = b.others_n[rows]
        b.deliberated[rows] = np.divide(came, deg, out=np.zeros(rows.size), where=deg > 0)
        b.desk[rows] = Desk.GRID
        # the grid worker chairs the meeting: hours taken from today's casework
        np.add.at(m.grid_debt, b.grid[rows], self.p.meeting_hours)
        m.tally.hours["grid_worker"] += self.p.meeting_hours * rows.size
        m.tally.hours["residents"] += self.p.meeting_hours * float(rows.size + came.sum())
