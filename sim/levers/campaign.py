"""运动型治理 (二(一)): in a campaign window (e.g. 文明城市创建 → sanitation) one
category jumps every queue, at the cost of the others (`core.grid_key`)."""


class CampaignLever:
    def __init__(self, model, p):
        self.model, self.p = model, p
        self.category = [c.name for c in model.params.categories].index(p.category)

    def setup(self):
        m = self.model
        m.schedule_event(self._start, at=self.p.start - 0.5)
        m.schedule_event(self._end, at=self.p.start + self.p.days - 0.5)

    def _start(self):
        self.model.cat_priority[self.category] = 1

    def _end(self):
        self.model.cat_priority[self.category] = 0
