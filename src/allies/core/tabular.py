"""Reading and writing spreadsheets (.xlsx, .csv) at the edges, without Django.

CSV files come from many places: Chinese Excel saves GBK/GB18030, others UTF-8 with or
without a BOM. Cells are read as text so a value is never silently reinterpreted; the
caller validates and converts each column and reports row numbers as the user sees them
in the spreadsheet (header = row 1, first data row = row 2).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
CSV_DELIMITERS = (",", ";", "\t")
SPREADSHEET_SUFFIXES = (".xlsx", ".csv")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file cannot be read as a table. ``code`` says why."""

    def __init__(self, code: str, details: dict | None = None):
        self.code = code
        self.details = details or {}
        super().__init__(f"{code}: {self.details}")


@dataclass(frozen=True)
class Table:
    """Header names (stripped) and data rows of text cells ('' for empty).

    Blank lines are dropped, so ``numbers[i]`` keeps the spreadsheet row number of
    ``rows[i]`` (the header is row 1) for messages that point at the right line.
    """

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]

    def row_number(self, index: int) -> int:
        return self.numbers[index]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most cells (ties: comma).

    Chosen from the header alone, not with csv.Sniffer: the sniffer gives up on a
    semicolon file whose data has a quoted "a;b" cell, and reports doublequote=False
    when its sample has no "" pair, which splits quoted cells further down the file.
    """
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    widths = {d: len(next(csv.reader([line], csv.excel, delimiter=d), [])) for d in CSV_DELIMITERS}
    return max(CSV_DELIMITERS, key=lambda d: widths[d])


def decode_csv(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("encoding", {"tried": list(CSV_ENCODINGS)})


def read_table(data: bytes, filename: str) -> Table:
    """Parse ``data`` as .xlsx or .csv according to ``filename``'s suffix."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        raise TableError("file_type", {"filename": filename, "allowed": list(SPREADSHEET_SUFFIXES)})
    if not data.strip():
        raise TableError("empty", {"filename": filename})
    if suffix == ".csv":
        text = decode_csv(data)
        reader = csv.reader(io.StringIO(text), csv.excel, delimiter=_csv_delimiter(text))
        records = [[_cell_text(c) for c in row] for row in reader]
    else:
        records = _read_xlsx(data, filename)
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(c != "" for c in r)]
    if not numbered:
        raise TableError("empty", {"filename": filename})
    header = [h.strip() for h in numbered[0][1]]
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise TableError("no_header", {"filename": filename})
    width = len(header)
    rows = [(r + [""] * width)[:width] for _n, r in numbered[1:]]
    return Table(header=header, rows=rows, numbers=[n for n, _r in numbered[1:]])


def _read_xlsx(data: bytes, filename: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise TableError("unreadable", {"filename": filename, "error": type(exc).__name__}) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def safe_cell(value):
    """Neutralise spreadsheet formula injection in exported text cells."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """Undo :func:`safe_cell` on a cell read back from an exported file ("'=x" -> "=x")."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def write_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with BOM, so Chinese Excel opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(header: list[str], rows: list[list], sheet_title: str = "Sheet1") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
