"""A real hallops server for the browser tests: migrate, load the demo hall, run daphne.

SQLite in a temporary folder by default; with DATABASE_URL (PostgreSQL) in the environment, a
throwaway database on that server instead, and REDIS_URL passed through when set.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne did not listen on {port} within {timeout}s")


def _pg_throwaway(url):
    """Create a fresh database next to the one DATABASE_URL names; returns (its URL, drop function)."""
    import psycopg

    parts = urlsplit(url)
    name = f"hallops_browser_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


SETUP = """
import json
from django.core.management import call_command
from hallops.core.models import ApiToken, Device
call_command("migrate", "--noinput", verbosity=0)
call_command("load_demo", "--always-open", "--tokens", "--tokens-file", "{tokens_file}", verbosity=0)
tokens = {{d["device"]: d["token"] for d in json.load(open("{tokens_file}"))["devices"]}}
# The demo gives tokens to kiosks and hall screens only; a browser window screen and pad need theirs.
for name in ("demo-display-1", "demo-pad-1"):
    tokens[name] = ApiToken.issue(device=Device.objects.get(name=name))
print(json.dumps(tokens))
"""


class Server:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.drop = None
        env_url = os.environ.get("DATABASE_URL", "")
        if env_url.startswith("postgres"):
            db_url, self.drop = _pg_throwaway(env_url)
        else:
            db_url = f"sqlite:///{tmp / 'hallops.sqlite3'}"
        self.env = {
            **os.environ, "DATABASE_URL": db_url, "HALLOPS_PUBLIC_URL": self.base,
            "HALLOPS_MEDIA_ROOT": str(tmp / "media"), "HALLOPS_LOG_LEVEL": "WARNING",
        }
        self.proc = None
        self.log = open(tmp / "daphne.log", "ab")

    def manage(self, *args) -> str:
        out = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                             text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def start(self):
        daphne = str(Path(sys.executable).with_name("daphne"))
        self.proc = subprocess.Popen([daphne, "-b", "127.0.0.1", "-p", str(self.port), "hallops.asgi:application"],
                                     cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.proc)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def close(self):
        self.stop()
        self.log.close()
        if self.drop:
            self.drop()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    tmp = tmp_path_factory.mktemp("hallops-browser")
    srv = Server(tmp)
    try:
        # One Django start-up for all of it: on a busy machine each manage.py costs seconds.
        out = srv.manage("shell", "-c", SETUP.format(tokens_file=tmp / "tokens.json"))
        tokens = json.loads(out.strip().splitlines()[-1])
        srv.tokens = tokens
        srv.start()
        yield srv
    finally:
        srv.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
