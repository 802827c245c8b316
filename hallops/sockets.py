"""One path for everything a WebSocket client sends: parse, check, or answer with an error frame.

Every socket (the hall streams in displays/, the gateway in hallops/devices/) reads its frames
through `parse_frame` and its action arguments through `arg`, so the promise of docs/realtime.md
holds everywhere: bad input gets `{"type": "error", "error": code, "message": text}` and the
socket stays open. What is refused, and why:

- not UTF-8, not JSON, or not an object: `bad_json`;
- nested deeper than MAX_DEPTH (the parser would otherwise hit Python's recursion limit and
  close the socket), NaN/Infinity or a number too large for a float (`1e400`): `bad_json`;
- a frame over MAX_FRAME_BYTES: `frame_too_large`;
- a control character (NUL and the rest of C0 but tab and line breaks, DEL) in any string or key:
  `control_characters`, as the HTTP side (hallops/api/guard.py) does; PostgreSQL cannot store NUL;
- an argument of the wrong type or range (a ticket that is not a UUID, an id past BIGINT): `bad_args`.

Refusals at the handshake use one close-code table (CLOSE_CODES).
"""

import json
import math
import re
import uuid

from django.utils.translation import gettext as _

from hallops.core.errors import Forbidden, HallopsError, Invalid, NotFound, Unauthorized

MAX_FRAME_BYTES = 64 * 1024
MAX_DEPTH = 16
BIGINT = 2**63 - 1
MAX_TEXT = 2000  # longest string argument any action takes (a note, a reason)

CLOSE_CODES = {Unauthorized: 4401, Forbidden: 4403, NotFound: 4404}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadFrame(HallopsError):
    """A frame no handler should see; answered with an error frame, the socket stays open."""

    def __init__(self, message, code):
        super().__init__(message, code=code)


def close_code(error: HallopsError) -> int:
    return next((c for cls, c in CLOSE_CODES.items() if isinstance(error, cls)), 4400)


class SharedFrame(dict):
    """A frame many sockets send unchanged (a hall event to every screen of a process): encoded once.

    The first `encode` keeps the text; the frame must not change after it is shared. `action`, when
    set, holds the events of the action this one was published with (never sent): a stream may leave
    out an event a later one of the same action supersedes. `prepared` holds the frame as WebSocket
    bytes once a socket on daphne has sent it (displays/consumers/direct.py).
    """

    __slots__ = ("text", "action", "prepared")


def _dumps(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def encode(frame: dict) -> str:
    if type(frame) is not SharedFrame:
        return _dumps(frame)
    if not hasattr(frame, "text"):
        frame.text = _dumps(frame)
    return frame.text


def error_frame(code: str, message, request_id=None) -> dict:
    frame = {"type": "error", "error": code, "message": str(message)}
    if request_id is not None:
        frame["id"] = request_id
    return frame


def _finite(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _no_constant(name):
    raise ValueError(name)


def parse_frame(text_data=None, bytes_data=None) -> dict:
    """The client's frame as a dict, or BadFrame."""
    raw = text_data if text_data is not None else bytes_data
    if raw is None:
        raise BadFrame(_("消息为空"), "bad_json")
    if len(raw) > MAX_FRAME_BYTES:  # characters or bytes: either bounds the work below
        raise BadFrame(_("消息过大（上限 %(n)d 字节）") % {"n": MAX_FRAME_BYTES}, "frame_too_large")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadFrame(_("消息不是有效的 JSON"), "bad_json") from None
    if _depth(raw) > MAX_DEPTH:
        raise BadFrame(_("消息嵌套过深"), "bad_json")
    try:
        content = json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BadFrame(_("消息不是有效的 JSON"), "bad_json") from None
    if not isinstance(content, dict):
        raise BadFrame(_("消息须为 JSON 对象"), "bad_json")
    _check_strings(content)
    return content


def _depth(raw: str) -> int:
    """The deepest nesting of brackets outside strings: checked before the parser recurses."""
    if raw.count("[") + raw.count("{") <= MAX_DEPTH:
        return 0  # cannot be deeper than its brackets
    depth = deepest = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _check_strings(content) -> None:
    stack = [content]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _CONTROL.search(item):
                raise BadFrame(_("消息含有控制字符"), "control_characters")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def arg(content, name, kind=str, required=True):
    """An action argument of the given kind (str, int or uuid.UUID, returned as its text), or None.

    Missing or empty: `bad_args` when required. A str is accepted for an int if it is one. Numbers
    are bounded to BIGINT so that no lookup overflows the database driver.
    """
    value = content.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(_("缺少参数 %(a)s") % {"a": name}, code="bad_args")
        return None
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise Invalid(_("参数 %(a)s 须为整数") % {"a": name}, code="bad_args")
        try:
            number = int(value)
        except ValueError:
            raise Invalid(_("参数 %(a)s 须为整数") % {"a": name}, code="bad_args") from None
        if not -BIGINT <= number <= BIGINT:
            raise Invalid(_("参数 %(a)s 超出范围") % {"a": name}, code="bad_args")
        return number
    if kind is uuid.UUID:
        try:
            return str(uuid.UUID(str(value)))
        except (ValueError, AttributeError):
            raise Invalid(_("参数 %(a)s 须为号票编号（UUID）") % {"a": name}, code="bad_args") from None
    if not isinstance(value, kind):
        raise Invalid(_("参数 %(a)s 类型不对") % {"a": name}, code="bad_args")
    if kind is str and len(value) > MAX_TEXT:
        raise Invalid(_("参数 %(a)s 过长") % {"a": name}, code="bad_args")
    return value


def text(content, name) -> str:
    """An optional free-text argument (a pause reason, a note): '' when absent."""
    return arg(content, name, str, required=False) or ""
