"""Real-browser fixtures: the `cogov dashboard` server and Debian's Chromium.

Browsers cannot be downloaded here (`playwright install`), so Playwright drives
/usr/bin/chromium (or $CHROMIUM_PATH). Missing Chromium skips, except under
CI=true, where it fails (CI installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI") == "true"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _skip_or_fail(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: CI should have installed it)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    for cand in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "chromium"):
        if cand and (Path(cand).is_file() or shutil.which(cand)):
            return shutil.which(cand) or cand
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """For pytest-playwright / pytest-ipywidgets fixtures, should a test use them."""
    path = chromium_path()
    if path is None:
        _skip_or_fail("Chromium not found (/usr/bin/chromium or $CHROMIUM_PATH)")
    return {"executable_path": path, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium driven by Playwright (sync API)."""
    path = chromium_path()
    if path is None:
        _skip_or_fail("Chromium not found (/usr/bin/chromium or $CHROMIUM_PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed (pip install -e '.[browser]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def dashboard_url(tmp_path_factory):
    """`python -m sim.cli dashboard --port <free>` as a subprocess; its URL once it answers."""
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sim.cli",
                "dashboard",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 40
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dashboard server exited ({proc.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dashboard server did not answer in 40 s:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
