"""平时 / 战时 (三(三)): a shock window (flood, epidemic) multiplying some categories' rates.

The window is applied at the start of each day (`sim/day.py` `begin_day`):
inside it the categories' rates carry the shock's multipliers and the day is
marked 战时, to which mobilisation reacts."""

import numba as nb
import numpy as np

from sim.actors import LeverObject


@nb.njit(cache=True)
def apply(X, L, day):
    on = L.on[0]
    inside = on.emergency_start <= day < on.emergency_end
    on.emergency = inside
    for c in range(X.cats.size):
        X.cats[c].multiplier = X.cats[c].shock if inside else 1.0


class EmergencyShock(LeverObject):
    def __init__(self, model, p):
        super().__init__(model, p)
        names = [c.name for c in model.params.categories]
        self.multiplier = np.ones(len(names))
        for name, x in p.multipliers.items():
            self.multiplier[names.index(name)] = x

    def setup(self):
        self.model.cat_table["shock"] = self.multiplier

    def window(self) -> tuple[int, int]:
        return self.p.start, self.p.start + self.p.days

    def view(self, on) -> dict:
        on["emergency_start"], on["emergency_end"] = self.window()
        return {}
