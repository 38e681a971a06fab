"""线上组群+线下编队 (三(三)): online groups surface silent needs; offline teams
of volunteers (双报到 party members first) settle simple service cases, as a
helper of the retry chain with the grid workers' success. In an emergency
(战时) groups work harder and cadres switch to emergency duty."""

import numpy as np

from sim.cases import Channel


class MobilisationLever:
    name = "mobilisation"
    actor = "volunteers"  # unpaid, but hours all the same

    def __init__(self, model, p):
        self.model, self.p = model, p
        self.success = model.params.grid_workers.success
        self.rng = model.rngs["mobilisation"]

    def setup(self):
        m = self.model
        res = m.residents
        res.volunteer |= res.party_member  # 管理好"双报到"党员
        res.participated |= res.party_member
        m.volunteer_boost = self.p.recruit
        self.group_of_grid = np.arange(m.community.n_grids)  # each grid's own team

    def detect(self):
        m = self.model
        m.cadre_hours_factor = self.p.emergency_factor if m.emergency_active else 1.0
        p = self.p.online_detection * (self.p.emergency_factor if m.emergency_active else 1.0)
        latent = m.latent_rows()
        found = m.rngs["mobilisation"].random(latent.size) < min(1.0, p)
        m.take_in(latent[found], Channel.ONLINE)

    def hours(self):
        """Each grid's volunteers give `volunteer_hours` a day each."""
        m = self.model
        return self.p.volunteer_hours * np.bincount(
            m.community.grid[m.residents.volunteer], minlength=m.community.n_grids
        )
