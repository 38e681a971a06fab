"""Record the outputs every bundled scenario gives today, to hold refactors to them.

Run only when results are meant to change (and say why in the commit):
    .venv/bin/python tests/golden.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

import sim
from sim import scenarios

HERE = Path(__file__).resolve().parent / "golden"
SEEDS = (0, 7)


def fingerprint(result) -> dict:
    """Summary figures exactly (JSON keeps a float's repr) and a hash per daily column."""
    summary = {
        k: (None if isinstance(v, float) and np.isnan(v) else v)
        for k, v in result.summary.items()
        if k != "scenario_hash"
    }
    columns = {
        c: hashlib.sha256(np.ascontiguousarray(result.daily[c].to_numpy()).tobytes()).hexdigest()[
            :16
        ]
        for c in result.daily.columns
        if c not in ("scenario",)
    }
    return {"summary": summary, "daily": columns}


def outputs(run=sim.run) -> dict:
    out = {}
    for name, path in sorted(scenarios.bundled().items()):
        params = scenarios.load(path)
        for seed in SEEDS:
            out[f"{name}/{seed}"] = fingerprint(run(params, seed=seed))
    return out


if __name__ == "__main__":
    target = HERE / "outputs.json"
    target.write_text(json.dumps(outputs(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {target}", file=sys.stderr)
