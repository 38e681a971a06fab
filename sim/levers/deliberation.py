"""协商民主 / 议事协商 (三(一)): a collective case (environment, infrastructure…)
first goes to a meeting of those affected; the larger the share of them that
take part, the better its odds and the residents' satisfaction. A household
with nobody else affected holds no meeting worth the name: share 0. Off, the
case is settled top down.

Where it acts: `sim/core.py` `take_in` sends a collective case to the meeting
desk (`meeting_days`), `meet` below holds the meetings, and the share taking
part raises every later success draw (`core.part_chance`, `success_gain`) and
satisfaction (`core.close`)."""

import numba as nb

from sim import core
from sim.actors import LeverObject
from sim.cases import Desk, State
from sim.rng import uniform

# Settings the compiled code reads, by their scenario-file keys: `L.on[0].<lever>_<key>`
# in this lever's kernels (KNOBS), `X.params[0].<lever>_<key>` in sim/core.py (SHARED).
KNOBS = ("join", "meeting_hours")
SHARED = ("success_gain", "meeting_days")
OFF = {"success_gain": 0.0}  # no deliberated case gains while it is off


@nb.njit(cache=True)
def apply(X, strength):
    """While the reform ramps up, a share `strength` of collective cases go to a meeting
    (`core.take_in` reads it); 0 before it starts."""
    X.params[0].meeting_share = strength


@nb.njit(cache=True)
def meet(X, L, day, open_rows):
    """Meetings due today: the other households the need touches (the raiser's ties in
    its grid) join with chance join x trust. The grid worker chairs: hours taken from
    today's casework; the residents who come spend the hours too."""
    s, on = X.streams[core.Stream.DELIBERATION], L.on[0]
    for r in open_rows:
        c = X.book[r]
        if c.state != State.QUEUED or c.desk != Desk.DELIBERATION or c.due > day:
            continue
        came = 0
        for j in range(c.others_n):
            h = X.others[c.others_start + j]
            if uniform(s) < on.deliberation_join * X.homes[h].trust:
                came += 1
                X.homes[h].participated = True
        X.homes[c.resident].participated = True
        c.deliberated = came / c.others_n if c.others_n > 0 else 0.0
        c.desk = Desk.GRID
        X.grids[c.grid].debt += on.deliberation_meeting_hours
        X.hours[core.H_GRID] += on.deliberation_meeting_hours
        X.hours[core.H_RESIDENTS] += on.deliberation_meeting_hours * (1 + came)


class DeliberationLever(LeverObject):
    pass


LEVER = DeliberationLever
