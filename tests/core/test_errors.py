"""DomainError: codes, HTTP status and the one JSON shape."""

import json

import pytest

from allies.core.errors import DomainError, ErrorCode, error_body


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (ErrorCode.UNAUTHENTICATED, 401),
        (ErrorCode.PERMISSION_DENIED, 403),
        (ErrorCode.NOT_FOUND, 404),
        (ErrorCode.CONFLICT, 409),
        (ErrorCode.PAYLOAD_TOO_LARGE, 413),
        (ErrorCode.SERVER_ERROR, 500),
        (ErrorCode.VALIDATION, 422),
        (ErrorCode.IMPORT_INVALID, 422),
        (ErrorCode.FILE_UNREADABLE, 422),
        (ErrorCode.INVALID_STAGE_CHANGE, 422),
    ],
)
def test_status(code, status):
    assert DomainError(code, "x").status == status


def test_code_from_string_and_shape():
    error = DomainError("import_invalid", "导入未完成", {"errors": [{"row": 3, "column": "名称", "value": "", "reason": "r"}]})
    assert error.code is ErrorCode.IMPORT_INVALID
    assert str(error) == "导入未完成"
    body = error.as_dict()
    assert body == {"code": "import_invalid", "message": "导入未完成",
                    "details": {"errors": [{"row": 3, "column": "名称", "value": "", "reason": "r"}]}}
    assert json.loads(json.dumps(body, ensure_ascii=False)) == body


def test_lazy_message_becomes_text_and_details_default_to_empty():
    from django.utils.functional import lazy

    error = DomainError(ErrorCode.CONFLICT, lazy(lambda: "冲突", str)())
    assert type(error.message) is str and error.message == "冲突"
    assert error.details == {}
    assert error_body("x", "y") == {"code": "x", "message": "y", "details": {}}


def test_unknown_code_is_refused():
    with pytest.raises(ValueError):
        DomainError("no_such_code", "x")


def test_codes_are_unique():
    values = [c.value for c in ErrorCode]
    assert len(values) == len(set(values))
