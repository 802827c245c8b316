"""Domain errors: each carries a machine code, an HTTP status and a message for people.

Views and consumers turn them into `{"error": code, "message": ...}` replies; nothing
else in the core knows about HTTP.
"""

from django.utils.translation import gettext_lazy as _


class HallopsError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message=None, *, code=None, **details):
        self.message = str(message if message is not None else self.default_message())
        if code:
            self.code = code
        self.details = details
        super().__init__(self.message)

    def default_message(self):
        return _("请求有误")

    def as_dict(self):
        body = {"error": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class BadRequest(HallopsError):
    status, code = 400, "bad_request"


class Unauthorized(HallopsError):
    status, code = 401, "unauthorized"

    def default_message(self):
        return _("请先登录或提供有效令牌")


class Forbidden(HallopsError):
    status, code = 403, "forbidden"

    def default_message(self):
        return _("无权执行此操作")


class NotFound(HallopsError):
    status, code = 404, "not_found"

    def default_message(self):
        return _("未找到")


class Conflict(HallopsError):
    """The request is valid but the hall's current state does not allow it."""

    status, code = 409, "conflict"


class Invalid(HallopsError):
    status, code = 422, "invalid"
