"""MJPEG over HTTP (multipart/x-mixed-replace) in pure Python.

Chosen over OpenCV's FFmpeg backend as the default for ``http://`` cameras:
both work here (tests cover both), but this one decodes only the sampled
frames, sets a plain socket read timeout, and can be closed from another
thread to break a blocked read.
"""

from __future__ import annotations

import base64
import http.client
import socket
from typing import Iterator
from urllib.parse import unquote, urlsplit


class MJPEGStream:
    """Pure-Python multipart/x-mixed-replace reader: yields JPEG bytes of each part.

    Owns its socket so another thread can ``close()`` it to break a blocked read.
    """

    def __init__(self, url: str, open_timeout: float = 5.0, read_timeout: float = 5.0):
        parts = urlsplit(url)
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self._conn = cls(parts.hostname, parts.port, timeout=open_timeout)
        self._conn.connect()
        self._sock = self._conn.sock
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": "hallops-patrol/1", "Accept": "multipart/x-mixed-replace, image/jpeg"}
        if parts.username:
            token = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
        self._conn.request("GET", path, headers=headers)
        self._resp = self._conn.getresponse()
        if self._resp.status != 200:
            raise ConnectionError(f"HTTP {self._resp.status} from {parts.hostname}")
        self._sock.settimeout(read_timeout)
        ctype = self._resp.getheader("Content-Type", "")
        self.single = ctype.split(";")[0].strip().lower() == "image/jpeg"
        self.boundary = b""
        for item in ctype.split(";")[1:]:
            key, _, value = item.strip().partition("=")
            if key.lower() == "boundary":
                self.boundary = value.strip().strip('"').encode()
        if not self.single and not self.boundary:
            raise ConnectionError(f"not an MJPEG stream: Content-Type {ctype!r}")
        if self.boundary.startswith(b"--"):
            marks = (self.boundary, b"--" + self.boundary)
        else:
            marks = (b"--" + self.boundary,)
        self._marks = marks

    def _is_boundary(self, line: bytes) -> bool:
        line = line.strip()
        return any(line == m or line == m + b"--" for m in self._marks)

    def frames(self) -> Iterator[bytes]:
        if self.single:
            yield self._resp.read()
            return
        at_part = False  # True when the boundary line was already consumed
        while True:
            if not at_part:
                line = self._resp.readline(65536)
                if not line:
                    return
                if not self._is_boundary(line):
                    continue
            at_part = False
            length = None
            while True:
                header = self._resp.readline(65536)
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is not None:
                data = self._resp.read(length)
                if len(data) < length:
                    return
            else:
                chunks = []
                while True:
                    line = self._resp.readline(1 << 20)
                    if not line:
                        return
                    if self._is_boundary(line):
                        at_part = True
                        break
                    chunks.append(line)
                data = b"".join(chunks).rstrip(b"\r\n")
            if data:
                yield data

    def close(self) -> None:
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self._resp.close()
            self._conn.close()
        except Exception:  # closing from another thread may race the reader; nothing left to free
            pass
