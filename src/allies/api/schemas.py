"""Schemas shared by every router: the error shape and strict input."""

from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


class StrictIn(Schema):
    """Input schema that rejects unknown fields instead of silently ignoring them."""

    model_config = ConfigDict(extra="forbid")


# A row id as a filter value: larger numbers cannot be ids and would overflow SQLite's integers.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def errors(*codes: int) -> dict[int, type]:
    """Error responses of an operation in the one error shape.

    422 is always declared: any path, query or body value can fail validation, and 429 too,
    since every operation is throttled.
    """
    return {c: ErrorOut for c in (*codes, 422, 429)}
