"""Statistics over runs: undefined values are counted, never silently dropped; censored
times to an event are not averaged as if the event had happened."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.report.tables import fmt_ci
from sim.stats import (
    kaplan_meier,
    km_quantile,
    mean_ci,
    paired_ci,
    proportion_ci,
    time_to_event,
)
from sim.sweep.analysis import index_warnings


def test_mean_ci_counts_the_runs_it_covers():
    ci = mean_ci([1.0, 2.0, np.nan, 3.0, np.nan])
    assert (ci["n"], ci["total"]) == (3, 5)
    assert ci["mean"] == pytest.approx(2.0)
    assert ci["ci_low"] < 2.0 < ci["ci_high"]
    # the printed form says so; a fully defined sample says nothing extra
    assert fmt_ci(ci, "mean_days_to_resolve").endswith("(3 of 5 runs)")
    assert "of" not in fmt_ci(mean_ci([1.0, 2.0, 3.0]), "mean_days_to_resolve")


def test_all_undefined_is_nan_with_its_count():
    ci = mean_ci([np.nan, np.nan])
    assert math.isnan(ci["mean"]) and (ci["n"], ci["total"]) == (0, 2)
    assert fmt_ci(ci) == "n/a (0 of 2 runs)"


def test_paired_ci_pairs_by_replication_and_counts_broken_pairs():
    a = pd.Series([0.70, 0.72, 0.71, np.nan], index=[0, 1, 2, 3])
    b = pd.Series([0.80, 0.83, np.nan, 0.90], index=[0, 1, 2, 3])
    d = paired_ci(a, b)
    assert (d["n"], d["total"]) == (2, 4)  # pairs 2 and 3 lack one side
    assert d["mean"] == pytest.approx(0.105)
    # aligned on the index, not on position
    shuffled = paired_ci(a.iloc[::-1], b)
    assert shuffled["mean"] == pytest.approx(d["mean"])


def test_paired_differences_are_narrower_than_unpaired_when_runs_share_seeds():
    rng = np.random.default_rng(0)
    common = rng.normal(0, 1, 20)  # what a seed does to both scenarios
    a = 10 + common + rng.normal(0, 0.1, 20)
    b = 11 + common + rng.normal(0, 0.1, 20)
    paired = paired_ci(a, b)
    width = paired["ci_high"] - paired["ci_low"]
    unpaired = mean_ci(b)["ci_high"] - mean_ci(b)["ci_low"]
    assert width < unpaired / 5
    assert paired["ci_low"] > 0.8 and paired["ci_high"] < 1.2


def test_wilson_interval_at_the_edges():
    none = proportion_ci(0, 10)
    assert none["share"] == 0 and none["ci_low"] == 0 and 0.2 < none["ci_high"] < 0.35
    every = proportion_ci(10, 10)
    assert every["ci_high"] == 1 and 0.65 < every["ci_low"] < 0.8
    assert math.isnan(proportion_ci(0, 0)["share"])


def test_kaplan_meier_uses_censored_runs():
    # 4 runs: events at 2 and 5; two censored at 3 and 10
    km = kaplan_meier([2, 3, 5, 10], [True, False, True, False])
    s = km.set_index("time")["survival"]
    assert s[0] == 1 and s[2] == pytest.approx(0.75)
    assert s[3] == pytest.approx(0.75)  # a censored run is no event ...
    assert s[5] == pytest.approx(0.75 * (1 - 1 / 2))  # ... but leaves the risk set
    assert (km["ci_low"] <= km["survival"]).all() and (km["survival"] <= km["ci_high"]).all()
    assert km_quantile(km)["time"] == 5


def test_median_time_ci_brackets_the_median():
    rng = np.random.default_rng(2)
    t = rng.integers(10, 100, 40)
    km = kaplan_meier(t, t < 90)  # runs past 90 days censored
    m = km_quantile(km)
    assert m["ci_low"] <= m["time"] and (math.isnan(m["ci_high"]) or m["time"] <= m["ci_high"])
    assert m["ci_low"] < m["time"]  # 40 runs: a real interval, not a point


def test_mean_time_among_events_would_mislead_and_is_reported_with_its_count():
    # three runs recover quickly, seven never do by the horizon: the mean over the three
    # alone (5 days) says nothing of the seven; the median is "not reached".
    t = [4, 5, 6] + [100] * 7
    e = [True] * 3 + [False] * 7
    r = time_to_event(t, e, horizon=100)
    assert (r["events"], r["total"]) == (3, 10)
    assert r["among_events"]["mean"] == pytest.approx(5.0)
    assert (r["among_events"]["n"], r["among_events"]["total"]) == (3, 10)
    assert math.isnan(r["median"]["time"])  # more than 100 days, not 5
    assert r["share"]["ci_high"] > 0.5  # 3 of 10 cannot rule out a majority


def test_kaplan_meier_refuses_a_missing_time():
    with pytest.raises(ValueError, match="censoring time"):
        kaplan_meier([1, np.nan], [True, False])


def _sobol(rows):
    return pd.DataFrame(
        [
            dict(zip(("metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"), r, strict=True))
            for r in rows
        ]
    )


def test_sobol_warnings_flag_noise_not_unimportant_parameters():
    good = _sobol(
        [("m", "a", 0.8, 0.2, 0.85, 0.1), ("m", "b", 0.01, 0.03, 0.02, 0.01)]
    )  # b is pinned near 0: unimportant, and resolved
    assert index_warnings(good, "sobol") == []
    bad = _sobol(
        [
            ("m", "a", 0.5, 0.9, 0.7, 0.3),
            ("m", "b", -0.3, 0.1, 0.05, 0.02),
            ("m", "c", 0.4, 0.05, 0.1, 0.05),
        ]
    )
    (line,) = index_warnings(bad, "sobol")
    assert "1 of 6 sobol indices have a 95% CI wider than the index" in line
    assert "1 negative" in line and "1 totals (ST) below" in line


def test_difference_ci_is_welch_and_counts_what_it_leaves_out():
    from scipy import stats as sps

    from sim.stats import difference_ci

    rng = np.random.default_rng(4)
    a, b = rng.normal(0, 1, 30), rng.normal(0.5, 3, 12)
    d = difference_ci(a, b)
    ref = sps.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert d["mean"] == pytest.approx(b.mean() - a.mean())
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((ref.low, ref.high))
    d = difference_ci([*a, np.nan], b)
    assert (d["n"], d["total"]) == (42, 43)
    assert np.isnan(difference_ci([], b)["mean"])
