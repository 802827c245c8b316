"""The far end of a serial bus, for tests, the bench and the embedded demo.

A :class:`DisplaySimulator` serves a real pty (``on_pty``) or TCP socket
(``on_tcp``, reached as pyserial ``socket://``): it parses master frames with the
codec, keeps what each address shows and answers like a display would. It can be
told to misbehave per address (silent, NAK, corrupt checksums) or on the whole
bus (split replies byte by byte, prefix noise, emulate a baud rate), and the
"cable" can be pulled and plugged back (``disconnect`` / ``reconnect``).
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty
from dataclasses import dataclass

from .codec import Command


class SerialPeer:
    """Transport and fault injection shared by the display and pad simulators."""

    def __init__(self, codec, addresses=None, *, baudrate: int | None = None):
        self.codec = codec
        self.addresses = set(addresses) if addresses is not None else None
        self.baudrate = baudrate
        self.offline: set[int] = set()  # silent: powered off or cable cut
        self.nak: dict[int, int] = {}  # address -> how many commands to refuse
        self.corrupt: dict[int, int] = {}  # address -> how many replies to garble
        self.split = False  # send replies one byte at a time
        self.noise = b""  # bytes sent before every reply
        self.log: list[tuple[float, Command]] = []  # every command heard, with time
        self.ignored = 0  # commands heard while "offline"
        self.url = ""
        self._lock = threading.RLock()
        self._rx = bytearray()
        self._running = False
        self._thread: threading.Thread | None = None
        self._mode = ""
        self._fd = self._slave = None  # pty
        self._listener = self._client = None  # tcp
        self._link = None
        self._host, self._port = "127.0.0.1", 0

    # -- construction ---------------------------------------------------------
    @classmethod
    def on_pty(cls, *args, link: str | None = None, **kwargs):
        """Serve a new pty; ``link`` names a symlink to it so the URL survives reconnects."""
        peer = cls(*args, **kwargs)
        peer._mode, peer._link = "pty", link
        peer._open_pty()
        return peer

    @classmethod
    def on_tcp(cls, *args, host: str = "127.0.0.1", port: int = 0, **kwargs):
        peer = cls(*args, **kwargs)
        peer._mode, peer._host, peer._port = "tcp", host, port
        peer._listen()
        peer.url = f"socket://{peer._host}:{peer._port}"
        return peer

    def _open_pty(self):
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line editing: bytes are bytes
        self._fd, self._slave = master, slave
        path = os.ttyname(slave)
        if self._link:
            tmp = f"{self._link}.new"
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(path, tmp)
            os.replace(tmp, self._link)
            path = self._link
        self.url = f"serial://{path}"

    def _listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self._host, self._port))
        s.listen(1)
        self._port = s.getsockname()[1]
        self._listener = s

    # -- lifecycle ------------------------------------------------------------
    def start(self):
        self._running = True
        self._thread = threading.Thread(target=self._serve, name=f"sim {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._running = False
        if self._thread:
            self._thread.join(2)
        self.disconnect()
        if self._link and os.path.lexists(self._link):
            os.unlink(self._link)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def disconnect(self):
        """Pull the cable: the master's port breaks (pty hangs up, socket closes)."""
        with self._lock:
            for fd in (self._fd, self._slave):
                if fd is not None:
                    os.close(fd)
            self._fd = self._slave = None
            for s in (self._client, self._listener):
                if s is not None:
                    s.close()
            self._client = self._listener = None
            self._rx.clear()

    def reconnect(self):
        """Plug it back in, reachable at the same URL (pty via ``link``, tcp same port)."""
        with self._lock:
            if self._mode == "pty":
                self._open_pty()
            else:
                self._listen()

    # -- I/O ------------------------------------------------------------------
    def _serve(self):
        while self._running:
            with self._lock:
                fds = [x for x in (self._fd, self._client or self._listener) if x is not None]
            if not fds:
                time.sleep(0.02)
                continue
            try:
                ready, _, _ = select.select(fds, [], [], 0.05)
            except (OSError, ValueError):
                continue  # closed under us by disconnect()
            for r in ready:
                try:
                    self._on_readable(r)
                except OSError:
                    with self._lock:
                        if r is self._client:
                            self._client.close()
                            self._client = None

    def _on_readable(self, r):
        if r is self._listener:
            conn, _ = self._listener.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._client is not None:
                    self._client.close()
                self._client = conn
                self._rx.clear()
            return
        if isinstance(r, int):
            data = os.read(r, 4096)
        else:
            data = r.recv(4096)
            if not data:
                raise OSError("peer closed")
        self._rx += data
        while True:
            before = len(self._rx)
            cmd = self.codec.decode_command(self._rx)
            if cmd is None:
                break
            self._handle(cmd, before - len(self._rx))

    def _send(self, data: bytes):
        with self._lock:
            fd, client = self._fd, self._client
        chunks = [data[k : k + 1] for k in range(len(data))] if self.split else [data]
        for chunk in chunks:
            if fd is not None:
                os.write(fd, chunk)
            elif client is not None:
                client.sendall(chunk)
            if self.split:
                time.sleep(0.0005)

    def _wire_time(self, nbytes: int):
        if self.baudrate:
            time.sleep(nbytes * 10 / self.baudrate)  # 8N1: ten bit times per byte

    def _handle(self, cmd: Command, heard: int):
        if self.addresses is not None and cmd.address not in self.addresses:
            return  # another device's frame: stay quiet, as on a real bus
        with self._lock:
            if cmd.address in self.offline:
                self.ignored += 1
                return
            self.log.append((time.monotonic(), cmd))
            if self.nak.get(cmd.address):
                self.nak[cmd.address] -= 1
                reply = self.codec.encode_nak(cmd)
            else:
                reply = self.respond(cmd)
            if reply and self.corrupt.get(cmd.address):
                self.corrupt[cmd.address] -= 1
                reply = reply[:-2] + bytes((reply[-2] ^ 0x5A,)) + reply[-1:]
        if reply is None:
            return
        self._wire_time(heard + len(self.noise) + len(reply))
        self._send(self.noise + reply)

    def respond(self, cmd: Command) -> bytes | None:  # pragma: no cover - subclass
        raise NotImplementedError

    def commands(self, address: int | None = None, op: str | None = None) -> list[Command]:
        with self._lock:
            return [c for _, c in self.log if (address is None or c.address == address) and (op is None or c.op == op)]


@dataclass(frozen=True)
class Shown:
    text: str
    blink: bool = False
    line: int = 0


class DisplaySimulator(SerialPeer):
    """LED displays on one bus: ``shown[address]`` is what each one displays now."""

    def __init__(self, codec, addresses=None, **kwargs):
        super().__init__(codec, addresses, **kwargs)
        self.state: dict[int, Shown | None] = {}

    @property
    def shown(self) -> dict[int, str | None]:
        with self._lock:
            return {a: (s.text if s else None) for a, s in self.state.items()}

    def respond(self, cmd):
        if cmd.op == "show":
            self.state[cmd.address] = Shown(cmd.text, cmd.blink, cmd.line)
        elif cmd.op == "clear":
            self.state[cmd.address] = None
        elif cmd.op == "query":
            s = self.state.get(cmd.address)
            return self.codec.encode_status(cmd.address, s.text if s else "", blink=bool(s and s.blink))
        return self.codec.encode_ack(cmd)
