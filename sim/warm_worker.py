"""Imported by the fork server of local workers: load `sim` and every compiled kernel
once, so each forked worker starts warm (sim/executors.py)."""

import sim

sim.jit.warm()
