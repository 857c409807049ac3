"""`allies rank` and `allies weights ahp` on real spreadsheet files, without a database."""

import csv
import io
import json
import math
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from allies.cli import screening
from allies.cli.main import app
from allies.core import tabular
from allies.core.tabular import TableError
from allies.domain import scoring
from allies.domain.scoring import ScoringError

SPEC_HEADER = ["名称", "战略匹配度", "资源互补性", "财务健康度", "市场声誉", "文化兼容性"]
SPEC_ROWS = [
    ["伙伴A", 8, 9, 7, 8, 6],
    ["伙伴B", 9, 7, 9, 9, 8],
    ["伙伴C", 7, 8, 6, 7, 9],
]
SPEC_WEIGHTS = "战略匹配度=0.3,资源互补性=0.25,财务健康度=0.2,市场声誉=0.15,文化兼容性=0.1"
SPEC_SCORES = {"伙伴B": 8.40, "伙伴A": 7.85, "伙伴C": 7.25}

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def django_for_translations():
    screening._setup_django()


def run(*args, lang=None):
    """Invoke `allies ...` with a clean language environment."""
    env = {"ALLIES_LANG": lang}
    return runner.invoke(app, [str(a) for a in args], env=env)


def write_csv(path: Path, rows, encoding="utf-8-sig") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def spec_file(tmp_path, kind="csv"):
    rows = [SPEC_HEADER, *SPEC_ROWS]
    if kind == "xlsx":
        return write_xlsx(tmp_path / "spec.xlsx", rows)
    if kind == "gb18030":
        return write_csv(tmp_path / "spec.csv", rows, encoding="gb18030")
    return write_csv(tmp_path / "spec.csv", rows)


def ranking_json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_input_error(result, *fragments, output: Path | None = None):
    """Exit 2, a message (not a traceback) naming every fragment, and no output file."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert str(fragment) in result.stderr, (fragment, result.stderr)
    if output is not None:
        assert not output.exists()


# --------------------------------------------------------------------------- the spec example


@pytest.mark.parametrize("kind", ["csv", "gb18030", "xlsx"])
def test_spec_example_with_spec_model(tmp_path, kind):
    data = ranking_json(run("rank", spec_file(tmp_path, kind), "--model", "spec-example", "--format", "json"))
    assert set(data) == {"method", "normalisation", "weights", "ranking"}
    assert data["method"] == "weighted"
    assert data["normalisation"] == "scale"
    assert data["weights"] == pytest.approx(
        {
            "strategic_fit": 0.3,
            "resource_complementarity": 0.25,
            "financial_health": 0.2,
            "market_reputation": 0.15,
            "cultural_compatibility": 0.1,
        }
    )
    assert [r["name"] for r in data["ranking"]] == ["伙伴B", "伙伴A", "伙伴C"]
    assert [r["rank"] for r in data["ranking"]] == [1, 2, 3]
    for row in data["ranking"]:
        assert row["score"] == pytest.approx(SPEC_SCORES[row["name"]], abs=1e-9)
        assert row["excluded_reason"] is None
        assert set(row) == {"name", "score", "rank", "excluded_reason"}


def test_spec_example_with_weights_option(tmp_path):
    data = ranking_json(run("rank", spec_file(tmp_path), "--weights", SPEC_WEIGHTS, "--format", "json"))
    assert data["normalisation"] == "scale"
    assert list(data["weights"]) == SPEC_HEADER[1:]
    assert data["weights"]["战略匹配度"] == pytest.approx(0.3)
    assert [(r["name"], round(r["score"], 2)) for r in data["ranking"]] == [
        ("伙伴B", 8.40),
        ("伙伴A", 7.85),
        ("伙伴C", 7.25),
    ]


def test_weights_option_is_normalised_and_ignores_other_columns(tmp_path):
    rows = [[*SPEC_HEADER, "备注"], *[[*r, "随便写"] for r in SPEC_ROWS]]
    path = write_csv(tmp_path / "spec.csv", rows)
    data = ranking_json(run("rank", path, "--weights", "战略匹配度=3,文化兼容性=1", "--format", "json"))
    assert data["weights"] == pytest.approx({"战略匹配度": 0.75, "文化兼容性": 0.25})
    scores = {r["name"]: r["score"] for r in data["ranking"]}
    assert scores == pytest.approx({"伙伴A": 7.5, "伙伴B": 8.75, "伙伴C": 7.5})
    assert [r["rank"] for r in data["ranking"]] == [1, 2, 2]


def test_default_model_matches_codes_and_labels_in_both_languages(tmp_path):
    header = ["NAME", " strategic_fit ", "Resource Complementarity", "财务健康度", "market_reputation", "文化兼容性", "Willingness to cooperate"]
    rows = [header, ["甲", 10, 10, 10, 10, 10, 10], ["乙", 0, 0, 0, 0, 0, 10]]
    data = ranking_json(run("rank", write_xlsx(tmp_path / "six.xlsx", rows), "--format", "json"))
    assert list(data["weights"]) == [
        "strategic_fit",
        "resource_complementarity",
        "financial_health",
        "market_reputation",
        "cultural_compatibility",
        "willingness",
    ]
    assert data["weights"]["strategic_fit"] == pytest.approx(0.25)
    scores = {r["name"]: r["score"] for r in data["ranking"]}
    assert scores == pytest.approx({"甲": 10.0, "乙": 1.5})


def test_table_format_lists_best_first_with_scores(tmp_path):
    result = run("rank", spec_file(tmp_path), "--model", "spec-example")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("伙伴B") < out.index("伙伴A") < out.index("伙伴C")
    for score in ("8.40", "7.85", "7.25"):
        assert score in out
    assert "scale" in out


def test_topsis(tmp_path):
    data = ranking_json(run("rank", spec_file(tmp_path), "--model", "spec-example", "--method", "topsis", "--format", "json"))
    assert data["method"] == "topsis"
    assert data["normalisation"] == "vector"
    # TOPSIS by hand: vector-normalise, weight, distances to the ideal best and worst.
    weights = [0.3, 0.25, 0.2, 0.15, 0.1]
    columns = list(zip(*[r[1:] for r in SPEC_ROWS]))
    norms = [math.sqrt(sum(v * v for v in col)) for col in columns]
    weighted = [[w * v / n for v, w, n in zip(r[1:], weights, norms)] for r in SPEC_ROWS]
    best = [max(col) for col in zip(*weighted)]
    worst = [min(col) for col in zip(*weighted)]
    expected = {}
    for row, values in zip(SPEC_ROWS, weighted):
        d_best = math.dist(values, best)
        d_worst = math.dist(values, worst)
        expected[row[0]] = d_worst / (d_best + d_worst)
    assert {r["name"]: r["score"] for r in data["ranking"]} == pytest.approx(expected, abs=1e-9)
    assert [r["name"] for r in data["ranking"]] == sorted(expected, key=expected.get, reverse=True)


def test_raw_indicators_use_minmax_and_cost(tmp_path):
    rows = [["名称", "营收", "负债率"], ["X", 100, 80], ["Y", 50, 20], ["Z", 0, 50]]
    path = write_csv(tmp_path / "raw.csv", rows)
    data = ranking_json(run("rank", path, "--weights", "营收=1,负债率=1", "--cost", "负债率", "--format", "json"))
    assert data["normalisation"] == "minmax"
    assert [(r["name"], r["score"]) for r in data["ranking"]] == [("Y", 0.75), ("X", 0.5), ("Z", 0.25)]
    # Without --cost a high debt ratio counts as good: X wins instead.
    data = ranking_json(run("rank", path, "--weights", "营收=1,负债率=1", "--format", "json"))
    assert data["ranking"][0]["name"] == "X"
    assert data["ranking"][0]["score"] == pytest.approx(1.0)


def test_cost_on_ratings_reverses_the_scale(tmp_path):
    data = ranking_json(
        run("rank", spec_file(tmp_path), "--model", "spec-example", "--cost", "财务健康度", "--format", "json")
    )
    scores = {r["name"]: r["score"] for r in data["ranking"]}
    # financial health enters as 10 - value: B 8.40 - 0.2*9 + 0.2*1 = 6.80, etc.
    assert scores == pytest.approx({"伙伴A": 7.05, "伙伴B": 6.8, "伙伴C": 6.85})


def test_knockout_minimum_is_listed_last_with_reason(tmp_path):
    result = run("rank", spec_file(tmp_path), "--model", "spec-example", "--min", "文化兼容性=7", "--format", "json")
    data = ranking_json(result)
    assert [r["name"] for r in data["ranking"]] == ["伙伴B", "伙伴C", "伙伴A"]
    assert [r["rank"] for r in data["ranking"]] == [1, 2, None]
    excluded = data["ranking"][-1]
    assert excluded["score"] is None
    assert "文化兼容性" in excluded["excluded_reason"]
    assert "6" in excluded["excluded_reason"] and "7" in excluded["excluded_reason"]


def test_missing_rating_makes_the_candidate_incomplete(tmp_path):
    rows = [SPEC_HEADER, ["伙伴A", 8, 9, 7, 8, 6], ["伙伴C", 7, 8, 6, "", 9], ["伙伴B", 9, 7, 9, 9, 8]]
    data = ranking_json(run("rank", write_csv(tmp_path / "gap.csv", rows), "--model", "spec-example", "--format", "json"))
    assert [r["name"] for r in data["ranking"]] == ["伙伴B", "伙伴A", "伙伴C"]
    incomplete = data["ranking"][-1]
    assert incomplete["score"] is None and incomplete["rank"] is None
    assert "市场声誉" in incomplete["excluded_reason"]
    assert data["ranking"][0]["score"] == pytest.approx(8.40)


# --------------------------------------------------------------------------- output files


def test_csv_output_file_neutralises_formulas(tmp_path):
    rows = [SPEC_HEADER, *SPEC_ROWS, ["=HYPERLINK(\"x\")", 1, 1, 1, 1, 1]]
    out = tmp_path / "out.csv"
    result = run("rank", write_csv(tmp_path / "in.csv", rows), "--model", "spec-example", "--format", "csv", "--output", out)
    assert result.exit_code == 0, result.output
    assert "scale" in result.stdout
    records = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert records[0] == ["rank", "name", "score", "excluded_reason", *SPEC_HEADER[1:]]
    assert records[1][:3] == ["1", "伙伴B", "8.4"]
    assert records[1][4:] == ["9", "7", "9", "9", "8"]
    assert records[-1][1] == "'=HYPERLINK(\"x\")"


def test_csv_to_stdout(tmp_path):
    result = run("rank", spec_file(tmp_path), "--model", "spec-example", "--format", "csv")
    assert result.exit_code == 0, result.output
    records = list(csv.reader(io.StringIO(result.stdout)))
    assert [r[1] for r in records[1:]] == ["伙伴B", "伙伴A", "伙伴C"]


def test_xlsx_output(tmp_path):
    rows = [SPEC_HEADER, *SPEC_ROWS[:2], ["伙伴C", 7, 8, 6, "", 9]]
    out = tmp_path / "out.xlsx"
    result = run("rank", write_csv(tmp_path / "in.csv", rows), "--model", "spec-example", "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ["rank", "name", "score", "excluded_reason", *SPEC_HEADER[1:]]
    assert values[1][:3] == (1, "伙伴B", 8.4)
    assert values[3][0] is None and values[3][1] == "伙伴C" and "市场声誉" in values[3][3]
    assert values[3][7] is None  # the missing rating stays empty, not 0


def test_xlsx_needs_output(tmp_path):
    assert_input_error(run("rank", spec_file(tmp_path), "--model", "spec-example", "--format", "xlsx"), "--output")


def test_never_touches_the_database(tmp_path, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise AssertionError("allies rank touched the database")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    data = ranking_json(run("rank", spec_file(tmp_path), "--model", "spec-example", "--format", "json"))
    assert data["ranking"][0]["name"] == "伙伴B"


# --------------------------------------------------------------------------- bad input


def test_spec_file_with_default_model_suggests_spec_example(tmp_path):
    result = run("rank", spec_file(tmp_path))
    assert_input_error(result, "合作意愿", "--model spec-example", "--weights")


def test_unknown_column_is_reported(tmp_path):
    rows = [["名称", "战略匹配", *SPEC_HEADER[2:]], *SPEC_ROWS]
    result = run("rank", write_csv(tmp_path / "typo.csv", rows), "--model", "spec-example")
    assert_input_error(result, "战略匹配", "战略匹配度")


BAD_CELLS = [SPEC_HEADER, ["伙伴A", 8, "高", 7, 8, 6], ["伙伴B", 9, 7, 11, 9, 8], ["伙伴C", 7, 8, 6, "n/a", -1]]


@pytest.mark.parametrize(
    ("name", "data", "args", "fragments"),
    [
        (
            "bad.csv",
            BAD_CELLS,
            ["--model", "spec-example"],
            ["第 2 行", "资源互补性", "“高”", "第 3 行", "财务健康度", "“11”", "第 4 行", "市场声誉", "“n/a”", "文化兼容性", "“-1”"],
        ),
        (
            "bad.csv",
            BAD_CELLS,
            ["--weights", "资源互补性=1,市场声誉=1"],
            ["第 2 行", "“高”", "第 4 行", "“n/a”"],
        ),
        (
            "dup.csv",
            [SPEC_HEADER, *SPEC_ROWS, ["伙伴A", 1, 1, 1, 1, 1]],
            ["--model", "spec-example"],
            ["伙伴A", "第 2、5 行"],
        ),
        ("noname.csv", [SPEC_HEADER[1:], *[r[1:] for r in SPEC_ROWS]], ["--model", "spec-example"], ["名称", "name"]),
        ("emptyname.csv", [SPEC_HEADER, SPEC_ROWS[0], ["", 1, 1, 1, 1, 1]], ["--model", "spec-example"], ["第 3 行"]),
        ("header.csv", [SPEC_HEADER], ["--model", "spec-example"], ["没有数据行"]),
        ("empty.csv", b"", ["--model", "spec-example"], ["empty.csv"]),
        ("notes.txt", b"hello", ["--model", "spec-example"], ["notes.txt", ".xlsx"]),
        ("broken.xlsx", b"this is not a zip file", ["--model", "spec-example"], ["broken.xlsx"]),
        ("spec.csv", [SPEC_HEADER, *SPEC_ROWS], ["--weights", "战略匹配度=0,资源互补性=-2,财务健康度=abc"], ["战略匹配度", "“0”", "资源互补性", "“-2”", "财务健康度", "“abc”"]),
        ("spec.csv", [SPEC_HEADER, *SPEC_ROWS], ["--weights", "战略匹配度0.3"], ["战略匹配度0.3", "--weights"]),
        ("spec.csv", [SPEC_HEADER, *SPEC_ROWS], ["--weights", "战略匹配=1"], ["战略匹配", "--weights"]),
        ("spec.csv", [SPEC_HEADER, *SPEC_ROWS], ["--model", "spec-example", "--cost", "营收"], ["--cost", "营收"]),
        ("spec.csv", [SPEC_HEADER, *SPEC_ROWS], ["--model", "spec-example", "--min", "营收=3"], ["--min", "营收"]),
        ("spec.csv", [SPEC_HEADER, *SPEC_ROWS], ["--model", "spec-example", "--min", "市场声誉=高"], ["市场声誉", "“高”"]),
        ("spec.csv", [SPEC_HEADER, *SPEC_ROWS], ["--model", "nope"], ["--model", "nope", "spec-example"]),
        ("spec.csv", [SPEC_HEADER, *SPEC_ROWS], ["--model", "spec-example", "--method", "vikor"], ["--method", "vikor"]),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, name, data, args, fragments):
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        write_csv(path, data)
    out = tmp_path / "out.csv"
    result = run("rank", path, *args, "--format", "csv", "--output", out)
    assert_input_error(result, *fragments, output=out)


def test_missing_file(tmp_path):
    out = tmp_path / "out.json"
    result = run("rank", tmp_path / "nope.csv", "--format", "json", "--output", out)
    assert_input_error(result, "nope.csv", output=out)


def test_every_bad_cell_is_listed_up_to_a_cap(tmp_path):
    rows = [SPEC_HEADER] + [[f"伙伴{i}", "x", "y", 5, 5, 5] for i in range(30)]
    result = run("rank", write_csv(tmp_path / "many.csv", rows), "--model", "spec-example")
    assert_input_error(result, "60", "第 2 行", "10")
    listed = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert len(listed) == screening.MAX_LISTED_ERRORS
    assert "另有 10 个" in result.stderr


def test_gb18030_file_errors_name_chinese_cells(tmp_path):
    rows = [SPEC_HEADER, ["伙伴A", 8, 9, 7, "优秀", 6]]
    result = run("rank", write_csv(tmp_path / "gbk.csv", rows, encoding="gb18030"), "--model", "spec-example")
    assert_input_error(result, "第 2 行", "市场声誉", "“优秀”")


@pytest.mark.parametrize("how", ["option", "env"])
def test_english_messages_name_row_and_value(tmp_path, how):
    path = write_csv(tmp_path / "bad.csv", BAD_CELLS)
    if how == "option":
        result = run("rank", path, "--model", "spec-example", "--lang", "en")
    else:
        result = run("rank", path, "--model", "spec-example", lang="en")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in ("2", "高", "3", "11", "n/a"):
        assert fragment in result.stderr


def test_unknown_language_is_an_input_error(tmp_path):
    assert_input_error(run("rank", spec_file(tmp_path), "--lang", "fr"), "--lang", "fr")


# --------------------------------------------------------------------------- AHP


def ahp_file(tmp_path, matrix, names=("战略匹配度", "资源互补性", "财务健康度"), row_names=None, kind="csv"):
    row_names = list(row_names or names)
    rows = [["", *names], *[[row_names[i], *matrix[i]] for i in range(len(matrix))]]
    if kind == "xlsx":
        return write_xlsx(tmp_path / "ahp.xlsx", rows)
    return write_csv(tmp_path / "ahp.csv", rows)


CONSISTENT = [["1", "2", "4"], ["1/2", "1", "2"], ["1/4", "1/2", "1"]]
INCONSISTENT = [["1", "9", "1/9"], ["1/9", "1", "9"], ["9", "1/9", "1"]]


def test_ahp_consistent_matrix_json(tmp_path):
    result = run("weights", "ahp", ahp_file(tmp_path, CONSISTENT), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"weights", "consistency_ratio", "consistent"}
    assert data["weights"] == pytest.approx({"战略匹配度": 4 / 7, "资源互补性": 2 / 7, "财务健康度": 1 / 7}, abs=1e-9)
    assert data["consistency_ratio"] == pytest.approx(0.0, abs=1e-9)
    assert data["consistent"] is True


def test_ahp_xlsx_with_numbers(tmp_path):
    matrix = [[1, 3], [1 / 3, 1]]
    result = run("weights", "ahp", ahp_file(tmp_path, matrix, names=("A", "B"), kind="xlsx"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["weights"] == pytest.approx({"A": 0.75, "B": 0.25})


def test_ahp_table_shows_consistency(tmp_path):
    result = run("weights", "ahp", ahp_file(tmp_path, CONSISTENT))
    assert result.exit_code == 0, result.output
    for fragment in ("0.5714", "0.2857", "0.1429", "λmax", "CI", "RI = 0.58", "CR = 0.0000"):
        assert fragment in result.stdout


def test_ahp_inconsistent_matrix_is_not_an_error(tmp_path):
    path = ahp_file(tmp_path, INCONSISTENT)
    result = run("weights", "ahp", path, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["consistent"] is False
    assert data["consistency_ratio"] > scoring.AHP_CONSISTENCY_LIMIT

    result = run("weights", "ahp", path)
    assert result.exit_code == 0, result.output
    assert "不一致" in result.stdout
    # The judgements to revisit are named by criterion and cell, with the value given.
    assert "“战略匹配度”对“资源互补性”" in result.stdout
    assert "C2" in result.stdout and "1/9" in result.stdout


@pytest.mark.parametrize(
    ("matrix", "kwargs", "fragments"),
    [
        ([["1", "2", "4"], ["1/2", "1", "2"]], {}, ["2 行", "3 列"]),
        (CONSISTENT, {"row_names": ["战略匹配度", "财务健康度", "资源互补性"]}, ["A3", "财务健康度", "资源互补性"]),
        ([["1", "2", "高"], ["1/2", "1", "2"], ["1/4", "1/2", "1"]], {}, ["D2", "“高”"]),
        ([["1", "3", "4"], ["3", "1", "2"], ["1/4", "1/2", "1"]], {}, ["C2", "B3", "“3”"]),
        ([["1", "2", "12"], ["1/2", "1", "2"], ["1/12", "1/2", "1"]], {}, ["D2", "“12”", "B4", "“1/12”"]),
        ([["2", "2", "4"], ["1/2", "1", "2"], ["1/4", "1/2", "1"]], {}, ["B2", "“2”"]),
        ([["1", "0", "4"], ["1/2", "1", "2"], ["1/4", "1/2", "1"]], {}, ["C2", "“0”"]),
        ([["1"]], {"names": ("A",)}, ["2"]),
    ],
)
def test_ahp_bad_matrix_exits_2_naming_the_cell(tmp_path, matrix, kwargs, fragments):
    result = run("weights", "ahp", ahp_file(tmp_path, matrix, **kwargs), "--format", "json")
    assert_input_error(result, *fragments)
    assert result.stdout == ""


def test_ahp_english_names_the_cell(tmp_path):
    matrix = [["1", "2", "高"], ["1/2", "1", "2"], ["1/4", "1/2", "1"]]
    result = run("weights", "ahp", ahp_file(tmp_path, matrix), "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "D2" in result.stderr and "高" in result.stderr


# --------------------------------------------------------------------------- messages


def _raised_codes(module, exception: str) -> set[str]:
    source = Path(module.__file__).read_text(encoding="utf-8")
    return set(re.findall(exception + r'\(\s*"([a-z_]+)"', source))


def test_every_error_code_has_its_own_message():
    from django.utils import translation

    from allies.partners import messages

    scoring_codes = _raised_codes(scoring, "ScoringError") | _raised_codes(screening, "ScoringError")
    table_codes = _raised_codes(tabular, "TableError") | _raised_codes(screening, "TableError")
    assert {"invalid_weight", "ahp_not_reciprocal", "duplicate_name", "not_numeric"} <= scoring_codes
    assert {"file_type", "empty", "encoding", "no_header", "unreadable", "not_found"} <= table_codes
    generic_scoring = messages.scoring_error_message(ScoringError("no_such_code_xyz"))
    generic_table = messages.table_error_message(TableError("no_such_code_xyz"))
    assert "no_such_code_xyz" in generic_scoring and "no_such_code_xyz" in generic_table
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code in scoring_codes:
                for details in ({}, {"row": 7, "col": 2, "value": 1.5, "criterion": "c1", "shape": [2, 3]}):
                    text = messages.scoring_error_message(ScoringError(code, details), {"c1": "标签一"})
                    assert text and code not in text, (code, text)
            for code in table_codes:
                text = messages.table_error_message(TableError(code, {"filename": "f.csv"}))
                assert text and code not in text, (code, text)


def test_messages_name_row_column_value_and_labels():
    from django.utils import translation

    from allies.partners.messages import scoring_error_message

    with translation.override("zh-hans"):
        text = scoring_error_message(ScoringError("not_numeric", {"row": 7, "column": "市场声誉", "value": "高"}))
        assert text == "第 7 行“市场声誉”列的值“高”不是数字。"
        text = scoring_error_message(
            ScoringError("invalid_weight", {"criterion": "strategic_fit", "value": -1.0}), {"strategic_fit": "战略匹配度"}
        )
        assert "战略匹配度" in text and "-1" in text and "strategic_fit" not in text
        text = scoring_error_message(ScoringError("duplicate_name", {"name": "伙伴A", "rows": [2, 5]}))
        assert "伙伴A" in text and "2、5" in text
