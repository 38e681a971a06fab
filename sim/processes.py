"""How this machine starts worker processes (local pools, a city's partitions)."""

from __future__ import annotations

import multiprocessing as mp
import sys
import threading


def mp_context():
    """How local workers start: fork, unless threads make it unsafe (forkserver) or the
    platform has no fork (spawn)."""
    if not sys.platform.startswith("linux"):
        return mp.get_context("spawn")
    if threading.active_count() > 1:  # forking a threaded process can deadlock the child
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.warm_worker"])
        return ctx
    return mp.get_context("fork")
