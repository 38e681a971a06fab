"""Report figures fit the page: every figure function, in each language, is checked for
size, readable text, axis labels, bars from zero, text inside the figure, and no
characters of the other language."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.text import Text

from sim.calibration import plots as cplots
from sim.report import figures, labels, style
from sim.stats import kaplan_meier
from sim.sweep import discover as sdiscover
from sim.sweep import plots as splots

HANZI = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
# symbols, not English, allowed in a Chinese figure: the article's "1+N", a method's name
ZH_ALLOWED = {"N", "Sobol", "Kaplan", "Meier", "PRIM", "CART"}  # method names stay as they are
DIVERGING = {"RdBu", "RdBu_r", "coolwarm", "bwr", "seismic", "PiYG", "PRGn", "BrBG"}


def ci(mean, half=0.02):
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": 5, "total": 5}


def _daily():
    rng = np.random.default_rng(0)
    rows = []
    for s in ("solo", "chorus"):
        for r in range(3):
            for d in range(1, 41):
                rows.append(
                    {
                        "scenario": s,
                        "replication": r,
                        "day": d,
                        "resolution_rate": 0.7 + rng.normal(0, 0.01),
                        "satisfaction_rate": 0.6 + rng.normal(0, 0.01),
                        "backlog": 50 + d + rng.normal(0, 3),
                        "mean_trust": 0.5 + rng.normal(0, 0.01),
                    }
                )
    return pd.DataFrame(rows)


def _stats(names):
    return {
        "scenarios": {
            n: {"resolution_rate": ci(0.7 + 0.01 * i), "satisfaction_rate": ci(0.6)}
            for i, n in enumerate(names)
        },
        "differences": {},
    }


def _lines():
    return pd.DataFrame(
        [
            {"x": p, "group": a, "mean": 0.7 + 0.01 * p, "ci_low": 0.69, "ci_high": 0.75 + 0.01 * p}
            for p in (0, 1, 2, 4)
            for a in (0.3, 0.9)
        ]
    )


def _post():
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "levers.paper_resolution.rate": rng.uniform(0, 0.6, 50),
            "scale.department_success": rng.uniform(0.5, 1.5, 50),
            "scale.department_hours": rng.uniform(0.5, 3, 50),
            "weight": rng.uniform(0.5, 1, 50),
        }
    )


PATHS = ["levers.paper_resolution.rate", "scale.department_success", "scale.department_hours"]
BOUNDS = [(0, 0.6), (0.5, 1.5), (0.5, 3.0)]
LEVER_SCENARIOS = [
    "solo",
    "whistle",
    "workstation",
    "mediation",
    "cadres",
    "deliberation",
    "social_forces",
    "mobilisation",
    "chorus",
]
SOBOL = pd.DataFrame(
    [
        {
            "metric": "resolution_rate",
            "parameter": p,
            "S1": s,
            "S1_conf": 0.05,
            "ST": s + 0.02,
            "ST_conf": 0.03,
        }
        for p, s in (
            ("levers.cadres.per_grid", 0.1),
            ("levers.mediation.sessions_per_day", 0.8),
            ("levers.whistle.deadline_days", 0.01),
        )
    ]
)
MORRIS = pd.DataFrame(
    [
        {
            "metric": "resolution_rate",
            "parameter": p,
            "mu": m,
            "mu_star": m,
            "mu_star_conf": 0.01,
            "sigma": m / 2,
        }
        for p, m in (("levers.cadres.per_grid", 0.05), ("departments.*.acceptance", 0.2))
    ]
)
EFFECTS = pd.DataFrame(
    [
        {
            "metric": "resolution_rate",
            "axis": a,
            "x": x,
            "mean": 0.7 + 0.01 * x,
            "ci_low": 0.68,
            "ci_high": 0.75 + 0.01 * x,
        }
        for a in ("levers.cadres.per_grid", "departments.*.acceptance")
        for x in (0.0, 1.0, 2.0)
    ]
)
TABLE = pd.DataFrame([[0.70, 0.72], [0.80, 0.83]], index=[0.3, 0.9], columns=[0, 2])
ROWS = [
    {"label": labels.metric("resolution_rate"), **ci(0.15)},
    {"label": labels.metric("on_time_rate"), **ci(-0.01)},
]
FIT_ROWS = [
    {
        "case": 0,
        "metric": "satisfaction_rate",
        "observed": 0.93,
        "se": 0.02,
        "simulated_mean": 0.9,
        "ci_low": 0.89,
        "ci_high": 0.91,
    }
]


def _discovery(boxes: int = 2) -> sdiscover.Discovery:
    """A PRIM result with `boxes` peeling trajectories, some steps added by pruning."""
    rng = np.random.default_rng(3)
    trajectories, found = [], []
    for _ in range(boxes):
        n = 12
        t = pd.DataFrame(
            {
                "coverage": np.linspace(1, 0.3, n),
                "density": np.linspace(0.25, 0.95, n) + rng.normal(0, 0.01, n),
                "res_dim": np.minimum(np.arange(n) // 3, 3),
                "selected": np.arange(n) == 8,
                "pruned": np.arange(n) >= 10,
            }
        )
        trajectories.append(t)
        found.append(
            sdiscover.Box(
                {"scale.department_acceptance": (1.1, 1.5)}, 0.7, 0.8, 0.2, 80, 64, 1, 0.02,
                before_prune={"coverage": 0.68, "density": 0.82},
            )
        )  # fmt: skip
    return sdiscover.Discovery(
        folder=None, sweep="toy", metric="gain_resolution_rate", direction="below",
        threshold=sdiscover.Threshold("q25", quantile=25), value=0.154, method="prim",
        settings={"density_floor": 0.8}, axes=["scale.department_acceptance"],
        ranges={"scale.department_acceptance": (0.5, 1.5)}, cases=pd.DataFrame(),
        replications=1, boxes=found, trajectories=trajectories, paired=("solo", "chorus"),
    )  # fmt: skip


FIGURES = {
    "daily_bands": lambda: figures.daily_bands(_daily(), shade=(10, 20)),
    "rate_bars": lambda: figures.rate_bars(_stats(["solo", "chorus"])),
    "rate_bars_many": lambda: figures.rate_bars(_stats(LEVER_SCENARIOS)),
    "where_open_cases_sit": lambda: figures.where_open_cases_sit(
        _daily().assign(
            **{c: (lambda d, k=k: d.backlog / (k + 2)) for k, c in enumerate(figures.DESKS)}
        ),
        shade=(10, 20),
    ),
    "difference_bars": lambda: figures.difference_bars(
        [
            {**r, "label": labels.metric(m)}
            for r, m in zip(ROWS, ("resolution_rate", "on_time_rate"), strict=True)
        ],
        labels.pick("配对差值(百分点)", "Paired difference (points)"),
        scale=100,
    ),
    "run_series": lambda: figures.run_series(
        _daily().query("replication == 0 and scenario == 'solo'")
    ),
    "survival": lambda: figures.survival(
        {labels.scenario("solo_flood"): kaplan_meier([10, 20, 30, 40], [1, 1, 0, 0])},
        labels.word("days_after_flood"),
        labels.axis("not_recovered"),
    ),
    "heatmaps": lambda: figures.heatmaps(
        [
            (labels.metric("resolution_rate"), TABLE, labels.unit("share 0-1")),
            (labels.word("difference"), TABLE - 0.75, labels.unit("points")),
        ],
        "levers.cadres.per_grid",
        "departments.*.acceptance",
    ),
    "lines_ci": lambda: figures.lines_ci(
        [(labels.axis("resolution_rate"), _lines())] * 3,
        "levers.cadres.per_grid",
        "departments.*.acceptance",
    ),
    "bar_panels": lambda: figures.bar_panels(
        [
            (
                labels.axis("participation_rate"),
                [{"label": labels.graph(g), **ci(0.4)} for g in labels.GRAPHS],
            )
        ]
        * 3
    ),
    "histograms": lambda: figures.histograms(
        {labels.metric("resolution_rate"): np.linspace(0.6, 0.8, 20)},
        labels.axis("resolution_rate"),
        marks={labels.word("shanghai_82"): 0.82},
    ),
    "main_effects": lambda: splots.main_effects(EFFECTS, "resolution_rate"),
    "sobol_bars": lambda: splots.sobol_bars(SOBOL, "resolution_rate"),
    "sobol_bars_gain": lambda: splots.sobol_bars(
        SOBOL.assign(metric="gain_resolutions_per_100_total_hours"),
        "gain_resolutions_per_100_total_hours",
    ),
    "morris_bars": lambda: splots.morris_bars(MORRIS, "resolution_rate"),
    "waterfall": lambda: splots.waterfall(
        "solo",
        "chorus",
        ci(0.75),
        ci(0.9),
        [{"lever": lv, **ci(0.15 / 7, 0.01)} for lv in LEVER_SCENARIOS[1:-1]],
        "resolution_rate",
    ),
    "marginals": lambda: cplots.marginals(_post(), PATHS, BOUNDS),
    "pairwise": lambda: cplots.pairwise(_post(), PATHS, BOUNDS),
    "observed_vs_simulated": lambda: cplots.observed_vs_simulated(FIT_ROWS * 3),
    "peeling_trajectory": lambda: sdiscover.trajectory_figure(_discovery(1)),
    "peeling_trajectories": lambda: sdiscover.trajectory_figure(_discovery(3)),
}


@pytest.fixture(params=["zh", "en", "both"])
def lang(request):
    style.configure(lang=request.param, preset="page")
    yield request.param
    style.configure(lang="both", preset="page")


def _texts(fig):
    """Every text drawn: tick labels only of the ticks inside the axis limits."""
    FigureCanvasAgg(fig).draw()  # tick labels and the layout exist only once drawn
    ticks, shown = set(), []
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = min(lo, hi), max(lo, hi)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks |= {id(tick.label1), id(tick.label2)}
                if ax.get_visible() and lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    shown += [tick.label1, tick.label2]
    rest = [t for t in fig.findobj(Text) if id(t) not in ticks]
    return [t for t in rest + shown if t.get_visible() and t.get_text().strip()]


def _numeric_ticks(axis) -> bool:
    shown = [t.get_text() for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
    return bool(shown) and all(re.fullmatch(r"[\d.,+\-−−\s%]+", s) for s in shown)


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_fits_the_page_and_speaks_one_language(name, lang):
    fig = FIGURES[name]()
    p = style.preset()
    w, h = (v * 2.54 for v in fig.get_size_inches())
    assert w <= p.width_cm + 0.01 and h <= p.max_height_cm + 0.01, (name, w, h)
    texts = _texts(fig)
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    for t in texts:
        assert t.get_fontsize() >= 9, (name, t.get_text(), t.get_fontsize())
        box = t.get_window_extent(renderer)
        assert box.x0 >= frame.x0 - 2 and box.x1 <= frame.x1 + 2, (name, "cut off", t.get_text())
        assert box.y0 >= frame.y0 - 2 and box.y1 <= frame.y1 + 2, (name, "cut off", t.get_text())
        s = t.get_text()
        if lang == "en":
            assert not HANZI.search(s), (name, s)
        if lang == "zh":
            assert set(LATIN_WORD.findall(s)) <= ZH_ALLOWED, (name, s)
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        # a numeric axis carries a label (with its unit), or the figure a shared one
        for axis, label in ((ax.xaxis, ax.get_xlabel()), (ax.yaxis, ax.get_ylabel())):
            shared = fig.get_supxlabel() if axis is ax.xaxis else fig.get_supylabel()
            if _numeric_ticks(axis) and not ax.images:
                assert label.strip() or shared.strip(), (name, "unlabelled axis")
        # bars start from zero: the value axis includes 0
        for c in ax.containers:
            if isinstance(c, BarContainer) and len(c.patches):
                horizontal = c.orientation == "horizontal"
                low = ax.get_xlim()[0] if horizontal else ax.get_ylim()[0]
                assert low <= 1e-9, (name, "bars do not start at 0", low)


def test_one_signed_heat_maps_use_a_sequential_colour_map():
    fig = figures.heatmaps(
        [("a", TABLE, ""), ("b", TABLE - 0.75, "")],
        "levers.cadres.per_grid",
        "departments.*.acceptance",
    )
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert images[0].get_cmap().name not in DIVERGING  # all positive: sequential
    assert images[1].get_cmap().name in DIVERGING  # mixed signs: diverging, centred on 0
    lo, hi = images[1].get_clim()
    assert lo == pytest.approx(-hi)


def test_slide_preset_is_larger_text_and_still_fits():
    style.configure(preset="slide", lang="en")
    try:
        fig = FIGURES["rate_bars_many"]()
        assert fig.get_size_inches()[0] * 2.54 == pytest.approx(25.4)
        assert min(t.get_fontsize() for t in _texts(fig)) >= 14
    finally:
        style.configure(preset="page", lang="both")


def test_a_lever_has_one_name_in_every_figure():
    # the sweep's waterfall, the scenario labels and the figures read the same table
    for lever, (zh, en) in labels.LEVERS.items():
        assert splots.lever_label(lever) == labels.lever(lever)
        assert labels.SCENARIOS[lever][0].endswith(zh)
        assert labels.SCENARIOS[lever][1].lower().endswith(en.lower())
    names = [zh for zh, _ in labels.LEVERS.values()]
    assert len(set(names)) == len(names)
    assert not hasattr(splots, "LEVERS_ZH")  # no second table of names


def test_every_bundled_sweep_and_target_parameter_has_a_label():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent / "scenarios"
    paths = set()
    for f in (root / "sweeps").glob("*.yaml"):
        paths |= set(yaml.safe_load(f.read_text(encoding="utf-8"))["axes"])
    for f in (root / "targets").glob("*.yaml"):
        paths |= set(yaml.safe_load(f.read_text(encoding="utf-8"))["parameters"])
    assert paths and paths <= set(labels.PARAMETERS), paths - set(labels.PARAMETERS)
    for zh, en, unit in labels.PARAMETERS.values():
        assert HANZI.search(zh) and not HANZI.search(en) and unit in labels.UNITS


def test_bad_language_or_preset_is_refused():
    with pytest.raises(ValueError, match="zh, en, both"):
        style.configure(lang="fr")
    with pytest.raises(ValueError, match="page"):
        style.configure(preset="a0")


def test_caption_inside_the_image_keeps_it_on_the_page(tmp_path):
    from PIL import Image

    style.configure(lang="both", preset="page")
    fig = FIGURES["difference_bars"]()
    paths = style.save(
        fig, tmp_path, "d", caption=("图1 说明", "Figure 1. " + "word " * 60), embed=True
    )
    with Image.open(paths[0]) as im:
        w_px, h_px = im.size
    dpi = style.preset().dpi
    assert w_px / dpi * 2.54 == pytest.approx(16.0, abs=0.05)
    assert h_px / dpi * 2.54 <= style.preset().max_height_cm + 0.05
    texts = _texts(fig)
    assert any("Figure 1." in t.get_text() for t in texts)
    renderer = fig.canvas.get_renderer()
    for t in texts:
        box = t.get_window_extent(renderer)
        assert box.y0 >= fig.bbox.y0 - 2 and box.x1 <= fig.bbox.x1 + 2, t.get_text()


def test_notebook_tables_show_names_and_save_codes(tmp_path):
    from sim.report import notebook

    nb = notebook.start("t", tmp_path, lang="en")
    try:
        df = pd.DataFrame(
            {"lever": ["whistle", "cadres"], "metric": ["resolution_rate"] * 2, "n": [3, 3]},
            index=["solo", "chorus"],
        )
        shown = nb.table(df, "t")
        assert list(shown["lever"]) == ["Whistle", "Sunk-down cadres"]
        assert list(shown.index) == ["Solo act", "Chorus"] and list(shown["n"]) == [3, 3]
        saved = pd.read_csv(tmp_path / "t.csv", index_col=0)
        assert list(saved["lever"]) == ["whistle", "cadres"] and list(saved.index) == [
            "solo",
            "chorus",
        ]
        style.configure(lang="zh")
        assert not LATIN_WORD.findall(" ".join(nb.table(df, "t")["metric"]))
    finally:
        style.configure(lang="both", preset="page")
