"""Real-time status (DLE EOT n) of an ESC/POS printer.

Each query is three bytes, 0x10 0x04 n, and the printer answers one byte at
once, even while it is printing.  Bits per Epson ESC/POS:

- n=1 printer status: bit 3 = offline.
- n=2 offline cause:   bit 2 = cover open, bit 5 = printing stopped by paper end, bit 6 = error.
- n=4 paper sensor:    bits 2,3 = roll near its end, bits 5,6 = paper end.

Bits 1 and 4 are fixed to 1 and bits 0 and 7 to 0 in every reply.

A printer that does not answer is *not* assumed fine (python-escpos 3.1 reports
"paper adequate" for an empty reply): it is offline with paper 'unknown', so
the kiosk shows the ticket on screen instead of printing into the void.
"""

from __future__ import annotations

from dataclasses import dataclass

DLE_EOT = b"\x10\x04"
PRINTER_STATUS = 1
OFFLINE_CAUSE = 2
PAPER_SENSOR = 4

FIXED_MASK = 0x93  # bits 7, 4, 1, 0
FIXED_VALUE = 0x12  # bits 4 and 1 set

BIT_OFFLINE = 0x08
BIT_COVER_OPEN = 0x04
BIT_PAPER_END_STOP = 0x20
BIT_ERROR = 0x40
BITS_NEAR_END = 0x0C
BITS_PAPER_END = 0x60


def status_query(n: int) -> bytes:
    if n not in (PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR):
        raise ValueError("DLE EOT n must be 1, 2 or 4 here")
    return DLE_EOT + bytes([n])


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    paper: str  # 'ok' | 'low' | 'out' | 'unknown'
    cover_open: bool = False
    error: bool = False
    detail: str = ""

    @property
    def can_print(self) -> bool:
        return self.online and self.paper != "out"

    @classmethod
    def no_reply(cls, detail: str = "no status reply") -> "PrinterStatus":
        return cls(online=False, paper="unknown", detail=detail)


def parse_status(printer: int | None, offline_cause: int | None = None, paper: int | None = None) -> PrinterStatus:
    """Status from the one-byte replies to DLE EOT 1, 2 and 4 (None = no reply)."""
    notes: list[str] = []
    if printer is None:
        return PrinterStatus.no_reply("no reply to DLE EOT 1")
    for n, byte in ((1, printer), (2, offline_cause), (4, paper)):
        if byte is not None and byte & FIXED_MASK != FIXED_VALUE:
            # Some clones get the fixed bits wrong; read the rest anyway but say so.
            notes.append(f"nonstandard reply to DLE EOT {n}: 0x{byte:02x}")

    online = not printer & BIT_OFFLINE
    cover_open = bool(offline_cause is not None and offline_cause & BIT_COVER_OPEN)
    error = bool(offline_cause is not None and offline_cause & BIT_ERROR)
    paper_stop = bool(offline_cause is not None and offline_cause & BIT_PAPER_END_STOP)

    if (paper is not None and paper & BITS_PAPER_END) or paper_stop:
        paper_state = "out"
    elif paper is not None and paper & BITS_NEAR_END:
        paper_state = "low"
    elif paper is not None:
        paper_state = "ok"
    else:
        paper_state = "unknown"

    if not online:
        notes.insert(0, "offline")
    if cover_open:
        notes.append("cover open")
    if paper_state == "out":
        notes.append("paper out")
    elif paper_state == "low":
        notes.append("paper low")
    if error:
        notes.append("printer error")
    return PrinterStatus(
        online=online,
        paper=paper_state,
        cover_open=cover_open,
        error=error,
        detail=", ".join(notes) or "ready",
    )


def query_status(stream, timeout: float) -> PrinterStatus:
    """Ask DLE EOT 1, 2 and 4 over ``stream`` (devices.transport.Stream) and parse the replies.

    Stops after the first unanswered query: a silent printer costs one read
    timeout, not three, and a late reply cannot be mistaken for the next one.
    """
    replies: dict[int, int | None] = {}
    for n in (PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR):
        stream.write(status_query(n))
        data = stream.read(1, timeout)
        if not data:
            if n == PRINTER_STATUS:
                return PrinterStatus.no_reply(f"no reply to DLE EOT 1 within {timeout:g} s")
            replies[n] = None
            break
        replies[n] = data[0]
    return parse_status(replies.get(1), replies.get(2), replies.get(4))
