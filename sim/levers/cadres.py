"""机关干部下沉 / 包小区 (三(三)): cadres from government organs paired with grids.

A few hours a week each: as 探头 (probe) they find silent needs, on home
visits (入户) they raise trust and hear needs, they settle simple cases (a
helper of the retry chain), and they bridge to their home organ, which then
accepts forwarded cases far more readily. Their hours are a cost, taken from
the organ's own hours.
"""

import numba as nb
import numpy as np

from sim import core
from sim.actors import LeverObject
from sim.agents import Cadre, hours_by
from sim.cases import Channel, Closer, State
from sim.rng import below, uniform

# Settings the compiled code reads, by their scenario-file keys: `L.on[0].<lever>_<key>`
# in this lever's kernels (KNOBS), `X.params[0].<lever>_<key>` in sim/core.py (SHARED).
KNOBS = ("probe", "case_share", "visit_hours", "visit_trust", "bridge_acceptance")
# A helper of the retry chain (sim/levers/__init__.py): simple cases in their grid, with
# their own `success`; their hours count in full as they probe (`hours` -1).
HELPER = {
    "kind": core.Helper.CADRES, "stream": core.Stream.CADRES, "hours": -1,
    "closer": Closer.CADRE, "takes": "grid_solvable", "who": "下沉干部 cadres",
}  # fmt: skip
REBUILT_WITH = ("workstation",)  # their bridge reaches a workstation formed while running
# what `view` gives the kernels: (dtype, dimensions)
ARRAYS = {
    "organ_cost": (np.float64, 1), "cadre_hours": (np.float64, 1), "bridge": (np.bool_, 2),
    "visited": (np.bool_, 1),
}  # fmt: skip


def _apportion(n: int, weights: np.ndarray) -> np.ndarray:
    """Home organ of each of n cadres, in proportion to the organs' hours (largest remainder)."""
    if weights.sum() <= 0:  # no organ has hours: spread evenly
        weights = np.ones_like(weights)
    share = n * weights / weights.sum()
    k = np.floor(share).astype(np.int64)
    k[np.argsort(-(share - k), kind="stable")[: n - k.sum()]] += 1
    return np.repeat(np.arange(weights.size), k)


@nb.njit(cache=True)
def today_hours(L, strength):
    """Each grid's cadre-hours today: as many cadres as the reform has sent so far
    (`strength`), more in an emergency (战时) with mobilisation on."""
    on = L.on[0]
    factor = on.mobilisation_emergency_factor if on.emergency and on.mobilisation else 1.0
    return L.cadre_hours * factor * strength


@nb.njit(cache=True)
def apply(X, L, strength):
    """Their organs give up a share of the cadres' hours from their case hours."""
    for u in range(X.units.size):
        X.units[u].hours = X.units[u].base - L.organ_cost[u] * strength


@nb.njit(cache=True)
def detect(X, L, day, open_rows, strength):
    """探头 and 入户: probe for silent needs; visit homes (trust, and what they hear)."""
    s, on = X.streams[core.Stream.CADRES], L.on[0]
    hours = today_hours(L, strength)
    X.hours[core.H_CADRE] += hours.sum()  # every cadre hour of the day, counted once here
    for r in open_rows:  # 探头: each cadre-hour in the grid is a chance to notice
        c = X.book[r]
        if c.state == State.LATENT and uniform(s) < 1.0 - (1.0 - on.cadres_probe) ** hours[c.grid]:
            core.take_in(X, day, r, Channel.PROBE)
    visited = L.visited
    seen = np.empty(0, dtype=np.int64)
    visits = np.floor(hours * (1.0 - on.cadres_case_share) / on.cadres_visit_hours).astype(np.int64)
    seen = np.empty(visits.sum(), dtype=np.int64)
    k = 0
    for g in range(visits.size):  # 入户: households of the grid, drawn with replacement
        for _ in range(visits[g]):
            h = X.members[X.grids[g].start + below(s, X.grids[g].count)]
            X.homes[h].trust += on.cadres_visit_trust * (1.0 - X.homes[h].trust)
            visited[h] = True
            seen[k] = h
            k += 1
    for r in open_rows:  # a visit hears what any household a need touches says
        c = X.book[r]
        if c.state != State.LATENT:
            continue
        heard = visited[c.resident]
        for j in range(c.others_n):
            heard = heard or visited[X.others[c.others_start + j]]
        if heard:
            core.take_in(X, day, r, Channel.VISIT)
    for i in range(k):
        visited[seen[i]] = False


@nb.njit(cache=True)
def bridge(X, L, rows, unit, p):
    """The bridge: the home organ accepts a case from its cadre's grid (at least
    `bridge_acceptance`, a named override)."""
    for i in range(rows.size):
        if L.bridge[X.book[rows[i]].grid, unit[i]]:
            p[i] = max(p[i], L.on[0].cadres_bridge_acceptance)


class CadresLever(LeverObject):
    def setup(self):
        m, p = self.model, self.p
        n_grids = m.community.n_grids
        n = round(p.per_grid * n_grids)
        homes = _apportion(n, np.array([d.hours_per_day for d in m.params.departments]))
        m.cadres = [
            Cadre(m, grid=i % n_grids, home=m.departments[h], hours_per_day=p.hours_per_week / 7)
            for i, h in enumerate(homes)
        ]
        self.bridge = np.zeros((n_grids, len(m.units)), dtype=bool)
        self.organ_cost = np.zeros(len(m.units))
        pooled = getattr(m, "pooled_into", {})
        for c in m.cadres:  # the bridge reaches the home organ, and its workstation if any
            self.bridge[c.grid, c.home.unit] = True
            self.bridge[c.grid, pooled.get(c.home.unit, c.home.unit)] = True
            # the organ gives up part of these hours (its street office's case hours)
            self.organ_cost[c.home.unit] += p.organ_cost * c.hours_per_day
        base = m.unit_table["base"]
        self.organ_cost = np.minimum(self.organ_cost, base)  # an organ cannot give more
        self.paired_hours = hours_by(m.cadres, n=n_grids)  # 包小区: cadres serve their grid

    def view(self, on) -> dict:
        n = self.model.community.n
        return {
            "organ_cost": self.organ_cost, "cadre_hours": self.paired_hours,
            "bridge": self.bridge, "visited": np.zeros(n, bool),
        }  # fmt: skip

    def remove(self) -> None:
        for agent in self.model.cadres:
            agent.remove()


LEVER = CadresLever
