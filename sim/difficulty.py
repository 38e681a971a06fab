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

import numpy as np
from scipy.special import ndtr, ndtri


def chance(p: np.ndarray, z: np.ndarray, weight: float) -> np.ndarray:
    """P(success | difficulty z) for a handler with typical success p (broadcasts)."""
    if weight == 0:
        return np.broadcast_to(p, np.broadcast_shapes(np.shape(p), np.shape(z)))
    with np.errstate(invalid="ignore"):  # p = 0 or 1: ±inf thresholds give 0 or 1
        return ndtr((ndtri(p) - np.sqrt(weight) * z) / np.sqrt(1.0 - weight))


def joint_chance(parts: np.ndarray, z: np.ndarray, weight: float, premium) -> np.ndarray:
    """Chance that a handling covering `parts` (rows × parts, 1.0 = no part) succeeds.

    The parts succeed together as they would one after another on the same need;
    `premium` (per row or scalar) averts that share of the joint failures.
    """
    together = chance(parts, z[:, None], weight).prod(axis=1)
    return 1.0 - (1.0 - together) * (1.0 - premium)
