"""One place that refuses hostile or broken HTTP input before any view sees it.

Every HTTP request (the API and the pages' forms) passes RequestGuard:
- control characters (NUL and the rest of C0, DEL) in the path, the query string, a JSON string
  (keys included) or a form field: 400 `control_characters`. PostgreSQL cannot store NUL in text,
  and no name, code or number a hall uses contains one, so they are refused, not stripped.
  Bodies may keep tab and line breaks (a notice's text); paths and queries may not;
- a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 `body_too_large` (Django would raise, and the
  API's catch-all turned that into a 500);
- under /api/: a JSON body that does not parse (or nests past the parser's depth): 400
  `malformed_json`; JSON that is not an object (`[null]`, `false`, `"x"`): 400 `not_an_object`,
  so an action with an optional body never runs with defaults it was not asked for.

Replies are the API's error format, `{"error": code, "message": text}`, pages included.
"""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")
_IN_BODY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Refused(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self):
        return JsonResponse({"error": self.code, "message": self.message}, status=self.status,
                            json_dumps_params={"ensure_ascii": False})


def _control_characters(where):
    return Refused(400, "control_characters", _("%(where)s含有控制字符") % {"where": where})


def _check_text(value, pattern, where):
    if isinstance(value, str) and pattern.search(value):
        raise _control_characters(where)


def _check_json_strings(data):
    # Iterative: a deep document must not exhaust the stack here either.
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_text(item, _IN_BODY, _("请求体"))
        elif isinstance(item, dict):
            for key, value in item.items():
                _check_text(key, _IN_BODY, _("请求体"))
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _is_json(request):
    content_type = request.content_type or ""
    return content_type in ("", "application/json") or content_type.endswith("+json")


def _too_large():
    return Refused(413, "body_too_large", _("请求体过大（上限 %(n)d 字节）") % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})


def check(request):
    """Raise Refused for input no view should see."""
    _check_text(request.path, _IN_PATH, _("路径"))
    for key, values in request.GET.lists():
        _check_text(key, _IN_PATH, _("查询参数"))
        for value in values:
            _check_text(value, _IN_PATH, _("查询参数"))
    if request.method not in _BODY_METHODS:
        return
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    multipart = request.content_type == "multipart/form-data"
    if limit is not None and length > limit and not multipart:
        raise _too_large()
    try:
        if request.path.startswith(API_PREFIX) and _is_json(request):
            _check_api_json(request.body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                _check_text(key, _IN_BODY, _("表单"))
                for value in values:
                    _check_text(value, _IN_BODY, _("表单"))
    except (RequestDataTooBig, TooManyFieldsSent):
        raise _too_large() from None


def _check_api_json(body: bytes):
    if not body.strip():
        return  # no body: the operation's own schema says whether one is required
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise Refused(400, "malformed_json", _("请求体不是有效的 JSON")) from None
    if not isinstance(data, dict):
        raise Refused(400, "not_an_object", _("请求体须为 JSON 对象"))
    _check_json_strings(data)


class RequestGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check(request)
        except Refused as refused:
            return refused.response()
        return self.get_response(request)
