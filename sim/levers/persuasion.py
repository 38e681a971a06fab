"""做工作 (二(一), 管理信息失真 under 压力型治理): under a satisfaction target, staff work
on a resident before the call-back (回访), and some who are not satisfied, or whose
need was not solved, say they are. What the resident lived is unchanged: true
satisfaction and trust follow the true experience.

Where it acts: `sim/core.py` `call_back` (stream `persuasion`, drawn only while it is
on); `apply` sets the day's rate (x strength while it ramps up; off before
`start_day`)."""

import numba as nb

from sim.actors import LeverObject

KNOBS = ("rate",)


@nb.njit(cache=True)
def apply(X, rate, strength):
    X.params[0].persuasion_today = rate * strength if strength > 0.0 else -1.0


class PersuasionLever(LeverObject):
    pass


LEVER = PersuasionLever
