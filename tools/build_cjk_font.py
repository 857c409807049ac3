"""Build src/allies/core/fonts/AlliesSansSC.ttf: a TrueType (glyf) subset of Noto Sans SC for PDFs.

Why: ReportLab embeds TrueType fonts only; the Noto/Source Han CJK fonts ship as OpenType
with CFF outlines, which ReportLab cannot load, and its built-in STSong-Light is not
embedded (readers without CJK fonts show blanks). So we convert Noto Sans SC (SIL OFL 1.1)
to quadratic TrueType outlines, keep the characters business documents use (ASCII, Latin-1,
general punctuation, CJK symbols and punctuation, full-width forms and the 6,763 hanzi of
GB 2312 plus every character of GBK's hanzi block that the font maps, if --gbk), and rename
the family (the OFL asks derivatives not to use the original name).

Run once by a maintainer (needs fonttools, not an Allies dependency):

    pip download --no-deps pylopdf-fonts-zh-cn   # or take NotoSansSC-Regular.otf from notofonts/noto-cjk
    python tools/build_cjk_font.py path/to/NotoSansSC-Regular.otf [--gbk]
"""

import argparse
import sys
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont, newTable

OUT = Path(__file__).resolve().parent.parent / "src" / "allies" / "core" / "fonts" / "AlliesSansSC.ttf"
FAMILY = "Allies Sans SC"
MAX_ERR = 1.0  # font units: the largest distance between a cubic curve and its quadratic approximation


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def gbk_hanzi() -> set[str]:
    chars = set()
    for hi in range(0x81, 0xFF):
        for lo in range(0x40, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if "\u4e00" <= ch <= "\u9fff":
                chars.add(ch)
    return chars


def wanted(gbk: bool) -> set[int]:
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F),
              (0x2190, 0x21FF), (0x2460, 0x24FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    codes = {c for lo, hi in ranges for c in range(lo, hi + 1)}
    codes |= {ord(c) for c in gb2312_chars()}
    if gbk:
        codes |= {ord(c) for c in gbk_hanzi()}
    return codes


def to_truetype(font: TTFont) -> None:
    """Replace the CFF table by glyf/loca (quadratic outlines), as fontTools' otf2ttf does."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr, value in (("maxZones", 1), ("maxTwilightPoints", 0), ("maxStorage", 0), ("maxFunctionDefs", 0),
                        ("maxInstructionDefs", 0), ("maxStackElements", 0), ("maxSizeOfInstructions", 0),
                        ("maxComponentElements", 0)):
        setattr(maxp, attr, value)
    maxp.recalc(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].indexToLocFormat = 1
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"
        elif record.nameID == 3:
            record.string = f"{FAMILY}; subset of Noto Sans SC"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--gbk", action="store_true", help="also keep every GBK hanzi (larger file)")
    args = parser.parse_args()
    font = TTFont(args.source)
    options = Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=wanted(args.gbk))
    subsetter.subset(font)
    to_truetype(font)
    for table in ("GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx"):
        if table in font:
            del font[table]
    rename(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(OUT)
    print(f"{OUT}: {OUT.stat().st_size / 1e6:.1f} MB, {len(font.getGlyphOrder())} glyphs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
