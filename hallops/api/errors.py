"""Every error the API returns is `{"error": code, "message": text}` (plus "details" where useful).

Handlers are installed on the NinjaAPI in app.py, so no operation builds an error reply itself:
views raise HallopsError (core) and ninja raises the rest.
"""

import logging

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hallops.core.errors import HallopsError

log = logging.getLogger(__name__)


class ErrorOut(Schema):
    error: str
    message: str
    details: dict | list | None = None


def error_responses(*statuses: int) -> dict:
    """Response schemas for the OpenAPI document: {status: ErrorOut} for each error status."""
    return {s: ErrorOut for s in statuses}


_HTTP_CODES = {400: "malformed_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 429: "throttled"}


def install(api):
    def reply(request, status, body):
        return api.create_response(request, body, status=status)

    @api.exception_handler(HallopsError)
    def hallops_error(request, exc):
        response = reply(request, exc.status, exc.as_dict())
        if "retry_after_s" in exc.details:
            response["Retry-After"] = str(exc.details["retry_after_s"])
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        return reply(request, 422, {"error": "validation_error", "message": _("请求参数有误"), "details": exc.errors})

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return reply(request, 401, {"error": "unauthorized", "message": _("请先登录或提供有效令牌")})

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        status = exc.status_code
        if status == 400:
            # ninja raises HttpError(400) only when the body cannot be parsed.
            return reply(request, 400, {"error": "malformed_json", "message": _("请求体不是有效的 JSON")})
        return reply(request, status, {"error": _HTTP_CODES.get(status, "error"), "message": str(exc)})

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return reply(request, 404, {"error": "not_found", "message": _("未找到")})

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        # Still JSON for the client; the traceback goes to the log, never to the caller.
        log.exception("unhandled error in %s %s", request.method, request.path)
        return reply(request, 500, {"error": "internal_error", "message": _("服务器内部错误")})
