"""EscPosPrinter: one ticket per connection, with status checks before and after.

Contract of ``print_job``:

- raises ``PaperOut`` / ``PrinterUnavailable`` when it refused the job: nothing
  was sent, the caller shows the ticket on screen instead;
- returns ``PrintResult(ok=False)`` when bytes were (perhaps partly) sent and the
  job failed: connection lost, printer went offline or ran out of paper;
- returns ``PrintResult(ok=True)`` when the printer took the job and still looks
  healthy afterwards; the job id is then in the journal, and printing the same
  job id again returns at once with ``duplicate=True`` and prints nothing.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from devices.transport import Stream, TransportError, open_stream, parse_url

from .status import PrinterStatus, query_status


class PrinterError(Exception):
    """Base for printer failures."""


class PrinterUnavailable(PrinterError):
    """The printer cannot take a job now (offline, unreachable, cover open); nothing was sent."""

    def __init__(self, message: str, status: PrinterStatus | None = None):
        super().__init__(message)
        self.status = status


class PaperOut(PrinterUnavailable):
    """The paper roll is empty; nothing was sent."""


@dataclass
class PrintResult:
    job_id: str
    ok: bool
    status_before: PrinterStatus | None
    status_after: PrinterStatus | None
    error: str | None = None
    duplicate: bool = False


class PrintJournal:
    """Job ids that printed completely, so a retried job is not printed twice."""

    def is_done(self, job_id: str) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def mark_done(self, job_id: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class MemoryJournal(PrintJournal):
    def __init__(self):
        self._done: set[str] = set()
        self._lock = threading.Lock()

    def is_done(self, job_id: str) -> bool:
        with self._lock:
            return job_id in self._done

    def mark_done(self, job_id: str) -> None:
        with self._lock:
            self._done.add(job_id)


class SqliteJournal(PrintJournal):
    """Survives a restart of the kiosk gateway; one short connection per call keeps it thread- and process-safe."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS printed_jobs (job_id TEXT PRIMARY KEY, printed_at REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5.0)

    def is_done(self, job_id: str) -> bool:
        db = self._connect()
        try:
            return db.execute("SELECT 1 FROM printed_jobs WHERE job_id = ?", (job_id,)).fetchone() is not None
        finally:
            db.close()

    def mark_done(self, job_id: str) -> None:
        db = self._connect()
        try:
            with db:
                db.execute(
                    "INSERT OR IGNORE INTO printed_jobs (job_id, printed_at) VALUES (?, ?)", (job_id, time.time())
                )
        finally:
            db.close()

    def prune(self, older_than_s: float) -> int:
        """Forget jobs older than ``older_than_s`` seconds; returns how many."""
        db = self._connect()
        try:
            with db:
                cur = db.execute("DELETE FROM printed_jobs WHERE printed_at < ?", (time.time() - older_than_s,))
                return cur.rowcount
        finally:
            db.close()


class _UsbStream(Stream):
    """usb://VID:PID through python-escpos's Usb class (needs pyusb + libusb; not testable without a device)."""

    def __init__(self, vid: int, pid: int, timeout: float):
        from escpos.printer import Usb

        if not Usb.is_usable():
            raise TransportError("usb:// needs pyusb (pip install pyusb) and libusb")
        self.timeout = timeout
        self.printer = Usb(vid, pid, timeout=int(timeout * 1000))
        try:
            self.printer.open()
        except Exception as exc:  # escpos raises its own DeviceNotFoundError
            raise TransportError(f"USB printer {vid:04x}:{pid:04x}: {exc}") from exc

    def write(self, data: bytes) -> None:
        try:
            self.printer._raw(data)
        except Exception as exc:
            raise TransportError(f"USB write failed: {exc}") from exc

    def read(self, n: int, timeout: float | None = None) -> bytes:
        ms = int(1000 * (self.timeout if timeout is None else timeout))
        try:
            return bytes(self.printer.device.read(self.printer.in_ep, n, ms))
        except Exception:
            return b""  # pyusb raises on timeout; silence reads as "no status"

    def close(self) -> None:
        try:
            self.printer.close()
        except Exception:
            pass


class EscPosPrinter:
    """A thermal ticket printer reached by URL: tcp://, serial://, file://, usb://VID:PID, pyserial URLs."""

    def __init__(
        self,
        url: str,
        paper_mm: int = 58,
        connect_timeout: float = 2.0,
        read_timeout: float = 1.0,
        journal: PrintJournal | None = None,
        query_status: bool = True,
    ):
        self.url = url
        self.target = parse_url(url)
        self.paper_mm = paper_mm
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.journal = journal if journal is not None else MemoryJournal()
        # A file:// device has no way back; some network boxes do not answer DLE EOT.
        self.has_status = query_status and self.target.scheme != "file"
        self._lock = threading.Lock()  # one job at a time, so a retry waits for the first attempt

    def _open(self) -> Stream:
        if self.target.scheme == "usb":
            vid, pid = (int(x, 16) for x in self.target.path.split(":"))
            return _UsbStream(vid, pid, self.connect_timeout)
        stream = open_stream(self.url, self.connect_timeout)
        sock = getattr(stream, "sock", None)
        if sock is not None:
            # Query, job, query: without NODELAY the query after the job waits for the
            # printer's delayed ACK (~40 ms per ticket on Linux).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return stream

    def _status_on(self, stream: Stream) -> PrinterStatus:
        if not self.has_status:
            return PrinterStatus(online=True, paper="unknown", detail="no status channel")
        try:
            return query_status(stream, self.read_timeout)
        except TransportError as exc:
            return PrinterStatus.no_reply(f"status query failed: {exc}")

    def status(self) -> PrinterStatus:
        try:
            stream = self._open()
        except TransportError as exc:
            return PrinterStatus.no_reply(f"unreachable: {exc}")
        try:
            return self._status_on(stream)
        finally:
            stream.close()

    def print_job(self, job_id: str, data: bytes) -> PrintResult:
        with self._lock:
            if self.journal.is_done(job_id):
                return PrintResult(job_id, True, None, None, duplicate=True)
            try:
                stream = self._open()
            except TransportError as exc:
                status = PrinterStatus.no_reply(f"unreachable: {exc}")
                raise PrinterUnavailable(f"printer {self.url} unreachable: {exc}", status) from exc
            try:
                before = self._status_on(stream)
                _refuse_unless_ready(self.url, before)
                try:
                    stream.write(data)
                except TransportError as exc:
                    return PrintResult(job_id, False, before, None, f"connection lost while sending: {exc}")
                after = self._status_on(stream)
            finally:
                stream.close()
            error = _failure_after(before, after)
            if error:
                return PrintResult(job_id, False, before, after, error)
            self.journal.mark_done(job_id)
            return PrintResult(job_id, True, before, after)


def _refuse_unless_ready(url: str, status: PrinterStatus) -> None:
    if status.paper == "out":
        raise PaperOut(f"printer {url} is out of paper", status)
    if not status.online:
        raise PrinterUnavailable(f"printer {url} is not ready: {status.detail}", status)


def _failure_after(before: PrinterStatus, after: PrinterStatus) -> str | None:
    if after.paper == "out":
        return "paper ran out during the job; the ticket may be incomplete"
    if not after.online:
        if after.paper == "unknown" and not after.cover_open and not after.error:
            return f"printer stopped answering after the job ({after.detail}); the ticket may not have printed"
        return f"printer went offline during the job: {after.detail}"
    return None
