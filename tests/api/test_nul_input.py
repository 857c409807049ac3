"""A NUL character anywhere in API input is refused with a 422 naming the field, on every database.

PostgreSQL cannot store NUL in text columns; without this rule a NUL in a filter or a body
string reached the database and came back as a 500 (found by schemathesis on
/api/v1/ecosystem/relations?kind=...).
"""

import pytest

from allies.partners.models import Partner

from .conftest import assert_error, call


@pytest.mark.parametrize("path", [
    "/api/v1/ecosystem/relations?kind=a%00b",
    "/api/v1/partners?q=%00",
    "/api/v1/sales?product=x%00",
])
def test_nul_in_a_query_parameter_is_a_422_naming_it(as_user, manager, path):
    response = as_user(manager).get(path)
    body = assert_error(response, 422, "validation_error")
    fields = [e["field"] for e in body["details"]["errors"]]
    assert fields == [path.split("?")[1].split("=")[0]], body
    assert body["details"]["errors"][0]["type"] == "string_nul"


def test_nul_in_a_query_parameter_name_is_refused(as_user, manager):
    response = as_user(manager).get("/api/v1/partners?a%00=1")
    assert_error(response, 422, "validation_error")


def test_nul_in_a_nested_body_string_is_a_422_and_nothing_is_written(as_user, manager):
    before = Partner.objects.count()
    response = call(as_user(manager), "POST", "/api/v1/partners", {"name": "星河\x00物流", "resources": ["ok"]})
    body = assert_error(response, 422, "validation_error")
    assert body["details"]["errors"] == [{"field": "name", "reason": "含有不允许的空字符（NUL）。", "type": "string_nul"}]
    assert body["message"] == "请求内容有误：name"
    response = call(as_user(manager), "POST", "/api/v1/partners", {"name": "星河", "resources": ["a", "b\x00"]})
    body = assert_error(response, 422, "validation_error")
    assert [e["field"] for e in body["details"]["errors"]] == ["resources.1"]
    response = call(as_user(manager), "POST", "/api/v1/partners", {"name": "星河", "extra\x00key": 1})
    assert [e["field"] for e in assert_error(response, 422)["details"]["errors"]] == ["extra\\0key"]
    assert Partner.objects.count() == before


def test_a_clean_request_still_passes(as_user, manager):
    response = as_user(manager).get("/api/v1/ecosystem/relations?kind=agreement")
    assert response.status_code == 200, response.content
