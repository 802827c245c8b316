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


# What every operation may answer besides its own errors, and why; document_every_reply adds them
# to the OpenAPI document so that a client (and schemathesis) sees every reply it can get.
_COMMON = {
    "400": "`control_characters` (a control character in the path, the query or the body; hallops/api/guard.py)"
           "; with a body also `malformed_json` (not JSON, or nested too deep) and `not_an_object` (JSON that "
           "is not an object)",
    "401": "`unauthorized`, `invalid_token`, `device_disabled`, `user_inactive`: no or bad credentials",
    "403": "`forbidden` (not allowed for this caller), `csrf_failed` (a session's write without X-CSRFToken)",
    "404": "what the path names does not exist (`hall_not_found`, `ticket_not_found`, …)",
    "413": "`body_too_large`: the body is over the server's limit",
    "422": "`validation_error`: a parameter or body field has the wrong type or range; `details` names it",
}


def _error_reply(description):
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


def document_every_reply(schema: dict) -> dict:
    for ops in schema["paths"].values():
        for method, op in ops.items():
            statuses = ["400"]
            if method in ("post", "put", "patch", "delete"):
                statuses.append("413")
            if op.get("parameters") or op.get("requestBody"):
                statuses.append("422")
            if any(p.get("in") == "path" for p in op.get("parameters", [])):
                statuses.append("404")
            if op.get("security"):
                statuses += ["401", "403"]
            # ninja keys responses by int until it serialises the document: one kind of key here.
            responses = op["responses"] = {str(k): v for k, v in op.get("responses", {}).items()}
            for status in statuses:
                reply = responses.setdefault(status, _error_reply(_COMMON[status]))
                if reply.get("description") in (None, "", "Bad Request", "Unauthorized", "Forbidden", "Not Found",
                                                "Unprocessable Content", "Unprocessable Entity",
                                                "Content Too Large", "Payload Too Large"):
                    reply["description"] = _COMMON[status]
            if "429" in responses:
                responses["429"]["description"] = ("`throttled`: too many requests from this device or address; "
                                                   "`Retry-After` says when to try again")
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorOut", ErrorOut.model_json_schema())
    return schema
