"""运动型治理 (二(一)): in a campaign window (e.g. 文明城市创建 → sanitation) one
category jumps every queue, at the cost of the others."""

import numpy as np


class CampaignLever:
    def __init__(self, model, p):
        self.model, self.p = model, p
        self.category = [c.name for c in model.params.categories].index(p.category)
        self.active = False

    def setup(self):
        m = self.model
        m.schedule_event(self._start, at=self.p.start - 0.5)
        m.schedule_event(self._end, at=self.p.start + self.p.days - 0.5)

    def _start(self):
        self.active = True

    def _end(self):
        self.active = False

    def priority(self, rows):
        if not self.active:
            return np.zeros(rows.size)
        return (self.model.book.category[rows] == self.category).astype(np.float64)
