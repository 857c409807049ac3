"""Exports of the portfolio report: .xlsx (openpyxl) and PDF (ReportLab with an embedded CJK font).

The PDF uses ``allies.core.pdf.register_cjk_font()``, the TrueType CJK font shipped in the
package and embedded in the file, so Chinese renders on a pip-only install.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from allies.core.text import join_list


def _money(v) -> float | None:
    """Minor units as a number of major units for a spreadsheet cell (display only)."""
    return None if v is None else v / 100


def _score(v) -> float | None:
    """A 0-100 score rounded for a spreadsheet cell."""
    return None if v is None else round(v, 1)


def _sections(data: dict) -> list[tuple[str, list[str], list[list]]]:
    """The report as (title, header, rows) tables, shared by the .xlsx and the PDF."""
    out = []
    out.append((_("伙伴阶段"), [_("阶段"), _("伙伴数"), _("本季度进入")],
                [[r["label"], r["count"], r["moved_in"]] for r in data["partners_by_stage"]]))
    ag = data["agreements"]
    out.append((_("联盟协议"), [_("状态"), _("数量")], [[r["label"], r["count"]] for r in ag["by_status"]]))
    out.append((_("本季度签署的协议"), [_("协议编号"), _("名称"), _("伙伴方"), _("多边")],
                [[s["code"], s["title"], join_list(s["partners"]), _("是") if s["multilateral"] else _("否")]
                 for s in ag["signed"]]))
    out.append((_("联盟健康度"), [_("联盟"), _("评估期"), _("健康指数"), _("指标达成"), _("问卷健康度")],
                [[h["agreement"], h["period"], _score(h["index"]), _score(h["kpi"]), _score(h["survey"])]
                 for h in data["health"]]))
    out.append((_("收入（伙伴上报销售）"), [_("伙伴"), _("币种"), _("销售额"), _("成本")],
                [[r["partner"], r["currency"], _money(r["amount"]), _money(r["cost"])] for r in data["revenue"]]))
    out.append((_("已结算分成"), [_("协议编号"), _("结算期"), _("状态"), _("协议方"), _("币种"), _("应得分成"), _("净应收/应付")],
                [[r["agreement"], r["period"], r["status"], r["party"], r["currency"], _money(r["share"]),
                  _money(r["net"])] for r in data["settled"]]))
    status = {"on_track": _("正常"), "at_risk": _("有风险"), "off_track": _("偏离"), "": _("暂无数据")}
    out.append((_("试点指标"), [_("试点"), _("指标"), _("单位"), _("基线值"), _("目标值"), _("最新值"), _("状态")],
                [[k["pilot"], k["kpi"], k["unit"], k["baseline"], k["target"], k["latest"],
                  status.get(k["status"], k["status"])] for k in data["kpis"]]))
    out.append((_("未解决的冲突"), [_("标题"), _("类型"), _("联盟"), _("提出日期")],
                [[c["title"], c["kind"], c["agreement"], c["opened"].isoformat()] for c in data["conflicts"]]))
    ini = data["initiatives"]
    out.append((_("联合创新项目"), [_("名称"), _("状态"), _("币种"), _("预算"), _("参与方"), _("本季度里程碑（完成/计划）")],
                [[x["title"], str(x["status"]), x["currency"], _money(x["budget"]), join_list(x["parties"]),
                  f"{x['milestones_done']}/{x['milestones_due']}"] for x in ini["labs"]]))
    out.append((_("共同投资"), [_("被投企业"), _("状态"), _("币种"), _("投资额"), _("最新价值"), _("浮动盈亏"), _("投资方")],
                [[x["target"], str(x["status"]), x["currency"], _money(x["amount"]), _money(x["value"]),
                  _money(x["gain"]), join_list(x["parties"])] for x in ini["investments"]]))
    out.append((_("联合品牌项目"), [_("名称"), _("状态"), _("合作伙伴"), _("市场")],
                [[x["title"], str(x["status"]), join_list(x["partners"]), join_list(x["markets"])]
                 for x in ini["cobrandings"]]))
    return out


def portfolio_xlsx(data: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = data["quarter"]
    bold = Font(bold=True)
    ws.append([_("联盟组合报告 {quarter}").format(quarter=data["quarter"])])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("期间"), f"{data['start'].isoformat()} – {data['end'].isoformat()}"])
    ws.append([_("金额单位：元（由最小货币单位换算）")])
    for title, header, rows in _sections(data):
        ws.append([])
        ws.append([title])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
        ws.append([str(h) for h in header])
        for cell in ws[ws.max_row]:
            cell.font = bold
        for row in rows:
            ws.append(["" if v is None else v for v in row])
    for col in "ABCDEFG":
        ws.column_dimensions[col].width = 22
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def portfolio_pdf(data: dict) -> bytes:
    """The report as a PDF whose Chinese text uses the embedded CJK font of ``allies.core.pdf``."""
    from reportlab.lib import colors  # noqa: PLC0415
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415
    from reportlab.lib.styles import ParagraphStyle  # noqa: PLC0415
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: PLC0415

    from allies.core.pdf import register_cjk_font

    font = register_cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=_("联盟组合报告 {quarter}").format(quarter=data["quarter"]),
                            leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36)
    story = [Paragraph(_("联盟组合报告 {quarter}").format(quarter=data["quarter"]), title),
             Paragraph(f"{data['start'].isoformat()} – {data['end'].isoformat()} · "
                       + _("金额单位：元（由最小货币单位换算）"), body)]

    def cell(v):
        if v is None:
            return Paragraph("—", body)
        if isinstance(v, float):
            return Paragraph(f"{v:,.2f}", body)
        return Paragraph(str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), body)

    for name, header, rows in _sections(data):
        story.append(Paragraph(name, heading))
        if not rows:
            story.append(Paragraph(_("本季度无记录。"), body))
            continue
        table = Table([[cell(h) for h in header]] + [[cell(v) for v in row] for row in rows], repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(table)
        story.append(Spacer(1, 4))
    doc.build(story)
    return buf.getvalue()
