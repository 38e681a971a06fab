"""Chinese labels without tofu boxes, on any machine.

A system CJK font is used when one is installed; otherwise the subset of Noto
Sans CJK SC shipped in `sim/report/font_data/` (SIL OFL 1.1) is registered with
matplotlib. If neither is there (a damaged install), one line says so and
matplotlib's per-glyph "missing from font" warnings are silenced.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

# Linux (Debian/Ubuntu packages), then Windows, then macOS.
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Arial Unicode MS",
)

BUNDLED = Path(__file__).resolve().parent / "font_data" / "NotoSansSC-cogov-subset.ttf"

INSTALL_HINT = (
    "cogov: no CJK font found and the bundled one is missing: Chinese labels will show "
    "as boxes (reinstall cogov, or apt-get install fonts-noto-cjk)"
)

_chosen: list[str | None] = []


def bundled_family() -> str | None:
    """Register the bundled font with matplotlib; its family name, or None if absent."""
    if not BUNDLED.is_file():
        return None
    try:
        font_manager.fontManager.addfont(str(BUNDLED))
        return font_manager.FontProperties(fname=str(BUNDLED)).get_name()
    except (OSError, RuntimeError, ValueError):  # a damaged file
        return None


def use_cjk_font(warn: bool = True) -> str | None:
    """Put a CJK family first in matplotlib's sans-serif list: an installed one, else
    the bundled subset. Returns the family (None when there is none at all)."""
    if _chosen:
        return _chosen[0]
    present = {f.name for f in font_manager.fontManager.ttflist}
    family = next((f for f in CJK_FAMILIES if f in present), None) or bundled_family()
    # a glyph outside the font would warn once per glyph and figure: the hint is enough
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
    if family is None:
        if warn:
            print(INSTALL_HINT, file=sys.stderr)
    else:
        rest = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
        mpl.rcParams["font.sans-serif"] = [family, *rest]
        mpl.rcParams["font.family"] = "sans-serif"
        mpl.rcParams["axes.unicode_minus"] = False
    _chosen.append(family)
    return family
