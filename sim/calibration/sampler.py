"""A pyabc sampler whose draws do not depend on who computes them.

pyabc's own samplers draw from NumPy's global generator in whichever process
runs first, so a calibration on 4 workers differs from one on 1. Here draw i
of generation t is seeded from (seed, t, i) alone and the population takes the
first n accepted draws in index order: serial, local workers and a Dask cluster
give the same posterior, and a resumed calibration the same as an unbroken one.

Batches are sized from the acceptance rate seen so far, never from the number
of workers, so the model runs a budget pays for are the same on any executor.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from pyabc.sampler import Sampler

MIN_BATCH = 16  # draws per batch at least: enough to keep a few workers busy


def draw_seed(seed: int, t: int, i: int) -> int:
    """The seed of draw i of generation t (t = -1: a calibration sample)."""
    ss = np.random.SeedSequence([seed, t + 1, i])
    return int(ss.generate_state(1, dtype=np.uint32)[0])


_LOADED: dict = {}


def run_draws(blob: bytes, seed: int, t: int, indices: list[int]) -> list:
    """In a worker: pyabc's `simulate_one` for each index, each from its own seed."""
    import cloudpickle

    key = hash(blob)
    if _LOADED.get("key") != key:  # one unpickling per worker and batch
        _LOADED.update(key=key, fn=cloudpickle.loads(blob))
    simulate_one = _LOADED["fn"]
    out = []
    for i in indices:
        np.random.seed(draw_seed(seed, t, i))  # noqa: NPY002 pyabc draws from the global generator
        out.append(simulate_one())
    return out


class SeededSampler(Sampler):
    """Deterministic batches over a map (serial, local pool or Dask), bounded by a budget.

    `mapper(jobs)` returns [run_draws(*job) for job in jobs], in order; `evaluations`
    bounds the draws of the whole calibration (`used` were made before this process).
    """

    def __init__(
        self,
        seed: int,
        mapper: Callable,
        parallel: int,
        evaluations: int,
        used: int = 0,
        on_batch: Callable[[int, int], None] | None = None,
    ):
        super().__init__()
        self.seed = seed
        self.mapper = mapper
        self.parallel = max(1, parallel)
        self.evaluations = evaluations
        self.used = used
        self.on_batch = on_batch
        self.rate = 1.0  # last generation's acceptance rate
        self.stopped_for_budget = False

    @property
    def left(self) -> int:
        return max(0, self.evaluations - self.used)

    def sample_until_n_accepted(
        self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None
    ):
        import cloudpickle

        sample = self._create_empty_sample()
        limit = min(self.left, max_eval)
        # a generation the budget cannot finish is not started: its draws would be wasted
        if limit < n or limit < 0.75 * n / max(self.rate, 1e-3):
            self.stopped_for_budget = True
            self.nr_evaluations_ = 0
            sample.ok = False
            return sample
        blob = cloudpickle.dumps(simulate_one)
        done = accepted = 0
        while accepted < n and done < limit:
            need = n - accepted
            rate = (accepted + 1) / (done + 2) if done else self.rate
            ahead = need if rate >= 1 else 1.2 * need / max(rate, 1e-3)
            size = int(min(limit - done, max(MIN_BATCH, math.ceil(ahead))))
            idx = list(range(done, done + size))
            width = math.ceil(size / self.parallel)
            jobs = [(blob, self.seed, t, idx[k : k + width]) for k in range(0, size, width)]
            batch = [p for part in self.mapper(jobs) for p in part]
            for particle in batch:
                if accepted < n:
                    sample.append(particle)
                    accepted += particle.accepted
            done += size
            if self.on_batch is not None:
                self.on_batch(size, t)
        self.used += done
        self.nr_evaluations_ = done
        self.rate = accepted / done if done else self.rate
        if accepted < n:
            self.stopped_for_budget = True
            sample.ok = False
        return sample
