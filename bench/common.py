"""Shared plumbing for benchmarks: throwaway PostgreSQL databases, daphne processes, percentiles.

Benchmarks talk to real servers on loopback only and stop by themselves.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_SERVER = os.environ.get("HALLOPS_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("HALLOPS_BENCH_REDIS", "redis://127.0.0.1:6379/3")
RESULTS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def summary_ms(samples_s):
    ms = [x * 1000 for x in samples_s]
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 2), "p99_ms": round(pct(ms, 99), 2),
            "max_ms": round(max(ms), 2), "mean_ms": round(statistics.fmean(ms), 2)}


def psql(sql, db="postgres"):
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{db}", autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def pg_database(prefix="hallops_bench"):
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_env(database_url, redis_url=REDIS_URL, **extra):
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "hallops.settings",
                "HALLOPS_SECRET_KEY": env.get("HALLOPS_SECRET_KEY") or "hallops-bench-key-not-for-production",
                # Benchmarks issue as fast as they can from one kiosk: no rate limit.
                "HALLOPS_RATE_ISSUE_PER_DEVICE": "", "HALLOPS_RATE_ISSUE_PER_ADDRESS": "",
                "PYTHONPATH": str(ROOT), "HALLOPS_LOG_LEVEL": "WARNING"})
    env.update(extra)
    return env


def manage(env, *args, capture=False):
    out = subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True,
                         capture_output=capture, text=True)
    return out.stdout if capture else None


def run_script(env, code: str) -> str:
    """Run Python with Django set up against env's database; returns stdout."""
    prelude = "import django; django.setup()\n"
    out = subprocess.run([PY, "-c", prelude + code], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"script failed:\n{out.stderr[-3000:]}")
    return out.stdout


def _server_command(kind, port):
    """One process of ``kind`` serving the API on ``port``: daphne (ASGI, the sockets' server), or a
    WSGI server with 4 threads for its views, as tests/production/cluster.py starts them."""
    if kind == "daphne":
        return [str(Path(PY).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port), "hallops.asgi:application"]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.production import cluster

    return {"gunicorn": cluster.gunicorn_command, "granian": cluster.granian_command}[kind](port, 1, 4)


@contextmanager
def daphne_servers(env, count=int(os.environ.get("HALLOPS_BENCH_PROCESSES", "2")), root=ROOT, kind="daphne"):
    """``count`` server processes (daphne unless ``kind`` says) serving the checkout at ``root``
    (another tree's, to compare)."""
    env = {**env, "PYTHONPATH": str(root)} if root != ROOT else env
    procs, ports = [], []
    try:
        for _ in range(count):
            port = free_port()
            RESULTS.mkdir(parents=True, exist_ok=True)
            log = open(RESULTS / f"{kind}-{Path(root).name}-{len(procs)}.log", "w")
            p = subprocess.Popen(_server_command(kind, port), env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
            procs.append(p)
            ports.append(port)
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/api/v1/halls/")
        yield ports, procs
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def wait_http(url, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up")


def write_results(name, data):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))


def run_clients(n, seconds, body, probe=None):
    """n client threads each run body(i, stop, mine) until `stop`, appending latencies to mine; probe()
    runs once they are connected. Returns (latencies, wall, errors, probed)."""
    lat, errors, lock = [], [], threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(i):
        mine = []
        try:
            body(i, stop, mine)
        except Exception as exc:  # recorded, reported
            errors.append(str(exc))
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    probed = None
    if probe is not None:
        time.sleep(min(1.0, seconds / 2))
        probed = probe()
    for t in threads:
        t.join()
    return lat, time.perf_counter() - t0, errors, probed


def process_tree(pids):
    """The servers and their children (gunicorn's and granian's workers)."""
    out = list(pids)
    for pid in pids:
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def cpu_seconds(pids):
    """utime + stime of the processes, from /proc (a process gone counts 0)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError):
            pass
    return total


def pids_named(*names):
    """Every process whose command name is one of names (PostgreSQL's backends, redis-server)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


class CpuMeter:
    """CPU seconds per kind of process between start() and stop(); kinds: name -> callable giving pids.

    Callables, because PostgreSQL starts a backend per new connection while it is measured.
    """

    def __init__(self, kinds):
        self.kinds = kinds

    def _read(self):
        return {name: {pid: cpu_seconds([pid]) for pid in pids()} for name, pids in self.kinds.items()}

    def start(self):
        self.before = self._read()

    def stop(self) -> dict:
        after = self._read()
        return {name: sum(t - self.before[name].get(pid, 0.0) for pid, t in procs.items())
                for name, procs in after.items()}

