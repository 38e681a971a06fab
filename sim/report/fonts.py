"""Chinese labels without tofu boxes: pick the first CJK font present."""

from __future__ import annotations

import warnings

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

INSTALL_HINT = (
    "no CJK font found: Chinese labels will show as boxes. Install one "
    "(Debian/Ubuntu: apt-get install fonts-wqy-microhei; Windows has Microsoft YaHei, "
    "macOS PingFang SC), then delete ~/.cache/matplotlib/fontlist-*.json"
)

_chosen: list[str | None] = []


def use_cjk_font(warn: bool = True) -> str | None:
    """Put the first installed CJK family first in matplotlib's sans-serif list."""
    if _chosen:
        return _chosen[0]
    present = {f.name for f in font_manager.fontManager.ttflist}
    family = next((f for f in CJK_FAMILIES if f in present), None)
    if family is None:
        if warn:
            warnings.warn(INSTALL_HINT, stacklevel=2)
    else:
        rest = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
        mpl.rcParams["font.sans-serif"] = [family, *rest]
        mpl.rcParams["font.family"] = "sans-serif"
        mpl.rcParams["axes.unicode_minus"] = False
    _chosen.append(family)
    return family
