"""社会组织 / 驻区企业 (三(一)): purchased services (政府购买服务) add hours for
service categories in each community: a helper of the retry chain."""

import numba as nb
import numpy as np

from sim import core
from sim.actors import LeverObject
from sim.agents import SocialOrganisation
from sim.cases import Closer

# A helper of the retry chain (sim/levers/__init__.py): service cases in its community,
# with its own `success` (the grid workers' when null).
HELPER = {
    "kind": core.Helper.SOCIAL_FORCES, "stream": core.Stream.SOCIAL_FORCES,
    "hours": core.H_SOCIAL, "closer": Closer.SOCIAL_FORCES, "takes": "service",
    "who": "社会力量 social forces (社会组织, 驻区企业)",
}  # fmt: skip
# what `view` gives the kernels: (dtype, dimensions)
ARRAYS = {"community_of_grid": (np.int64, 1), "social_hours": (np.float64, 1)}


class SocialForcesLever(LeverObject):
    def setup(self):
        m = self.model
        n_comm = int(m.community.community.max()) + 1
        m.social_organisations = [
            SocialOrganisation(m, c, self.p.hours_per_day) for c in range(n_comm)
        ]
        self.hours = np.full(n_comm, self.p.hours_per_day)
        self.community_of_grid = m.community.grid_community.astype(np.int64)

    def view(self, on) -> dict:
        return {"community_of_grid": self.community_of_grid, "social_hours": self.hours}

    def remove(self) -> None:
        for agent in self.model.social_organisations:
            agent.remove()


@nb.njit(cache=True)
def today_hours(hours, strength):
    """Their hours today: as many as the purchase has reached (`strength`)."""
    return hours * strength


LEVER = SocialForcesLever
