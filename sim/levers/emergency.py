"""平时 / 战时: a shock window (flood, epidemic) multiplying some categories' rates."""

import numpy as np


class EmergencyShock:
    def __init__(self, model, p):
        self.model, self.p = model, p
        names = [c.name for c in model.params.categories]
        self.multiplier = np.ones(len(names))
        for name, x in p.multipliers.items():
            self.multiplier[names.index(name)] = x

    def setup(self):
        m = self.model
        m.schedule_event(self._start, at=self.p.start - 0.5)
        m.schedule_event(self._end, at=self.p.start + self.p.days - 0.5)

    def _start(self):
        self.model.rate_multiplier[:] = self.multiplier
        self.model.L.on["emergency"] = True

    def _end(self):
        self.model.rate_multiplier[:] = 1.0
        self.model.L.on["emergency"] = False
