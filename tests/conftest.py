import os

import pytest

import sim
from sim.params import CommunityParams

IN_CI = os.environ.get("CI") == "true"


def skip_or_fail(reason: str):
    """Skip when a system package is missing; under CI=true it must be there, so fail."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: .ci/run should have installed it)")
    pytest.skip(reason)


@pytest.fixture(name="skip_or_fail")
def _skip_or_fail():
    return skip_or_fail


@pytest.fixture
def small():
    """A small street (2,000 households): fast, yet every mechanism is exercised."""
    return CommunityParams(residents=2000, communities=2)


@pytest.fixture
def solo_small(small):
    return sim.solo(community=small, days=180)


@pytest.fixture
def chorus_small(small):
    return sim.chorus(community=small, days=180)


# ---------------------------------------------------------------- tiers and order
# Tests that take more than a few seconds on this machine (2 cores), longest first:
# they are the `slow` tier (the fast tier is `-m "not slow"`), and with two workers
# they start first so that none of them is left running alone at the end.
SLOW = (
    "test_report.py::test_findings_are_written_from_the_numbers[05_sensitivity]",
    "test_front_door.py::test_every_command_runs_as_written_and_says_how_long",
    "test_report.py::test_findings_are_written_from_the_numbers[08_where_chorus_fails]",
    "test_report.py::test_findings_are_written_from_the_numbers[07_calibration]",
    "test_report.py::test_findings_are_written_from_the_numbers",
    "test_calibration.py::test_rerun_resumes_and_a_larger_budget_goes_on",
    "test_outputs.py::test_sigkill_anywhere_leaves_the_old_or_the_new_results",
    "test_calibration.py::test_sigkill_then_rerun_ends_with_the_unbroken_result",
    "test_calibration.py::test_same_posterior_on_dask",
    "test_sweep.py::test_two_sweeps_on_one_folder_one_proceeds_the_other_refuses_or_waits",
    "test_report.py::test_report_on_notebook_01_is_one_offline_html_with_figures_and_provenance",
    "test_calibration.py::test_known_parameters_inside_the_posterior_90_percent_intervals",
    "test_calibration.py::test_same_posterior_on_local_workers",
    "browser/",
    "test_front_door.py::test_the_python_examples_run_as_scripts",
    "test_sweep.py::test_serial_local_pool_and_dask_identical",
    "test_report.py::test_a_notebook_that_fails_on_its_input_is_one_line_and_exit_2",
    "test_sweep.py::test_paired_sweep_same_on_serial_pool_and_dask",
    "test_golden.py::test_dask_matches_the_fixture",
    "test_sweep.py::test_sigkill_then_resume_equals_uninterrupted",
    "test_sweep.py::test_bundled_sweeps_validate",
    "test_dashboard.py::test_paper_resolution_shows_in_the_reported_rate",
    "test_discover.py::test_prim_recovers_the_planted_box",
    "test_outputs.py::test_ctrl_c_during_a_pool_is_one_line_exit_130",
    "test_outputs.py::test_ctrl_c_on_the_dashboard_is_one_line_exit_130",
    "test_discover.py::test_above_and_quantile_thresholds",
    "test_discover.py::test_cli_writes_report_json_figure_with_provenance",
    "test_dashboard.py::test_the_mechanism_panel_shows_the_models_own_figures",
    "test_cli.py::test_compare_json_chorus_beats_solo_with_separate_cis",
    "test_fonts.py::test_without_a_system_cjk_font_figures_use_the_bundled_one",
    "test_fonts.py::test_with_no_cjk_font_at_all_one_warning_line",
)


def _rank(item) -> int:
    return next((i for i, s in enumerate(SLOW) if s in item.nodeid), len(SLOW))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _rank(item) < len(SLOW):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_rank)  # stable: the rest keep their order
