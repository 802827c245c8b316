"""What an announcement says, and how it splits into the clips of a voice pack.

Reading rules (the ones halls use on the floor):

- A ticket number is read digit by digit, letters as letters: "A001" -> "A零零一",
  "A1000" -> "A一零零零". "一千" would be ambiguous between A1000 and A01000.
- A window number is read as a natural number: "3" -> "三", "12" -> "十二",
  "20" -> "二十", "105" -> "一百零五". Halls say 十二号窗口, never 一二号窗口. Window
  names that are not plain numbers 1-999 ("A3", "0") fall back to the digit rule.

The announcement text is the same for both ways a hall screen speaks: the browser's
speech synthesis reads it as is, and ``tokens`` cuts it into pack clips.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable

DEFAULT_TEMPLATE = "请{number}号到{window}号窗口办理"
RECALL_PREFIX = "再次呼叫，"
# The hall's template language is defined by hallops.core.announcement (checked where a hall edits
# it); this driver cannot import it, so it names what it fills in and a test keeps the two equal.
PLACEHOLDERS = ("number", "window", "service")

DIGITS = "零一二三四五六七八九"
LETTERS = string.ascii_uppercase

# The standard vocabulary of a pack, with pinyin (tone numbers) for espeak-ng and
# for ASCII clip file names. Order matters only for readability.
PHRASE_PINYIN: dict[str, str] = {
    "请": "qing3",
    "号": "hao4",
    "到": "dao4",
    "第": "di4",
    "窗口": "chuang1 kou3",
    "办理": "ban4 li3",
    "号窗口": "hao4 chuang1 kou3",
    "号窗口办理": "hao4 chuang1 kou3 ban4 li3",
    "前往": "qian2 wang3",
    "再次呼叫": "zai4 ci4 hu1 jiao4",
    "十": "shi2",
    "百": "bai3",
}
DIGIT_PINYIN: dict[str, str] = dict(
    zip(DIGITS, ["ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3"])
)
TOKEN_PINYIN: dict[str, str] = {**DIGIT_PINYIN, **PHRASE_PINYIN}

# Every pack must have these: enough for any number A000-Z9999, windows 1-999 and
# the default template with recall.
REQUIRED_TOKENS: tuple[str, ...] = (
    tuple(DIGITS)
    + tuple(LETTERS)
    + ("十", "百", "请", "号", "到", "号窗口办理", "再次呼叫")
)
STANDARD_TOKENS: tuple[str, ...] = tuple(dict.fromkeys(REQUIRED_TOKENS + tuple(PHRASE_PINYIN)))

# Read as a pause, never looked up: the gap between clips already is one.
PAUSE_CHARS = set(" \t\r\n,.;:!?，。、；：！？…·-—")


class MissingTokenError(ValueError):
    """The voice pack has no clip for part of the text."""

    def __init__(self, text: str, missing: list[tuple[int, str]]):
        self.text = text
        self.missing = missing  # (position, character) pairs
        chars = "".join(dict.fromkeys(ch for _, ch in missing))
        where = ", ".join(f"{ch!r} at {pos}" for pos, ch in missing)
        super().__init__(
            f"the voice pack has no clip for {chars!r} in {text!r} ({where}); "
            "record the missing words or change the hall's announcement template"
        )


def spoken_number(number: str) -> str:
    """A ticket number read digit by digit: "A001" -> "A零零一"."""
    out = []
    for ch in unicodedata.normalize("NFKC", str(number)).strip():
        if ch.isascii() and ch.isdigit():
            out.append(DIGITS[int(ch)])
        elif ch.isascii() and ch.isalpha():
            out.append(ch.upper())
        else:
            out.append(ch)
    return "".join(out)


def spoken_window(window: str | int) -> str:
    """A window number read naturally: "3" -> "三", "12" -> "十二", "105" -> "一百零五"."""
    raw = unicodedata.normalize("NFKC", str(window)).strip()
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 999:
        return spoken_number(raw)
    n = int(raw)
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    out = ""
    if hundreds:
        out += DIGITS[hundreds] + "百"
        if tens:
            out += DIGITS[tens] + "十"
        elif ones:
            out += "零"
    elif tens:
        # 十二, not 一十二, when the number starts with its tens
        out += ("" if tens == 1 else DIGITS[tens]) + "十"
    if ones:
        out += DIGITS[ones]
    return out


def announcement_text(
    template: str = DEFAULT_TEMPLATE,
    *,
    number: str,
    window: str | int,
    service: str = "",
    recall: bool = False,
    recall_template: str | None = None,
) -> str:
    """The sentence a hall screen speaks for one call.

    ``template`` uses {number}, {window} and {service}. A recall uses
    ``recall_template`` when the hall has one, else the template prefixed with
    "再次呼叫，".
    """
    chosen = template or DEFAULT_TEMPLATE
    if recall:
        chosen = recall_template if recall_template else RECALL_PREFIX + chosen
    values = dict(zip(PLACEHOLDERS, (spoken_number(number), spoken_window(window), service)))
    try:
        return chosen.format_map(values)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        names = ", ".join("{%s}" % p for p in PLACEHOLDERS[:-1]) + " and {%s}" % PLACEHOLDERS[-1]
        raise ValueError(f"bad announcement template {chosen!r}: only {names} may be used ({exc})") from None


def tokens(text: str, vocabulary: Iterable[str] = STANDARD_TOKENS) -> list[str]:
    """Split ``text`` into pack tokens by greedy longest match.

    ASCII digits count as their Chinese digit ("A001" works as is), letters are
    upper-cased, punctuation and spaces are pauses. Raises MissingTokenError
    naming every character no token covers.
    """
    vocab = set(vocabulary)
    longest = max((len(t) for t in vocab), default=0)
    norm = spoken_number(text)  # NFKC, digits -> 零..九, letters upper-cased
    out: list[str] = []
    missing: list[tuple[int, str]] = []
    i = 0
    while i < len(norm):
        if norm[i] in PAUSE_CHARS:
            i += 1
            continue
        for size in range(min(longest, len(norm) - i), 0, -1):
            if norm[i : i + size] in vocab:
                out.append(norm[i : i + size])
                i += size
                break
        else:
            missing.append((i, norm[i]))
            i += 1
    if missing:
        raise MissingTokenError(text, missing)
    return out


def clip_slug(token: str) -> str:
    """An ASCII file stem for a token's clip, so URLs and zip files stay simple."""
    if len(token) == 1 and token in LETTERS:
        return token
    if token in DIGITS:
        return f"d{DIGITS.index(token)}"
    if token in TOKEN_PINYIN:
        return "-".join(s.rstrip("012345") for s in TOKEN_PINYIN[token].split())
    return "x" + token.encode("utf-8").hex()
