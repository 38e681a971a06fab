"""Argument types of every command: one line naming the flag and what is allowed."""

from __future__ import annotations

import argparse

from sim import limits


class UsageError(Exception):
    """Bad input: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def at_least(low: int, high: int = 2**63 - 1, why: str = ""):
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
        if v < low:
            raise argparse.ArgumentTypeError(f"must be >= {low} (got {v})")
        if v > high:
            bound = "< 2**63" if high == 2**63 - 1 else f"<= {high:,}{why}"
            raise argparse.ArgumentTypeError(f"must be {bound} (got {v})")
        return v

    return parse


positive = at_least(1)
non_negative = at_least(0)
# bounds that keep a command from running for days (sim/limits.py)
days = at_least(1, limits.MAX_DAYS, " (ten years)")
replications = at_least(1, limits.MAX_REPLICATIONS)
workers = at_least(1, limits.MAX_WORKERS)


class RunFailed(Exception):
    """A run that could not finish (a worker died): one line, exit code 1; nothing was
    written."""
