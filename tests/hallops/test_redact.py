"""Bearer tokens stay out of every log: daphne's access log and every logging handler (issue 11, item 15)."""

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hallops.redact import RedactTokens, redact

ROOT = Path(__file__).resolve().parents[2]
SECRET = "hsd_AbCdEf0123456789secretsecret"


@pytest.mark.parametrize("line, leaked", [
    (f"GET /halls/x/kiosk/?token={SECRET}&lang=en", SECRET),
    (f"GET /patrol/x/?a=1&token={SECRET}", SECRET),
    (f"GET /ws/hall/x/?TOKEN%3D{SECRET}", SECRET),
    (f"Authorization: Bearer {SECRET}", SECRET),
    (f"bad token {SECRET} for device", SECRET),
    ("Authorization: Bearer hsu_staffstaffstaff", "hsu_staffstaffstaff"),
])
def test_redact_removes_the_token_and_keeps_the_rest(line, leaked):
    clean = redact(line)
    assert leaked not in clean and "[redacted]" in clean
    assert clean.split(" ")[0] == line.split(" ")[0]


def test_a_logging_handler_with_the_filter_writes_no_token_in_messages_or_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens())
    log = logging.getLogger("tests.redact")
    log.addHandler(handler)
    try:
        log.warning("Forbidden: %s", f"/halls/x/kiosk/?token={SECRET}")
        try:
            raise ValueError(f"lookup failed for {SECRET}")
        except ValueError:
            log.exception("unhandled error in GET /x/?token=%s", SECRET)
    finally:
        log.removeHandler(handler)
    written = stream.getvalue()
    assert SECRET not in written
    assert written.count("[redacted]") >= 3 and "ValueError" in written


def test_the_settings_put_the_filter_on_every_handler(settings):
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_tokens" in handler.get("filters", []), name


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_daphnes_access_log_has_no_token(tmp_path):
    port = _free_port()
    access = tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["HALLOPS_EMBEDDED_GATEWAY"] = "0"
    daphne = str(Path(sys.executable).with_name("daphne"))
    proc = subprocess.Popen([daphne, "-b", "127.0.0.1", "-p", str(port), "--access-log", str(access),
                             "hallops.asgi:application"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "daphne did not start"
                time.sleep(0.2)
        for path in (f"/api/v1/?token={SECRET}", f"/api/v1/?x=1&token={SECRET}"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                assert r.status == 200
        deadline = time.monotonic() + 10
        while "x=1" not in (access.read_text() if access.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(10)
    written = access.read_text()
    assert "GET /api/v1/?token=[redacted]" in written and "x=1&token=[redacted]" in written
    assert SECRET not in written
