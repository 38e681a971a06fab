"""线上组群+线下编队 (三(三)): online groups surface silent needs; offline teams
of volunteers (双报到 party members first) settle simple service cases. In an
emergency (战时) groups work harder and cadres switch to emergency duty."""

import numpy as np

from sim.cases import Channel, Closer, Desk

BIT = 1 << 1


class MobilisationLever:
    def __init__(self, model, p):
        self.model, self.p = model, p

    def setup(self):
        m = self.model
        res = m.residents
        res.volunteer |= res.party_member  # 管理好"双报到"党员
        res.participated |= res.party_member
        m.volunteer_boost = self.p.recruit
        self.identity = np.arange(m.community.n_grids)

    def detect(self):
        m = self.model
        m.cadre_hours_factor = self.p.emergency_factor if m.emergency_active else 1.0
        p = self.p.online_detection * (self.p.emergency_factor if m.emergency_active else 1.0)
        latent = m.latent_rows()
        found = m.rngs["mobilisation"].random(latent.size) < min(1.0, p)
        m.take_in(latent[found], Channel.ONLINE)

    def settle(self):
        m, b = self.model, self.model.book
        hours = self.p.volunteer_hours * np.bincount(
            m.community.grid[m.residents.volunteer], minlength=m.community.n_grids
        )
        rows = m.rows(Desk.GRID)
        cat = b.category[rows]
        rows = rows[m.cat_service[cat] & m.cat_grid_solvable[cat] & ~b.failed_part[rows]]
        used = m.settle_simple(
            rows,
            self.identity,
            hours,
            m.params.grid_workers.success,
            Closer.VOLUNTEERS,
            m.rngs["mobilisation"],
            BIT,
        )
        m.tally.volunteer_hours += float(used.sum())
