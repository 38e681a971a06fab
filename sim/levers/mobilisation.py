"""线上组群+线下编队 (三(三)): online groups surface silent needs; offline teams
of volunteers (双报到 party members first) settle simple cases, as a helper of
the retry chain with its own success. In an emergency (战时) groups
work harder and cadres switch to emergency duty.

Each grid's online group has members: the 双报到 party members and a share of
households at the start; residents are invited along their ties, so the group
grows where it already has members. It hears a silent need when one of the
households the need touches, or one of their ties, is a member.
"""

import numba as nb
import numpy as np

from sim import core
from sim.actors import LeverObject
from sim.cases import Channel, Closer, State
from sim.rng import bernoulli_subset, setup_rng, uniform

# Settings the compiled code reads, by their scenario-file keys: `L.on[0].<lever>_<key>`
# in this lever's kernels (KNOBS), `X.params[0].<lever>_<key>` in sim/core.py (SHARED).
KNOBS = ("recruit", "online_detection", "online_growth", "emergency_factor", "volunteer_hours")
OFF = {"recruit": 1.0}  # volunteering as in solo while it is off
BUILT_AROUND = ("online_members",)  # the groups it starts from
ARRAYS = {"member": (np.bool_, 1), "hears": (np.bool_, 1)}  # `view`: (dtype, dimensions)
# A helper of the retry chain (sim/levers/__init__.py), first: unpaid volunteers.
HELPER = {
    "kind": core.Helper.VOLUNTEERS, "stream": core.Stream.MOBILISATION,
    "hours": core.H_VOLUNTEERS, "closer": Closer.VOLUNTEERS, "takes": "volunteer",
    "who": "线下编队 volunteers",
}  # fmt: skip


@nb.njit(cache=True)
def join(indptr, indices, member, hears, h):
    member[h] = True
    hears[h] = True
    for j in range(indptr[h], indptr[h + 1]):
        hears[indices[j]] = True


@nb.njit(cache=True)
def start(X, L):
    """管理好"双报到"党员: on the first day, registered party members volunteer."""
    for h in range(X.homes.size):
        home = X.homes[h]
        if home.party_member:
            home.participated = True
            if not home.volunteer:
                home.volunteer = True
                L.volunteers[home.grid] += 1


@nb.njit(cache=True)
def detect(X, L, day, open_rows, strength):
    """The group grows along ties (a household joins with chance `online_growth` x the
    share of its ties already in it, by thinning), then surfaces silent needs it hears
    (as often as the reform has reached: `strength`)."""
    s, on = X.streams[core.Stream.MOBILISATION], L.on[0]
    for h in bernoulli_subset(s, L.member.size, on.mobilisation_online_growth):
        if uniform(s) < core.share_tied(X, h, L.member) and not L.member[h]:
            join(X.indptr, X.indices, L.member, L.hears, h)
    p = (
        on.mobilisation_online_detection
        * strength
        * (on.mobilisation_emergency_factor if on.emergency else 1.0)
    )
    p = min(1.0, p)
    for r in open_rows:
        c = X.book[r]
        if c.state != State.LATENT:
            continue
        heard = L.hears[c.resident]
        for j in range(c.others_n):
            heard = heard or L.hears[X.others[c.others_start + j]]
        if uniform(s) < p and heard:
            core.take_in(X, day, r, Channel.ONLINE)


class MobilisationLever(LeverObject):
    def setup(self):
        m = self.model
        res = m.residents
        n = m.community.n
        rng = setup_rng(m.seed, "mobilisation")
        self.member = res.party_member | (rng.random(n) < self.p.online_members)
        # a member, or tied to one
        self.hears = self.member | (m.community.adjacency @ self.member.astype(np.float32) > 0)

    def view(self, on) -> dict:
        return {"member": self.member, "hears": self.hears}

    def reformed(self, p):
        """The groups as they have grown, with the new knobs."""
        new = MobilisationLever(self.model, p)
        new.name, new.member, new.hears = self.name, self.member, self.hears
        return new


LEVER = MobilisationLever
