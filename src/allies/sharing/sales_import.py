"""Reading and checking sales rows (CSV, XLSX, JSON files and API batches) before anything is written.

A file is checked completely first: every bad row is reported with its row number, column,
value and reason, and only a file without a single problem reaches the database. Rows
come out as plain tuples (see :data:`ROW_FIELDS`) so a million of them stay cheap.

Columns (Chinese or English headers): 外部编号/external_id, 日期/date, 产品/product,
客户/customer, 数量/quantity, 金额/amount, 成本/cost, 币种/currency, 渠道/channel, and an
optional 伙伴/partner column that must name the partner the file is imported for.
In CSV and XLSX files amounts are decimals in major units (123.45 yuan -> 12345 fen); JSON
files are shaped like the API body and carry integer minor units, like the API.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from allies.core import tabular
from allies.core.errors import DomainError, ErrorCode

# ISO 4217 codes accepted for sales, with their minor-unit digits. Python has no list of its
# own; this covers the currencies partners of a Chinese company trade in. Add codes here.
CURRENCY_DIGITS = {
    "CNY": 2, "HKD": 2, "MOP": 2, "TWD": 2, "USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "KRW": 0, "SGD": 2,
    "AUD": 2, "NZD": 2, "CAD": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2,
    "RUB": 2, "TRY": 2, "ILS": 2, "AED": 2, "SAR": 2, "QAR": 2, "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3,
    "INR": 2, "PKR": 2, "BDT": 2, "LKR": 2, "THB": 2, "MYR": 2, "IDR": 2, "PHP": 2, "VND": 0, "KZT": 2,
    "MNT": 2, "BRL": 2, "MXN": 2, "ARS": 2, "CLP": 0, "COP": 2, "PEN": 2, "ZAR": 2, "EGP": 2, "NGN": 2,
    "KES": 2,
}
DEFAULT_CURRENCY = "CNY"

ROW_FIELDS = ("external_id", "date", "product", "customer", "quantity", "amount", "cost", "currency", "channel")
"""The order of values in a checked row: date as ISO text, quantity as decimal text, money as int."""
FIELDS = (*ROW_FIELDS, "partner")
REQUIRED = ("external_id", "date", "product", "quantity", "amount")
TEXT_FIELDS = ((0, "external_id"), (2, "product"), (3, "customer"), (8, "channel"))
MAX_LENGTH = {"external_id": 100, "product": 200, "customer": 200, "channel": 100}
HEADER_ALIASES = {
    "external_id": ("外部编号", "订单号", "external_id", "external id"),
    "date": ("日期", "销售日期", "date"),
    "product": ("产品", "产品名称", "product"),
    "customer": ("客户", "客户名称", "customer"),
    "quantity": ("数量", "quantity", "qty"),
    "amount": ("金额", "销售额", "amount"),
    "cost": ("成本", "cost"),
    "currency": ("币种", "货币", "currency"),
    "channel": ("渠道", "销售渠道", "channel"),
    "partner": ("伙伴", "partner"),
}
EXPORT_HEADERS = {
    "zh-hans": ("外部编号", "日期", "产品", "客户", "数量", "金额", "成本", "币种", "渠道", "伙伴"),
    "en": ("external_id", "date", "product", "customer", "quantity", "amount", "cost", "currency", "channel",
           "partner"),
}
SUFFIXES = (".csv", ".xlsx", ".json")
MAX_REPORTED_ERRORS = 1000
MAX_MINOR_UNITS = 10**15
PROGRESS_EVERY = 5000
FORMULA_START = frozenset(p[0] for p in tabular.FORMULA_PREFIXES)

NUMBER = re.compile(r"(\d{1,15})(?:\.(\d+))?", re.ASCII)
LOOSE_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?")

Progress = Callable[[int, int], None]


class SalesInputError(DomainError):
    """The rows were refused. ``details`` holds a capped list; ``all_errors`` every problem found."""

    def __init__(self, errors: list[dict]):
        errors.sort(key=lambda e: (e["row"], e["column"]))
        self.all_errors = errors
        super().__init__(
            ErrorCode.IMPORT_INVALID,
            _("导入未完成：发现 {count} 处错误，未写入任何数据。").format(count=len(errors)),
            {"errors": errors[:MAX_REPORTED_ERRORS], "error_count": len(errors)},
        )


@dataclass
class CheckedRows:
    rows: list[tuple] = field(default_factory=list)
    currency: str = DEFAULT_CURRENCY


def _key(text: str) -> str:
    return " ".join(str(text).strip().lower().split())


FIELD_OF_HEADER = {_key(alias): f for f, aliases in HEADER_ALIASES.items() for alias in aliases}


def file_error(error_code: ErrorCode, message: str, **details) -> DomainError:
    return DomainError(error_code, message, details)


# --------------------------------------------------------------------------- one value at a time


def _text(value, name: str) -> tuple[str, str | None]:
    if type(value) is str:
        text = value.strip()
        if text and text[0] not in FORMULA_START and len(text) <= MAX_LENGTH[name] and "\x00" not in text:
            return text, None
    else:
        text = value
    if text is None or text == "":
        return "", (_("必填，不能为空。") if name in REQUIRED else None)
    if not isinstance(text, str):
        return "", _("须为文本。")
    if "\x00" in text:
        return text.replace("\x00", "\\0"), _("含有不允许的空字符（NUL）。")
    if text[0] in FORMULA_START:
        return text, _("以 = + - @ 开头的单元格可能被电子表格当作公式执行，请删除开头的符号。")
    return text, _("超过 {max} 个字符。").format(max=MAX_LENGTH[name])


def _date(value) -> tuple[str, str | None]:
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    if value is None or (isinstance(value, str) and not value.strip()):
        return "", _("必填，不能为空。")
    if not isinstance(value, str):
        return "", _("日期格式不对：应写成 YYYY-MM-DD，如 2026-03-31。")
    text = unicodedata.normalize("NFKC", value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text).isoformat(), None
        except ValueError:
            pass
    match = LOOSE_DATE.fullmatch(text)
    if not match:
        return "", _("日期格式不对：应写成 YYYY-MM-DD，如 2026-03-31。")
    try:
        return date(*(int(g) for g in match.groups())).isoformat(), None
    except ValueError:
        return "", _("日期不存在：请检查月份和日（如 2 月没有 30 日）。")


def _number_text(value) -> str:
    """A number as text: numbers formatted exactly, full-width digits (１２３．５) made ASCII."""
    if isinstance(value, (int, float, Decimal)):
        return format(Decimal(str(value)), "f")
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""


def _quantity(value) -> tuple[str, str | None]:
    if type(value) is str and value.isascii() and value.isdigit() and value[0] != "0" and len(value) <= 15:
        return value, None
    if isinstance(value, bool):
        return "", _("数量不是有效的数字。")
    text = _number_text(value)
    if not text:
        return "", _("必填，不能为空。")
    match = NUMBER.fullmatch(text)
    if not match:
        if text.startswith("-") and NUMBER.fullmatch(text[1:]):
            return "", _("数量必须大于 0，不能为负数。")
        return "", _("数量不是有效的数字。")
    whole, frac = match.group(1), (match.group(2) or "").rstrip("0")
    if len(frac) > 3:
        return "", _("数量最多 3 位小数。")
    if int(whole) == 0 and not frac:
        return "", _("数量必须大于 0，不能为负数。")
    return (f"{int(whole)}.{frac}" if frac else str(int(whole))), None


def _major_units(value, digits: int, currency: str) -> tuple[int, str | None]:
    """A decimal amount in major units ("123.45") as integer minor units (12345), exactly."""
    if type(value) is str and digits == 2 and len(value) < 16:
        whole, dot, frac = value.partition(".")
        if whole.isdigit() and len(frac) == 2 and frac.isdigit() and whole.isascii() and frac.isascii():
            return int(whole) * 100 + int(frac), None
    if isinstance(value, bool):
        return 0, _("不是有效的金额。")
    text = _number_text(value)
    match = NUMBER.fullmatch(text)
    if not match:
        if text.startswith("-") and NUMBER.fullmatch(text[1:]):
            return 0, _("金额不能为负数。")
        return 0, _("不是有效的金额：请写成数字（如 123.45），不要带货币符号或千位分隔符。")
    whole, frac = match.group(1), (match.group(2) or "").rstrip("0")
    if len(frac) > digits:
        return 0, _("{currency} 金额最多 {digits} 位小数。").format(currency=currency, digits=digits)
    minor = int(whole) * 10**digits + (int(frac.ljust(digits, "0")) if digits else 0)
    if minor > MAX_MINOR_UNITS:
        return 0, _("金额过大。")
    return minor, None


def _minor_units(value) -> tuple[int, str | None]:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0, _("金额须为以最小货币单位（如分）计的整数。")
    if value < 0:
        return 0, _("金额不能为负数。")
    if value > MAX_MINOR_UNITS:
        return 0, _("金额过大。")
    return value, None


# --------------------------------------------------------------------------- rows


class RowChecker:
    """Checks rows one by one, keeping every problem, the batch currency and the external ids seen."""

    def __init__(self, *, minor_units: bool, partner_name: str = ""):
        self.minor_units = minor_units
        self.partner_name = partner_name
        self.errors: list[dict] = []
        self.result = CheckedRows()
        self.currency_row: int | None = None
        self.id_rows: dict[str, int] = {}
        self.dates: dict[str, str] = {}  # a file has few distinct dates: check each once

    def bad(self, row: int, column: str, value, reason: str) -> None:
        shown = "" if value is None else str(value)
        self.errors.append({"row": row, "column": column, "value": shown[:100], "reason": reason})

    def check(self, row: int, values: list, columns: tuple[str, ...]) -> None:
        """``values`` and ``columns`` follow :data:`FIELDS` (None where the file has no such column)."""
        bad = self.bad
        failed = False
        texts = []
        for index, name in TEXT_FIELDS:
            text, reason = _text(values[index], name)
            if reason:
                bad(row, columns[index], text or values[index], reason)
                failed = True
            texts.append(text)
        raw_day = values[1]
        day = self.dates.get(raw_day) if type(raw_day) is str else None
        if day is None:
            day, reason = _date(raw_day)
            if reason:
                bad(row, columns[1], raw_day, reason)
                failed = True
            elif type(raw_day) is str:
                self.dates[raw_day] = day
        quantity, reason = _quantity(values[4])
        if reason:
            bad(row, columns[4], values[4], reason)
            failed = True
        currency, digits = self._currency(row, values[7], columns[7])
        failed = failed or currency is None
        amounts = [0, 0]
        for slot, index in ((0, 5), (1, 6)):
            raw = values[index]
            if raw is None or raw == "":
                if index == 5:
                    bad(row, columns[index], "", _("必填，不能为空。"))
                    failed = True
                continue
            if self.minor_units:
                amounts[slot], reason = _minor_units(raw)
            else:
                amounts[slot], reason = _major_units(raw, digits, currency or str(values[7] or "").upper())
            if reason:
                bad(row, columns[index], raw, reason)
                failed = True
        partner = values[9]
        if partner not in (None, "") and str(partner).strip() != self.partner_name:
            bad(row, columns[9], partner, _("这一行属于其他伙伴：文件只能包含“{name}”的数据。").format(
                name=self.partner_name))
            failed = True
        ext = texts[0]
        if ext:
            first = self.id_rows.setdefault(ext, row)
            if first != row:
                bad(row, columns[0], ext, _("与第 {row} 行的外部编号重复。").format(row=first))
                failed = True
        if not failed:
            self.result.rows.append((ext, day, texts[1], texts[2], quantity, amounts[0], amounts[1], currency,
                                     texts[3]))

    def _currency(self, row: int, value, column: str) -> tuple[str | None, int]:
        """The row's currency and its minor-unit digits; None (reported) when unknown or not the batch's."""
        code = value.strip().upper() if isinstance(value, str) else value
        if code in (None, ""):
            code = DEFAULT_CURRENCY
        if not isinstance(code, str) or code not in CURRENCY_DIGITS:
            self.bad(row, column, value, _("不是支持的 ISO 4217 币种代码（如 CNY、USD、EUR）。"))
            return None, 3
        if self.currency_row is None:
            self.currency_row = row
            self.result.currency = code
        elif code != self.result.currency:
            self.bad(row, column, code, _("一次导入只能有一种币种：第 {row} 行是 {currency}。").format(
                row=self.currency_row, currency=self.result.currency))
            return None, CURRENCY_DIGITS[code]
        return code, CURRENCY_DIGITS[code]

    def finish(self) -> CheckedRows:
        if self.errors:
            raise SalesInputError(self.errors)
        return self.result


def check_rows(rows: Iterable[dict], *, partner_name: str = "") -> CheckedRows:
    """API rows (dicts keyed by field name, money in minor units), numbered from 1 as sent."""
    checker = RowChecker(minor_units=True, partner_name=partner_name)
    for number, row in enumerate(rows, start=1):
        checker.check(number, [row.get(f) for f in FIELDS], FIELDS)
    return checker.finish()


# --------------------------------------------------------------------------- files


def check_file(data: bytes, filename: str, *, partner_name: str, max_rows: int,
               progress: Progress | None = None) -> CheckedRows:
    """Every row of a sales file, checked; raises DomainError (file) or SalesInputError (rows)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise file_error(ErrorCode.FILE_UNREADABLE, _("无法读取“{filename}”：只支持 {allowed} 文件。").format(
            filename=filename, allowed=_("、").join(SUFFIXES)), code="file_type")
    if not data.strip():
        raise file_error(ErrorCode.FILE_UNREADABLE, _("文件“{filename}”是空的。").format(filename=filename),
                         code="empty")
    checker = RowChecker(minor_units=suffix == ".json", partner_name=partner_name)
    if suffix == ".json":
        records, total = _json_records(data, checker)
    else:
        records, total = _table_records(data, filename, suffix, checker)
    count = 0
    for row, values, columns in records:
        count += 1
        if count > max_rows:
            raise file_error(ErrorCode.IMPORT_INVALID, _("文件超过 {max} 行的上限，请拆分后分批导入。").format(
                max=max_rows), code="too_many_rows", max_rows=max_rows)
        checker.check(row, values, columns)
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, max(total, count))
    if count == 0 and not checker.errors:
        checker.bad(2, "", "", _("文件没有数据行。"))
    if progress:
        progress(count, count)
    return checker.finish()


def _columns(header: list[str], checker: RowChecker) -> tuple[dict[int, int], tuple[str, ...], list[int]]:
    """Which file column feeds which field; unnamed columns (which must stay empty) listed apart."""
    index_of: dict[int, int] = {}
    names = list(FIELDS)
    unnamed = []
    seen: dict[str, str] = {}
    for j, raw in enumerate(header):
        title = raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw))
        if not title:
            unnamed.append(j)
            continue
        name = FIELD_OF_HEADER.get(_key(title))
        if name is None:
            checker.bad(1, title, title, _("无法识别的列名。可用的列：{columns}。").format(
                columns=_("、").join(EXPORT_HEADERS["zh-hans"])))
        elif name in seen:
            checker.bad(1, title, title, _("与“{other}”列重复。").format(other=seen[name]))
        else:
            seen[name] = title
            index_of[j] = FIELDS.index(name)
            names[FIELDS.index(name)] = title
    missing = [HEADER_ALIASES[f][0] for f in REQUIRED if f not in seen]
    if missing:
        checker.bad(1, "", "", _("缺少必填列：{columns}。").format(columns=_("、").join(missing)))
    return index_of, tuple(names), unnamed


def _table_records(data: bytes, filename: str, suffix: str, checker: RowChecker):
    if suffix == ".csv":
        try:
            text = tabular.decode_csv(data)
        except tabular.TableError as exc:
            raise _encoding_error() from exc
        if "\x00" in text:  # UTF-16 without a BOM decodes as UTF-8 full of NULs
            raise _encoding_error()
        delimiter = tabular._csv_delimiter(text)
        lines = iter(csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter))
        total = text.count("\n")
    else:
        lines, total = _xlsx_lines(data, filename)
    row = 0
    header = None
    for cells in lines:
        row += 1
        if any(c not in ("", None) for c in cells):
            header = cells
            break
    if header is None:
        raise file_error(ErrorCode.FILE_UNREADABLE, _("文件“{filename}”是空的。").format(filename=filename),
                         code="empty")
    index_of, columns, unnamed = _columns(header, checker)
    if checker.errors:
        return iter(()), 0
    return _table_rows(lines, row, index_of, columns, unnamed, len(header), checker), total


def _table_rows(lines: Iterator, row: int, index_of: dict[int, int], columns: tuple[str, ...],
                unnamed: list[int], width: int, checker: RowChecker):
    pairs = list(index_of.items())
    for cells in lines:
        row += 1
        if not any(cells):
            continue
        if len(cells) > width and any(c not in ("", None) for c in cells[width:]):
            checker.bad(row, "", cells[width], _("这一行的单元格比表头多。"))
        for j in unnamed:
            if j < len(cells) and cells[j] not in ("", None):
                checker.bad(row, "", cells[j], _("没有列名的列中有数据。"))
        values = [None] * len(FIELDS)
        n = len(cells)
        for j, f in pairs:
            values[f] = cells[j] if j < n else ""
        yield row, values, columns


def _encoding_error() -> DomainError:
    return file_error(ErrorCode.FILE_UNREADABLE,
                      _("无法识别 CSV 文件的文字编码：请另存为 UTF-8 或 GBK（GB18030）编码。"), code="encoding")


def _xlsx_lines(data: bytes, filename: str):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise file_error(ErrorCode.FILE_UNREADABLE, _(
            "无法读取文件“{filename}”：文件已损坏，或不是有效的 Excel（.xlsx）文件。").format(filename=filename),
            code="unreadable") from exc

    def lines():
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_xlsx_cell(v) for v in values]
        finally:
            workbook.close()

    return lines(), (sheet.max_row or 1) - 1


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value.strip() if isinstance(value, str) else str(value)


def _json_records(data: bytes, checker: RowChecker):
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise file_error(ErrorCode.FILE_UNREADABLE, _("JSON 文件无法解析：{error}").format(error=str(exc)[:200]),
                         code="json") from exc
    if isinstance(payload, dict) and set(payload) == {"rows"}:
        payload = payload["rows"]
    if not isinstance(payload, list):
        raise file_error(ErrorCode.FILE_UNREADABLE,
                         _("JSON 文件须为行的列表，或 {\"rows\": [...]} 形式的对象（与 API 请求相同）。"), code="json")

    def records():
        for number, item in enumerate(payload, start=1):
            values = [None] * len(FIELDS)
            if not isinstance(item, dict):
                checker.bad(number, "", str(item)[:100], _("每一行须为一个 JSON 对象。"))
                continue
            for key, value in item.items():
                name = FIELD_OF_HEADER.get(_key(key))
                if name is None:
                    checker.bad(number, str(key), str(value), _("无法识别的字段。"))
                else:
                    values[FIELDS.index(name)] = value
            yield number, values, FIELDS

    return records(), len(payload)
