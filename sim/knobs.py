"""Every numeric knob of a scenario, moved one at a time: which ones move nothing?

A knob that changes no outcome is a claim the model does not make. `scan` moves each
numeric setting from low to high on a small street (paired seeds) and reports those
that leave every summary figure within noise; `INERT` lists the few that may, with the
condition under which each binds (`tests/test_knobs.py` checks both).
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from sim.params import Scenario
from sim.scenarios import merge

# Not knobs of a mechanism: the street's size and clock, seeds, and the graph family's
# own parameter (community.rewiring binds only for graph_model watts_strogatz).
NOT_SWEPT = ("days", "community.residents", "community.communities", "community.seed")
TIMING = ("start_day", "ramp_days")  # when a lever acts, not what it does (test_reform_running)

# Knobs that may leave every figure unchanged at the defaults: why, and overrides under
# which they bind (a test moves each there). One line each in docs/model.md.
INERT: dict[str, tuple[str, dict]] = {
    "community.rewiring": (
        "used only by graph_model watts_strogatz",
        {"community": {"graph_model": "watts_strogatz"}},
    ),
    "residents.satisfaction_resolved": (
        "used only by satisfaction_model outcome (three_part weighs response, "
        "explanation and result instead)",
        {"residents": {"satisfaction_model": "outcome"}},
    ),
    "residents.satisfaction_unresolved": (
        "used only by satisfaction_model outcome",
        {"residents": {"satisfaction_model": "outcome"}},
    ),
    "horizons.grid_days": (
        "binds where cases wait at the grid for weeks: swamped grid workers",
        {"grid_workers": {"admin_hours": 7.5}},
    ),
    "horizons.escalate_days": (
        "binds where cases wait for a month: departments short of hours",
        {"scale": {"department_hours": 0.3}},
    ),
    "horizons.close_days": (
        "binds where cases wait for two months: departments short of hours",
        {"scale": {"department_hours": 0.3}},
    ),
    **{
        f"levers.{lever}.mandate_gain": (
            f"used only with levers.{lever}.members_accept (the strict rule)",
            {"levers": {lever: {"members_accept": True}}},
        )
        for lever in ("whistle", "workstation", "mediation")
    },
    "levers.cadres.bridge_acceptance": (
        "masked in the chorus by the whistle, which takes a case after one bounce with "
        "compulsory report; binds with the whistle off",
        {"levers": {"whistle": {"enabled": False}}},
    ),
    "levers.mobilisation.emergency_factor": (
        "acts only during an emergency (战时)",
        {"emergency": {"enabled": True}},
    ),
    "levers.campaign.start": (
        "a campaign (运动型治理) reorders queues and adds no hours: it binds where queues "
        "are long and its category does not already come first (the default, sanitation, "
        "is counted, and counted_first serves it first)",
        {"levers": {"campaign": {"category": "property"}}, "grid_workers": {"admin_hours": 7}},
    ),
    "levers.campaign.days": (
        "as levers.campaign.start",
        {"levers": {"campaign": {"category": "property"}}, "grid_workers": {"admin_hours": 7}},
    ),
}


@dataclass(frozen=True)
class Knob:
    path: str  # dotted; `departments.*.acceptance` moves every department's
    default: float
    low: float
    high: float
    integer: bool
    relative: bool  # moved half to twice its default (else over its [0, 1] bounds)


def _bounds(info) -> tuple[float, float]:
    lo, hi = -math.inf, math.inf
    metadata = list(info.metadata)
    for arg in typing.get_args(info.annotation):  # `Prob | None`: the bounds of Prob
        metadata += [x for m in getattr(arg, "__metadata__", ()) for x in [m, *m.metadata]]
    for m in metadata:
        for name, attr in (("ge", "lo"), ("gt", "lo"), ("le", "hi"), ("lt", "hi")):
            v = getattr(m, name, None)
            if v is not None:
                if attr == "lo":
                    lo = max(lo, float(v))
                else:
                    hi = min(hi, float(v))
    return lo, hi


def _range(default: float, lo: float, hi: float, integer: bool) -> tuple[float, float]:
    """Probabilities and other [0, 1] settings span their bounds; the rest half to twice
    the default (0 to 1 where the default is 0), inside the bounds."""
    if lo >= 0.0 and hi <= 1.0:
        return lo, hi
    low, high = (default / 2, default * 2) if default else (0.0, 1.0)
    if integer:
        low, high = math.floor(low), max(math.ceil(high), int(default) + 1)
    return max(low, lo), min(high, hi)


def knobs(sc: Scenario) -> list[Knob]:
    """Each numeric (not bool) setting of `sc`, with the range `scan` moves it over."""
    out: list[Knob] = []

    def walk(model: BaseModel, prefix: str) -> None:
        for name, info in type(model).model_fields.items():
            value, path = getattr(model, name), f"{prefix}{name}"
            if path in NOT_SWEPT or name in TIMING:
                continue
            if isinstance(value, BaseModel):
                walk(value, path + ".")
            elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
                first = value[0]
                for sub, subinfo in type(first).model_fields.items():
                    v = getattr(first, sub)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        lo, hi = _bounds(subinfo)
                        rel = not (lo >= 0 and hi <= 1)
                        span = _range(v, lo, hi, False)
                        out.append(Knob(f"{path}.*.{sub}", v, *span, False, rel))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                integer = isinstance(value, int)
                lo, hi = _bounds(info)
                span = _range(value, lo, hi, integer)
                out.append(Knob(path, value, *span, integer, not (lo >= 0 and hi <= 1)))

    walk(sc, "")
    return out


def setting(sc: Scenario, knob: Knob, value: float) -> Scenario:
    """`sc` with the knob set to `value`, validated. A list knob (`*`) sets every entry
    to a [0, 1] value, and scales each entry by value / default otherwise."""
    data = sc.model_dump(mode="python")
    keys = knob.path.split(".")
    if "*" in keys:
        i = keys.index("*")
        entries, tail = _get(data, keys[:i]), keys[i + 1 :]
        for entry in entries:
            if knob.relative:
                v = _get(entry, tail) * (value / knob.default if knob.default else 1)
                entry[tail[0]] = round(v) if isinstance(_get(entry, tail), int) else v
            else:
                entry[tail[0]] = value
    else:
        _set(data, keys, int(value) if knob.integer else value)
    return Scenario.model_validate(data)


def _get(d, keys):
    for k in keys:
        d = d[k]
    return d


def _set(d, keys, value):
    for k in keys[:-1]:
        d = d[k]
    d[keys[-1]] = value


def base_for(sc_solo: Scenario, sc_chorus: Scenario, path: str) -> list[Scenario]:
    """Where a knob is moved: a lever's (or the emergency's) with that lever on, in the
    chorus; every other knob in both solo and chorus."""
    keys = path.split(".")
    if keys[0] == "levers" or keys[0] == "emergency":
        on = {"enabled": True}
        switch = {"levers": {keys[1]: on}} if keys[0] == "levers" else {"emergency": on}
        return [Scenario.model_validate(merge(sc_chorus.model_dump(), switch))]
    return [sc_solo, sc_chorus]


def moves(a: list[dict], b: list[dict], z: float = 3.0) -> list[str]:
    """Summary figures whose paired difference (b - a) is beyond noise: not 0 in every
    pair, and its mean beyond `z` standard errors (or every pair differing one way)."""
    out = []
    for k, v in a[0].items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or k in ("seed", "days"):
            continue
        d = np.array([float(y[k]) - float(x[k]) for x, y in zip(a, b, strict=True)])
        d = d[~np.isnan(d)]
        if d.size == 0 or not np.any(d):
            continue
        se = d.std(ddof=1) / math.sqrt(d.size) if d.size > 1 else math.inf
        if abs(d.mean()) > z * se or np.all(d > 0) or np.all(d < 0):
            out.append(k)
    return out


def scan(
    solo: Scenario,
    chorus: Scenario,
    seeds: list[int],
    only: list[str] | None = None,
    where: dict | None = None,
) -> dict[str, list[str]]:
    """Each knob's path -> the summary figures its low-to-high move changes (an empty
    list: inert on this street); `where` is merged into both streets first."""
    from sim.experiments import run

    if where:
        solo, chorus = (
            Scenario.model_validate(merge(s.model_dump(), where)) for s in (solo, chorus)
        )

    def figures(sc):
        return [run(sc, seed=s, daily=False).summary for s in seeds]

    out = {}
    for k in knobs(solo):
        if only is not None and k.path not in only:
            continue
        moved: list[str] = []
        for base in base_for(solo, chorus, k.path):
            lo, hi = setting(base, k, k.low), setting(base, k, k.high)
            moved += [m for m in moves(figures(lo), figures(hi)) if m not in moved]
        out[k.path] = moved
    return out
