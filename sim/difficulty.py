"""A need's latent difficulty, and the chance that one attempt on it succeeds.

Each need draws a difficulty z ~ N(0, 1) when it arises. A handler whose
success on a typical need is p succeeds on this one when

    sqrt(w) z + sqrt(1 - w) e < Φ⁻¹(p),   e ~ N(0, 1) fresh for each attempt,

(a Gaussian copula with weight w = `difficulty.weight`). Over all needs the
handler still succeeds with chance p, but attempts on one need are correlated:
the hard case that beat the volunteer is still hard for the grid worker, and a
department's part is hard when the grid's was. w = 0: independent attempts.

Joint work (whistle, workstation, 1+N) succeeds as its members' parts would one
after another, given the same difficulty, times a coordination premium κ that
averts a share of those joint failures: 1 - (1 - Π pᵢ(z)) (1 - κ).
"""

from __future__ import annotations

import math

import numba as nb

from sim.rng import ndtr, ndtri


@nb.njit(cache=True)
def chance(p: float, z: float, weight: float) -> float:
    """P(success | difficulty z) for a handler with typical success p."""
    if weight == 0.0 or p <= 0.0 or p >= 1.0:
        return p
    return ndtr((ndtri(p) - math.sqrt(weight) * z) / math.sqrt(1.0 - weight))
