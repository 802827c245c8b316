"""A local MJPEG camera (multipart/x-mixed-replace over http.server) that tests can stall and kill."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np

BOUNDARY = "hallopsframe"


def jpeg_of(i: int, size=(160, 120)) -> bytes:
    img = np.full((size[1], size[0], 3), 90, np.uint8)
    cv2.putText(img, str(i), (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2)
    cv2.circle(img, ((i * 7) % size[0], 100), 8, (0, 0, 255), -1)
    return cv2.imencode(".jpg", img)[1].tobytes()


class MJPEGCamera:
    """Modes: 'stream' (a new picture each frame), 'same' (one picture repeated), 'stall' (keep the socket, send nothing).

    ``kill()`` closes the listener and every open connection; ``revive()`` listens again on the same port.
    ``content_length=False`` omits Content-Length so the reader must find the boundary itself.
    """

    def __init__(self, fps: float = 10.0, content_length: bool = True):
        self.fps = fps
        self.mode = "stream"
        self.content_length = content_length
        self.frames_sent = 0
        self._dead = threading.Event()
        self._server = None
        self.port = 0
        self._start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/video.mjpg"

    def _start(self) -> None:
        camera = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
                self.end_headers()
                same = jpeg_of(0)
                i = 0
                try:
                    while not camera._dead.is_set():
                        if camera.mode == "stall":
                            camera._dead.wait(0.05)
                            continue
                        i += 1
                        data = same if camera.mode == "same" else jpeg_of(i)
                        head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                        if camera.content_length:
                            head += f"Content-Length: {len(data)}\r\n"
                        self.wfile.write(head.encode() + b"\r\n" + data + b"\r\n")
                        self.wfile.flush()
                        camera.frames_sent += 1
                        camera._dead.wait(1.0 / camera.fps)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def kill(self) -> None:
        self._dead.set()
        self._server.shutdown()
        self._server.server_close()
        time.sleep(0.1)  # let handler threads notice and drop their sockets

    def revive(self) -> None:
        self._dead.clear()
        self.mode = "stream"
        self._start()

    def close(self) -> None:
        if not self._dead.is_set():
            self.kill()
