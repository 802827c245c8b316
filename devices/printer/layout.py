"""The ticket (号票) as ESC/POS bytes.

The building blocks come from python-escpos: its ``Dummy`` printer collects the bytes of init,
alignment, bold, ``GS !`` sizes, the native QR code (``GS ( k`` model 2, so the ticket stays a few
hundred bytes instead of a raster image), feed and cut. Only what python-escpos 3.1 cannot do is
ours: Chinese mode (``FS &``) and the text itself, sent as GB18030; sizes use ``GS !`` because
``ESC !`` does not enlarge Chinese characters. The QR version (hence the module size) is segno's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_MODEL_2
from escpos.printer import Dummy

from .text import (
    encode_text,
    mask_id,
    mask_name,
    printable,
    text_columns,
    wait_phrase,
    wrap_columns,
)

FS = b"\x1c"
LF = b"\n"


def _escpos(build) -> bytes:
    """The bytes python-escpos emits for ``build(printer)``."""
    printer = Dummy()
    build(printer)
    return printer.output


INIT = _escpos(lambda p: p.hw("INIT"))  # ESC @
CHINESE_ON = FS + b"&"  # not in python-escpos 3.1
CHINESE_OFF = FS + b"."
ALIGN_LEFT = _escpos(lambda p: p.set(align="left"))  # ESC a n
ALIGN_CENTER = _escpos(lambda p: p.set(align="center"))
ALIGN_RIGHT = _escpos(lambda p: p.set(align="right"))
BOLD_ON = _escpos(lambda p: p.set(bold=True))  # ESC E n
BOLD_OFF = _escpos(lambda p: p.set(bold=False))
# GS V 66 n: feed to the cutter plus n dots, then partial cut (the ticket stays
# hanging at the kiosk slot instead of falling).
CUT = _escpos(lambda p: p.cut(mode="PART", feed=False))

# Printable width: 58 mm paper = 48 mm = 384 dots = 32 columns of 12 dots;
# 80 mm paper = 72 mm = 576 dots = 48 columns.
PAPER_COLUMNS = {58: 32, 80: 48}
PAPER_DOTS = {58: 384, 80: 576}

QR_EC = {"l": QR_ECLEVEL_L, "m": QR_ECLEVEL_M, "q": QR_ECLEVEL_Q, "h": QR_ECLEVEL_H}
QR_EC_M = QR_ECLEVEL_M


@lru_cache(maxsize=64)
def size(width: int = 1, height: int = 1) -> bytes:
    """GS ! n: character width and height multipliers 1..8."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("GS ! multipliers are 1..8")
    return _escpos(lambda p: p.set(custom_size=True, width=width, height=height))


def feed(lines: int) -> bytes:
    """ESC d n: print the buffer and feed n lines."""
    return _escpos(lambda p: p.print_and_feed(max(0, min(255, lines))))


def qr_code(data: str, module: int, ec: int = QR_EC_M) -> bytes:
    """GS ( k: select model 2, module size, error correction, store the data (UTF-8: phones read byte-mode QR so), print."""
    return _escpos(lambda p: p.qr(data, ec=ec, size=module, model=QR_MODEL_2, native=True))


def qr_module_size(data: str, paper_mm: int, ec: str = "m") -> int:
    """The largest module size (dots) that keeps the QR within ~60 % of the printable width."""
    modules = qr_modules(data, ec)
    return max(1, min(8, int(PAPER_DOTS[paper_mm] * 0.6) // modules))


def qr_modules(data: str, ec: str = "m") -> int:
    """Modules per side of the QR the printer will draw (byte mode: an upper bound if it packs smarter)."""
    return 17 + 4 * _byte_mode_version(len(data.encode("utf-8")), ec)


@lru_cache(maxsize=256)
def _byte_mode_version(length: int, ec: str) -> int:
    """The smallest QR version holding ``length`` bytes in byte mode (segno's capacity table, ISO/IEC 18004 table 7).

    In byte mode the version depends on the length alone, hence the cache; segno finds it without
    drawing the symbol (a whole ``segno.make`` is milliseconds, mostly mask scoring).
    """
    from segno import encoder

    segments = encoder.prepare_data(b"\0" * length, encoder.normalize_mode("byte"), None)
    try:
        return encoder.find_version(segments, encoder.normalize_errorlevel(ec), eci=False, micro=False)
    except encoder.DataOverflowError as e:
        raise ValueError("QR payload too large") from e


@dataclass
class TicketContent:
    hall_name: str
    number: str
    service_name: str
    ahead: int
    estimated_wait_s: int
    issued_at: datetime
    track_url: str
    materials: str = ""
    priority_label: str | None = None
    citizen_name: str | None = None
    citizen_id: str | None = None
    window_hint: str | None = None

    def __post_init__(self):
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (the hall's local time)")


class _Builder:
    def __init__(self, paper_mm: int, charset: str):
        if paper_mm not in PAPER_COLUMNS:
            raise ValueError(f"paper_mm must be 58 or 80, not {paper_mm!r}")
        self.columns = PAPER_COLUMNS[paper_mm]
        self.charset = charset
        self.out = bytearray()

    def raw(self, data: bytes) -> None:
        self.out += data

    def line(self, text: str) -> None:
        self.out += encode_text(text, self.charset) + LF

    def paragraph(self, text: str, scale: int = 1) -> None:
        """Wrapped text; ``scale`` is the GS ! width multiplier, which divides the columns."""
        text = printable(text, self.charset)
        for piece in wrap_columns(text, self.columns // scale, self.charset):
            self.line(piece)

    def fits(self, text: str, scale: int) -> bool:
        return text_columns(printable(text, self.charset), self.charset) * scale <= self.columns


def number_scale(number: str, paper_mm: int, charset: str = "gb18030") -> int:
    """The largest GS ! multiplier (1..8) at which the number fits on one line."""
    cols = max(1, text_columns(printable(number, charset), charset))
    return max(1, min(8, PAPER_COLUMNS[paper_mm] // cols))


def render_ticket(content: TicketContent, paper_mm: int = 58, charset: str = "gb18030") -> bytes:
    """ESC/POS bytes of one ticket.

    ``charset="gbk"`` replaces characters outside the two-byte GBK set with '□'
    for printers whose font has nothing else.
    """
    b = _Builder(paper_mm, charset)
    b.raw(INIT + CHINESE_ON + ALIGN_CENTER)

    # Hall name: double size when it fits on one line, else normal and wrapped.
    hall_scale = 2 if b.fits(content.hall_name, 2) else 1
    b.raw(BOLD_ON + size(hall_scale, hall_scale))
    b.paragraph(content.hall_name, hall_scale)
    b.raw(BOLD_OFF + size(1, 1) + LF)

    # The number as large as the paper allows: it is read from arm's length.
    scale = number_scale(content.number, paper_mm, charset)
    b.raw(BOLD_ON + size(scale, scale))
    b.line(content.number)
    b.raw(size(1, 1) + BOLD_OFF)
    if content.priority_label:
        b.raw(BOLD_ON + size(1, 2))
        b.paragraph(f"【{content.priority_label}】")
        b.raw(size(1, 1) + BOLD_OFF)

    svc_scale = 2 if b.fits(content.service_name, 2) else 1
    b.raw(size(svc_scale, 2))
    b.paragraph(content.service_name, svc_scale)
    b.raw(size(1, 1) + LF)

    b.raw(size(1, 2))
    b.line(f"前面还有 {max(0, content.ahead)} 人")
    b.raw(size(1, 1))
    b.line(wait_phrase(content.estimated_wait_s))
    if content.window_hint:
        b.paragraph(f"办理窗口：{content.window_hint}")

    b.raw(ALIGN_LEFT)
    if content.citizen_name:
        b.paragraph(f"取号人：{mask_name(content.citizen_name)}")
    if content.citizen_id:
        b.paragraph(f"证件号：{mask_id(content.citizen_id)}")
    b.line(f"取号时间：{content.issued_at.strftime('%Y-%m-%d %H:%M:%S')}")

    if content.track_url:
        b.raw(LF + ALIGN_CENTER)
        b.raw(qr_code(content.track_url, qr_module_size(content.track_url, paper_mm)))
        b.raw(LF)
        b.line("扫码查看排队进度")

    materials = content.materials.strip()
    if materials:
        b.raw(ALIGN_LEFT + LF + BOLD_ON)
        b.line("一次性告知 · 请备齐以下材料")
        b.raw(BOLD_OFF)
        b.paragraph(materials)

    b.raw(ALIGN_CENTER + LF)
    b.line("请留意叫号，过号请到服务台")
    b.raw(feed(3) + CUT + CHINESE_OFF)
    return bytes(b.out)
