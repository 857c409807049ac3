"""The embedded CJK PDF font: text extracts as Chinese and a rendered page is not blank."""

import os
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from allies.core.pdf import register_cjk_font

pytestmark = pytest.mark.nodb


def _write(path, text):
    font = register_cjk_font()
    pdf = canvas.Canvas(str(path))
    pdf.setFont(font, 28)
    pdf.drawString(60, 700, text)
    pdf.save()


def test_chinese_text_is_embedded_and_extractable(tmp_path):
    path = tmp_path / "cjk.pdf"
    _write(path, "结算单：远景资本 应收 ¥1,234.56")
    reader = PdfReader(path)
    assert "结算单：远景资本 应收" in reader.pages[0].extract_text()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = []
    for ref in fonts.values():
        font = ref.get_object()
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        if "/FontDescriptor" in font:
            descriptors.append(font["/FontDescriptor"].get_object())
    assert any("/FontFile2" in d for d in descriptors), "the TrueType font program is not embedded"


def test_rendered_page_shows_the_glyphs(tmp_path):
    if not shutil.which("pdftoppm"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but pdftoppm is missing (apt-get install -y poppler-utils)")
        pytest.skip("pdftoppm not installed (apt-get install -y poppler-utils)")
    blank, text = tmp_path / "blank.pdf", tmp_path / "text.pdf"
    _write(blank, "")
    _write(text, "收益分配与结算")
    dark = []
    for pdf in (blank, text):
        subprocess.run(["pdftoppm", "-r", "50", "-gray", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                       check=True)
        pgm = next(tmp_path.glob(pdf.stem + "*.pgm"))
        data = pgm.read_bytes()
        # binary PGM: header "P5\n<w> <h>\n255\n" then one byte per pixel
        header_end = data.index(b"\n", data.index(b"\n", data.index(b"\n") + 1) + 1) + 1
        pixels = data[header_end:]
        dark.append(sum(1 for b in pixels if b < 128))
    assert dark[0] == 0
    assert dark[1] > 200, "the Chinese text rendered as nothing"
