""" "1+N" 联动调解 (三(二)): the governance centre (综治中心, the "1") convenes the
N departments a dispute needs at the same time: one hand-off, the time of the
slowest department rather than the sum, and no bouncing while `acceptance` is 1.
The session succeeds as the departments' parts would together, with the
`coordination` premium for sitting at one table (sim/difficulty.py)."""

import numba as nb
import numpy as np

from sim import core
from sim.actors import LeverObject
from sim.cases import Closer, Joint

# Settings its kernels read, by their scenario-file keys: `L.on[0].<lever>_<key>`.
BUILT_AROUND = ("departments",)  # its N, and which categories it takes
ARRAYS = {"eligible": (np.bool_, 1)}  # what `view` gives the kernels: (dtype, dimensions)
KNOBS = ("acceptance", "hours_per_session", "members_accept", "mandate_gain")
# Its joint body (`core.JOINT_BODY`), which the shared rules read by `Joint` kind: the
# centre books a session within the wait, each spending one of its sessions. Values are
# this lever's settings by their scenario-file keys, or fixed.
JOINT = {
    "kind": Joint.MEDIATION,
    "closer": Closer.MEDIATION,
    "premium": "coordination",
    "horizon": "wait_days",
    "capped": False,
    "centre": True,
}


@nb.njit(cache=True)
def route(X, L, day, rows, u, claimed, strength):
    """Claim the disputes the N departments handle, before they enter the silo (a
    share `strength` of them while the reform ramps up)."""
    for i in range(rows.size):
        r = rows[i]
        c = X.book[r]
        if claimed[i] or not L.eligible[c.category] or c.route_pos != 0:
            continue
        if not core.takes_share(r, strength):
            continue
        claimed[i] = True
        on = L.on[0]
        accept = on.mediation_acceptance  # the centre convenes, or each member's own
        if on.mediation_members_accept:
            accept = core.members_acceptance(X, r, on.mediation_mandate_gain)
        core.hand_off_joint(X, day, r, u[i, 0], u[i, 1], Joint.MEDIATION, accept)


class MediationLever(LeverObject):
    def __init__(self, model, p):
        super().__init__(model, p)
        centre = model.governance_centre  # its sessions, for this street's size
        centre.sessions_per_day = p.sessions_per_day * model.community.n / 10_000
        centre.hours_per_session = p.hours_per_session
        n_set = {model.dept_index[d] for d in p.departments}
        self.eligible = np.array(
            [
                any(model.dept_index[d] in n_set for d in c.departments)
                for c in model.params.categories
            ]
        )

    def view(self, on) -> dict:
        return {"eligible": self.eligible}


LEVER = MediationLever
