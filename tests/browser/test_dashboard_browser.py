"""The dashboard in a real browser: it loads offline, plays, and shows no error; on a
1366×768 projector a lever and its effect share the screen, a lever switched on while
running leaves the charts' past as it was, and the replications come back with CIs.

Writes screenshots to tmp_path; with COGOV_SCREENSHOT=docs/img/dashboard.png (a path
relative to the repository, or absolute) it also writes that file:

    COGOV_SCREENSHOT=docs/img/dashboard.png .venv/bin/python -m pytest tests/browser
"""

from __future__ import annotations

import os
import re
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


class Watched:
    """A page with its requests and console errors recorded."""

    def __init__(self, chromium, url: str, width: int, height: int):
        self.context = chromium.new_context(viewport={"width": width, "height": height})
        self.page = page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.goto(url, wait_until="domcontentloaded", timeout=30_000)
        page.locator("button:has-text('Play')").wait_for(state="visible", timeout=30_000)

    def check(self):
        body = self.page.inner_text("body")
        assert "Traceback" not in body, body[:2000]
        assert self.page.locator(".v-alert.error").count() == 0, "an error banner is shown"

    def close(self):
        self.context.close()
        assert not self.errors, f"console errors: {self.errors}"
        assert self.requests, "no requests recorded"
        assert not _off_host(self.requests), f"requests left the host: {_off_host(self.requests)}"


def _day(page) -> int:
    text = page.locator(".cogov-day").inner_text()
    return int(re.search(r"(\d+)\s*/", text).group(1))


def _save(shot: Path):
    target = os.environ.get("COGOV_SCREENSHOT")
    if target:
        dest = Path(target) if Path(target).is_absolute() else ROOT / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, dest)


def test_dashboard_plays_offline(chromium, dashboard_url, tmp_path):
    w = Watched(chromium, dashboard_url, 1600, 1000)
    page = w.page
    try:
        big = [page.locator(f".cogov-big-{i}") for i in (0, 1)]
        for b in big:
            b.wait_for(state="visible", timeout=10_000)
        assert page.locator(".cogov-graph svg path").count() > 2, "graph not drawn"
        seen: list[set[str]] = [{b.inner_text().strip()} for b in big]
        page.locator("button:has-text('4×')").click()
        page.locator("button:has-text('Play')").click()

        def both_changed() -> bool:
            for s, b in zip(seen, big, strict=True):
                s.add(b.inner_text().strip())
            return all(len(s) >= 3 for s in seen)

        _wait_until(both_changed, 25, f"both resolution numbers to change (seen {seen})")
        page.locator("button:has-text('Pause')").click()
        page.locator("button:has-text('Play')").wait_for(state="visible", timeout=10_000)
        time.sleep(0.5)
        w.check()
        assert "runs on Solara" not in page.inner_text("body")  # no badge over the page
        assert all(v.endswith("%") for v in (b.inner_text().strip() for b in big))
        for i in (0, 1):  # the mechanisms are on screen, with their one-line reasons
            panel = page.locator(f".cogov-mechanisms-{i}").inner_text()
            assert "Bounces (推诿) per case" in panel and "Who closed the cases" in panel
        page.screenshot(path=str(tmp_path / "dashboard.png"))

        # 中文: every label switches
        page.locator("button:has-text('中文')").click()
        page.locator("button:has-text('单步')").wait_for(state="visible", timeout=10_000)
        _wait_until(lambda: "解决率" in page.inner_text("body"), 10, "Chinese labels")
        body = page.inner_text("body")
        assert "Resolution rate" not in body and "谁办结了案件" in body
        page.screenshot(path=str(tmp_path / "dashboard_zh.png"))
    finally:
        w.close()


def _inside(page, selector: str, width: int, height: int) -> bool:
    """On screen without scrolling, and not covered by anything (e.g. a badge)."""
    box = page.locator(selector).first.bounding_box()
    if box is None or box["x"] < 0 or box["y"] < 0:
        return False
    if box["x"] + box["width"] > width or box["y"] + box["height"] > height:
        return False
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return page.locator(selector).first.evaluate(
        "(e, [x, y]) => { const hit = document.elementFromPoint(x, y); "
        "return !!hit && (e === hit || e.contains(hit)); }",
        [x, y],
    )


FIXED_AXIS = (0, 1, 3, 5)  # resolution, satisfaction, trust, detection (render.CHARTS)


def _chart_lines(page, side: int) -> list[str]:
    """The solid line of each chart of a side (the side's own series)."""
    return page.eval_on_selector_all(
        f".cogov-charts-{side} svg.cogov-chart > path[stroke-width='2.5']",
        "els => els.map(e => e.getAttribute('d'))",
    )


def test_a_projector_lesson(chromium, dashboard_url, tmp_path):
    width, height = 1366, 768
    w = Watched(chromium, dashboard_url, width, height)
    page = w.page
    try:
        page.locator(".cogov-big-0").wait_for(state="visible", timeout=10_000)
        # cause and effect on one screen: the levers of both sides and both big numbers
        for sel in (
            ".cogov-big-0",
            ".cogov-big-1",
            ".cogov-switch-whistle-0",
            ".cogov-switch-whistle-1",
            ".cogov-lever-cadres",
            "button:has-text('Play')",
        ):
            assert _inside(page, sel, width, height), f"{sel} is not on screen at 1366×768"

        step = page.locator("button:has-text('Step')")
        for _ in range(20):
            step.click()
        _wait_until(lambda: _day(page) == 20, 20, "day 20")
        time.sleep(0.5)
        before = [_chart_lines(page, i) for i in (0, 1)]
        assert all(len(lines) == 6 and all(lines) for lines in before)

        # the whistle on the left, from today
        page.locator(".cogov-switch-whistle-0 input").click(force=True)
        _wait_until(
            lambda: "+ whistle (吹哨报到)" in page.locator(".cogov-head-0").inner_text(),
            10,
            "the left side's header to name the whistle",
        )
        assert _day(page) == 20  # nothing re-ran
        for _ in range(15):
            step.click()
        _wait_until(lambda: _day(page) == 35, 20, "day 35")
        time.sleep(0.5)
        after = [_chart_lines(page, i) for i in (0, 1)]
        for side in (0, 1):
            # the charts on a fixed axis (rates, trust): the past is drawn point for point
            # as before; backlog and bounces rescale to the largest value so far
            for k in FIXED_AXIS:
                old, new = before[side][k], after[side][k]
                assert new.startswith(old) and len(new) > len(old), f"chart {k} redrawn"
            marks = page.locator(f".cogov-charts-{side} g.mark")
            assert marks.count() == 6  # the day is marked on both sides' charts
            assert "from day 21" in marks.first.locator("title").text_content()
        assert "from day 21: + whistle" in page.locator(".cogov-changes").inner_text()

        # a knob moved while running: applied when let go, value and range always written
        label = page.locator(".cogov-knob-label-whistle-1")
        assert "report deadline (days): 3 (1–14)" in label.inner_text()
        track = page.locator(".cogov-slider-whistle-1").bounding_box()
        page.mouse.click(track["x"] + track["width"] * 0.93, track["y"] + track["height"] / 2)
        _wait_until(
            lambda: re.search(r"\(days\): 1[2-4] \(1–14\)", label.inner_text()),
            10,
            "the right side's report deadline to move",
        )
        _wait_until(
            lambda: "± whistle" in page.locator(".cogov-head-1 ~ .cogov-changes").inner_text(),
            10,
            "the knob's change to be listed",
        )

        # follow a household's case: click one drawn as recently dissatisfied (or satisfied)
        graph = page.locator(".cogov-graph-0 .cogov-households svg")
        box = graph.bounding_box()
        for state in ("dissatisfied", "satisfied", "open"):
            dots = page.locator(f".cogov-graph-0 path.st-{state}")
            if dots.count():
                x, y = map(float, re.match(r"M(-?\d+) (-?\d+)", dots.get_attribute("d")).groups())
                break
        scale = min(box["width"] / 1000, box["height"] / 700)  # viewBox, centred ("meet")
        left = box["x"] + (box["width"] - 1000 * scale) / 2
        top = box["y"] + (box["height"] - 700 * scale) / 2
        page.mouse.click(left + x * scale, top + y * scale)
        page.locator(".cogov-case-0 li").first.wait_for(state="visible", timeout=5_000)
        path = page.locator(".cogov-case-0").inner_text()
        assert "taken in on day" in path and "bounces (推诿)" in path, path
        # the same household in chorus
        page.locator(".cogov-case-1 li").first.wait_for(state="visible", timeout=5_000)

        # replications: the gap with 95 % CIs, without freezing the page
        page.locator(".cogov-run-reps").click()
        page.locator(".cogov-reps").wait_for(state="visible", timeout=60_000)
        table = page.locator(".cogov-reps").inner_text()
        assert re.search(r"\d+% \[\d+, \d+\]", table), table
        assert re.search(r"[+-]\d+ pts \[[+-]\d+, [+-]\d+\]", table), table
        assert "95 % CI of the gap" in page.locator(".cogov-verdict").inner_text()
        w.check()
        page.screenshot(path=str(tmp_path / "projector.png"))

        # the README's picture: the whole page, after the lesson so far
        page.set_viewport_size({"width": 1600, "height": 2300})
        time.sleep(1.0)
        shot = tmp_path / "dashboard_full.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
        _save(shot)
    finally:
        w.close()
