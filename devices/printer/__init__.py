"""Thermal ticket printers (热敏打印机, ESC/POS): layout, status, driver, preview, virtual printer.

No Django here: the kiosk gateway configures a printer by URL and calls
``render_ticket`` + ``print_job``; the admin calls ``preview_png`` on the same bytes.
"""

from .driver import (
    EscPosPrinter,
    MemoryJournal,
    PaperOut,
    PrinterError,
    PrinterUnavailable,
    PrintJournal,
    PrintResult,
    SqliteJournal,
)
from .layout import TicketContent, render_ticket
from .preview import decode_text, extract_qr_payloads, preview_png, render_preview
from .status import PrinterStatus, parse_status, query_status, status_query
from .text import REPLACEMENT, encode_text, mask_id, mask_name, text_columns, wrap_columns
from .virtual import VirtualPrinter


def open_printer(url: str, **kwargs):
    """A printer for a configured URL: ``virtual:///path/to/folder`` for the demo, otherwise EscPosPrinter."""
    if url.startswith("virtual://"):
        return VirtualPrinter(url[len("virtual://"):] or ".", **kwargs)
    return EscPosPrinter(url, **kwargs)


__all__ = [
    "EscPosPrinter",
    "MemoryJournal",
    "PaperOut",
    "PrintJournal",
    "PrintResult",
    "PrinterError",
    "PrinterStatus",
    "PrinterUnavailable",
    "REPLACEMENT",
    "SqliteJournal",
    "TicketContent",
    "VirtualPrinter",
    "decode_text",
    "encode_text",
    "extract_qr_payloads",
    "mask_id",
    "mask_name",
    "open_printer",
    "parse_status",
    "preview_png",
    "query_status",
    "render_preview",
    "render_ticket",
    "status_query",
    "text_columns",
    "wrap_columns",
]
