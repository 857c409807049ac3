"""`allies rank` and `allies weights ahp`: partner screening from a spreadsheet, without a database.

Django is set up only for translations; nothing here touches the database. Every input
problem is reported in the chosen language on stderr, all of them at once (capped at
:data:`MAX_LISTED_ERRORS`), with exit code 2 and no output file written.
"""

import io
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from allies.core.tabular import Table, TableError, read_table, write_csv, write_xlsx
from allies.domain import scoring
from allies.domain.scoring import (
    BENEFIT,
    COST,
    MINMAX,
    RATING_SCALE,
    SCALE,
    TOPSIS,
    WEIGHTED,
    Criterion,
    Ranking,
    ScoringError,
)
from allies.partners.defaults import SHIPPED_MODELS, SPEC_EXAMPLE_MODEL, ModelSpec

EXIT_INPUT = 2
MAX_LISTED_ERRORS = 50
LANGUAGES = ("zh-hans", "en")
FORMATS = ("table", "json", "csv", "xlsx")
AHP_FORMATS = ("table", "json")
NAME_HEADERS = ("name", "名称")
VECTOR = "vector"  # what TOPSIS does, reported as its normalisation
JSON_DECIMALS = 10
WEIGHTS_EXAMPLE = "strategic_fit=0.3,financial_health=0.2"
MIN_EXAMPLE = "financial_health=6"


class InputErrors(Exception):
    """One or more problems with the user's input; ``labels`` name criteria in messages."""

    def __init__(self, errors: list[Exception], labels: dict[str, str] | None = None):
        self.errors = list(errors)
        self.labels = labels or {}
        super().__init__(f"{len(self.errors)} input error(s)")


# --------------------------------------------------------------------------- plumbing


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allies.config.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def resolve_language(option: str | None) -> str | None:
    """--lang, else $ALLIES_LANG, else zh-hans; None if the value is not a known language."""
    raw = option if option else os.environ.get("ALLIES_LANG") or "zh-hans"
    key = raw.strip().lower().replace("_", "-").split(".")[0]
    if key in ("zh", "zh-hans", "zh-cn", "zh-sg", "cn"):
        return "zh-hans"
    if key == "en" or key.startswith("en-"):
        return "en"
    return None


def _run(lang: str | None, body: Callable[[], None]) -> None:
    """Run ``body`` in the chosen language; input errors end with exit code 2."""
    _setup_django()
    from django.utils import translation

    language = resolve_language(lang)
    with translation.override(language or "zh-hans"):
        try:
            if language is None:
                raise InputErrors([_invalid_option("--lang", lang or os.environ.get("ALLIES_LANG", ""), LANGUAGES)])
            body()
        except InputErrors as exc:
            _print_errors(exc)
            raise typer.Exit(EXIT_INPUT) from None


def _print_errors(exc: InputErrors) -> None:
    from django.utils.translation import gettext as _

    from allies.partners.messages import error_message, more_errors_message

    lines = [error_message(e, exc.labels) for e in exc.errors]
    if len(lines) == 1:
        typer.echo(lines[0], err=True)
        return
    typer.echo(_("发现 {count} 个问题：").format(count=len(lines)), err=True)
    for line in lines[:MAX_LISTED_ERRORS]:
        typer.echo(f"  - {line}", err=True)
    if len(lines) > MAX_LISTED_ERRORS:
        typer.echo("  " + more_errors_message(len(lines) - MAX_LISTED_ERRORS), err=True)


def _invalid_option(option: str, value, choices) -> ScoringError:
    return ScoringError("invalid_option", {"option": option, "value": value, "choices": list(choices)})


def _key(text: str) -> str:
    """How headers and option names are compared: NFKC, spaces collapsed, case-insensitive."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def parse_number(text: str) -> float | None:
    """A finite number written as text (full-width digits and 1,234,567 accepted), else None."""
    t = unicodedata.normalize("NFKC", str(text)).strip()
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    if not _NUMBER.fullmatch(t):
        return None
    value = float(t)
    return value if math.isfinite(value) else None


def parse_judgement(text: str) -> float | None:
    """A pairwise judgement: a number or a fraction such as 1/3."""
    t = unicodedata.normalize("NFKC", str(text)).strip()
    if "/" in t:
        top, _sep, bottom = t.partition("/")
        a, b = parse_number(top), parse_number(bottom)
        if a is None or b is None or b == 0:
            return None
        return a / b
    return parse_number(t)


def _read(file: Path) -> Table:
    name = str(file)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputErrors([TableError("not_found", {"filename": name})]) from None
    except OSError as exc:
        raise InputErrors([TableError("io_error", {"filename": name, "error": exc.strerror or type(exc).__name__})]) from None
    try:
        return read_table(data, name)
    except TableError as exc:
        raise InputErrors([exc]) from None


def _split_items(text: str) -> list[str]:
    """Items of a comma-separated option (ASCII or full-width commas)."""
    return [item.strip() for item in re.split(r"[,，]", text) if item.strip()]


def _pairs(option: str, text: str | None, example: str, errors: list) -> list[tuple[str, str]]:
    """``key=value`` items of an option, with a syntax error for each malformed one."""
    if text is None:
        return []
    out = []
    for item in _split_items(text):
        key, sep, value = unicodedata.normalize("NFKC", item).partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            errors.append(ScoringError("option_syntax", {"option": option, "text": item, "example": example}))
            continue
        out.append((key, value))
    if not out and not errors:
        errors.append(ScoringError("option_syntax", {"option": option, "text": text, "example": example}))
    return out


def _write_output(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputErrors(
            [ScoringError("output_unwritable", {"path": str(output), "error": exc.strerror or type(exc).__name__})]
        ) from None


def _json_number(value: float) -> float:
    return round(float(value), JSON_DECIMALS)


def format_score(score: float) -> str:
    """4 decimals, trailing zeros dropped down to 2: 8.40, 7.85, 0.6234."""
    text = f"{score:.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


def _cell_value(value: float):
    if math.isnan(value):
        return None
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)


# --------------------------------------------------------------------------- rank


@dataclass
class _Column:
    """A criterion column of the file."""

    code: str  # the criterion code (model) or the header (--weights)
    label: str  # the criterion in messages
    index: int  # column index in the table
    header: str
    weight: float
    direction: str = BENEFIT
    minimum: float | None = None
    aliases: tuple[str, ...] = ()  # keys --cost/--min may use besides the header


def _header_name(table: Table, index: int) -> str:
    from django.utils.translation import gettext as _

    header = table.header[index]
    return header if header else _("{letter} 列（无表头）").format(letter=column_letter(index))


def _find_name_column(table: Table) -> int:
    keys = {_key(h) for h in NAME_HEADERS}
    found = [i for i, h in enumerate(table.header) if _key(h) in keys]
    if not found:
        raise InputErrors([ScoringError("no_name_column")])
    if len(found) > 1:
        raise InputErrors(
            [ScoringError("duplicate_column", {"criterion": table.header[found[0]], "columns": [table.header[i] for i in found]})]
        )
    return found[0]


def _column_is_empty(table: Table, index: int) -> bool:
    return all(row[index] == "" for row in table.rows)


def _model_columns(table: Table, name_index: int, model: ModelSpec, language: str) -> list[_Column]:
    """Match the file's columns to the model's criteria by code, Chinese or English label."""
    labels = {c.code: (c.label_en if language == "en" else c.label_zh) for c in model.criteria}
    by_key: dict[str, str] = {}
    for spec in model.criteria:
        for alias in (spec.code, spec.label_zh, spec.label_en):
            by_key[_key(alias)] = spec.code
    found: dict[str, list[int]] = {}
    unknown: list[str] = []
    for index, header in enumerate(table.header):
        if index == name_index:
            continue
        code = by_key.get(_key(header)) if header else None
        if code is None:
            if header or not _column_is_empty(table, index):
                unknown.append(_header_name(table, index))
            continue
        found.setdefault(code, []).append(index)
    errors: list[Exception] = []
    for code, indexes in found.items():
        if len(indexes) > 1:
            errors.append(
                ScoringError("duplicate_column", {"criterion": code, "columns": [table.header[i] for i in indexes]})
            )
    missing = [spec.code for spec in model.criteria if spec.code not in found]
    if missing:
        spec_codes = {c.code for c in SPEC_EXAMPLE_MODEL.criteria}
        suggest = model.key != SPEC_EXAMPLE_MODEL.key and set(found) == spec_codes and not unknown
        errors.append(ScoringError("missing_criteria", {"criteria": missing, "suggest_spec_example": suggest}))
    if unknown:
        errors.append(ScoringError("unknown_columns", {"columns": unknown, "expected": [c.code for c in model.criteria]}))
    if errors:
        raise InputErrors(errors, labels)
    return [
        _Column(
            code=spec.code,
            label=labels[spec.code],
            index=found[spec.code][0],
            header=table.header[found[spec.code][0]],
            weight=spec.weight,
            direction=spec.direction,
            aliases=(spec.code, spec.label_zh, spec.label_en),
        )
        for spec in model.criteria
    ]


def _weights_columns(table: Table, name_index: int, text: str, errors: list) -> tuple[list[_Column], list[str]]:
    """The columns --weights names (other columns are ignored) and every key it names.

    Problems are appended to ``errors``.
    """
    pairs = _pairs("--weights", text, WEIGHTS_EXAMPLE, errors)
    columns: list[_Column] = []
    seen: set[str] = set()
    for key, raw in pairs:
        if _key(key) in seen:
            errors.append(ScoringError("duplicate_option_column", {"option": "--weights", "column": key}))
            continue
        seen.add(_key(key))
        matches = [i for i, h in enumerate(table.header) if h and _key(h) == _key(key)]
        weight = parse_number(raw)
        if weight is None or weight <= 0:
            errors.append(ScoringError("invalid_weight", {"criterion": key, "value": raw}))
        if not matches:
            available = [h for i, h in enumerate(table.header) if h and i != name_index]
            errors.append(
                ScoringError("unknown_option_column", {"option": "--weights", "column": key, "available": available})
            )
            continue
        if len(matches) > 1:
            errors.append(ScoringError("duplicate_column", {"criterion": key, "columns": [table.header[i] for i in matches]}))
            continue
        if matches[0] == name_index:
            errors.append(ScoringError("unknown_option_column", {"option": "--weights", "column": key}))
            continue
        header = table.header[matches[0]]
        columns.append(_Column(code=header, label=header, index=matches[0], header=header, weight=weight or 0.0))
    return columns, [key for key, _raw in pairs]


def _find_column(columns: list[_Column], key: str) -> _Column | None:
    for column in columns:
        if _key(key) in {_key(a) for a in (column.header, column.code, column.label, *column.aliases)}:
            return column
    return None


def _apply_cost_and_min(
    columns: list[_Column], cost: str | None, minimum: str | None, errors: list, known: list[str] = ()
) -> None:
    """Mark --cost criteria and set --min knock-outs; problems are appended to ``errors``.

    ``known`` are criterion names already reported as wrong (a bad --weights item), so
    they are not reported twice.
    """
    available = [c.code for c in columns]
    known_keys = {_key(k) for k in known}
    seen: set[str] = set()
    for key in _split_items(cost or ""):
        column = _find_column(columns, key)
        if column is None and _key(key) in known_keys:
            continue
        if column is None:
            errors.append(ScoringError("unknown_option_column", {"option": "--cost", "column": key, "available": available}))
        elif column.code in seen:
            errors.append(ScoringError("duplicate_option_column", {"option": "--cost", "column": key}))
        else:
            seen.add(column.code)
            column.direction = COST
    seen = set()
    for key, raw in _pairs("--min", minimum, MIN_EXAMPLE, errors):
        column = _find_column(columns, key)
        value = parse_number(raw)
        if column is None and _key(key) in known_keys:
            continue
        if column is None:
            errors.append(ScoringError("unknown_option_column", {"option": "--min", "column": key, "available": available}))
        elif column.code in seen:
            errors.append(ScoringError("duplicate_option_column", {"option": "--min", "column": key}))
        elif value is None:
            errors.append(ScoringError("invalid_minimum", {"criterion": column.code, "value": raw}))
        else:
            seen.add(column.code)
            column.minimum = value


def _read_candidates(table: Table, name_index: int, columns: list[_Column], ratings: bool) -> tuple[list[str], np.ndarray]:
    """Names and the value matrix; every bad cell is reported. Empty cells are NaN (not rated)."""
    errors: list[Exception] = []
    names: list[str] = []
    rows_of: dict[str, list[int]] = {}
    matrix = np.full((len(table.rows), len(columns)), np.nan)
    low, high = RATING_SCALE
    for i, row in enumerate(table.rows):
        sheet_row = table.row_number(i)
        name = row[name_index].strip()
        names.append(name)
        if not name:
            errors.append(ScoringError("empty_name", {"row": sheet_row}))
        else:
            rows_of.setdefault(name, []).append(sheet_row)
        for j, column in enumerate(columns):
            text = row[column.index].strip()
            if text == "":
                continue
            value = parse_number(text)
            if value is None:
                errors.append(ScoringError("not_numeric", {"row": sheet_row, "column": column.header, "value": text}))
            elif ratings and not (low <= value <= high):
                errors.append(
                    ScoringError(
                        "out_of_range",
                        {"row": sheet_row, "column": column.header, "value": text, "low": low, "high": high},
                    )
                )
            else:
                matrix[i, j] = value
    for name, rows in rows_of.items():
        if len(rows) > 1:
            errors.append(ScoringError("duplicate_name", {"name": name, "rows": rows}))
    # Report in spreadsheet order: duplicates refer to their first row.
    errors.sort(key=lambda e: e.details.get("row", (e.details.get("rows") or [0])[0]))
    if errors:
        raise InputErrors(errors)
    return names, matrix


def _sheet_rows(exc: ScoringError, columns: list[_Column], table: Table) -> ScoringError:
    """A maths error with its row index turned into a spreadsheet row and column into a header."""
    details = dict(exc.details)
    if isinstance(details.get("row"), int):
        details["row"] = table.row_number(details["row"])
    if isinstance(details.get("col"), int) and details["col"] < len(columns):
        details["column"] = columns[details["col"]].header
    return ScoringError(exc.code, details)


def _rank_body(
    file: Path,
    weights: str | None,
    method: str,
    cost: str | None,
    minimum: str | None,
    output_format: str,
    output: Path | None,
    model: str,
) -> None:
    from django.utils.translation import get_language

    language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    errors: list[Exception] = []
    method = method.strip().lower()
    output_format = output_format.strip().lower()
    if method not in scoring.METHODS:
        errors.append(_invalid_option("--method", method, scoring.METHODS))
    if output_format not in FORMATS:
        errors.append(_invalid_option("--format", output_format, FORMATS))
    if weights is None and model not in SHIPPED_MODELS:
        errors.append(_invalid_option("--model", model, list(SHIPPED_MODELS)))
    if output_format == "xlsx" and output is None:
        errors.append(ScoringError("output_required", {"format": "xlsx"}))
    if output is not None and file.exists() and output.exists() and output.resolve() == file.resolve():
        errors.append(ScoringError("output_is_input", {"path": str(output)}))
    if errors:
        raise InputErrors(errors)

    table = _read(file)
    name_index = _find_name_column(table)
    errors = []
    if weights is None:
        columns, known = _model_columns(table, name_index, SHIPPED_MODELS[model], language), []
    else:
        columns, known = _weights_columns(table, name_index, weights, errors)
    labels = {c.code: c.label for c in columns}
    _apply_cost_and_min(columns, cost, minimum, errors, known)
    if errors:
        raise InputErrors(errors, labels)
    ratings = weights is None
    names, matrix = _read_candidates(table, name_index, columns, ratings)
    if not names:
        raise InputErrors([ScoringError("no_candidates")])

    if ratings:
        normalisation, scale = SCALE, RATING_SCALE
    else:
        values = matrix[~np.isnan(matrix)]
        within = bool(((values >= RATING_SCALE[0]) & (values <= RATING_SCALE[1])).all())
        normalisation, scale = (SCALE, RATING_SCALE) if within else (MINMAX, None)
    criteria = [
        Criterion(code=c.code, weight=c.weight, direction=c.direction, knockout_min=c.minimum, scale=scale)
        for c in columns
    ]
    try:
        ranking = scoring.rank(names, matrix, criteria, method=method, normalisation=normalisation)
    except ScoringError as exc:
        raise InputErrors([_sheet_rows(exc, columns, table)], labels) from None
    shown_normalisation = VECTOR if method == TOPSIS else normalisation
    _emit_ranking(ranking, shown_normalisation, columns, matrix, labels, output_format, output)


def _ranking_rows(ranking: Ranking, labels: dict[str, str]) -> list[dict]:
    from allies.partners.messages import candidate_reason

    return [
        {
            "name": c.name,
            "score": _json_number(c.score) if c.score is not None else None,
            "rank": c.rank,
            "excluded_reason": candidate_reason(c, labels),
        }
        for c in ranking.candidates
    ]


def _method_text(method: str) -> str:
    from django.utils.translation import gettext as _

    return _("加权求和（weighted）") if method == WEIGHTED else _("TOPSIS（topsis）")


def _normalisation_text(normalisation: str) -> str:
    from django.utils.translation import gettext as _

    return {
        SCALE: _("按 0–10 评分原值计算（scale）"),
        MINMAX: _("最小-最大归一化（minmax）"),
        VECTOR: _("向量归一化（vector）"),
    }[normalisation]


def _summary(ranking: Ranking, normalisation: str, labels: dict[str, str]) -> list[str]:
    from django.utils.translation import gettext as _

    from allies.partners.messages import join_list

    weights = join_list(f"{labels.get(code, code)} {w:.4g}" for code, w in ranking.weights.items())
    return [
        _("方法：{method}；归一化：{normalisation}").format(
            method=_method_text(ranking.method), normalisation=_normalisation_text(normalisation)
        ),
        _("权重：{weights}").format(weights=weights),
    ]


def _render_table(ranking: Ranking, normalisation: str, labels: dict[str, str], file=None) -> None:
    from django.utils.translation import gettext as _
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    from allies.partners.messages import candidate_reason

    console = Console(file=file, width=120, color_system=None) if file is not None else Console(highlight=False)
    table = RichTable(title=Text(_("伙伴初筛排名")))
    table.add_column(Text(_("排名")), justify="right")
    table.add_column(Text(_("名称")))
    table.add_column(Text(_("得分")), justify="right")
    table.add_column(Text(_("说明")))
    for c in ranking.candidates:
        table.add_row(
            Text(str(c.rank) if c.rank is not None else "—"),
            Text(c.name),
            Text(format_score(c.score) if c.score is not None else "—"),
            Text(candidate_reason(c, labels) or ""),
        )
    console.print(table)
    for line in _summary(ranking, normalisation, labels):
        console.print(Text(line), soft_wrap=True)


def _emit_ranking(
    ranking: Ranking,
    normalisation: str,
    columns: list[_Column],
    matrix: np.ndarray,
    labels: dict[str, str],
    output_format: str,
    output: Path | None,
) -> None:
    from django.utils.translation import gettext as _

    rows = _ranking_rows(ranking, labels)
    if output_format == "json":
        document = {
            "method": ranking.method,
            "normalisation": normalisation,
            "weights": {code: _json_number(w) for code, w in ranking.weights.items()},
            "ranking": rows,
        }
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        data = text.encode("utf-8")
    elif output_format == "table":
        if output is None:
            _render_table(ranking, normalisation, labels)
            return
        buffer = io.StringIO()
        _render_table(ranking, normalisation, labels, file=buffer)
        text = buffer.getvalue()
        data = text.encode("utf-8")
    else:
        header = ["rank", "name", "score", "excluded_reason", *[c.header for c in columns]]
        body = [
            [r["rank"], r["name"], r["score"], r["excluded_reason"], *[_cell_value(v) for v in matrix[c.index]]]
            for r, c in zip(rows, ranking.candidates)
        ]
        data = write_csv(header, body) if output_format == "csv" else write_xlsx(header, body, _("排名"))
        text = data.decode("utf-8-sig") if output_format == "csv" else ""

    if output is None:
        typer.echo(text, nl=False)
        if output_format == "csv":
            for line in _summary(ranking, normalisation, labels):
                typer.echo(line, err=True)
        return
    _write_output(output, data)
    typer.echo(_("已将排名写入 {path}。").format(path=output))
    for line in _summary(ranking, normalisation, labels):
        typer.echo(line)


def rank(
    file: Annotated[
        Path,
        typer.Argument(help="Spreadsheet (.xlsx/.csv): a name column (name/名称) and one column per criterion. 候选伙伴表格。", show_default=False),
    ],
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help="Criteria and weights as COLUMN=WEIGHT,... (columns may hold any numbers). 以“列名=权重”指定指标。",
        ),
    ] = None,
    method: Annotated[str, typer.Option("--method", help="weighted | topsis. 评分方法。")] = WEIGHTED,
    cost: Annotated[
        str | None, typer.Option("--cost", help="Cost criteria, lower is better: COL,... 成本型（越小越好）指标。")
    ] = None,
    minimum: Annotated[
        str | None, typer.Option("--min", help="Knock-out minimums: COL=VALUE,... 一票否决的最低值。")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="table | json | csv | xlsx. 输出格式。")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (required for xlsx). 输出文件。")
    ] = None,
    model: Annotated[
        str, typer.Option("--model", help="Shipped model when --weights is not given: default | spec-example. 评分模型。")
    ] = "default",
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh-hans | en (default: $ALLIES_LANG or zh-hans). 语言。")
    ] = None,
) -> None:
    """Rank candidate partners from a spreadsheet. 根据表格对候选伙伴评分排名。"""
    _run(lang, lambda: _rank_body(file, weights, method, cost, minimum, output_format, output, model))


# --------------------------------------------------------------------------- AHP


def _cell_ref(table: Table, row: int, col: int) -> str:
    """Spreadsheet cell of matrix entry (row, col): names are in row 1 and column A."""
    return f"{column_letter(col + 1)}{table.row_number(row)}"


def _judgement_details(table: Table, names: list[str], i: int, j: int, text) -> dict:
    return {
        "cell": _cell_ref(table, i, j),
        "row_name": names[i],
        "col_name": names[j],
        "value": text,
    }


def _ahp_matrix(table: Table) -> tuple[list[str], np.ndarray]:
    """Criterion names and the pairwise matrix; every bad cell is reported."""
    names = [h.strip() for h in table.header[1:]]
    n = len(names)
    if n < 2:
        raise InputErrors([ScoringError("ahp_too_small", {"size": n})])
    if n > scoring.AHP_MAX_CRITERIA:
        raise InputErrors([ScoringError("ahp_too_large", {"size": n, "maximum": scoring.AHP_MAX_CRITERIA})])
    if len(table.rows) != n:
        raise InputErrors([ScoringError("ahp_not_square", {"shape": [len(table.rows), n]})])

    errors: list[Exception] = []
    cells_of: dict[str, list[str]] = {}
    for j, name in enumerate(names):
        cell = f"{column_letter(j + 1)}1"
        if not name:
            errors.append(ScoringError("ahp_empty_name", {"cell": cell}))
        else:
            cells_of.setdefault(_key(name), []).append(cell)
    for j, cells in cells_of.items():
        if len(cells) > 1:
            name = names[[_key(x) for x in names].index(j)]
            errors.append(ScoringError("ahp_duplicate_name", {"name": name, "cells": cells}))
    for i, row in enumerate(table.rows):
        found = row[0].strip()
        if _key(found) != _key(names[i]):
            errors.append(
                ScoringError("ahp_header_mismatch", {"cell": f"A{table.row_number(i)}", "found": found, "expected": names[i]})
            )
    if errors:
        raise InputErrors(errors)

    a = np.full((n, n), np.nan)
    texts = [[row[j + 1].strip() for j in range(n)] for row in table.rows]
    valid = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(n):
            text = texts[i][j]
            value = parse_judgement(text)
            details = _judgement_details(table, names, i, j, text)
            if value is None:
                errors.append(ScoringError("ahp_not_numeric", details))
            elif value <= 0:
                errors.append(ScoringError("ahp_not_positive", details))
            elif i == j and abs(value - 1.0) > 1e-9:
                errors.append(ScoringError("ahp_diagonal", details))
            elif value < scoring.SAATY_MIN * (1 - 1e-2) or value > scoring.SAATY_MAX * (1 + 1e-9):
                errors.append(ScoringError("ahp_out_of_scale", details))
            else:
                a[i, j] = value
                valid[i, j] = True
    for i in range(n):
        for j in range(i + 1, n):
            if valid[i, j] and valid[j, i] and abs(a[i, j] * a[j, i] - 1.0) > 2e-2:
                details = _judgement_details(table, names, i, j, texts[i][j])
                mirror = _judgement_details(table, names, j, i, texts[j][i])
                details.update({f"mirror_{k}": v for k, v in mirror.items() if k != "value"})
                details["mirror"] = texts[j][i]
                errors.append(ScoringError("ahp_not_reciprocal", details))
    if errors:
        errors.sort(key=lambda e: (int(re.sub(r"\D", "", e.details["cell"])), len(e.details["cell"]), e.details["cell"]))
        raise InputErrors(errors)
    return names, a


def _format_judgement(value: float) -> str:
    """3, 1/3 or 2.50: a Saaty judgement as people write it."""
    if abs(value - round(value)) < 1e-6 and round(value) >= 1:
        return str(round(value))
    if 0 < value < 1 and abs(1.0 / value - round(1.0 / value)) < 1e-6:
        return f"1/{round(1.0 / value)}"
    return f"{value:.2f}"


def _ahp_body(file: Path, output_format: str) -> None:
    from django.utils.translation import gettext as _

    output_format = output_format.strip().lower()
    if output_format not in AHP_FORMATS:
        raise InputErrors([_invalid_option("--format", output_format, AHP_FORMATS)])
    table = _read(file)
    names, matrix = _ahp_matrix(table)
    try:
        result = scoring.ahp_weights(matrix)
    except ScoringError as exc:  # the checks above should have caught it; name the cell anyway
        details = dict(exc.details)
        if isinstance(details.get("row"), int) and isinstance(details.get("col"), int):
            details.update(_judgement_details(table, names, details["row"], details["col"], details.get("value")))
        raise InputErrors([ScoringError(exc.code, details)]) from None

    if output_format == "json":
        document = {
            "weights": {name: _json_number(w) for name, w in zip(names, result.weights)},
            "consistency_ratio": _json_number(result.consistency_ratio),
            "consistent": bool(result.consistent),
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return

    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    console = Console(highlight=False)
    weights_table = RichTable(title=Text(_("AHP 权重")))
    weights_table.add_column(Text(_("指标")))
    weights_table.add_column(Text(_("权重")), justify="right")
    for name, w in zip(names, result.weights):
        weights_table.add_row(Text(name), Text(f"{w:.4f}"))
    console.print(weights_table)
    console.print(
        Text(
            _("λmax = {lambda_max}，CI = {ci}，RI = {ri}，CR = {cr}").format(
                lambda_max=f"{result.lambda_max:.4f}",
                ci=f"{result.consistency_index:.4f}",
                ri=f"{result.random_index:.2f}",
                cr=f"{result.consistency_ratio:.4f}",
            )
        )
    )
    limit = f"{scoring.AHP_CONSISTENCY_LIMIT:.2f}"
    if result.consistent:
        console.print(Text(_("一致性比率 CR ≤ {limit}：判断矩阵满足一致性。").format(limit=limit)))
        return
    console.print(Text(_("一致性比率 CR > {limit}：判断矩阵不一致，建议复核以下判断：").format(limit=limit)))
    for j in result.worst_judgements():
        console.print(
            Text(
                "  - "
                + _("单元格 {cell}（“{row_name}”对“{col_name}”）：给出 {given}，按权重约为 {implied}").format(
                    cell=_cell_ref(table, j.row, j.col),
                    row_name=names[j.row],
                    col_name=names[j.col],
                    given=_format_judgement(j.value),
                    implied=f"{j.implied:.2f}",
                )
            )
        )


def weights_ahp(
    file: Annotated[
        Path,
        typer.Argument(
            help="Spreadsheet (.xlsx/.csv) with a square pairwise matrix; row 1 and column A name the criteria. 两两比较矩阵。",
            show_default=False,
        ),
    ],
    output_format: Annotated[str, typer.Option("--format", help="table | json. 输出格式。")] = "table",
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh-hans | en (default: $ALLIES_LANG or zh-hans). 语言。")
    ] = None,
) -> None:
    """Criterion weights from a Saaty pairwise matrix (AHP) with its consistency ratio. 层次分析法求权重。"""
    _run(lang, lambda: _ahp_body(file, output_format))
