"""Whole outputs and faults: kills, a full disk, Ctrl-C, an unreachable scheduler.

The kill test SIGKILLs the command just before its k-th file-system operation, for
many k (tests/kill_harness.py); the output folder, which held an earlier run's
results, must afterwards be exactly the old results or the complete new ones.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
TINY = "community: {residents: 400, grid_size: [50, 100]}\n"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill harness forks (POSIX only)")
@pytest.mark.parametrize("command", ["run", "compare"])
def test_sigkill_anywhere_leaves_the_old_or_the_new_results(tmp_path, command):
    # tests/kill_harness.py forks the command from a single-threaded process (fork from
    # pytest, which may hold threads, could deadlock) and reports every kill point
    p = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "kill_harness.py"), command, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    report = json.loads(p.stdout)
    assert report["total"] >= 10  # file-system operations in one whole command
    assert len(report["points"]) >= 15
    for k, code, outcome, visible in report["points"]:
        assert code == -signal.SIGKILL, (k, code)
        assert outcome in ("old", "new"), (k, outcome)
        assert visible == ["res"], (k, visible)
    assert {o for _, _, o, _ in report["points"]} == {"old", "new"}  # straddles the swap
    assert report["after_rerun"] == ["res"]  # leftovers cleaned by the next command


def test_a_full_disk_is_one_line_and_a_rerun_completes(tmp_path, monkeypatch, capsys):
    out = tmp_path / "o"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(pd.DataFrame, "to_parquet", full)
        assert main(["run", "classroom", "--days", "3", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(out) in err[0] and "No space left on device" in err[0], err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert main(["run", "classroom", "--days", "3", "--out", str(out)]) == 0
    assert (out / "timeseries.parquet").is_file()


def test_a_full_disk_during_a_sweep_is_one_line_and_it_resumes(tmp_path, monkeypatch, capsys):
    from sim.sweep import load_results, run_sweep, runner

    spec = tmp_path / "w.yaml"
    spec.write_text(
        f"base: solo\noverrides: {{{TINY.strip()}}}\naxes: {{levers.cadres.per_grid: [0, 1, 2]}}\n"
        "replications: 2\ndays: 5\n"
    )
    real, calls = runner.write_row, [0]

    def fills_up(path, row):
        calls[0] += 1
        if calls[0] > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, row)

    out = tmp_path / "o"
    with monkeypatch.context() as m:
        m.setattr(runner, "write_row", fills_up)
        assert main(["sweep", str(spec), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(out) in err[0] and "run the same command again" in err[0]
    assert len(load_results(out)) == 2
    assert main(["sweep", str(spec), "--out", str(out), "--quiet"]) == 0
    assert "4 now, 2 before" in capsys.readouterr().err
    run_sweep(spec, tmp_path / "whole", progress=False)
    pd.testing.assert_frame_equal(load_results(out), load_results(tmp_path / "whole"))


def test_results_are_never_replaced_silently(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "classroom", "--days", "3", "--out", str(out)]) == 0
    before = (out / "summary.json").read_bytes()
    assert main(["run", "classroom", "--days", "4", "--out", str(out)]) == 2
    assert "holds earlier results; add --overwrite" in capsys.readouterr().err
    assert (out / "summary.json").read_bytes() == before
    # default folders are new per invocation: two runs, two folders
    os.chdir(tmp_path)
    try:
        assert main(["run", "classroom", "--days", "3"]) == 0
        assert main(["run", "classroom", "--days", "3"]) == 0
    finally:
        os.chdir(ROOT)
    made = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(made) == 2 and all(n.startswith("run-classroom-") for n in made), made
    assert "written: out/run-classroom-" in capsys.readouterr().err


def test_overwrite_never_replaces_a_folder_cogov_did_not_write(tmp_path, capsys):
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("precious")
    argv = ["run", "classroom", "--days", "3", "--out", str(mine), "--overwrite"]
    assert main(argv) == 2
    assert "not a cogov output folder" in capsys.readouterr().err
    assert (mine / "chapter1.tex").read_text() == "precious"


def test_an_unreachable_scheduler_fails_fast_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    import sim.dask_client

    monkeypatch.setattr(sim.dask_client, "CONNECT_TIMEOUT", "2s")
    spec = tmp_path / "w.yaml"
    spec.write_text(
        f"base: solo\noverrides: {{{TINY.strip()}}}\naxes: {{levers.cadres.per_grid: [0]}}\n"
    )
    for argv in (
        ["sweep", str(spec), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9"],
        [
            "attribute",
            "solo",
            "whistle",
            "-r",
            "2",
            "--out",
            str(tmp_path / "a"),
            "--scheduler",
            "tcp://127.0.0.1:9",
        ],
    ):
        t = time.monotonic()
        assert main(argv) == 2
        assert time.monotonic() - t < 15
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "cannot connect to the Dask scheduler" in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.yaml"]


def _interrupt(
    argv: list[str], after: float, tmp_path: Path, once: str | None = None
) -> subprocess.CompletedProcess:
    """Start the command, then Ctrl-C it as a terminal would (SIGINT to its group).

    With `once`, wait until that text appears on stderr (the work has begun)
    and Ctrl-C `after` seconds later, so a faster model cannot finish first.
    """
    p = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *argv],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    err = bytearray()
    if once is not None:
        deadline = time.monotonic() + 120
        while once.encode() not in err and time.monotonic() < deadline:
            chunk = os.read(p.stderr.fileno(), 4096)
            if not chunk:
                break
            err += chunk
    time.sleep(after)
    os.killpg(p.pid, signal.SIGINT)
    out, rest = p.communicate(timeout=60)
    err += rest
    return subprocess.CompletedProcess(argv, p.returncode, out.decode(), err.decode())


def test_ctrl_c_during_a_pool_is_one_line_exit_130(tmp_path):
    # 2,000 runs take about a minute on two workers; Ctrl-C comes once they have begun.
    argv = ["compare", "solo", "chorus", "-r", "1000", "-w", "2", "--out", "o"]
    p = _interrupt(argv, 0.5, tmp_path, once="runs:")
    lines = [x for x in p.stderr.splitlines() if x.strip() and not x.startswith("runs:")]
    assert p.returncode == 130, p.stderr
    assert lines == ["cogov: interrupted"], p.stderr
    assert list(tmp_path.iterdir()) == []  # nothing half-written, no temporary folder


def test_ctrl_c_on_the_dashboard_is_one_line_exit_130(tmp_path):
    pytest.importorskip("solara")
    p = _interrupt(["dashboard", "--port", "8797"], 6.0, tmp_path)
    lines = [x for x in p.stderr.splitlines() if x.strip()]
    assert p.returncode == 130, p.stderr
    assert lines[-1] == "cogov: interrupted" and "Traceback" not in p.stderr, p.stderr
