"""The API's error messages (Korean / English; the English catalogue gives English pages the English half),
and `ApiErrorsAsJsonMiddleware`: under /api/, the errors answered around the API rather than by it are
JSON too."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MSG_UNAUTHENTICATED = gettext_noop("로그인하거나 유효한 API 토큰을 보내세요. / Log in or send a valid API token.")
MSG_NOT_FOUND = gettext_noop("찾을 수 없습니다. / Not found.")
MSG_INVALID = gettext_noop("요청 내용이 올바르지 않습니다. / The request is invalid.")
MSG_INVALID_JSON = gettext_noop("요청 본문이 올바른 JSON이 아닙니다. / The request body is not valid JSON.")
MSG_CSRF = gettext_noop("CSRF 토큰이 없거나 올바르지 않습니다. / CSRF token missing or incorrect.")
MSG_ERROR = gettext_noop("요청을 처리할 수 없습니다. / The request could not be processed.")
MSG_SERVER = gettext_noop("서버 오류가 발생했습니다. / A server error occurred.")
MSG_TOO_LARGE = gettext_noop("요청 본문이 너무 큽니다. / The request body is too large.")
MSG_METHOD = gettext_noop("이 주소에서 허용되지 않는 요청 방식입니다. / This method is not allowed here.")

# Status -> (code, message) for an error page that reached an /api/ request without passing through the
# API's own handlers.
_AROUND = {
    400: ("invalid", MSG_INVALID),
    403: ("csrf_failed", MSG_CSRF),  # the API answers its own refusals; an HTML 403 here is the CSRF check
    404: ("not_found", MSG_NOT_FOUND),
    405: ("method_not_allowed", MSG_METHOD),
    413: ("too_large", MSG_TOO_LARGE),
    500: ("server_error", MSG_SERVER),
}


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class ApiErrorsAsJsonMiddleware:
    """Under /api/, an error answered outside the API's handlers is still `{"code", "message"}` JSON:
    a method the path does not take (405), the CSRF check on a session's POST to the schema (403), /api/
    itself (404), a request Django refuses before any view (400, 413) or the 500 page. Headers that tell
    the client what to do (Allow, WWW-Authenticate) are kept. The interactive docs and the schema are left
    as they are.

    HEAD is answered as GET (RFC 9110: every resource that takes GET takes HEAD; the server sends the
    headers and drops the body), where the API would refuse it as a method it does not take; OPTIONS with
    204 and the methods the path takes (`Allow`), which the API's refusal of OPTIONS names."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "HEAD" and _is_api(request.path_info):
            request.method = "GET"
            try:
                response = self.get_response(request)
            finally:
                request.method = "HEAD"  # for what comes after: the server drops the body of a HEAD
        else:
            response = self.get_response(request)
        if response.status_code == 405 and "GET" in response.get("Allow", "").split(", "):
            response["Allow"] += ", HEAD"
        if request.method == "OPTIONS" and response.status_code == 405 and "Allow" in response:
            allowed = HttpResponse(status=204)
            del allowed["Content-Type"]
            allowed["Allow"] = f"{response['Allow']}, OPTIONS"
            return allowed
        if (
            response.status_code < 400
            or not _is_api(request.path_info)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, message = _AROUND.get(response.status_code, ("error", MSG_ERROR))
        with translation.override(translation.get_language_from_request(request)):
            answer = JsonResponse({"code": code, "message": _(message)}, status=response.status_code)
        for header in ("Allow", "WWW-Authenticate"):
            if header in response:
                answer[header] = response[header]
        return answer
