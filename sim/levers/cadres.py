"""机关干部下沉 / 包小区 (三(三)): cadres from government organs paired with grids.

A few hours a week each: as 探头 (probe) they find silent needs, on home
visits (入户) they raise trust and hear needs, they settle simple cases, and
they bridge to their home organ, which then accepts forwarded cases far more
readily. Their hours are a cost, taken from the organ's own hours.
"""

import numpy as np

from sim.agents import Cadre, hours_by
from sim.cases import Channel


def _apportion(n: int, weights: np.ndarray) -> np.ndarray:
    """Home organ of each of n cadres, in proportion to the organs' hours (largest remainder)."""
    if weights.sum() <= 0:  # no organ has hours: spread evenly
        weights = np.ones_like(weights)
    share = n * weights / weights.sum()
    k = np.floor(share).astype(np.int64)
    k[np.argsort(-(share - k), kind="stable")[: n - k.sum()]] += 1
    return np.repeat(np.arange(weights.size), k)


class CadresLever:
    name = "cadres"
    actor = None  # all their hours are counted once, in `detect`

    def __init__(self, model, p):
        self.model, self.p = model, p
        self.success = model.params.grid_workers.success  # simple cases, as a grid worker
        self.rng = model.rngs["cadres"]

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
        pooled = getattr(m, "pooled_into", {})
        for c in m.cadres:
            unit = pooled.get(c.home.unit, c.home.unit)
            self.bridge[c.grid, unit] = True
            # the organ gives up part of these hours (its street office's case hours)
            m.unit_hours[unit] = max(0.0, m.unit_hours[unit] - p.organ_cost * c.hours_per_day)
        self.paired_hours = hours_by(m.cadres, n=n_grids)
        self.group_of_grid = np.arange(n_grids)  # 包小区: cadres serve their paired grid

    def today_hours(self):
        return self.paired_hours * self.model.cadre_hours_factor

    def hours(self):
        """Hours on simple cases today, a helper of the retry chain."""
        return self.today_hours() * self.p.case_share

    def detect(self):
        """探头 and 入户: probe for silent needs; visit homes."""
        m, b, p = self.model, self.model.book, self.p
        rng = m.rngs["cadres"]
        hours = self.today_hours()
        m.tally.hours["cadre"] += float(hours.sum())
        latent = m.latent_rows()
        probe = 1 - (1 - p.probe) ** hours[b.grid[latent]]
        m.take_in(latent[rng.random(latent.size) < probe], Channel.PROBE)
        visits = np.floor(hours * (1 - p.case_share) / p.visit_hours).astype(np.int64)
        visited = m.grid_sample(visits, rng)
        trust = m.residents.trust
        trust[visited] += p.visit_trust * (1 - trust[visited])
        latent = m.latent_rows()  # a visit hears what any household a need touches says
        case, who = b.affected(latent)
        heard = np.unique(case[np.isin(who, visited)])
        m.take_in(latent[heard], Channel.VISIT)

    def acceptance(self, rows, unit, p):
        """The bridge: the home organ accepts a case from its cadre's grid."""
        bridged = self.bridge[self.model.book.grid[rows], unit]
        return np.where(bridged, np.maximum(p, self.p.bridge_acceptance), p)
