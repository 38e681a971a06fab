"""吹哨报到 (三(二)): when a case has bounced, or needs several departments, the
street office whistles and every department it needs must report (报到) within
the deadline, ahead of their own queues. Reporting is compulsory: the named
`acceptance` (1 by default); or, with `members_accept`, each department reports with its
own acceptance raised by `mandate_gain`. The session succeeds as the departments' parts
would together, with the `coordination` premium (sim/difficulty.py)."""

import numba as nb

from sim import core
from sim.actors import LeverObject
from sim.cases import Closer, Joint

# Settings its kernels read, by their scenario-file keys: `L.on[0].<lever>_<key>`.
KNOBS = ("after_bounces", "multi_department", "acceptance", "members_accept", "mandate_gain")
# Its joint body (`core.JOINT_BODY`), which the shared rules read by `Joint` kind: 报到
# within the deadline, which also bounds the session. Values are this lever's settings
# by their scenario-file keys, or fixed.
JOINT = {
    "kind": Joint.WHISTLE,
    "closer": Closer.WHISTLE,
    "premium": "coordination",
    "horizon": "deadline_days",
    "capped": True,
    "centre": False,
}


@nb.njit(cache=True)
def route(X, L, day, rows, u, claimed, strength):
    """Claim the cases to whistle for (a share `strength` of them while the reform ramps
    up); returns how many whistles were blown."""
    on = L.on[0]
    blown = 0
    for i in range(rows.size):
        if claimed[i]:
            continue
        r = rows[i]
        c = X.book[r]
        remaining = X.route_len[c.table, c.category] - c.route_pos
        eligible = c.bounces >= on.whistle_after_bounces or (
            on.whistle_multi_department and remaining >= 2
        )
        if eligible and core.takes_share(r, strength):
            claimed[i] = True
            blown += 1
            accept = on.whistle_acceptance  # compulsory report, or each member's own
            if on.whistle_members_accept:
                accept = core.members_acceptance(X, r, on.whistle_mandate_gain)
            core.hand_off_joint(X, day, r, u[i, 0], u[i, 1], Joint.WHISTLE, accept)
    return blown


class WhistleLever(LeverObject):
    pass


LEVER = WhistleLever
