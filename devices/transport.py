"""Byte streams to devices, chosen by connection URL.

Supported URLs:

- ``tcp://host:9100``                          raw TCP (network printers, serial servers)
- ``serial:///dev/ttyUSB0?baudrate=9600``      a local serial port, pyserial options in the query
- ``loop://``, ``socket://host:port``, ``rfc2217://host:port``, ``spy://...``  pyserial URL handlers
- ``file:///dev/usb/lp0``                      a character device or plain file (write only)
- ``usb://04b8:0202``                          USB printer class through python-escpos/pyusb

Every stream has short connect and read timeouts: a hall cannot wait 30 s on a
printer whose cable came loose.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

PYSERIAL_SCHEMES = {"loop", "socket", "rfc2217", "spy", "alt", "hwgrep"}


class TransportError(OSError):
    """The device could not be reached, or the stream broke."""


@dataclass
class DeviceURL:
    scheme: str
    host: str = ""
    port: int | None = None
    path: str = ""
    options: dict[str, str] = field(default_factory=dict)
    raw: str = ""


def parse_url(url: str) -> DeviceURL:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme:
        raise ValueError(f"device URL needs a scheme: {url!r}")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if scheme == "tcp":
        if not parts.hostname or not parts.port:
            raise ValueError(f"tcp URL needs host and port: {url!r}")
    elif scheme == "serial":
        if not parts.path:
            raise ValueError(f"serial URL needs a device path: {url!r}")
    elif scheme == "usb":
        vid_pid = (parts.netloc or parts.path.strip("/")).split(":")
        if len(vid_pid) != 2:
            raise ValueError(f"usb URL must be usb://VID:PID: {url!r}")
    elif scheme not in ("file",) and scheme not in PYSERIAL_SCHEMES:
        raise ValueError(f"unsupported device URL scheme {scheme!r}")
    return DeviceURL(
        scheme=scheme,
        host=parts.hostname or "",
        port=parts.port if scheme != "usb" else None,
        path=parts.path if scheme != "usb" else (parts.netloc or parts.path.strip("/")),
        options=options,
        raw=url,
    )


class Stream:
    """Minimal duplex byte stream: write, read up to n bytes within the timeout, close."""

    def write(self, data: bytes) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, n: int, timeout: float | None = None) -> bytes:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class TCPStream(Stream):
    def __init__(self, host: str, port: int, timeout: float):
        self.timeout = timeout
        try:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as exc:
            raise TransportError(f"cannot connect to {host}:{port}: {exc}") from exc
        self.sock.settimeout(timeout)
        # Devices answer request by request (status after a job); Nagle + delayed ACK would
        # add ~40 ms to every exchange.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise TransportError(f"write failed: {exc}") from exc

    def read(self, n: int, timeout: float | None = None) -> bytes:
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        try:
            return self.sock.recv(n)
        except socket.timeout:
            return b""
        except OSError as exc:
            raise TransportError(f"read failed: {exc}") from exc

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class SerialStream(Stream):
    def __init__(self, port, timeout: float):
        self.port = port
        self.timeout = timeout

    def write(self, data: bytes) -> None:
        import serial

        try:
            self.port.write(data)
            self.port.flush()
        except serial.SerialException as exc:
            raise TransportError(f"serial write failed: {exc}") from exc

    def read(self, n: int, timeout: float | None = None) -> bytes:
        import serial

        self.port.timeout = self.timeout if timeout is None else timeout
        try:
            return self.port.read(n)
        except serial.SerialException as exc:
            raise TransportError(f"serial read failed: {exc}") from exc

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:
            pass


class FileStream(Stream):
    def __init__(self, path: str):
        try:
            self.fh = open(path, "ab", buffering=0)
        except OSError as exc:
            raise TransportError(f"cannot open {path}: {exc}") from exc

    def write(self, data: bytes) -> None:
        try:
            self.fh.write(data)
        except OSError as exc:
            raise TransportError(f"write failed: {exc}") from exc

    def read(self, n: int, timeout: float | None = None) -> bytes:
        return b""  # a character device printer gives no status back

    def close(self) -> None:
        self.fh.close()


def open_serial(url: str, timeout: float = 1.0, write_timeout: float | None = None):
    """A pyserial port for ``serial://`` or any pyserial URL (``loop://``, ``socket://``...).

    ``timeout`` is the read timeout; ``write_timeout`` defaults to it.
    """
    import serial

    u = parse_url(url)
    opts = dict(u.options)
    baudrate = int(opts.pop("baudrate", 9600))
    kwargs = {"baudrate": baudrate, "timeout": timeout,
              "write_timeout": timeout if write_timeout is None else write_timeout}
    for key in ("bytesize", "stopbits"):
        if key in opts:
            kwargs[key] = float(opts.pop(key)) if key == "stopbits" else int(opts.pop(key))
    if "parity" in opts:
        kwargs["parity"] = opts.pop("parity").upper()[:1]
    target = u.path if u.scheme == "serial" else url
    try:
        return serial.serial_for_url(target, **kwargs)
    except (serial.SerialException, ValueError) as exc:
        raise TransportError(f"cannot open {url}: {exc}") from exc


def open_stream(url: str, timeout: float = 2.0) -> Stream:
    """Open a stream to the device at ``url``; raises TransportError when it is unreachable."""
    u = parse_url(url)
    if u.scheme == "tcp":
        return TCPStream(u.host, u.port, timeout)
    if u.scheme == "file":
        return FileStream(u.path)
    if u.scheme == "usb":
        raise TransportError("usb:// printers are driven through python-escpos (devices.printer)")
    return SerialStream(open_serial(url, timeout), timeout)
