"""管理信息失真 (二(一)): under counted targets, a case closed unresolved may be
reported upward as resolved. Satisfaction and trust follow the true outcome.

Where it acts: `sim/core.py` `close` reports a closure as resolved if it is, or
with chance `rate` whatever happened (stream `paper_resolution`); `apply` sets the
day's rate (x strength while it ramps up; off before `start_day`)."""

import numba as nb

from sim.actors import LeverObject

# Settings the compiled code reads, by their scenario-file keys: `L.on[0].<lever>_<key>`
# in this lever's kernels (KNOBS), `X.params[0].<lever>_<key>` in sim/core.py (SHARED).
KNOBS = ("rate",)


@nb.njit(cache=True)
def apply(X, rate, strength):
    X.params[0].paper_today = rate * strength if strength > 0.0 else -1.0


class PaperResolutionLever(LeverObject):
    pass


LEVER = PaperResolutionLever
