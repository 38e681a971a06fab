"""Make the CJK font bundled with cogov: a subset of Noto Sans CJK SC (SIL OFL 1.1).

Figures need a font with Chinese glyphs; most fresh machines (Windows and macOS
aside) have none, so the package ships this subset and matplotlib uses it when
no system CJK font is installed (sim/report/fonts.py). It holds ASCII and common
symbols, CJK punctuation, the 3,755 level-1 hanzi of GB 2312, and every character
that appears in the repository's code, scenarios, notebooks and docs. Outlines
are converted to TrueType (quadratic) so every matplotlib backend can embed it.

Developer tool, not a runtime dependency (fontTools comes with matplotlib):

    python scripts/make_cjk_font.py [--source NotoSansCJK-Regular.ttc]

Without --source it uses Debian's fonts-noto-cjk if installed, else downloads that
package with `apt-get download` (no install) into a temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "sim" / "report" / "font_data"
OUT = OUT_DIR / "NotoSansSC-cogov-subset.ttf"
FAMILY = "Noto Sans SC cogov subset"
TTC = "NotoSansCJK-Regular.ttc"
SYSTEM = Path("/usr/share/fonts/opentype/noto") / TTC
SC_INDEX = 2  # Noto Sans CJK SC in the collection (JP, KR, SC, TC, HK, ...)

RANGES = [
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1: ° ± × · é
    (0x370, 0x3FF),  # Greek: μ σ α Δ
    (0x2010, 0x206F),  # general punctuation: – — … ‰ ′ “ ”
    (0x2070, 0x209F),  # super- and subscripts
    (0x2100, 0x214F),  # letterlike: № ℃
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # maths: − ≤ ≥ ≈ ∑
    (0x2460, 0x24FF),  # ① ②
    (0x25A0, 0x25FF),  # ■ ● ▲
    (0x3000, 0x303F),  # CJK punctuation: 、。《》「」【】
    (0xFF00, 0xFFEF),  # full-width forms: ，：（）
]


def gb2312_level1() -> str:
    """The 3,755 most common hanzi (GB 2312 rows 16-55), and its symbol rows 1-3."""
    chars = []
    for hi in [*range(0xA1, 0xA4), *range(0xB0, 0xD8)]:
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes([hi, lo]).decode("gb2312"))
    return "".join(chars)


def repository_text() -> str:
    """Every character in the project's own text: labels, scenarios, notebooks, docs."""
    seen: set[str] = set()
    for pattern in ("sim/**/*.py", "sim/**/*.yaml", "scenarios/**/*.yaml", "notebooks/*.ipynb"):
        for p in ROOT.glob(pattern):
            seen.update(p.read_text(encoding="utf-8"))
    for p in [ROOT / "README.md", *ROOT.glob("docs/*.md")]:
        seen.update(p.read_text(encoding="utf-8"))
    return "".join(sorted(c for c in seen if ord(c) >= 0x80))


def charset() -> set[int]:
    cps = {cp for lo, hi in RANGES for cp in range(lo, hi + 1)}
    cps |= {ord(c) for c in gb2312_level1() + repository_text()}
    return cps


def source_font(given: str | None, tmp: Path) -> Path:
    if given:
        return Path(given)
    if SYSTEM.is_file():
        return SYSTEM
    print("downloading Debian's fonts-noto-cjk (apt-get download, no install) ...")
    subprocess.run(["apt-get", "download", "fonts-noto-cjk"], cwd=tmp, check=True)
    deb = next(tmp.glob("fonts-noto-cjk_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp / "x")], check=True)
    return next((tmp / "x").rglob(TTC))


def to_truetype(font) -> None:
    """CFF (cubic) outlines -> glyf (quadratic), in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    out = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        out[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = out
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font) -> None:
    """A family name of its own, so it never shadows a full Noto Sans CJK install."""
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=rec.nameID)
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName("Regular", 2, 3, 1, 0x409)
    name.setName(f"{FAMILY} Regular", 4, 3, 1, 0x409)
    name.setName(FAMILY.replace(" ", "") + "-Regular", 6, 3, 1, 0x409)
    name.setName(f"{FAMILY};Regular", 3, 3, 1, 0x409)
    note = (
        "Subset of Noto Sans CJK SC 2.004 by Adobe/Google, made by cogov's "
        "scripts/make_cjk_font.py; licensed under the SIL Open Font License 1.1."
    )
    name.setName(note, 10, 3, 1, 0x409)


def main() -> int:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", help=f"{TTC} (or an .otf of Noto Sans CJK SC)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        src = source_font(args.source, Path(t))
        if src.suffix.lower() == ".ttc":
            font = TTCollection(str(src)).fonts[SC_INDEX]
        else:
            from fontTools.ttLib import TTFont

            font = TTFont(str(src))
        fam = font["name"].getDebugName(1)
        if fam != "Noto Sans CJK SC":
            print(f"{src}: font {SC_INDEX} is {fam!r}, not Noto Sans CJK SC", file=sys.stderr)
            return 1
        opts = subset.Options()
        opts.hinting = False
        opts.desubroutinize = True
        opts.name_IDs = ["*"]
        opts.layout_features = ["kern", "vert", "vrt2"]
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=charset())
        sub.subset(font)
        to_truetype(font)
        rename(font)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        font.save(str(OUT))
    cmap = font.getBestCmap()
    print(f"wrote {OUT} ({OUT.stat().st_size / 2**20:.2f} MiB, {len(cmap)} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
