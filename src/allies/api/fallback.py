"""Answers in the API's error shape for what never reaches an operation: unknown paths, wrong methods."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from allies.core.errors import ErrorCode, error_body


def not_found(request, rest: str = ""):
    return JsonResponse(error_body(ErrorCode.NOT_FOUND, _("没有这个 API 地址。")), status=404)


class MethodNotAllowedMiddleware:
    """Turn the HTML 405 that Django and ninja give for a wrong method under /api/ into the error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/"):
            allowed = response.get("Allow", "")
            body = error_body(ErrorCode.METHOD_NOT_ALLOWED, _("此地址不支持 {method} 请求。").format(method=request.method),
                              {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]})
            replacement = JsonResponse(body, status=405)
            if allowed:
                replacement["Allow"] = allowed
            return replacement
        return response
