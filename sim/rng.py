"""Random streams for the compiled day: xoshiro256** in numba.

Each mechanism draws from its own stream (common random numbers across
scenarios: switching one lever leaves every other stream where it was). A
stream is four uint64 words, a row of one array, so a compiled kernel takes it
for the cost of an array argument; numpy's `Generator` costs ~6 µs a call to
pass into numba, which a day of ~20 calls cannot afford. Streams are seeded
from `SeedSequence(seed, spawn_key=(i,))`, one per mechanism.

Distributions: uniform (53 bits), standard normal by inversion (Wichura's
AS241), Poisson (multiplication below 10, Hörmann's PTRS above, as numpy),
and Bernoulli subsets by geometric skips (each of n items with chance p, no
loop over the items that are not drawn).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

U64 = np.uint64
_M53 = 1.0 / 9007199254740992.0  # 2**-53


# Setup draws (the graph, initial trust, party members, online groups) use numpy
# generators, one per purpose; the day's draws use the compiled streams below.
SETUP = ("community", "residents", "mobilisation")


def setup_rng(seed: int, name: str) -> np.random.Generator:
    """The numpy generator of one setup purpose (`SETUP`) for a replication's seed."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SETUP.index(name),)))


def seed_streams(seed: int, n: int, first_key: int = 0) -> np.ndarray:
    """`n` independent streams (n × 4 uint64) for one replication's seed, stream i from
    `SeedSequence(seed, spawn_key=(first_key + i,))`."""
    out = np.empty((n, 4), dtype=np.uint64)
    for i in range(n):
        ss = np.random.SeedSequence(seed, spawn_key=(first_key + i,))
        words = ss.generate_state(4, np.uint64)
        if not words.any():  # xoshiro's one forbidden state; vanishingly rare
            words[0] = 1
        out[i] = words
    return out


@nb.njit(inline="always", cache=True)
def _rotl(x, k):
    return (x << U64(k)) | (x >> U64(64 - k))


@nb.njit(cache=True)
def next_u64(s):
    """xoshiro256** (Blackman and Vigna): advance stream `s` (4 uint64) and return 64 bits."""
    result = _rotl(s[1] * U64(5), 7) * U64(9)
    t = s[1] << U64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@nb.njit(cache=True)
def uniform(s):
    """U[0, 1) with 53 random bits."""
    return float(next_u64(s) >> U64(11)) * _M53


@nb.njit(cache=True)
def below(s, n):
    """A whole number uniform in [0, n)."""
    k = int(uniform(s) * n)
    return k if k < n else n - 1


@nb.njit(cache=True)
def ndtr(x):
    """Standard normal CDF Φ(x)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


@nb.njit(cache=True)
def ndtri(p):
    """Standard normal quantile Φ⁻¹(p): Wichura (1988) AS241 PPND16, ~1e-16 relative."""
    if p <= 0.0:
        return -np.inf
    if p >= 1.0:
        return np.inf
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
                    + 67265.770927008700853) * r + 45921.953931549871457) * r
                  + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)  # fmt: skip
        den = (((((((5226.495278852545925 * r + 28729.085735721942674) * r
                    + 39307.89580009271061) * r + 21213.794301586595867) * r
                  + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)  # fmt: skip
        return q * num / den
    r = p if q < 0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        num = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
                    + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                  + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)  # fmt: skip
        den = (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                    + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                  + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)  # fmt: skip
    else:
        r -= 5.0
        num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                    + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
                  + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)  # fmt: skip
        den = (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
                  + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)  # fmt: skip
    x = num / den
    return -x if q < 0 else x


@nb.njit(cache=True)
def normal(s):
    """A standard normal draw, by inversion of one uniform."""
    u = uniform(s)
    while u == 0.0:
        u = uniform(s)
    return ndtri(u)


@nb.njit(cache=True)
def poisson(s, lam):
    """Poisson(lam): multiplication below 10, PTRS (Hörmann 1993) above, as numpy."""
    if lam <= 0.0:
        return 0
    if lam < 10.0:
        limit = math.exp(-lam)
        k, prod = 0, uniform(s)
        while prod > limit:
            k += 1
            prod *= uniform(s)
        return k
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        u = uniform(s) - 0.5
        v = uniform(s)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return int(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)) <= (
            -lam + k * loglam - math.lgamma(k + 1.0)
        ):
            return int(k)


@nb.njit(cache=True)
def bernoulli_subset(s, n, p):
    """Indices i < n each kept with chance p, in order: geometric skips, one uniform each."""
    if p <= 0.0 or n <= 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n)
    out = np.empty(16, dtype=np.int64)
    k = 0
    log_q = math.log1p(-p)
    i = -1
    while True:
        u = uniform(s)
        while u == 0.0:
            u = uniform(s)
        i += 1 + int(math.log(u) / log_q)
        if i >= n:
            break
        if k == out.size:
            grown = np.empty(2 * out.size, dtype=np.int64)
            grown[:k] = out
            out = grown
        out[k] = i
        k += 1
    return out[:k]
