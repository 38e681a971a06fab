"""社会组织 / 驻区企业 (三(一)): purchased services (政府购买服务) add hours for
service categories in each community."""

import numpy as np

from sim.agents import SocialOrganisation
from sim.cases import Closer, Desk

BIT = 1 << 0


class SocialForcesLever:
    def __init__(self, model, p):
        self.model, self.p = model, p

    def setup(self):
        m = self.model
        n_comm = int(m.community.community.max()) + 1
        m.social_organisations = [
            SocialOrganisation(m, c, self.p.hours_per_day) for c in range(n_comm)
        ]
        self.hours = np.full(n_comm, self.p.hours_per_day)
        self.community_of_grid = m.community.grid_community

    def settle(self):
        m, b = self.model, self.model.book
        rows = m.rows(Desk.GRID)
        cat = b.category[rows]
        rows = rows[m.cat_service[cat] & m.cat_grid_solvable[cat] & ~b.failed_part[rows]]
        used = m.settle_simple(
            rows,
            self.community_of_grid,
            self.hours,
            self.p.success,
            Closer.SOCIAL_FORCES,
            m.rngs["social_forces"],
            BIT,
        )
        m.tally.hours["social_forces"] += float(used.sum())
