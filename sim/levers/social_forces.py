"""社会组织 / 驻区企业 (三(一)): purchased services (政府购买服务) add hours for
service categories in each community: a helper of the retry chain."""

import numba as nb
import numpy as np

from sim.agents import SocialOrganisation


class SocialForcesLever:
    name = "social_forces"

    def __init__(self, model, p):
        self.model, self.p = model, p
        gw = model.params.grid_workers.success
        self.success = gw if p.success is None else p.success

    def setup(self):
        m = self.model
        n_comm = int(m.community.community.max()) + 1
        m.social_organisations = [
            SocialOrganisation(m, c, self.p.hours_per_day) for c in range(n_comm)
        ]
        self.hours = np.full(n_comm, self.p.hours_per_day)
        self.community_of_grid = m.community.grid_community.astype(np.int64)


@nb.njit(cache=True)
def today_hours(hours, strength):
    """Their hours today: as many as the purchase has reached (`strength`)."""
    return hours * strength
