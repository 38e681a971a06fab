"""The dashboard in a real browser: it loads offline, plays, and shows no error.

Writes a screenshot to tmp_path; with COGOV_SCREENSHOT=docs/img/dashboard.png
(a path relative to the repository, or absolute) it also writes that file:

    COGOV_SCREENSHOT=docs/img/dashboard.png .venv/bin/python -m pytest tests/browser
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
pytestmark = pytest.mark.browser


def _off_host(urls: list[str]) -> list[str]:
    bad = []
    for url in urls:
        u = urlparse(url)
        if u.scheme in ("data", "blob", "about"):
            continue
        if u.hostname not in LOCAL_HOSTS:
            bad.append(url)
    return bad


def _wait_until(cond, timeout: float, what: str, step: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(step)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def test_dashboard_plays_offline(chromium, dashboard_url, tmp_path):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    requests: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(f"pageerror: {e}"))
    try:
        page.goto(dashboard_url, wait_until="domcontentloaded", timeout=30_000)
        play = page.locator("button:has-text('Play')")
        play.wait_for(state="visible", timeout=30_000)
        big = [page.locator(f".cogov-big-{i}") for i in (0, 1)]
        for b in big:
            b.wait_for(state="visible", timeout=10_000)
        assert page.locator(".cogov-graph svg path").count() > 2, "graph not drawn"

        seen: list[set[str]] = [{b.inner_text().strip()} for b in big]
        play.click()

        def both_changed() -> bool:
            for s, b in zip(seen, big, strict=True):
                s.add(b.inner_text().strip())
            return all(len(s) >= 3 for s in seen)

        _wait_until(both_changed, 25, f"both resolution numbers to change (seen {seen})")
        time.sleep(2)  # a few more days, for the screenshot
        page.locator("button:has-text('Pause')").click()
        page.locator("button:has-text('Play')").wait_for(state="visible", timeout=10_000)
        time.sleep(0.5)

        body = page.inner_text("body")
        assert "Traceback" not in body, body[:2000]
        assert page.locator(".v-alert.error").count() == 0, "an error banner is shown"
        assert all(v.endswith("%") for v in (b.inner_text().strip() for b in big))

        # the app scrolls inside its own container: a tall viewport shows the whole page
        page.set_viewport_size({"width": 1600, "height": 2300})
        time.sleep(0.5)
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
        target = os.environ.get("COGOV_SCREENSHOT")
        if target:
            dest = Path(target) if Path(target).is_absolute() else ROOT / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, dest)

        # 中文: every label switches
        page.locator("button:has-text('中文')").click()
        page.locator("button:has-text('单步')").wait_for(state="visible", timeout=10_000)
        _wait_until(lambda: "解决率" in page.inner_text("body"), 10, "Chinese labels")
        assert "Resolution rate" not in page.inner_text("body")
        page.screenshot(path=str(tmp_path / "dashboard_zh.png"), full_page=True)
    finally:
        context.close()

    assert not console_errors, f"console errors: {console_errors}"
    assert requests, "no requests recorded"
    assert not _off_host(requests), f"requests left the host: {_off_host(requests)}"
