"""线上组群+线下编队 (三(三)): online groups surface silent needs; offline teams
of volunteers (双报到 party members first) settle simple cases, as a helper of
the retry chain with the grid workers' success. In an emergency (战时) groups
work harder and cadres switch to emergency duty.

Each grid's online group has members: the 双报到 party members and a share of
households at the start; residents are invited along their ties, so the group
grows where it already has members. It hears a silent need when one of the
households the need touches, or one of their ties, is a member.
"""

import numpy as np

from sim import ties
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
        n = m.community.n
        self.member = res.party_member | (self.rng.random(n) < self.p.online_members)
        self.hears = np.zeros(n, dtype=bool)  # a member, or tied to one
        self._join(np.flatnonzero(self.member))

    def _join(self, new: np.ndarray) -> None:
        self.member[new] = True
        self.hears[new] = True
        self.hears[ties.ends(self.model.community.adjacency, new)[1]] = True

    def grow(self) -> None:
        """Invitations travel along ties: a household joins with chance
        `online_growth` x the share of its ties already in the group (by thinning)."""
        m = self.model
        k = self.rng.binomial(m.community.n, self.p.online_growth)
        cand = self.rng.integers(0, m.community.n, k)
        share = ties.share_tied(m.community.adjacency, cand, self.member)
        self._join(cand[(self.rng.random(k) < share) & ~self.member[cand]])

    def detect(self):
        m, b = self.model, self.model.book
        m.cadre_hours_factor = self.p.emergency_factor if m.emergency_active else 1.0
        self.grow()
        p = self.p.online_detection * (self.p.emergency_factor if m.emergency_active else 1.0)
        latent = m.latent_rows()
        case, who = b.affected(latent)
        heard = np.bincount(case, weights=self.hears[who], minlength=latent.size) > 0
        found = (self.rng.random(latent.size) < min(1.0, p)) & heard
        m.take_in(latent[found], Channel.ONLINE)

    def hours(self):
        """Each grid's volunteers give `volunteer_hours` a day each."""
        m = self.model
        return self.p.volunteer_hours * np.bincount(
            m.community.grid[m.residents.volunteer], minlength=m.community.n_grids
        )
