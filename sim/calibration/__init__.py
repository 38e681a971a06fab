"""Calibration to published figures: targets files, ABC-SMC (pyabc), a posterior.

    from sim.calibration import calibrate, load_result
    r = calibrate("scenarios/targets/shanghai_2016.yaml", "out/shanghai", budget=2000)
    r.posterior            # one row per accepted draw: a column per path, weight
    r.fit["targets"]       # observed vs simulated at the best draw

Names are imported on first use, so `cogov --help` stays quick (pyabc is slow to import).
"""

from importlib import import_module

_WHERE = {
    "Calibration": "fit",
    "calibrate": "fit",
    "load_result": "fit",
    "summarize": "fit",
    "Targets": "targets",
    "TargetsError": "targets",
    "load": "targets",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"sim.calibration.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'sim.calibration' has no attribute {name!r}")
