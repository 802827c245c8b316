import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from devices.printer import (
    EscPosPrinter,
    MemoryJournal,
    PaperOut,
    PrinterUnavailable,
    SqliteJournal,
    decode_text,
    extract_qr_payloads,
    render_ticket,
)

REPO = Path(__file__).resolve().parents[3]


def printer_for(standin, **kw):
    kw.setdefault("read_timeout", 0.3)
    kw.setdefault("connect_timeout", 1.0)
    return EscPosPrinter(standin.url, **kw)


def test_a_ticket_sent_over_tcp_arrives_whole(standin, ticket):
    data = render_ticket(ticket, 58)
    result = printer_for(standin).print_job("job-1", data)
    assert result.ok and result.error is None
    assert result.status_before.paper == "ok" and result.status_after.online
    received = standin.printed_bytes()
    assert received == data
    text = decode_text(received)
    assert "A023" in text.splitlines()
    assert "前面还有 3 人" in text
    assert extract_qr_payloads(received) == [ticket.track_url]


def test_status_is_asked_before_and_after_the_job(standin, ticket):
    printer_for(standin).print_job("job-1", render_ticket(ticket))
    assert standin.queries == [1, 2, 4, 1, 2, 4]
    raw = standin.wait_connections(1)[0]
    assert raw.startswith(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04\x1b@")


def test_each_job_uses_its_own_connection(standin, ticket):
    p = printer_for(standin)
    p.print_job("a", render_ticket(ticket))
    p.print_job("b", render_ticket(ticket))
    assert len(standin.wait_connections(2)) == 2


def test_paper_out_refuses_the_job_and_prints_nothing(standin, ticket):
    standin.set_paper_out()
    with pytest.raises(PaperOut) as exc:
        printer_for(standin).print_job("job-1", render_ticket(ticket))
    assert exc.value.status.paper == "out"
    assert standin.printed_bytes() == b""


def test_cover_open_refuses_the_job(standin, ticket):
    standin.set_cover_open()
    with pytest.raises(PrinterUnavailable) as exc:
        printer_for(standin).print_job("job-1", render_ticket(ticket))
    assert not isinstance(exc.value, PaperOut)
    assert exc.value.status.cover_open
    assert standin.printed_bytes() == b""


def test_paper_low_still_prints_and_reports_it(standin, ticket):
    standin.set_paper_low()
    result = printer_for(standin).print_job("job-1", render_ticket(ticket))
    assert result.ok and result.status_after.paper == "low"


def test_a_silent_printer_is_offline_and_unknown_not_plenty_of_paper(standin):
    standin.silent = True
    t0 = time.monotonic()
    status = printer_for(standin, read_timeout=0.3).status()
    assert (status.online, status.paper) == (False, "unknown")
    assert time.monotonic() - t0 < 1.5  # one read timeout, not three
    assert standin.queries == [1]


def test_a_silent_printer_gets_no_job(standin, ticket):
    standin.silent = True
    with pytest.raises(PrinterUnavailable):
        printer_for(standin).print_job("job-1", render_ticket(ticket))
    assert standin.printed_bytes() == b""


def test_an_unreachable_printer_is_reported_not_hung():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    p = EscPosPrinter(f"tcp://127.0.0.1:{port}", connect_timeout=0.5, read_timeout=0.3)
    assert p.status().online is False
    with pytest.raises(PrinterUnavailable):
        p.print_job("job-1", b"\x1b@hello\n")


def test_a_dropped_connection_mid_job_is_an_error_not_a_hang(standin, ticket):
    standin.drop_after = 100
    data = render_ticket(ticket) + b"\n" * 200_000  # long enough that the peer's reset meets our writes
    t0 = time.monotonic()
    result = printer_for(standin).print_job("job-1", data)
    assert time.monotonic() - t0 < 3
    assert not result.ok and result.error
    assert len(standin.printed_bytes()) == 100


def test_a_connection_dropped_after_a_short_job_is_an_error(standin, ticket):
    standin.drop_after = 50
    result = printer_for(standin).print_job("job-1", render_ticket(ticket))
    assert not result.ok and result.error
    # A failed job is not journaled: the gateway may retry it.
    standin.drop_after = None
    assert printer_for(standin, journal=MemoryJournal()).print_job("job-1", render_ticket(ticket)).ok


def test_paper_running_out_during_the_job_fails_it_and_it_is_not_journaled(standin, ticket):
    standin.paper_runs_out_after = 40
    p = printer_for(standin)
    result = p.print_job("job-1", render_ticket(ticket))
    assert not result.ok and "paper ran out" in result.error
    assert result.status_before.paper == "ok" and result.status_after.paper == "out"
    assert not p.journal.is_done("job-1")


def test_the_journal_prevents_a_double_print_on_retry(standin, ticket):
    p = printer_for(standin)
    data = render_ticket(ticket)
    first = p.print_job("kiosk1-A023", data)
    again = p.print_job("kiosk1-A023", data)
    assert first.ok and not first.duplicate
    assert again.ok and again.duplicate
    assert standin.printed_bytes() == data  # once


def test_concurrent_retries_of_one_job_print_once(standin, ticket):
    p = printer_for(standin)
    data = render_ticket(ticket)
    results = []
    threads = [threading.Thread(target=lambda: results.append(p.print_job("same", data))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(not r.duplicate for r in results) == 1
    assert standin.printed_bytes() == data


def test_the_sqlite_journal_remembers_across_restarts(standin, ticket, tmp_path):
    data = render_ticket(ticket)
    path = tmp_path / "journal.sqlite3"
    assert printer_for(standin, journal=SqliteJournal(path)).print_job("j-7", data).ok
    restarted = printer_for(standin, journal=SqliteJournal(path))
    assert restarted.print_job("j-7", data).duplicate
    assert standin.printed_bytes() == data
    assert SqliteJournal(path).prune(older_than_s=-1) == 1
    assert not SqliteJournal(path).is_done("j-7")


def test_file_urls_get_the_bytes_without_status(tmp_path, ticket):
    target = tmp_path / "lp0"
    data = render_ticket(ticket)
    p = EscPosPrinter(f"file://{target}")
    result = p.print_job("f-1", data)
    assert result.ok and result.status_before.paper == "unknown"
    assert target.read_bytes() == data


def test_usb_without_pyusb_is_unavailable_not_a_crash(ticket):
    # No USB printer (nor pyusb) here: the path through python-escpos's Usb class is untested
    # beyond failing cleanly.
    p = EscPosPrinter("usb://04b8:0202")
    assert p.status().online is False
    with pytest.raises(PrinterUnavailable):
        p.print_job("u-1", render_ticket(ticket))


def test_the_printer_package_does_not_import_django():
    code = "import sys, devices.printer, devices.printer.standin; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_serial_server_url_prints_through_pyserial(standin, ticket):
    # socket:// is pyserial's handler for serial-over-TCP boxes; status works the same way.
    data = render_ticket(ticket)
    url = standin.url.replace("tcp://", "socket://")
    result = EscPosPrinter(url, read_timeout=0.3).print_job("s-1", data)
    assert result.ok and result.status_before.paper == "ok"
    assert standin.printed_bytes() == data
