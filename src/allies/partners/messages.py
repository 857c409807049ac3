"""Screening and spreadsheet error codes as messages in the active language.

The maths (:mod:`allies.domain.scoring`) and the spreadsheet reader
(:mod:`allies.core.tabular`) raise errors with a stable ``code`` and ``details``; the
CLI, the web pages and the API turn them into text here, so a user reads the same
sentence everywhere. Besides the codes those two modules raise, the input layers that
check a spreadsheet before it reaches the maths (``allies rank``, imports) use the codes
listed in :data:`INPUT_CODES` with :class:`ScoringError`, and ``not_found`` /
``io_error`` with :class:`TableError`.

Row numbers in ``details`` are printed as given: callers pass spreadsheet rows (header =
row 1), not list indices. ``labels`` maps a criterion code to its display label.

msgids are the zh-hans text (project convention); other languages come from catalogs.
Placeholders are named so translators can reorder them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

from django.utils.translation import gettext as _

from allies.core.tabular import TableError
from allies.domain.scoring import KnockOut, RankedCandidate, ScoringError

MISSING = "?"

INPUT_CODES = (
    "no_candidates",
    "no_name_column",
    "empty_name",
    "duplicate_column",
    "not_numeric",
    "out_of_range",
    "missing_criteria",
    "unknown_columns",
    "unknown_option_column",
    "duplicate_option_column",
    "option_syntax",
    "invalid_minimum",
    "invalid_option",
    "output_required",
    "output_is_input",
    "output_unwritable",
    "ahp_header_mismatch",
    "ahp_empty_name",
    "ahp_duplicate_name",
)
"""Codes raised (as :class:`ScoringError`) by the layers that validate spreadsheet input."""


# --------------------------------------------------------------------------- formatting


def format_value(value) -> str:
    """A number as people write it (8, 8.5, 0.3333333333); anything else as text."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".10g")
    return str(value)


def join_list(items: Iterable) -> str:
    """Items joined with the list separator of the active language."""
    # Translators: separator between items of a list, e.g. ", " in English.
    return _("、").join(format_value(i) for i in items)


def _get(details: Mapping, key: str) -> str:
    value = details.get(key)
    if isinstance(value, (list, tuple)):
        return join_list(value) if value else MISSING
    return format_value(value)


def _label(details: Mapping, key: str, labels: Mapping[str, str] | None) -> str:
    value = details.get(key)
    if value is None:
        return MISSING
    if labels and str(value) in labels:
        return str(labels[str(value)])
    return format_value(value)


def _labels_list(details: Mapping, key: str, labels: Mapping[str, str] | None) -> str:
    values = details.get(key) or []
    if isinstance(values, str):
        values = [values]
    if not values:
        return MISSING
    return join_list(labels.get(str(v), v) if labels else v for v in values)


def _cell(details: Mapping, prefix: str = "") -> str:
    """Where a pairwise judgement is: its spreadsheet cell and the two criteria if known."""
    cell = details.get(prefix + "cell")
    row_name = details.get(prefix + "row_name")
    col_name = details.get(prefix + "col_name")
    if cell is not None and row_name is not None and col_name is not None:
        return _("单元格 {cell}（“{row_name}”对“{col_name}”）").format(
            cell=cell, row_name=row_name, col_name=col_name
        )
    if cell is not None:
        return _("单元格 {cell}").format(cell=cell)
    row, col = details.get("row"), details.get("col")
    if prefix:  # the mirror of (row, col)
        row, col = col, row
    return _("第 {row} 行第 {col} 列").format(row=format_value(row), col=format_value(col))


def _shape(details: Mapping) -> tuple[str, str]:
    shape = details.get("shape") or []
    if len(shape) == 2:
        return format_value(shape[0]), format_value(shape[1])
    if len(shape) == 1:
        return format_value(shape[0]), "1"
    return MISSING, MISSING


# --------------------------------------------------------------------------- scoring codes

Formatter = Callable[[Mapping, "Mapping[str, str] | None"], str]


def _ahp_not_numeric(d: Mapping, labels) -> str:
    if "cell" in d or "row" in d:
        return _("{cell}的值“{value}”不是数字或分数（例如 3 或 1/3）。").format(
            cell=_cell(d), value=_get(d, "value")
        )
    return _("两两比较矩阵中有不是数字的值。")


def _ahp_not_square(d: Mapping, labels) -> str:
    rows, cols = _shape(d)
    return _("两两比较矩阵必须是方阵（行数等于列数），现在是 {rows} 行 × {cols} 列。").format(rows=rows, cols=cols)


def _matrix_shape(d: Mapping, labels) -> str:
    _rows, cols = _shape(d)
    return _("评分数据有 {columns} 列，但评分模型有 {criteria} 个指标。").format(
        columns=cols, criteria=_get(d, "criteria")
    )


def _not_finite(d: Mapping, labels) -> str:
    column = d.get("column", d.get("col"))
    return _("第 {row} 行“{column}”列的值不是有限的数字。").format(
        row=_get(d, "row"), column=format_value(column)
    )


def _duplicate_name(d: Mapping, labels) -> str:
    rows = d.get("rows")
    if rows is None:
        rows = [d["row"]] if "row" in d else []
    return _("名称“{name}”重复出现在第 {rows} 行。").format(
        name=_get(d, "name"), rows=join_list(rows) if rows else MISSING
    )


def _missing_criteria(d: Mapping, labels) -> str:
    criteria = _labels_list(d, "criteria", labels)
    if d.get("suggest_spec_example"):
        return _(
            "缺少指标列：{criteria}。这个文件正好有规范示例的五个指标列：请加上 --model spec-example，"
            "或用 --weights 为各列指定权重。"
        ).format(criteria=criteria)
    return _("缺少指标列：{criteria}。").format(criteria=criteria)


def _unknown_columns(d: Mapping, labels) -> str:
    columns = _labels_list(d, "columns", None)
    if d.get("expected"):
        return _("无法识别的列：{columns}。每一列都必须是名称列或评分模型的指标：{expected}。").format(
            columns=columns, expected=_labels_list(d, "expected", labels)
        )
    return _("无法识别的列：{columns}。").format(columns=columns)


def _unknown_option_column(d: Mapping, labels) -> str:
    option, column = _get(d, "option"), _get(d, "column")
    if d.get("available"):
        return _("{option} 中的“{column}”不是评分指标。可用的指标：{available}。").format(
            option=option, column=column, available=_labels_list(d, "available", labels)
        )
    return _("{option} 中的“{column}”不是评分指标。").format(option=option, column=column)


def _option_syntax(d: Mapping, labels) -> str:
    return _("无法理解 {option} 中的“{text}”：应写成“列名=数值”，多项之间用逗号分隔，例如 {example}。").format(
        option=_get(d, "option"), text=_get(d, "text"), example=_get(d, "example")
    )


def _output_unwritable(d: Mapping, labels) -> str:
    return _("无法写入输出文件“{path}”：{error}。").format(path=_get(d, "path"), error=_get(d, "error"))


SCORING_MESSAGES: dict[str, Formatter] = {
    # -- raised by allies.domain.scoring
    "no_criteria": lambda d, labels: _("评分模型没有任何指标。"),
    "invalid_weight": lambda d, labels: _("指标“{criterion}”的权重“{value}”无效：权重必须是大于 0 的数字。").format(
        criterion=_label(d, "criterion", labels), value=_get(d, "value")
    ),
    "ahp_not_numeric": _ahp_not_numeric,
    "ahp_not_square": _ahp_not_square,
    "ahp_too_small": lambda d, labels: _("两两比较至少需要 2 个指标，现在只有 {size} 个。").format(size=_get(d, "size")),
    "ahp_too_large": lambda d, labels: _("两两比较最多支持 {maximum} 个指标，现在有 {size} 个。").format(
        maximum=_get(d, "maximum"), size=_get(d, "size")
    ),
    "ahp_not_positive": lambda d, labels: _("{cell}的值“{value}”必须大于 0。").format(
        cell=_cell(d), value=_get(d, "value")
    ),
    "ahp_diagonal": lambda d, labels: _("{cell}在对角线上（指标与自身比较），值必须是 1，现在是“{value}”。").format(
        cell=_cell(d), value=_get(d, "value")
    ),
    "ahp_out_of_scale": lambda d, labels: _("{cell}的值“{value}”超出 Saaty 标度（1/9 到 9）。").format(
        cell=_cell(d), value=_get(d, "value")
    ),
    "ahp_not_reciprocal": lambda d, labels: _(
        "{cell}的值“{value}”与对称位置{mirror_cell}的值“{mirror}”不互为倒数（两者相乘应等于 1）。"
    ).format(cell=_cell(d), value=_get(d, "value"), mirror_cell=_cell(d, "mirror_"), mirror=_get(d, "mirror")),
    "matrix_shape": _matrix_shape,
    "not_finite": _not_finite,
    "invalid_direction": lambda d, labels: _(
        "指标“{criterion}”的方向“{value}”无效：只能是 benefit（越大越好）或 cost（越小越好）。"
    ).format(criterion=_label(d, "criterion", labels), value=_get(d, "value")),
    "cost_needs_scale": lambda d, labels: _(
        "指标“{criterion}”是成本型指标（越小越好），但没有已知的评分范围，请改用最小-最大归一化（minmax）。"
    ).format(criterion=_label(d, "criterion", labels)),
    "invalid_normalisation": lambda d, labels: _("归一化方式“{value}”无效：只能是 scale 或 minmax。").format(
        value=_get(d, "value")
    ),
    "invalid_method": lambda d, labels: _("评分方法“{value}”无效：只能是 weighted（加权求和）或 topsis。").format(
        value=_get(d, "value")
    ),
    "duplicate_name": _duplicate_name,
    "names_shape": lambda d, labels: _("名称有 {names} 个，但评分数据有 {rows} 行。").format(
        names=_get(d, "names"), rows=_get(d, "rows")
    ),
    "invalid_samples": lambda d, labels: _("抽样次数“{value}”无效：至少为 1。").format(value=_get(d, "value")),
    "invalid_concentration": lambda d, labels: _("集中度参数“{value}”无效：必须是大于 0 的有限数字。").format(
        value=_get(d, "value")
    ),
    # -- raised by the layers that check spreadsheet input (INPUT_CODES)
    "no_candidates": lambda d, labels: _("文件中没有候选伙伴：表头下面没有数据行。"),
    "no_name_column": lambda d, labels: _("找不到名称列：表头中需要有“名称”或“name”列。"),
    "empty_name": lambda d, labels: _("第 {row} 行的名称为空。").format(row=_get(d, "row")),
    "duplicate_column": lambda d, labels: _("“{criterion}”对应了多个列：{columns}。请只保留一列。").format(
        criterion=_label(d, "criterion", labels), columns=_labels_list(d, "columns", None)
    ),
    "not_numeric": lambda d, labels: _("第 {row} 行“{column}”列的值“{value}”不是数字。").format(
        row=_get(d, "row"), column=_get(d, "column"), value=_get(d, "value")
    ),
    "out_of_range": lambda d, labels: _("第 {row} 行“{column}”列的值“{value}”超出评分范围 {low} 到 {high}。").format(
        row=_get(d, "row"), column=_get(d, "column"), value=_get(d, "value"), low=_get(d, "low"), high=_get(d, "high")
    ),
    "missing_criteria": _missing_criteria,
    "unknown_columns": _unknown_columns,
    "unknown_option_column": _unknown_option_column,
    "duplicate_option_column": lambda d, labels: _("{option} 中的“{column}”出现了不止一次。").format(
        option=_get(d, "option"), column=_get(d, "column")
    ),
    "option_syntax": _option_syntax,
    "invalid_minimum": lambda d, labels: _("“{criterion}”的最低要求“{value}”不是数字。").format(
        criterion=_label(d, "criterion", labels), value=_get(d, "value")
    ),
    "invalid_option": lambda d, labels: _("{option} 的值“{value}”无效，可选：{choices}。").format(
        option=_get(d, "option"), value=_get(d, "value"), choices=_get(d, "choices")
    ),
    "output_required": lambda d, labels: _("{format} 格式需要用 --output 指定输出文件。").format(
        format=_get(d, "format")
    ),
    "output_is_input": lambda d, labels: _("输出文件不能是输入文件本身：{path}。").format(path=_get(d, "path")),
    "output_unwritable": _output_unwritable,
    "ahp_header_mismatch": lambda d, labels: _(
        "单元格 {cell} 的名称“{found}”与第一行对应位置的“{expected}”不一致：第一行与第一列必须按相同顺序列出相同的指标。"
    ).format(cell=_get(d, "cell"), found=_get(d, "found"), expected=_get(d, "expected")),
    "ahp_empty_name": lambda d, labels: _("单元格 {cell} 的指标名称为空。").format(cell=_get(d, "cell")),
    "ahp_duplicate_name": lambda d, labels: _("指标名称“{name}”重复出现在单元格 {cells}。").format(
        name=_get(d, "name"), cells=_get(d, "cells")
    ),
}


def scoring_error_message(exc: ScoringError, labels: dict[str, str] | None = None) -> str:
    """The message for a :class:`ScoringError` in the active language."""
    formatter = SCORING_MESSAGES.get(exc.code)
    if formatter is None:
        return _("评分数据有误（{code}）。").format(code=exc.code)
    return formatter(exc.details or {}, labels)


# --------------------------------------------------------------------------- table codes


TABLE_MESSAGES: dict[str, Callable[[Mapping], str]] = {
    # -- raised by allies.core.tabular
    "file_type": lambda d: _("无法读取“{filename}”：只支持 {allowed} 文件。").format(
        filename=_get(d, "filename"), allowed=_get(d, "allowed")
    ),
    "empty": lambda d: _("文件“{filename}”是空的。").format(filename=_get(d, "filename")),
    "encoding": lambda d: _("无法识别 CSV 文件的文字编码（试过 {tried}）：请另存为 UTF-8 或 GBK 编码。").format(
        tried=_get(d, "tried")
    ),
    "no_header": lambda d: _("文件“{filename}”没有表头行。").format(filename=_get(d, "filename")),
    "unreadable": lambda d: _("无法读取文件“{filename}”：文件已损坏，或不是有效的 Excel（.xlsx）文件。").format(
        filename=_get(d, "filename")
    ),
    # -- raised by callers that open the file themselves
    "not_found": lambda d: _("找不到文件“{filename}”。").format(filename=_get(d, "filename")),
    "io_error": lambda d: _("无法读取文件“{filename}”：{error}。").format(
        filename=_get(d, "filename"), error=_get(d, "error")
    ),
}


def table_error_message(exc: TableError) -> str:
    """The message for a :class:`TableError` in the active language."""
    formatter = TABLE_MESSAGES.get(exc.code)
    if formatter is None:
        return _("无法读取文件（{code}）。").format(code=exc.code)
    return formatter(exc.details or {})


def error_message(exc: Exception, labels: dict[str, str] | None = None) -> str:
    """Either kind of error as a message; anything else as its text."""
    if isinstance(exc, ScoringError):
        return scoring_error_message(exc, labels)
    if isinstance(exc, TableError):
        return table_error_message(exc)
    return str(exc)


def more_errors_message(count: int) -> str:
    return _("……另有 {count} 个问题未列出。").format(count=count)


# --------------------------------------------------------------------------- ranking reasons


def knockout_reason(knockouts: Iterable[KnockOut], labels: dict[str, str] | None = None) -> str:
    parts = [
        _("“{criterion}”为 {value}，低于最低要求 {minimum}").format(
            criterion=(labels or {}).get(k.code, k.code), value=format_value(k.value), minimum=format_value(k.minimum)
        )
        for k in knockouts
    ]
    # Translators: separator between knock-out reasons.
    return _("；").join(parts)


def incomplete_reason(missing: Iterable[str], labels: dict[str, str] | None = None) -> str:
    names = [(labels or {}).get(code, code) for code in missing]
    return _("评分不完整，缺少：{criteria}").format(criteria=join_list(names))


def candidate_reason(candidate: RankedCandidate, labels: dict[str, str] | None = None) -> str | None:
    """Why a candidate was not ranked, or None if it was."""
    if candidate.status == "incomplete":
        return incomplete_reason(candidate.missing, labels)
    if candidate.status == "excluded":
        return knockout_reason(candidate.knockouts, labels)
    return None
