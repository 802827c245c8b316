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
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        raw = bytearray()
        pending = b""
        job_bytes = 0
        conn.settimeout(0.2)
        try:
            while not self._stopping.is_set():
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    continue
                if not chunk:
                    break
                raw += chunk
                data = pending + chunk
                pending = b""
                out = bytearray()
                i = 0
                while i < len(data):
                    if data[i] == 0x10:
                        if i + 2 >= len(data) and data[i : i + 2] in (b"\x10", DLE_EOT):
                            pending = data[i:]  # a query split across reads
                            break
                        if data[i + 1] == 0x04:
                            self._answer(conn, data[i + 2])
                            i += 3
                            continue
                    out.append(data[i])
                    i += 1
                if self.drop_after is not None and job_bytes + len(out) >= self.drop_after:
                    keep = self.drop_after - job_bytes
                    with self._lock:
                        self.printed += out[:keep]
                    # RST rather than FIN: what a printer losing power or a cable looks like to the host.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
                job_bytes += len(out)
                with self._lock:
                    self.printed += out
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
    import time

    with PrinterStandIn() as s:
        print(f"printer stand-in listening on {s.url}; Ctrl-C to stop")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
