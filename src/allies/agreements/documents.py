"""The agreement as a Word document (.docx), in Chinese or English, generated from its data for legal review.

Chinese text needs the East Asian font set on every style (``w:eastAsia``) and the heading
styles' theme fonts removed (they override it); the document language is set to match.
"""

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from allies.agreements.choices import ClauseArea, Confidentiality, IpKind
from allies.agreements.models import Agreement
from allies.agreements.selectors import agreement_deadlines, clause_text, ip_owner_text, ip_usage_text, party_names

FONTS = {"zh-hans": ("SimSun", "SimHei"), "en": ("Times New Roman", "Arial")}
CJK_BODY, CJK_HEADING = "SimSun", "SimHei"
LANGUAGES = ("zh-hans", "en")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _set_fonts(style, latin: str, east_asian: str) -> None:
    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _set_language(document, lang: str) -> None:
    code = "zh-CN" if lang == "zh-hans" else "en-US"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    element = rpr.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        rpr.append(element)
    element.set(qn("w:val"), code)
    element.set(qn("w:eastAsia"), "zh-CN")
    element.set(qn("w:bidi"), "ar-SA")


def _styled_document(lang: str):
    document = Document()
    body, heading = FONTS[lang]
    for name in ("Normal", "Table Grid", "List Number"):
        _set_fonts(document.styles[name], body, CJK_BODY)
    for name in ("Title", "Heading 1", "Heading 2"):
        _set_fonts(document.styles[name], heading, CJK_HEADING)
    document.styles["Normal"].font.size = Pt(11)
    _set_language(document, lang)
    document.core_properties.language = "zh-CN" if lang == "zh-hans" else "en-US"
    return document


def _our_name() -> str:
    return getattr(settings, "ALLIES_COMPANY_NAME", "") or _("本公司")


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text


def render(agreement: Agreement, *, lang: str = "zh-hans") -> bytes:
    """The .docx bytes of ``agreement`` in ``lang`` ("zh-hans" or "en")."""
    lang = lang if lang in LANGUAGES else "zh-hans"
    with translation.override(lang):
        document = _styled_document(lang)
        title = document.add_heading(agreement.title, level=0)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        version = agreement.versions.order_by("-number").first()
        meta = [f"{_('协议编号')}{_('：')}{agreement.code}", f"{_('状态')}{_('：')}{agreement.get_status_display()}"]
        if version:
            meta.append(_("版本 {n}").format(n=version.number))
        document.add_paragraph(" · ".join(meta)).alignment = WD_ALIGN_PARAGRAPH.CENTER
        if agreement.status != "signed":
            document.add_paragraph(_("本文件由系统根据协议数据生成，供法务审阅；以双方签署的文本为准。"))

        document.add_heading(_("各协议方"), level=1)
        rows = [[_our_name(), _("我方"), ""]]
        rows += [[link.partner.name, link.role or _("伙伴方"), ""] for link in
                 agreement.party_links.select_related("partner")]
        _table(document, [_("名称"), _("角色"), _("签字/盖章")], rows)

        document.add_heading(_("协议期限"), level=1)
        term = [f"{_('生效日期')}{_('：')}{agreement.start_date or '—'}",
                f"{_('到期日期')}{_('：')}{agreement.end_date or '—'}",
                f"{_('自动续约')}{_('：')}" + (
                    _("是，每次续约 {n} 个月").format(n=agreement.renewal_months or "—")
                    if agreement.auto_renew else _("否")),
                f"{_('通知期')}{_('：')}" + _("提前 {n} 天书面通知").format(n=agreement.notice_days)]
        for d in agreement_deadlines(agreement, today=timezone.localdate()):
            term.append(f"{d.label}{_('：')}{d.date.isoformat()}")
        for line in term:
            document.add_paragraph(line)

        names = party_names(agreement)
        for number, (area, label) in enumerate(ClauseArea.choices, start=1):
            document.add_heading(f"{number}. {label}", level=1)
            text = clause_text(agreement, area)
            if area == ClauseArea.IP:
                # The register is a table; the general terms stay a paragraph.
                if agreement.ip_terms.strip():
                    document.add_paragraph(f"{_('总体约定')}{_('：')}{agreement.ip_terms.strip()}")
                assets = list(agreement.ip_assets.select_related("owner_partner"))
                if assets:
                    _table(document, [_("资产名称"), _("类型"), _("权属"), _("各方使用权"), _("保密级别")], [
                        [a.name, str(IpKind(a.kind).label), ip_owner_text(a, names), ip_usage_text(a, names),
                         str(Confidentiality(a.confidentiality).label)] for a in assets])
                if not assets and not agreement.ip_terms.strip():
                    document.add_paragraph(_("（未约定）"))
                continue
            if not text:
                document.add_paragraph(_("（未约定）"))
                continue
            for line in text.splitlines():
                document.add_paragraph(line)

        document.add_heading(_("签署栏"), level=1)
        for name in [_our_name()] + [link.partner.name for link in agreement.party_links.select_related("partner")]:
            document.add_paragraph(_("{party}（盖章）").format(party=name))
            document.add_paragraph(_("授权代表签字：________________    日期：________________"))
        document.add_paragraph()
        document.add_paragraph(_("生成时间：{when}").format(when=timezone.localtime().strftime("%Y-%m-%d %H:%M")))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filename(agreement: Agreement, lang: str) -> str:
    suffix = "-en" if lang == "en" else ""
    return f"{agreement.code}{suffix}.docx"
