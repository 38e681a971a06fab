"""运动型治理 (二(一)): in a campaign window (e.g. 文明城市创建 → sanitation) one
category jumps every queue, at the cost of the others (`core.queue`). The
window is applied at the start of each day (`sim/day.py` `begin_day`)."""

import numba as nb

from sim.actors import LeverObject

VIEW_OFF = {"campaign_category": -1}  # no campaign: no category jumps the queues


@nb.njit(cache=True)
def apply(X, L, day, strength):
    on = L.on[0]
    if on.campaign_category >= 0:
        inside = on.campaign_start <= day < on.campaign_end and strength > 0.0
        X.cats[on.campaign_category].priority = 1 if inside else 0


class CampaignLever(LeverObject):
    def __init__(self, model, p):
        super().__init__(model, p)
        self.category = [c.name for c in model.params.categories].index(p.category)

    def window(self) -> tuple[int, int]:
        return self.p.start, self.p.start + self.p.days

    def view(self, on) -> dict:
        on["campaign_category"] = self.category
        on["campaign_start"], on["campaign_end"] = self.window()
        return {}


LEVER = CampaignLever
