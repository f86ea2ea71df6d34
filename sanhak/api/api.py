"""The REST API at /api/: OpenAPI schema at /api/openapi.json, interactive docs at /api/docs.

Each app contributes a router (sanhak/<app>/api.py). Authentication: a personal access token
(`Authorization: Bearer shk_…`) or the pages' session (with CSRF for unsafe methods). Errors are
always JSON `{"code", "message"}` with a Korean / English message (plus `detail` for invalid input).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from sanhak.api.auth import AUTH
from sanhak.api.errors import (
    MSG_CSRF,
    MSG_ERROR,
    MSG_INVALID,
    MSG_INVALID_JSON,
    MSG_NOT_FOUND,
    MSG_SERVER,
    MSG_TOO_LARGE,
    MSG_UNAUTHENTICATED,
)
from sanhak.common.errors import FORBIDDEN, DomainError
from sanhak.companies.api import router as companies_router
from sanhak.courses.api import router as courses_router
from sanhak.credentials.api import router as credentials_router
from sanhak.enrollment.api import router as enrollment_router
from sanhak.labs.api import router as labs_router
from sanhak.learning.api import router as learning_router

if TYPE_CHECKING:
    from ninja.operation import Operation

logger = logging.getLogger("django.request")


class InvalidJSONError(ValueError):
    pass


class JsonParser(Parser):
    """ninja turns any parser error into a 400; this marks malformed JSON so that it becomes a 422."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return json.loads(request.body)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
            raise InvalidJSONError(str(exc)) from exc
        except RecursionError as exc:  # arrays or objects nested thousands deep
            raise InvalidJSONError("nested too deeply") from exc


_ERROR_SCHEMA = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


class SanhakAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Also the errors any operation can answer before its own code runs: 400 for a NUL character
        (`RejectNulBytesMiddleware`); where it takes a body, 413 for one too large; and where parameters
        or a body are checked against a schema, 422 for invalid ones (a body read as it comes, such as a
        credential to verify, is documented by hand without a schema reference and has no 422)."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                responses.setdefault(400, {"description": "Bad Request", "content": _ERROR_SCHEMA})
                body = operation.get("requestBody")
                if body:
                    responses.setdefault(413, {"description": "Content Too Large", "content": _ERROR_SCHEMA})
                if operation.get("parameters") or (body and "$ref" in json.dumps(body)):
                    responses.setdefault(422, {"description": "Unprocessable Content", "content": _ERROR_SCHEMA})
        return schema


api = SanhakAPI(
    title="sanhak API",
    version="1.0",
    description=(
        "산학 플랫폼 REST API. 개인 액세스 토큰(`Authorization: Bearer shk_…`, 프로필 화면에서 발급) 또는 "
        "로그인 세션으로 인증합니다. / The sanhak REST API. Authenticate with a personal access token "
        "(`Authorization: Bearer shk_…`, created on your profile page) or the web session. Errors are JSON "
        '`{"code": …, "message": …}`.'
    ),
    urls_namespace="api",
    auth=AUTH,
    parser=JsonParser(),
)
api.add_router("", courses_router)
api.add_router("", companies_router)
api.add_router("", enrollment_router)
api.add_router("", labs_router)
api.add_router("", learning_router)
api.add_router("", credentials_router)

# Last: any other path under /api/ is a JSON 404 rather than the site's HTML error page.
unknown_router = Router()


@unknown_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404(_(MSG_NOT_FOUND))


api.add_router("", unknown_router)


def error_response(request: HttpRequest, status: int, code: str, message: Any, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": str(message), **extra}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or _(FORBIDDEN))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", str(exc) or _(MSG_NOT_FOUND))


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(request, 422, "invalid", _(MSG_INVALID), detail=exc.errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, 401, "unauthenticated", _(MSG_UNAUTHENTICATED))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, InvalidJSONError):
        detail = [{"loc": ["body"], "msg": str(exc.__cause__), "type": "json_invalid"}]
        return error_response(request, 422, "invalid", _(MSG_INVALID_JSON), detail=detail)
    if exc.status_code == 403 and "CSRF" in exc.message:
        return error_response(request, 403, "csrf_failed", _(MSG_CSRF))
    return error_response(request, exc.status_code, "error", _(MSG_ERROR))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", _(MSG_TOO_LARGE))


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Django's refusals of a malformed request (too many fields, a bad header): a 400, as on the pages."""
    return error_response(request, 400, "invalid", _(MSG_INVALID))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, not bad input: logged like Django logs a 500, and still answered in JSON."""
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request}
    )
    response = error_response(request, 500, "server_error", _(MSG_SERVER))
    response._has_been_logged = True  # type: ignore[attr-defined]  # logged above: Django's handler would log it again
    return response
