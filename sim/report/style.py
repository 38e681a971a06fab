"""Page-size presets, and the one way figures are made, saved and shown.

A report figure is drawn at the size it will be printed (a 16 cm text width, 9 pt
text), so nothing is scaled down on the page and text stays readable. `configure`
chooses the preset and the language for every figure that follows.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from sim.report import labels
from sim.report.fonts import use_cjk_font

CM = 1 / 2.54


@dataclass(frozen=True)
class Preset:
    name: str
    width_cm: float  # the figure's full width
    max_height_cm: float
    font_pt: float  # every text: titles, labels, ticks, legends
    dpi: int  # PNG resolution


PRESETS = {
    "page": Preset("page", 16.0, 22.0, 9.0, 200),  # A4 text width (2.5 cm margins)
    "half": Preset("half", 11.0, 12.0, 9.0, 250),  # two-thirds of a page, or a wide column
    "slide": Preset("slide", 25.4, 14.0, 14.0, 150),  # a 16:9 slide
}
_preset = ["page"]


def configure(lang: str | None = None, preset: str | None = None) -> None:
    """Set the language ('zh', 'en', 'both') and page preset of every later figure."""
    if preset is not None:
        if preset not in PRESETS:
            raise ValueError(f"preset must be one of {', '.join(PRESETS)} (got {preset!r})")
        _preset[0] = preset
    if lang is not None:
        labels.set_language(lang)


def preset() -> Preset:
    return PRESETS[_preset[0]]


def _rc(p: Preset) -> dict:
    size = p.font_pt
    return {
        "font.size": size,
        "axes.titlesize": size,
        "axes.labelsize": size,
        "xtick.labelsize": size,
        "ytick.labelsize": size,
        "legend.fontsize": size,
        "legend.title_fontsize": size,
        "figure.titlesize": size,
        "figure.labelsize": size,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "lines.linewidth": 1.4,
        "errorbar.capsize": 2.5,
        "savefig.dpi": p.dpi,
    }


def _em(text: str) -> float:
    """Width of a line in ems: a hanzi is 1 em, a Latin letter or digit about 0.55."""
    return sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in text)


def wrap(text: str, width_em: float) -> str:
    """Break each line of `text` to at most `width_em` ems: at spaces, or between hanzi."""
    out = []
    for line in text.split("\n"):
        cur = ""
        for token in re.findall(
            r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+", line
        ):
            if cur and _em(cur + token) > width_em and not token.isspace():
                out.append(cur.rstrip())
                cur = token
            else:
                cur += token
        out.append(cur.rstrip())
    return "\n".join(out)


def _fit_text(fig: Figure, p: Preset) -> None:
    """Wrap axis labels to their axes and category tick labels to a third of the page, so
    the two languages side by side never run into each other or off the page."""
    fig_w, fig_h = fig.get_size_inches()
    em = p.font_pt / 72
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        box = ax.get_position()
        w, h = box.width * fig_w, box.height * fig_h
        if ax.get_xlabel():
            ax.set_xlabel(wrap(ax.get_xlabel(), max(8.0, 1.1 * w / em)))
        if ax.get_ylabel():
            ax.set_ylabel(wrap(ax.get_ylabel(), max(8.0, 1.1 * h / em)))
        for axis, limit in ((ax.yaxis, 0.33 * fig_w / em), (ax.xaxis, None)):
            texts = [t.get_text() for t in axis.get_ticklabels()]
            if not any(re.search(r"[^\d.,+\-−%\s]", t) for t in texts):
                continue  # numbers: matplotlib's own
            if limit is None:  # x: the room between ticks, unless they are rotated
                rotated = any(t.get_rotation() for t in axis.get_ticklabels())
                limit = 1e9 if rotated else 0.95 * w / max(1, len(texts)) / em
            axis.set_ticks(axis.get_ticklocs(), [wrap(t, max(6.0, limit)) for t in texts])


def _keep_inside(fig: Figure, p: Preset) -> None:
    """Lay the figure out once and re-wrap any x-axis label that still runs off the page:
    where an axis ends up (after long tick labels push it) is known only then."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    em_px = p.font_pt / 72 * fig.dpi
    for _ in range(2):
        canvas.draw()
        renderer, frame, changed = canvas.get_renderer(), fig.bbox, False
        for ax in fig.axes:
            label = ax.xaxis.label
            if not ax.get_visible() or not label.get_text():
                continue
            box = label.get_window_extent(renderer)
            if box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1:
                continue
            middle = (box.x0 + box.x1) / 2
            room = 2 * min(middle - frame.x0, frame.x1 - middle)
            label.set_text(wrap(label.get_text(), max(6.0, 0.9 * room / em_px)))
            changed = True
        if not changed:
            return


def report_figure(fn):
    """Draw with the preset's fonts (matplotlib reads them when an artist is made), then
    fit long labels to the page."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        use_cjk_font()  # one line on stderr if there is no CJK font at all
        p = preset()
        with mpl.rc_context(_rc(p)):
            fig = fn(*args, **kwargs)
            _fit_text(fig, p)
            _keep_inside(fig, p)
        for ax in fig.axes:  # ticks are made at draw time, after the context
            ax.tick_params(labelsize=p.font_pt)
        return fig

    return wrapper


def new_figure(aspect: float = 0.6, height_cm: float | None = None) -> Figure:
    """A figure the preset's width wide and `aspect` x as high (at most its max height)."""
    p = preset()
    h = min(height_cm if height_cm is not None else p.width_cm * aspect, p.max_height_cm)
    return Figure(figsize=(p.width_cm * CM, h * CM), layout="constrained")


def caption_text(caption) -> str:
    """A caption given as (中文, English) or as one string, in the chosen language."""
    if caption is None:
        return ""
    if isinstance(caption, tuple | list):
        return labels.pick(caption[0], caption[1], sep="\n")
    return str(caption)


def embed_caption(fig: Figure, caption) -> None:
    """Draw the caption under the figure, inside it: for a PNG pasted on its own. The
    figure grows by the caption's lines, up to the preset's maximum height."""
    text = caption_text(caption)
    if not text:
        return
    p = preset()
    w, h = fig.get_size_inches()
    chars = max(20, int(w * 72 / (0.55 * p.font_pt)))  # Latin glyph ~0.55 em; hanzi 1 em
    lines = []
    for part in text.split("\n"):
        wide = sum(ord(c) > 0x2E80 for c in part) > len(part) / 3
        lines += textwrap.wrap(part, chars // 2 if wide else chars) or [""]
    extra = (len(lines) * 1.3 * p.font_pt + 6) / 72
    new_h = min(h + extra, p.max_height_cm * CM)
    extra = new_h - h
    fig.set_size_inches(w, new_h)
    share = extra / new_h
    fig.get_layout_engine().set(rect=(0, share, 1, 1 - share))
    fig.text(
        0.5,
        share - 2 / 72 / new_h,
        "\n".join(lines),
        ha="center",
        va="top",
        fontsize=p.font_pt,
        linespacing=1.2,
    )


def save(fig: Figure, out: Path, stem: str, caption=None, embed: bool = False) -> list[Path]:
    """PNG (at the preset's dpi) and SVG, at the preset's size (no cropping)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if embed:
        embed_caption(fig, caption)
    paths = [out / f"{stem}.png", out / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=preset().dpi)
    fig.savefig(paths[1])
    return paths


def png_bytes(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=preset().dpi)
    return buf.getvalue()


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def show(fig: Figure, caption=None) -> None:
    """Display the figure inline at its printed width (and its caption as text under
    it) when running in a notebook; nothing otherwise."""
    if not in_notebook():
        return
    from IPython.display import Image, Markdown, display

    width_px = round(fig.get_size_inches()[0] * 96)
    display(Image(data=png_bytes(fig), format="png", width=width_px))
    text = caption_text(caption)
    if text:
        display(Markdown("*" + text.replace("\n", "*<br>*") + "*"))


def finish(fig: Figure, out: Path, stem: str, caption=None, embed: bool = False) -> list[Path]:
    """Save the figure (PNG + SVG) and show it inline: what every notebook figure does."""
    paths = save(fig, out, stem, caption, embed)
    show(fig, None if embed else caption)
    return paths
