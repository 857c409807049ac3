"""The one application error, its codes, and the JSON shape every API error takes."""

from enum import StrEnum
from http import HTTPStatus
from typing import Any


class ErrorCode(StrEnum):
    VALIDATION = "validation_error"
    UNAUTHENTICATED = "unauthenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    THROTTLED = "throttled"
    IMPORT_INVALID = "import_invalid"
    FILE_UNREADABLE = "file_unreadable"
    INVALID_STAGE_CHANGE = "invalid_stage_change"
    INVALID_AHP = "invalid_ahp_matrix"
    INVALID_RATING = "invalid_rating"
    INVALID_MODEL = "invalid_screening_model"
    STAGE_BLOCKED = "stage_blocked"
    INVALID_DATES = "invalid_dates"
    INVALID_FILE = "invalid_file"
    VERDICT_BLOCKED = "verdict_blocked"
    INVALID_KPI = "invalid_kpi"
    INVALID_MEASUREMENT = "invalid_measurement"
    SERVER_ERROR = "server_error"
    AGREEMENT_INCOMPLETE = "agreement_incomplete"
    INVALID_SHARING_RULE = "invalid_sharing_rule"
    INVALID_PERIOD = "invalid_period"
    CURRENCY_MISMATCH = "currency_mismatch"
    INVALID_COST = "invalid_cost"
    INVALID_SURVEY_ANSWER = "invalid_survey_answer"
    INVALID_WEBHOOK = "invalid_webhook"
    UNSAFE_LINK = "unsafe_link"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"


STATUS = {
    ErrorCode.UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
    ErrorCode.PERMISSION_DENIED: HTTPStatus.FORBIDDEN,
    ErrorCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    ErrorCode.METHOD_NOT_ALLOWED: HTTPStatus.METHOD_NOT_ALLOWED,
    ErrorCode.CONFLICT: HTTPStatus.CONFLICT,
    ErrorCode.PAYLOAD_TOO_LARGE: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    ErrorCode.THROTTLED: HTTPStatus.TOO_MANY_REQUESTS,
    ErrorCode.SERVER_ERROR: HTTPStatus.INTERNAL_SERVER_ERROR,
}


class DomainError(Exception):
    """A business rule said no. ``message`` is already in the user's language.

    ``details`` is JSON-safe and names what is wrong, e.g. ``{"errors": [{"row": 3,
    "column": "名称", "value": "", "reason": "..."}]}``.
    """

    def __init__(self, code: ErrorCode, message: str, details: dict[str, Any] | None = None):
        self.code = ErrorCode(code)
        self.message = str(message)
        self.details = details or {}
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return int(STATUS.get(self.code, HTTPStatus.UNPROCESSABLE_ENTITY))

    def as_dict(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": str(code), "message": str(message), "details": details or {}}
