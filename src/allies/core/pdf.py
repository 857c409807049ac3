"""PDF helpers: a CJK font that ReportLab embeds, so Chinese shows on any machine (pip-only installs too).

ReportLab embeds TrueType (glyf) fonts only. The package ships AlliesSansSC.ttf (a GB 2312
subset of Noto Sans SC converted to TrueType, SIL OFL; see core/fonts/README.md); a deployment
may point ALLIES_PDF_FONT at another TrueType file (.ttf, or a .ttc with ALLIES_PDF_FONT_INDEX)
for rarer characters. ReportLab subsets the font into each PDF it writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_NAME = "AlliesSansSC"
BUNDLED_FONT = Path(__file__).resolve().parent / "fonts" / "AlliesSansSC.ttf"


class FontUnavailable(RuntimeError):
    pass


def _font_file() -> tuple[Path, int]:
    configured = os.environ.get("ALLIES_PDF_FONT", "").strip()
    if configured:
        return Path(configured), int(os.environ.get("ALLIES_PDF_FONT_INDEX", "0") or 0)
    return BUNDLED_FONT, 0


def register_cjk_font() -> str:
    """Register (once per process) and return the name of a TrueType CJK font ReportLab embeds."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path, index = _font_file()
    try:
        font = TTFont(FONT_NAME, str(path), subfontIndex=index)
    except (OSError, TTFError) as exc:
        raise FontUnavailable(f"cannot load the PDF font {path}: {exc}") from exc
    pdfmetrics.registerFont(font)
    return FONT_NAME
