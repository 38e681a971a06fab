"""Scenario sweeps: designs over parameters, resumable runs, analysis, attribution.

    from sim.sweep import run_sweep, load_results, analyze, attribute
    run_sweep("scenarios/sweeps/classroom.yaml", "out/classroom", workers=2)
    df = load_results("out/classroom")          # one row per finished run
    analyze("out/classroom")                    # tables + figures in out/classroom/analysis
    att = attribute("solo", "chorus", replications=10)   # Shapley share of each lever

Names are imported on first use, so `cogov --help` stays quick.
"""

from importlib import import_module

_WHERE = {
    "Analysis": "analysis",
    "analyze": "analysis",
    "Attribution": "attribution",
    "attribute": "attribution",
    "SweepResult": "runner",
    "load_design": "runner",
    "load_failures": "runner",
    "load_manifest": "runner",
    "load_results": "runner",
    "run_sweep": "runner",
    "Sweep": "spec",
    "SweepError": "spec",
    "SweepSpec": "spec",
    "load": "spec",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"sim.sweep.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'sim.sweep' has no attribute {name!r}")
