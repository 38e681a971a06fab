"""The monthly ranking (街乡排名): each month the city scores every street on the three
rates as the hotline measures them (response, and resolution and satisfaction as
called back: 三率), publishes the ranking, and a street's pressure next month follows
its rank, bottom streets most (压力型治理).

Pressure raises effort: overtime hours of the grid workers and, past a threshold,
counted cases first. By named parameters it also distorts (管理信息失真, 二(一)):
paper resolution in the upward reports and persuasion (做工作) before the call-back,
both through the street's own levers (`sim/levers/paper_resolution.py`,
`sim/levers/persuasion.py`), switched by `CoGovModel.reform`. A street under no
pressure is left exactly as it was, so the ranking off, or at pressure 0, changes
nothing.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import Field

from sim.params import Frozen, Prob, override

# The three rates the ranking scores, as measured (the hotline's own figures).
RATES = {
    "response": "response_rate",
    "resolution": "callback_resolution_rate",
    "satisfaction": "callback_satisfaction_rate",
}


class Weights(Frozen):
    # guess: Beijing publishes the three rates and ranks on a weighted score; the weights
    # here are ours
    response: Prob = 0.1
    resolution: Prob = 0.45
    satisfaction: Prob = 0.45


class RankingSpec(Frozen):
    """街乡排名, a city lever: off by default."""

    enabled: bool = False
    weights: Weights = Field(default_factory=Weights)
    pressure_from: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.5, description="rank position (0 top, 1 bottom) where pressure starts (guess)"
    )
    overtime_hours: Annotated[float, Field(ge=0.0, le=8.0)] = Field(
        1.5, description="extra hours a day per grid worker at full pressure (guess)"
    )
    counted_first_from: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.5, description="pressure from which grid workers put counted cases first (guess)"
    )
    paper_resolution: Prob = override(
        0.0,
        "管理信息失真: paper resolution's rate at full pressure (0: none)",
        "guess (the article, 二(一))",
    )
    persuasion: Prob = override(
        0.0,
        "做工作: persuasion's rate before call-backs at full pressure (0: none)",
        "guess (the article, 二(一))",
    )


def rank(month: pd.DataFrame, weights: Weights) -> pd.DataFrame:
    """A month's ranking: each street's score (a missing rate, as with no call-backs,
    scores as the city's pooled rate that month) and rank, 1 the best; ties keep the
    city file's order."""
    score = np.zeros(len(month))
    for key, col in RATES.items():
        basis = month["taken_in"] if col == "response_rate" else month["callbacks"]
        values = month[col].to_numpy(dtype=float)
        have = ~np.isnan(values) & (basis.to_numpy() > 0)
        pooled = (values[have] * basis.to_numpy()[have]).sum() / max(
            basis.to_numpy()[have].sum(), 1
        )
        score += getattr(weights, key) * np.where(have, values, pooled)
    order = np.lexsort((np.arange(len(month)), -score))
    ranks = np.empty(len(month), dtype=np.int64)
    ranks[order] = np.arange(1, len(month) + 1)
    return pd.DataFrame({"street": month["street"].to_numpy(), "score": score, "rank": ranks})


def pressure(ranks: np.ndarray, spec: RankingSpec) -> np.ndarray:
    """0 for the top streets, rising linearly from `pressure_from` to 1 at the bottom."""
    n = len(ranks)
    position = (ranks - 1) / (n - 1) if n > 1 else np.zeros(n)
    return np.clip((position - spec.pressure_from) / (1.0 - spec.pressure_from), 0.0, 1.0)


class Pressure:
    """What a street does under pressure, from its own settings as loaded."""

    def __init__(self, model, spec: RankingSpec):
        self.model, self.spec = model, spec
        self.level = 0.0
        gw = model.params.grid_workers
        self.hours = model.grid_table["hours"].copy()
        self.per_grid = gw.per_grid
        self.need_first = bool(model.param_table["grid_workers_need_first"][0])
        lv = model.params.levers
        self.own = {"paper_resolution": lv.paper_resolution, "persuasion": lv.persuasion}

    def apply(self, level: float) -> None:
        """Next month's effort and distortion at this pressure (0: the street as loaded)."""
        if level == self.level:
            return
        self.level = level
        m, spec = self.model, self.spec
        for lever, top in (
            ("paper_resolution", spec.paper_resolution),
            ("persuasion", spec.persuasion),
        ):
            if top > 0.0:
                self._distort(
                    lever,
                    1.0
                    - (1.0 - self.own[lever].rate * self.own[lever].enabled) * (1.0 - top * level),
                )
        m.grid_table["hours"] = self.hours + self.per_grid * spec.overtime_hours * level
        counted = level > 0.0 and level >= spec.counted_first_from
        m.param_table["grid_workers_need_first"] = self.need_first and not counted

    def _distort(self, lever: str, rate: float) -> None:
        m, own = self.model, self.own[lever]
        now = getattr(m.params.levers, lever)
        if rate > 0.0 and (rate != now.rate or not now.enabled):
            m.reform(lever, enabled=True, rate=rate)
        elif rate == 0.0 and now.enabled and not own.enabled:
            m.reform(lever, enabled=False)
