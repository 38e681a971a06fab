"""Chinese renders everywhere: a system CJK font when present, else the bundled subset."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from matplotlib import font_manager, ft2font

from sim.report import fonts
from sim.report.fonts import CJK_FAMILIES, use_cjk_font

ROOT = Path(__file__).resolve().parent.parent


def test_the_font_matplotlib_picks_for_chinese_has_the_glyph(skip_or_fail):
    present = {f.name for f in font_manager.fontManager.ttflist}
    if not present & set(CJK_FAMILIES):
        skip_or_fail("no CJK font installed (apt-get install fonts-wqy-microhei)")
    family = use_cjk_font()
    assert family in CJK_FAMILIES  # a system font wins over the bundled subset
    path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    font = ft2font.FT2Font(path)
    assert font.get_char_index(ord("独")) != 0, path
    assert font.get_char_index(ord("合")) != 0, path


def test_the_bundled_font_ships_with_its_licence_and_covers_every_label():
    assert fonts.BUNDLED.is_file() and fonts.BUNDLED.stat().st_size < 3 * 2**20
    licence = (fonts.BUNDLED.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = data["tool"]["setuptools"]["package-data"]["sim"]
    rel = fonts.BUNDLED.relative_to(ROOT / "sim")
    assert any(rel.match(g) for g in globs), globs
    font = ft2font.FT2Font(str(fonts.BUNDLED))
    text = "".join(_label_text())
    missing = sorted({c for c in text if ord(c) > 0x7F and font.get_char_index(ord(c)) == 0})
    assert not missing, f"bundled font lacks {''.join(missing)}: run scripts/make_cjk_font.py"


def _label_text():
    from sim.dashboard import i18n
    from sim.report import labels

    for table in (labels.METRICS, labels.LEVERS, labels.SCENARIOS, labels.UNITS,
                  labels.PARAMETERS, labels.GRAPHS, labels.WORDS):  # fmt: skip
        yield from ("".join(v) for v in table.values())
    yield json.dumps(getattr(i18n, "__dict__", {}), ensure_ascii=False, default=str)
    for p in ("sim/report", "sim/sweep/plots.py", "sim/calibration/plots.py",
              "sim/dashboard/render.py"):  # fmt: skip
        for f in [ROOT / p] if p.endswith(".py") else sorted((ROOT / p).glob("*.py")):
            yield f.read_text(encoding="utf-8")
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):  # findings and captions
        yield nb.read_text(encoding="utf-8")


# Run in a fresh interpreter with a fresh matplotlib cache, every system font that has
# Chinese glyphs hidden: the figure must then use the bundled font, with every glyph.
HIDDEN = r"""
import sys, warnings
import matplotlib
matplotlib.use("Agg")
from matplotlib import font_manager as fm, ft2font
from sim.report import fonts

def has_hanzi(entry):
    try:
        return ft2font.FT2Font(entry.fname).get_char_index(ord("独")) != 0
    except Exception:
        return False

fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if not has_hanzi(f)]
if sys.argv[1] == "no-bundle":
    fonts.BUNDLED = fonts.BUNDLED.with_name("absent.ttf")
import pandas as pd
from sim.report import figures
daily = pd.DataFrame({"day": [1, 2], "resolution_rate": [0.5, 0.6], "satisfaction_rate": [0.7, 0.8],
                      "backlog": [3, 4], "mean_trust": [0.5, 0.5]})
fig = figures.run_series(daily, "独角戏 solo — 大合唱 chorus")
fig.savefig(sys.argv[2])
used = set()
for t in fig.findobj(matplotlib.text.Text):
    if any(ord(c) > 0x2E80 for c in t.get_text()):
        used.add(fm.findfont(t.get_fontproperties()))
print("USED", "|".join(sorted(used)))
"""


def _hidden(tmp_path, mode):
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl")}
    return subprocess.run(
        [sys.executable, "-c", HIDDEN, mode, str(tmp_path / "fig.png")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_without_a_system_cjk_font_figures_use_the_bundled_one(tmp_path):
    p = _hidden(tmp_path, "bundled")
    assert p.returncode == 0, p.stderr
    used = p.stdout.split("USED ", 1)[1].strip().split("|")
    assert used == [str(fonts.BUNDLED)], used
    assert "missing from font" not in p.stderr and "Glyph" not in p.stderr, p.stderr
    font = ft2font.FT2Font(str(fonts.BUNDLED))
    for c in "独角戏大合唱解决率满意率积压民意信任度天":
        assert font.get_char_index(ord(c)) != 0, c
    assert (tmp_path / "fig.png").stat().st_size > 10_000


def test_with_no_cjk_font_at_all_one_warning_line(tmp_path):
    p = _hidden(tmp_path, "no-bundle")
    assert p.returncode == 0, p.stderr
    lines = [x for x in p.stderr.splitlines() if x.strip()]
    assert lines == [fonts.INSTALL_HINT], p.stderr
