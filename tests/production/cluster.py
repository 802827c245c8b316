"""Production shape on loopback: a throwaway PostgreSQL database, Redis, N daphne processes, and
gunicorn serving the HTTP API beside them.

Shared by tests/production and bench/bench_screens.py. Everything started here is stopped and
dropped by the context managers, also when the test fails.
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
DAPHNE = str(Path(PY).parent / "daphne")
GUNICORN = str(Path(PY).parent / "gunicorn")
GRANIAN = str(Path(PY).parent / "granian")

SEED = r"""
import json, sys
import django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding speed only
from hallops.core import actions
from hallops.core.models import DeviceKind, Role
from tests.factories import make_device, make_hall, make_service, make_staff, make_window, token_for

windows_n, tickets_n = int(sys.argv[1]), int(sys.argv[2])
hall = make_hall("bench", name="压测大厅")
service = make_service(hall, code="biz", prefix="A", name="营业执照")
windows = []
for i in range(windows_n):
    w = make_window(hall, str(i + 1), services=[service])
    actions.sign_in(w, make_staff(hall, f"staff{i + 1}", name=f"窗口{i + 1}"))
    windows.append(w.pk)
manager = make_staff(hall, "manager", role=Role.LOBBY_MANAGER, name="值班长")
for _ in range(tickets_n):
    actions.issue_ticket(hall, service)
print(json.dumps({
    "hall": hall.code, "windows": windows, "manager": token_for(user=manager),
    "screen": token_for(device=make_device(hall, DeviceKind.HALL_SCREEN, name="综合屏")),
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_path(url, path):
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, path, "", ""))


@contextmanager
def throwaway_database(pg_url, prefix="hallops_prod"):
    """A fresh database on the server of pg_url; yields its URL and drops it afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = _with_path(pg_url, "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_path(pg_url, f"/{name}")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def private_redis(redis_url) -> str:
    """Another Redis database number, so that hall ids of a fresh database (1, 2, …) cannot
    meet the groups of a concurrent run."""
    return _with_path(redis_url, f"/{random.randint(8, 15)}")


def server_env(database_url, redis_url, **extra) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "hallops.settings",
        "PYTHONPATH": str(ROOT), "HALLOPS_LOG_LEVEL": "WARNING",
    })
    env.update(extra)
    return env


def migrate_and_seed(env, windows=1, tickets=30) -> dict:
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    out = subprocess.run([PY, "-c", SEED, str(windows), str(tickets)], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wait_port(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not come up")


def daphne_command(port):
    return [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "hallops.asgi:application"]


def granian_asgi_command(port):
    """granian serving hallops.asgi:application in one worker process: the sockets' frames are
    parsed and written in Rust, the consumers and the fan-out run on the worker's event loop."""
    return [GRANIAN, "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--loop", "asyncio", "--no-access-log", "--log-level", "warning", "hallops.asgi:application"]


ASGI_SERVERS = {
    "daphne": daphne_command,
    "granian": granian_asgi_command,
}


@contextmanager
def daphnes(env, count=2, log_dir=None, server="daphne"):
    """`count` ASGI server processes of hallops.asgi:application (daphne unless ``server`` names
    another of ASGI_SERVERS); yields [(port, Popen), …]."""
    procs = []
    try:
        for i in range(count):
            port = free_port()
            out = open(Path(log_dir) / f"{server}-{i}.log", "w") if log_dir else subprocess.DEVNULL
            p = subprocess.Popen(ASGI_SERVERS[server](port), env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            procs.append((port, p))
        for port, p in procs:
            _wait_port(port, p)
        yield procs
    finally:
        for _, p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for _, p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def gunicorn_command(port, workers, threads):
    """gunicorn with gthread workers serving hallops.wsgi:application (the HTTP API and pages)."""
    return [GUNICORN, "-k", "gthread", "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
            # gunicorn 27 opens a control socket at one path per user; a second server would take it over.
            "--no-control-socket", "--graceful-timeout", "5", "hallops.wsgi:application"]


def wait_ready(port, proc, timeout=30):
    """The port opens when gunicorn's master binds it; /healthz answers once a worker has loaded Django."""
    import urllib.request

    _wait_port(port, proc, timeout)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} does not answer /healthz")


def granian_command(port, workers, threads):
    """granian serving hallops.wsgi:application: HTTP parsed in Rust, the views in ``threads``
    Python threads per worker process."""
    return [GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--blocking-threads", str(threads), "--no-access-log", "--log-level", "warning",
            "hallops.wsgi:application"]


def gunicorn(env, workers=2, threads=4, log_dir=None):
    """gunicorn (gthread) on one port; yields (port, Popen)."""
    return _wsgi_server(gunicorn_command, "gunicorn", env, workers, threads, log_dir)


def granian(env, workers=2, threads=4, log_dir=None):
    """granian (WSGI) on one port; yields (port, Popen)."""
    return _wsgi_server(granian_command, "granian", env, workers, threads, log_dir)


@contextmanager
def _wsgi_server(command, name, env, workers, threads, log_dir):
    port = free_port()
    out = open(Path(log_dir) / f"{name}.log", "w") if log_dir else subprocess.DEVNULL
    p = subprocess.Popen(command(port, workers, threads), env=env, cwd=ROOT, stdout=out,
                         stderr=subprocess.STDOUT)
    try:
        wait_ready(port, p)
        yield port, p
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
