"""The API's request parser: django-ninja's, plus one rule for every operation.

A NUL character (U+0000) is never meaningful in our input, SQLite stores it silently and
PostgreSQL refuses it in text columns with an error that would surface as a 500. So a NUL
in a query parameter, a form field or anywhere in a JSON body is refused here, before any
operation runs, with a 422 in the one error shape naming the field.
"""

import json
from typing import Any

from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser

NUL = "\x00"


def _nul_path(value: Any, path: tuple) -> tuple | None:
    """The location of the first string (key or value) holding a NUL, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                return (*path, key.replace(NUL, "\\0"))
            found = _nul_path(item, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, (*path, index))
            if found is not None:
                return found
    return None


class NulInBody(ValueError):
    """A JSON body string holding a NUL; ``field`` is its path in the body ("reason", "items.2.name")."""

    def __init__(self, field: str):
        self.field = field
        super().__init__(_("请求内容 {field} 含有不允许的空字符（NUL）。").format(field=field))


def _refuse(loc: tuple) -> ValidationError:
    return ValidationError([{"loc": loc, "msg": _("含有不允许的空字符（NUL）。"), "type": "string_nul"}])


class AlliesParser(Parser):
    def parse_body(self, request):
        data = json.loads(request.body)
        found = _nul_path(data, ())
        if found is not None:
            # ninja wraps anything raised here as "Cannot parse request body"; the API's HttpError
            # handler finds this exception as the cause and answers a 422 naming the field.
            raise NulInBody(".".join(str(p) for p in found) or "body")
        return data

    def parse_querydict(self, data, list_fields, request):
        for key in data.keys():
            if NUL in key:
                raise _refuse(("query", key.replace(NUL, "\\0")))
            for value in data.getlist(key):
                if isinstance(value, str) and NUL in value:
                    raise _refuse(("query", key))
        return super().parse_querydict(data, list_fields, request)
