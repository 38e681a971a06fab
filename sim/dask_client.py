"""Reaching a Dask cluster: a client for an address, a client or a cluster object, or one
line saying why not (`ConnectionError`). Used by every command that takes --scheduler."""

from __future__ import annotations

import os
from typing import Any

# an unreachable scheduler should fail the command in seconds, not minutes
CONNECT_TIMEOUT = os.environ.get("COGOV_DASK_TIMEOUT", "5s")


def client_for(scheduler: Any):
    """(client, whether we opened it) for an address, client or cluster; ConnectionError
    in one line when it cannot be reached."""
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler, False
    address = getattr(scheduler, "scheduler_address", scheduler)
    if not isinstance(address, str):
        raise ConnectionError(f"not a Dask scheduler address or client: {scheduler!r}")
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False), True
    except (OSError, TimeoutError, ValueError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ConnectionError(
            f"cannot connect to the Dask scheduler at {address} ({msg})"
        ) from None


def connect(scheduler: Any):
    """A client for `scheduler` (address, client or cluster), connected now: a command
    checks the cluster before it creates anything. Raises ConnectionError."""
    return client_for(scheduler)[0]
