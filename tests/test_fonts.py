from matplotlib import font_manager, ft2font

from sim.report.fonts import CJK_FAMILIES, use_cjk_font


def test_the_font_matplotlib_picks_for_chinese_has_the_glyph(skip_or_fail):
    present = {f.name for f in font_manager.fontManager.ttflist}
    if not present & set(CJK_FAMILIES):
        skip_or_fail("no CJK font installed (apt-get install fonts-wqy-microhei)")
    family = use_cjk_font()
    assert family in CJK_FAMILIES
    path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    font = ft2font.FT2Font(path)
    assert font.get_char_index(ord("独")) != 0, path
    assert font.get_char_index(ord("合")) != 0, path
