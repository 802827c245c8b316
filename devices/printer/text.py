"""Text for a Chinese-mode ESC/POS printer: encoding, column widths, wrapping, masking.

In Chinese mode (``FS &``) a printer prints every single byte below 0x80 as a
half-width ASCII glyph and every GB18030 multi-byte sequence as one full-width
glyph.  So the width of a character is decided by its encoding: one byte = one
column, more bytes = two columns.  Wrapping counts columns this way so a line
never runs past the paper and a character is never cut in half.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

REPLACEMENT = "□"  # visible on paper; '?' would read as part of the text

# Text that reaches the printer contains no control bytes, so a reader of the
# byte stream (decode_text, the preview, a test) can always tell text from commands.
_BREAK_SPACE = {" ", "\t", "\u3000"}
# A line should not start with closing punctuation (避头尾 / kinsoku).
_NO_LINE_START = set("，。、；：？！）》」』】〕…,.;:?!)%")


@lru_cache(maxsize=8192)
def encode_char(ch: str, charset: str = "gb18030") -> bytes:
    """Bytes for one character, or the replacement's bytes when the printer cannot show it.

    ``charset="gbk"`` is for printers whose font holds only the double-byte
    GBK set: GB18030 four-byte characters (rare 生僻字, emoji) become '□'.
    """
    if ch == "\n":
        return b"\n"
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Zl", "Zp"):
        # Control and format characters never reach the printer: an ESC hidden
        # in a matter name must not become a command.
        return b" " if ch in "\t\r\x0b\x0c\u2028\u2029" else b""
    try:
        data = ch.encode("gb18030")
    except UnicodeEncodeError:
        return REPLACEMENT.encode("gb18030")
    if charset == "gbk" and len(data) > 2:
        return REPLACEMENT.encode("gb18030")
    return data


def encode_text(text: str, charset: str = "gb18030") -> bytes:
    """GB18030 bytes for printing; un-encodable characters become '□', controls are dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return b"".join(encode_char(ch, charset) for ch in text)


def printable(text: str, charset: str = "gb18030") -> str:
    """The text exactly as the printer will show it (replacements applied, controls dropped)."""
    return encode_text(text, charset).decode("gb18030")


def char_columns(ch: str, charset: str = "gb18030") -> int:
    data = encode_char(ch, charset)
    if not data or data == b"\n":
        return 0 if not data else 1
    return 1 if len(data) == 1 else 2


def text_columns(text: str, charset: str = "gb18030") -> int:
    return sum(char_columns(ch, charset) for ch in text)


def _breakable_between(left: str, right: str, charset: str) -> bool:
    # Chinese has no spaces: any boundary next to a full-width character may break.
    return char_columns(left, charset) == 2 or char_columns(right, charset) == 2


def wrap_spans(text: str, width: int, charset: str = "gb18030") -> list[tuple[int, int]]:
    """(start, end) index pairs of the wrapped lines of ``text``.

    Between consecutive spans lies only break whitespace (the newline, or the
    spaces where a line was broken), so the spans reproduce the text.  Each
    span is at most ``width`` columns.  Words are kept whole when they fit,
    Chinese breaks anywhere but not before closing punctuation, and a word
    wider than the line is split between characters.
    """
    if width < 2:
        raise ValueError("width must be at least 2 columns (one Chinese character)")
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while True:
        end = text.find("\n", pos)
        para_end = n if end < 0 else end
        _wrap_paragraph(text, pos, para_end, width, charset, spans)
        if end < 0:
            break
        pos = end + 1
    return spans


def _wrap_paragraph(text, start, end, width, charset, spans):
    if start == end:
        spans.append((start, start))  # keep blank lines: materials lists use them
        return
    i = start
    first = True
    while i < end:
        if not first:
            while i < end and text[i] in _BREAK_SPACE:
                i += 1
            if i == end:
                return
        first = False
        col = 0
        j = i
        last_break = None  # end of the line if we break at the last allowed point
        while j < end:
            w = char_columns(text[j], charset)
            if col + w > width:
                break
            if j > i:
                if text[j] in _BREAK_SPACE and text[j - 1] not in _BREAK_SPACE:
                    last_break = j
                elif _breakable_between(text[j - 1], text[j], charset) and text[j] not in _NO_LINE_START:
                    last_break = j
            col += w
            j += 1
        if j == end:
            line_end = end
        elif text[j] in _BREAK_SPACE:
            line_end = j
        elif _breakable_between(text[j - 1], text[j], charset) and text[j] not in _NO_LINE_START:
            line_end = j
        elif last_break is not None:
            line_end = last_break
        else:
            line_end = j  # one long word: split it between characters
        trimmed = line_end
        while trimmed > i and text[trimmed - 1] in _BREAK_SPACE:
            trimmed -= 1
        if trimmed > i or j == end:
            spans.append((i, trimmed))
        i = line_end


def wrap_columns(text: str, width: int, charset: str = "gb18030") -> list[str]:
    """Lines of ``text`` no wider than ``width`` columns (1 per ASCII, 2 per Chinese character)."""
    return [text[a:b] for a, b in wrap_spans(text, width, charset)]


def mask_name(name: str) -> str:
    """张三 → 张*, 张三明 → 张*明, 欧阳小明 → 欧**明: enough for the citizen to recognise the ticket."""
    name = name.strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(id_number: str) -> str:
    """110101199001011234 → 110***********1234; short documents keep only their last two characters."""
    s = "".join(id_number.split())
    n = len(s)
    if n <= 4:
        return "*" * n
    if n >= 15:  # resident ID cards (15/18 digits)
        return s[:3] + "*" * (n - 7) + s[-4:]
    head = 1 if n >= 8 else 0
    return s[:head] + "*" * (n - head - 2) + s[-2:]


def minutes_ceiling(seconds: int) -> int:
    return math.ceil(max(0, seconds) / 60)


def wait_phrase(seconds: int) -> str:
    """The slip's estimated wait, worded as every page words it: under a minute is 无需等候."""
    m = minutes_ceiling(seconds)
    return f"预计等候 约 {m} 分钟" if m > 0 else "无需等候"
