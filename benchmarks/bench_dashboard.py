"""Time one dashboard tick at the classroom size: both models step, both sides render.

    .venv/bin/python benchmarks/bench_dashboard.py [--ticks 100] [--left classroom]
        [--right classroom_chorus]

Two figures, mean and p95 in ms, with a lever switched on from day 10 (so the
charts carry a mark) and a household's case followed:
  * core: both `CoGovModel.step()` + for both sides `render.render_side` (the SVG
    graph layer, legend counts, six charts, big number) and `panels.mechanism_panel`
    (monitors from `sim.metrics.summary`, who closed, hours by actor) and the case
    path, i.e. everything the dashboard computes per tick;
  * solara: a click on Step in a headless `solara.render` of the whole dashboard
    (adds the component re-render and widget updates; no browser).
The budget is 100 ms per tick.
"""

from __future__ import annotations

import argparse
import statistics
import time

import _require  # noqa: F401  (first: a wrong Python stops here, in one line)
import numpy as np


def _stats(ms: list[float]) -> str:
    return (
        f"mean {statistics.fmean(ms):6.2f} ms  p95 {np.percentile(ms, 95):6.2f} ms  "
        f"max {max(ms):6.2f} ms  (n={len(ms)})"
    )


SWITCH_DAY = 10  # the whistle goes on, on the left, from the next day
HOUSEHOLD = 42  # whose case is followed


def bench_core(left: str, right: str, ticks: int) -> list[float]:
    from sim.dashboard import panels, render
    from sim.dashboard.app import change_marks
    from sim.dashboard.i18n import LABELS, t
    from sim.dashboard.state import Pair

    pair = Pair(left, right, seed=0)
    labels = {k: t(k, "en") for k in LABELS}
    a, b = (s.model for s in pair.sides)
    render.render_side(a, b, labels, render.LEFT_COLOUR)  # the layout is computed once
    out = []
    for tick in range(ticks):
        if tick == SWITCH_DAY:
            pair.sides[0].set_lever("whistle", enabled=True)
        t0 = time.perf_counter()
        pair.step()
        a, b = (s.model for s in pair.sides)
        marks = change_marks(pair, "en")
        for m, o, colour in ((a, b, render.LEFT_COLOUR), (b, a, render.RIGHT_COLOUR)):
            render.render_side(m, o, labels, colour, marks, HOUSEHOLD)
            panels.mechanism_panel(m, o, "en")
            panels.case_path_html(m, HOUSEHOLD, "en")
        out.append(1000 * (time.perf_counter() - t0))
    return out


def bench_solara(left: str, right: str, ticks: int) -> list[float]:
    import ipyvuetify as v
    import solara

    from sim.dashboard.app import Dashboard
    from sim.dashboard.state import Pair

    pair = Pair(left, right, seed=0)
    _box, rc = solara.render(Dashboard(pair=pair), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    street = next(w for w in rc.find(v.VuetifyTemplate).widgets if getattr(w, "side", None) == 0)
    from sim.dashboard import render

    lay = render.layout_for(pair.sides[0].model)
    street.vue_pick({"x": float(lay.x[HOUSEHOLD]), "y": float(lay.y[HOUSEHOLD])})
    out = []
    for tick in range(ticks):
        if tick == SWITCH_DAY:
            rc.find(v.Switch, class_="cogov-switch-whistle-0").widget.v_model = True
        t0 = time.perf_counter()
        step.click()
        out.append(1000 * (time.perf_counter() - t0))
    assert pair.day == ticks, pair.day
    assert pair.sides[0].changes, "the lever change was not made"
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ticks", type=int, default=100)
    ap.add_argument("--left", default="classroom")
    ap.add_argument("--right", default="classroom_chorus")
    args = ap.parse_args()
    t0 = time.perf_counter()
    from sim.dashboard.state import Pair

    Pair(args.left, args.right)
    print(f"build both models: {1000 * (time.perf_counter() - t0):.0f} ms (incl. imports)")
    core = bench_core(args.left, args.right, args.ticks)
    print(f"core   tick ({args.left} | {args.right}): {_stats(core)}")
    ui = bench_solara(args.left, args.right, args.ticks)
    print(f"solara tick ({args.left} | {args.right}): {_stats(ui)}")
    ok = np.percentile(ui, 95) <= 100 and np.percentile(core, 95) <= 100
    print("budget 100 ms per tick:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
