"""Read ESC/POS bytes back: the text, the QR payloads, and a picture of the ticket.

The admin's ticket preview and the tests both start from the bytes the printer
receives, so what they show is what the printer was told.  Only the commands
the layout uses are interpreted; anything else is skipped as well as the
interpreter can, because a preview must never fail a print.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from functools import lru_cache

from .layout import PAPER_DOTS

FONT_PATHS = [
    os.environ.get("HALLOPS_CJK_FONT", ""),
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]
CELL_H = 24  # font A / Chinese font: 12x24 and 24x24 dots
LINE_GAP = 6  # ESC 2 default line spacing is 30 dots: 24 + 6
MARGIN = 16


@dataclass
class Run:
    text: str
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass
class Line:
    align: int = 0
    runs: list[Run] = field(default_factory=list)


@dataclass
class QR:
    data: bytes
    module: int
    ec: int
    align: int


@dataclass
class Feed:
    dots: int


@dataclass
class Cut:
    partial: bool


class _Interpreter:
    """Turns bytes into a list of Line / QR / Feed / Cut items."""

    def __init__(self, data: bytes):
        self.data = data
        self.items: list = []
        self.reset()
        self.line = Line(align=self.align)
        self.text = bytearray()
        self.qr_store = b""
        self.qr_module = 3
        self.qr_ec = 0

    def reset(self):
        self.align = 0
        self.width = self.height = 1
        self.bold = False
        self.chinese = False

    def flush_text(self):
        if self.text:
            codec = "gb18030" if self.chinese else "cp437"
            self.line.runs.append(
                Run(bytes(self.text).decode(codec, errors="replace"), self.width, self.height, self.bold)
            )
            self.text = bytearray()

    def end_line(self):
        self.flush_text()
        self.items.append(self.line)
        self.line = Line(align=self.align)

    def set_style(self, **kw):
        self.flush_text()
        for k, v in kw.items():
            setattr(self, k, v)
        if "align" in kw and not self.line.runs:
            self.line.align = self.align

    def run(self) -> list:
        d = self.data
        i = 0
        n = len(d)
        while i < n:
            b = d[i]
            if b == 0x0A:
                self.end_line()
                i += 1
            elif b == 0x0D:
                i += 1
            elif b == 0x1B and i + 1 < n:
                i = self.esc(d, i)
            elif b == 0x1D and i + 1 < n:
                i = self.gs(d, i)
            elif b == 0x1C and i + 1 < n:
                cmd = d[i + 1]
                if cmd == ord("&"):
                    self.set_style(chinese=True)
                elif cmd == ord("."):
                    self.set_style(chinese=False)
                i += 2
            elif b == 0x10 and i + 2 < n and d[i + 1] == 0x04:
                i += 3  # DLE EOT n: a status query, prints nothing
            elif b < 0x20:
                i += 1
            elif b >= 0x80 and self.chinese:
                # Multi-byte GB18030: keep the sequence whole so its trail bytes are not parsed.
                length = 4 if i + 1 < n and 0x30 <= d[i + 1] <= 0x39 else 2
                self.text += d[i : i + length]
                i += length
            else:
                self.text.append(b)
                i += 1
        self.flush_text()
        if self.line.runs:
            self.items.append(self.line)
        return self.items

    def esc(self, d: bytes, i: int) -> int:
        cmd = d[i + 1]
        arg = d[i + 2] if i + 2 < len(d) else 0
        if cmd == ord("@"):
            self.flush_text()
            self.reset()
            return i + 2
        if cmd == ord("a"):
            self.set_style(align={0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}.get(arg, 0))
        elif cmd == ord("E"):
            self.set_style(bold=bool(arg & 1))
        elif cmd == ord("d"):
            self.end_line()
            for _ in range(max(0, arg - 1)):
                self.items.append(Line())
        elif cmd == ord("J"):
            self.end_line()
            self.items.append(Feed(arg))
        elif cmd == ord("!"):
            self.set_style(bold=bool(arg & 0x08))
        elif cmd in (ord("2"),):
            return i + 2
        return i + 3  # ESC a/E/d/J/!/3/M/- all take one argument

    def gs(self, d: bytes, i: int) -> int:
        cmd = d[i + 1]
        if cmd == ord("!") and i + 2 < len(d):
            arg = d[i + 2]
            self.set_style(width=(arg >> 4) + 1, height=(arg & 0x07) + 1)
            return i + 3
        if cmd == ord("V") and i + 2 < len(d):
            m = d[i + 2]
            if self.text or self.line.runs:
                self.end_line()
            self.items.append(Cut(partial=m in (1, 49, 66)))
            return i + 4 if m in (65, 66) else i + 3
        if cmd == ord("(") and i + 4 < len(d):
            fn_class = d[i + 2]
            length = d[i + 3] | (d[i + 4] << 8)
            body = d[i + 5 : i + 5 + length]
            if fn_class == ord("k"):
                self.qr_command(body)
            return i + 5 + length
        if cmd == ord("B"):
            return i + 3
        return i + 2

    def qr_command(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != ord("1"):
            return
        fn = body[1]
        if fn == 67 and len(body) > 2:
            self.qr_module = body[2]
        elif fn == 69 and len(body) > 2:
            self.qr_ec = body[2] - 48
        elif fn == 80:
            self.qr_store = body[3:]
        elif fn == 81:
            self.flush_text()
            if self.line.runs:
                self.end_line()
            self.items.append(QR(self.qr_store, self.qr_module, self.qr_ec, self.align))


def interpret(data: bytes) -> list:
    return _Interpreter(data).run()


def decode_text(data: bytes) -> str:
    """The human-readable text in ESC/POS bytes, one printed line per line."""
    lines = []
    for item in interpret(data):
        if isinstance(item, Line):
            lines.append("".join(r.text for r in item.runs))
    return "\n".join(lines)


def extract_qr_payloads(data: bytes) -> list[str]:
    """Payloads of the QR codes printed with GS ( k (decoded as UTF-8)."""
    return [q.data.decode("utf-8", errors="replace") for q in interpret(data) if isinstance(q, QR)]


_font_cache: dict = {}


def _font(px: int):
    from PIL import ImageFont

    if px in _font_cache:
        return _font_cache[px]
    font = None
    for path in FONT_PATHS:
        if path and os.path.exists(path):
            try:
                font = ImageFont.truetype(path, px)
                break
            except OSError:
                continue
    if font is None:
        # No CJK font installed: Latin still renders, Chinese shows as boxes.
        font = ImageFont.load_default(size=px)
    _font_cache[px] = font
    return font


def _char_cell(ch: str) -> int:
    return 12 if len(ch.encode("gb18030", errors="replace")) == 1 else 24


@lru_cache(maxsize=4096)
def _glyph(ch: str, bold: bool):
    """One character cell as the printer's dots: 12x24 or 24x24, black or white."""
    from PIL import Image, ImageDraw

    cell = _char_cell(ch)
    img = Image.new("L", (cell, CELL_H), 255)
    # Baseline at 19 of 24 dots leaves room for Latin descenders, as font A does.
    ImageDraw.Draw(img).text(
        (cell / 2, 19), ch, font=_font(20), fill=0, anchor="ms", stroke_width=1 if bold else 0, stroke_fill=0
    )
    return img.point(lambda v: 0 if v < 140 else 255)  # thermal dots are on or off


def _render_line(line: Line, paper_w: int):
    from PIL import Image

    if not line.runs:
        return Image.new("L", (paper_w, CELL_H + LINE_GAP), 255)
    height = max(CELL_H * r.height for r in line.runs) + LINE_GAP
    pieces = []
    for run in line.runs:
        base_w = sum(_char_cell(c) for c in run.text)
        if base_w == 0:
            continue
        # Draw at 1x and scale by whole dots, as the printer multiplies its glyph bitmap.
        img = Image.new("L", (base_w, CELL_H), 255)
        x = 0
        for ch in run.text:
            glyph = _glyph(ch, run.bold)
            img.paste(glyph, (x, 0))
            x += glyph.width
        img = img.resize((base_w * run.width, CELL_H * run.height), Image.NEAREST)
        pieces.append(img)
    total = sum(p.width for p in pieces)
    out = Image.new("L", (max(paper_w, total), height), 255)
    x = {0: 0, 1: (paper_w - total) // 2, 2: paper_w - total}[line.align]
    x = max(0, x)
    for p in pieces:
        out.paste(p, (x, height - LINE_GAP - p.height))
        x += p.width
    return out.crop((0, 0, paper_w, height))


def _render_qr(q: QR, paper_w: int):
    from PIL import Image

    import segno

    ec = "lmqh"[q.ec] if 0 <= q.ec <= 3 else "m"
    try:
        code = segno.make(q.data, error=ec, micro=False, boost_error=False)
    except Exception:
        return Image.new("L", (paper_w, 8), 255)
    rows = list(code.matrix_iter(scale=1, border=0))
    n = len(rows)
    img = Image.new("L", (n, n), 255)
    img.putdata([0 if v else 255 for row in rows for v in row])
    size_px = n * max(1, q.module)
    img = img.resize((size_px, size_px), Image.NEAREST)
    out = Image.new("L", (paper_w, size_px + 8), 255)
    x = {0: 0, 1: (paper_w - size_px) // 2, 2: paper_w - size_px}[q.align]
    out.paste(img, (max(0, x), 4))
    return out


def render_preview(data: bytes, paper_mm: int = 58):
    """A Pillow image of the ticket at printer resolution (8 dots/mm), with margins."""
    from PIL import Image, ImageDraw

    paper_w = PAPER_DOTS[paper_mm]
    blocks = []
    for item in interpret(data):
        if isinstance(item, Line):
            blocks.append(_render_line(item, paper_w))
        elif isinstance(item, QR):
            blocks.append(_render_qr(item, paper_w))
        elif isinstance(item, Feed):
            blocks.append(Image.new("L", (paper_w, max(1, item.dots)), 255))
        elif isinstance(item, Cut):
            cut = Image.new("L", (paper_w, 24), 255)
            draw = ImageDraw.Draw(cut)
            for x in range(0, paper_w, 12):
                draw.line((x, 12, x + 6, 12), fill=128, width=2)
            blocks.append(cut)
    height = sum(b.height for b in blocks) + 2 * MARGIN
    page = Image.new("L", (paper_w + 2 * MARGIN, max(height, 2 * MARGIN + 1)), 255)
    y = MARGIN
    for blk in blocks:
        page.paste(blk, (MARGIN, y))
        y += blk.height
    return page


def preview_png(data: bytes, paper_mm: int = 58) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    # Thermal paper is black or white: a 1-bit PNG is a fraction of the size and time.
    render_preview(data, paper_mm).convert("1", dither=Image.Dither.NONE).save(buf, format="PNG")
    return buf.getvalue()
