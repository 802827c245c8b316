"""A TCP stand-in for a network thermal printer (port 9100 style), for tests, the bench and demos.

A real socket server on 127.0.0.1 in a thread.  It records what it receives,
answers DLE EOT 1/2/4 with the status bytes of its current state, and can be
told to run out of paper, go silent (never answer a status query) or drop the
connection after a number of job bytes.  Standard library only.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

DLE_EOT = b"\x10\x04"
BASE = 0x12  # fixed bits 1 and 4 of every status byte


class PrinterStandIn:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.printer_byte = BASE
        self.offline_cause_byte = BASE
        self.paper_byte = BASE
        self.silent = False
        self.drop_after: int | None = None  # close the connection after this many job bytes
        self.paper_runs_out_after: int | None = None  # job bytes after which the roll ends
        self.reply_delay = 0.0
        self.connections: list[bytes] = []  # raw bytes of each finished connection
        self.printed = bytearray()  # job bytes with the status queries removed
        self.queries: list[int] = []
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- state -----------------------------------------------------------------
    def set_ready(self) -> None:
        self.printer_byte = self.offline_cause_byte = self.paper_byte = BASE
        self.silent = False

    def set_paper_out(self) -> None:
        # An Epson printer at paper end: offline, stopped by paper end, both end bits set.
        self.printer_byte = BASE | 0x08
        self.offline_cause_byte = BASE | 0x20
        self.paper_byte = BASE | 0x60

    def set_paper_low(self) -> None:
        self.paper_byte = BASE | 0x0C

    def set_cover_open(self) -> None:
        self.printer_byte = BASE | 0x08
        self.offline_cause_byte = BASE | 0x04

    def set_status_bytes(self, printer: int, offline_cause: int, paper: int) -> None:
        self.printer_byte, self.offline_cause_byte, self.paper_byte = printer, offline_cause, paper

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"tcp://{self.host}:{self._server.getsockname()[1]}"

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.getsockname()[1]

    def printed_bytes(self) -> bytes:
        with self._lock:
            return bytes(self.printed)

    def wait_connections(self, n: int, timeout: float = 2.0) -> list[bytes]:
        """The raw bytes of the first ``n`` finished connections (they finish when the client closes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.connections) >= n:
                    return list(self.connections)
            time.sleep(0.005)
        raise TimeoutError(f"{n} connections did not finish within {timeout} s")

    def clear(self) -> None:
        with self._lock:
            self.printed.clear()
            self.connections.clear()
            self.queries.clear()

    # -- server ----------------------------------------------------------------
    def start(self) -> "PrinterStandIn":
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind((self.host, 0))
        self._server.listen(16)
        self._server.settimeout(0.2)
        self._thread = threading.Thread(target=self._accept_loop, name="printer-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            try:
                self._server.shutdown(socket.SHUT_RDWR)  # wakes accept() at once on Linux
            except OSError:
                pass
        if self._thread:
            self._thread.join(timeout=2)
        if self._server:
            self._server.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # printers answer status at once
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        raw = bytearray()
        pending = b""
        job_bytes = 0
        conn.settimeout(0.05)
        try:
            while not self._stopping.is_set():
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                raw += chunk
                data = pending + chunk
                pending = b""
                out = bytearray()
                dropped = False
                i = 0
                # Byte by byte, so state changes (paper end, drop) happen exactly where they
                # would on a printer, before a status query that follows in the same packet.
                while i < len(data):
                    if data[i] == 0x10 and (i + 1 >= len(data) or data[i + 1] == 0x04):
                        if i + 2 >= len(data):
                            pending = data[i:]  # a query split across reads
                            break
                        with self._lock:
                            self.printed += out
                        out.clear()
                        self._answer(conn, data[i + 2])
                        i += 3
                        continue
                    out.append(data[i])
                    job_bytes += 1
                    i += 1
                    if self.paper_runs_out_after is not None and job_bytes >= self.paper_runs_out_after:
                        self.set_paper_out()
                    if self.drop_after is not None and job_bytes >= self.drop_after:
                        dropped = True
                        break
                with self._lock:
                    self.printed += out
                if dropped:
                    # RST rather than FIN: what a printer losing power or a cable looks like to the host.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
        finally:
            with self._lock:
                self.connections.append(bytes(raw))
            conn.close()

    def _answer(self, conn: socket.socket, n: int) -> None:
        with self._lock:
            self.queries.append(n)
        if self.silent:
            return
        reply = {1: self.printer_byte, 2: self.offline_cause_byte, 4: self.paper_byte}.get(n)
        if reply is None:
            return
        if self.reply_delay:
            self._stopping.wait(self.reply_delay)
        conn.sendall(bytes([reply]))


def main() -> None:  # pragma: no cover - manual use: python -m devices.printer.standin
    with PrinterStandIn() as s:
        print(f"printer stand-in listening on {s.url}; Ctrl-C to stop")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
