"""The ticket (号票) as ESC/POS bytes.

python-escpos 3.1 cannot print Chinese, so the text is ours: the printer is put
into Chinese mode (``FS &``) and sent GB18030; sizes use ``GS !`` because
``ESC !`` does not enlarge Chinese characters.  The QR code uses the printer's
own ``GS ( k`` model-2 encoder, so the ticket stays a few hundred bytes instead
of a raster image.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .text import (
    encode_text,
    mask_id,
    mask_name,
    minutes_ceiling,
    printable,
    text_columns,
    wrap_columns,
)

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
LF = b"\n"

INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
ALIGN_LEFT = ESC + b"a\x00"
ALIGN_CENTER = ESC + b"a\x01"
ALIGN_RIGHT = ESC + b"a\x02"
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
# GS V 66 n: feed to the cutter plus n dots, then partial cut (the ticket stays
# hanging at the kiosk slot instead of falling).
CUT = GS + b"V\x42\x00"

# Printable width: 58 mm paper = 48 mm = 384 dots = 32 columns of 12 dots;
# 80 mm paper = 72 mm = 576 dots = 48 columns.
PAPER_COLUMNS = {58: 32, 80: 48}
PAPER_DOTS = {58: 384, 80: 576}

QR_EC_M = 1


def size(width: int = 1, height: int = 1) -> bytes:
    """GS ! n: character width and height multipliers 1..8."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("GS ! multipliers are 1..8")
    return GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])


def feed(lines: int) -> bytes:
    """ESC d n: print the buffer and feed n lines."""
    return ESC + b"d" + bytes([max(0, min(255, lines))])


def _gs_k(fn: int, payload: bytes, m: bytes = b"") -> bytes:
    body = b"1" + bytes([fn]) + m + payload  # cn = 49: QR code
    if len(body) > 65535:
        raise ValueError("QR payload too large for GS ( k")
    return GS + b"(k" + len(body).to_bytes(2, "little") + body


def qr_code(data: str, module: int, ec: int = QR_EC_M) -> bytes:
    """GS ( k: select model 2, module size, error correction, store the data, print it."""
    payload = data.encode("utf-8")  # phones read byte-mode QR as UTF-8
    return b"".join(
        [
            _gs_k(65, b"\x32\x00"),  # fn 165: model 2
            _gs_k(67, bytes([module])),  # fn 167: module size in dots
            _gs_k(69, bytes([48 + ec])),  # fn 169: error correction L/M/Q/H = 48..51
            _gs_k(80, payload, b"0"),  # fn 180: store
            _gs_k(81, b"", b"0"),  # fn 181: print
        ]
    )


def qr_module_size(data: str, paper_mm: int, ec: str = "m") -> int:
    """The largest module size (dots) that keeps the QR within ~60 % of the printable width."""
    modules = qr_modules(data, ec)
    return max(1, min(8, int(PAPER_DOTS[paper_mm] * 0.6) // modules))


# Byte-mode capacity of QR model 2 at error correction M, versions 1..40 (ISO/IEC 18004 table 7).
_BYTE_CAPACITY_M = [
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
    711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
]


def qr_modules(data: str, ec: str = "m") -> int:
    """Modules per side of the QR the printer will draw (byte mode: an upper bound if it packs smarter)."""
    if ec == "m":
        n = len(data.encode("utf-8"))
        for version, capacity in enumerate(_BYTE_CAPACITY_M, start=1):
            if n <= capacity:
                return 17 + 4 * version
        raise ValueError("QR payload too large")
    import segno

    # The printer chooses the smallest version for the data, as segno does.  A fixed
    # mask skips segno's mask scoring (90 % of its time); the size does not depend on it.
    qr = segno.make(data.encode("utf-8"), error=ec, micro=False, boost_error=False, mask=0)
    return qr.symbol_size(border=0)[0]


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
    b.line(f"预计等候 约 {minutes_ceiling(content.estimated_wait_s)} 分钟")
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
