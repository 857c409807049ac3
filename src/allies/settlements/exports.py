"""Settlement files: statements as .xlsx and PDF (embedded CJK font), and every counted sales row as CSV.

Each file holds only what the user may see (the selectors decide). The row export is
generated from the sales rows on demand, with the rule and tier applied to each row; if the
rows changed after the computation its totals no longer match and the file says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.core import tabular
from allies.core.pdf import register_cjk_font
from allies.settlements import selectors
from allies.settlements.engine import assign_rules, rule_filters
from allies.settlements.models import Basis, Settlement
from allies.settlements.rules import US, rule_ladder
from allies.sharing.models import SalesRecord, SharingLevel
from allies.sharing.sales import money_text, shared_partner_ids

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_CHUNK = 20_000


def _money(value: int | None, currency: str) -> str:
    return "—" if value is None else money_text(int(value), currency)


def statement_rows(user, settlement: Settlement) -> list[dict]:
    names = selectors.party_names(settlement)
    diff = selectors.difference_for(user, settlement)
    out = []
    for s in selectors.statements_of(user, settlement):
        pid = s.partner_id or US
        out.append({"statement": s, "party": names.get(pid, s.partner.name if s.partner else _("我方")),
                    "difference": diff.get(pid)})
    return out


def _headers() -> list[str]:
    return [_("协议方"), _("销售收入"), _("已收取"), _("应得分成"), _("绩效激励"), _("应担成本"), _("已垫付成本"),
            _("净应收(+)/应付(-)"), _("较上一版本"), _("状态")]


def _statement_cells(row: dict, currency: str) -> list:
    s = row["statement"]
    return [row["party"], _money(s.revenue, currency), _money(s.collected, currency), _money(s.share, currency),
            _money(s.bonus, currency), _money(s.cost_share, currency), _money(s.cost_paid, currency),
            _money(s.net, currency), "" if row["difference"] is None else _money(row["difference"], currency),
            s.get_status_display()]


def _line_cells(user, settlement: Settlement) -> tuple[list[str], list[list]]:
    header = [_("规则"), _("伙伴"), _("产品"), _("品类"), _("月份"), _("行数"), _("销售收入"), _("成本"), _("分成基数")]
    c = settlement.currency
    rows = [[line.rule_name, line.partner.name, line.product, line.category, line.month.strftime("%Y-%m"), line.rows,
             _money(line.revenue, c), _money(line.cost, c), _money(line.basis, c)]
            for line in selectors.lines_of(user, settlement)]
    return header, rows


def _title(settlement: Settlement) -> str:
    return _("结算单 {code} {period}（v{version}）").format(code=settlement.agreement.code, period=settlement.period,
                                                        version=settlement.version)


def settlement_xlsx(user, settlement: Settlement) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("结算单")[:31]
    sheet.append([_title(settlement)])
    sheet.append([_("协议"), settlement.agreement.title, _("结算期"), settlement.period, _("币种"), settlement.currency])
    sheet.append([])
    sheet.append(_headers())
    for row in statement_rows(user, settlement):
        sheet.append([tabular.safe_cell(v) for v in _statement_cells(row, settlement.currency)])
    rules = book.create_sheet(_("规则与阶梯")[:31])
    rules.append([_("规则"), _("分成基数"), _("阶梯计算方式"), _("档位下限"), _("档位上限"), _("各方比例(%)"),
                  _("该档金额")])
    for rule in selectors.rule_details_for(user, settlement):
        for band in rule["bands"]:
            rules.append([rule["name"], str(Basis(rule["basis"]).label), _method_label(rule["method"]),
                          _money(band["lower"], settlement.currency),
                          "" if band["upper"] is None else _money(band["upper"], settlement.currency),
                          " / ".join(f"{n} {p}" for n, p in zip(rule["party_names"], band["percents"])),
                          _money(band["volume"], settlement.currency)])
    lines = book.create_sheet(_("明细")[:31])
    header, rows = _line_cells(user, settlement)
    lines.append(header)
    for row in rows:
        lines.append([tabular.safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _method_label(method: str) -> str:
    from allies.settlements.models import TierMethod

    return str(TierMethod(method).label)


def settlement_pdf(user, settlement: Settlement) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_cjk_font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=_title(settlement))
    grid = TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                       ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                       ("ALIGN", (1, 1), (-2, -1), "RIGHT")])
    story = [Paragraph(_title(settlement), title_style), Spacer(1, 3 * mm),
             Paragraph(_("协议：{title}　结算期：{start} 至 {end}　币种：{currency}　舍入：{rounding}").format(
                 title=settlement.agreement.title, start=settlement.date_from, end=settlement.date_to,
                 currency=settlement.currency, rounding=settlement.agreement.get_rounding_display()), body),
             Paragraph(_("计入 {rows} 行销售数据，可分配金额 {amount}。净额为正表示该方应收，为负表示应付。").format(
                 rows=settlement.rows_counted, amount=_money(settlement.distributable, settlement.currency)), body),
             Spacer(1, 4 * mm)]
    data = [_headers()] + [_statement_cells(r, settlement.currency) for r in statement_rows(user, settlement)]
    table = Table(data, repeatRows=1)
    table.setStyle(grid)
    story += [table, Spacer(1, 5 * mm), Paragraph(_("规则与阶梯"), body)]
    rule_rows = [[_("规则"), _("分成基数"), _("阶梯计算方式"), _("档位"), _("各方比例(%)"), _("该档金额")]]
    for rule in selectors.rule_details_for(user, settlement):
        for band in rule["bands"]:
            upper = "∞" if band["upper"] is None else _money(band["upper"], settlement.currency)
            rule_rows.append([rule["name"], str(Basis(rule["basis"]).label), _method_label(rule["method"]),
                              f"{_money(band['lower'], settlement.currency)} – {upper}",
                              " / ".join(f"{n} {p}" for n, p in zip(rule["party_names"], band["percents"])),
                              _money(band["volume"], settlement.currency)])
    if len(rule_rows) > 1:
        rules_table = Table(rule_rows, repeatRows=1)
        rules_table.setStyle(grid)
        story.append(rules_table)
    header, rows = _line_cells(user, settlement)
    if rows:
        story += [Spacer(1, 5 * mm), Paragraph(_("明细（按伙伴、产品、月份汇总）"), body)]
        lines_table = Table([header, *rows], repeatRows=1)
        lines_table.setStyle(grid)
        story.append(lines_table)
    story += [Spacer(1, 6 * mm), Paragraph(_("生成时间：{now}").format(
        now=timezone.localtime().strftime("%Y-%m-%d %H:%M")), body)]
    doc.build(story)
    return buffer.getvalue()


def settlement_rows_csv(user, settlement: Settlement) -> Iterator[bytes]:
    """Every sales row that counted (those the user may see), with the rule and tier applied, as CSV chunks."""
    agreement = settlement.agreement
    filters = rule_filters(agreement)
    ladders = [rule_ladder(f.rule.shares, f.rule.tiers, f.rule.tier_method) for f in filters]
    internal = getattr(user, "is_internal", False)
    parties = set(agreement.partners.values_list("pk", flat=True))
    if internal:
        visible = parties
    else:
        # Rows of another partner need that partner's "rows" sharing level, not just aggregates.
        visible = {user.partner_id} | (set(shared_partner_ids(user.partner, SharingLevel.ROWS)) & parties)
    counted_rules = {(r["rule_id"]): r for r in settlement.details.get("rules", [])}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("外部编号"), _("日期"), _("伙伴"), _("产品"), _("品类"), _("金额"), _("成本"), _("币种"),
                     _("规则"), _("分成基数"), _("档位"), _("累计基数")])
    yield buffer.getvalue().encode("utf-8-sig")
    names = dict(agreement.partners.values_list("pk", "name"))
    qs = (SalesRecord.objects.filter(partner_id__in=list(names), date__gte=settlement.date_from,
                                     date__lte=settlement.date_to)
          .order_by("date", "pk").values_list("external_id", "date", "partner_id", "product", "amount", "cost",
                                              "currency"))
    from allies.settlements.engine import Group

    running = [0] * len(filters)
    groups_cache: dict[tuple, Group] = {}
    batch: list[tuple] = []
    totals = {"rows": 0, "basis": 0}

    def flush(chunk: list[tuple]) -> bytes:
        keys = {(r[2], r[3], r[1].replace(day=1), r[6]) for r in chunk}
        fresh = [Group(pid, product, cur, month, 0, 0, 0, 0.0) for pid, product, month, cur in keys
                 if (pid, product, month, cur) not in groups_cache]
        assign_rules(fresh, filters)
        for g in fresh:
            groups_cache[(g.partner_id, g.product, g.month, g.currency)] = g
        out = io.StringIO()
        w = csv.writer(out)
        by_rule: dict[int, list[int]] = {}
        for i, r in enumerate(chunk):
            g = groups_cache[(r[2], r[3], r[1].replace(day=1), r[6])]
            if g.rule_index >= 0:
                by_rule.setdefault(g.rule_index, []).append(i)
        band_of: dict[int, tuple[int, int, int]] = {}
        for index, rows_idx in by_rule.items():
            rule = filters[index].rule
            basis = np.array([chunk[i][4] - (chunk[i][5] if rule.basis == Basis.GROSS_PROFIT else 0)
                              for i in rows_idx], dtype=np.int64)
            ladder = ladders[index]
            if rule.tier_method == "whole":
                band = counted_rules.get(rule.pk, {}).get("band", 0)
                first = last = np.full(len(basis), band)
                ends = running[index] + np.cumsum(basis)
            else:
                lowers = np.array([b.lower for b in ladder.bands], dtype=np.int64)
                ends = running[index] + np.cumsum(basis)
                starts = ends - basis
                first = np.maximum(np.searchsorted(lowers, starts, side="right") - 1, 0)
                last = np.maximum(np.searchsorted(lowers, np.maximum(ends - 1, starts), side="right") - 1, 0)
            running[index] = int(ends[-1])
            for k, i in enumerate(rows_idx):
                band_of[i] = (int(basis[k]), int(first[k]), int(last[k]), int(ends[k]))
        for i, r in enumerate(chunk):
            if i not in band_of or r[2] not in visible:
                continue
            g = groups_cache[(r[2], r[3], r[1].replace(day=1), r[6])]
            basis, first, last, end = band_of[i]
            tier = str(first + 1) if first == last else f"{first + 1}→{last + 1}"
            totals["rows"] += 1
            totals["basis"] += basis
            w.writerow([tabular.safe_cell(r[0]), r[1].isoformat(), names.get(r[2], ""), tabular.safe_cell(r[3]),
                        g.category, money_text(r[4], r[6]), money_text(r[5], r[6]), r[6],
                        filters[g.rule_index].rule.name, money_text(basis, r[6]), tier,
                        # the running total includes other sellers' sales: staff only
                        money_text(end, r[6]) if internal else ""])
        return out.getvalue().encode("utf-8")

    for row in qs.iterator(chunk_size=ROW_CHUNK):
        batch.append(row)
        if len(batch) >= ROW_CHUNK:
            yield flush(batch)
            batch = []
    if batch:
        yield flush(batch)
    if internal and totals["rows"] != settlement.rows_counted:
        yield (_("注意：销售数据在结算后有变化（现为 {now} 行，结算时为 {then} 行），请重新计算结算。").format(
            now=totals["rows"], then=settlement.rows_counted) + "\n").encode("utf-8")
