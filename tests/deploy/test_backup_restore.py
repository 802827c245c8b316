"""The backup a district relies on is only as good as its restore: both, for real, on PostgreSQL."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.slow]


def _db_url(server_url, name):
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path="/" + name))


def _psql(server_url, sql):
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        return conn.execute(sql).fetchall() if sql.lstrip().upper().startswith("SELECT") else conn.execute(sql)


def _manage(url, *args):
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def _counts(url):
    import psycopg

    tables = ["core_ticket", "core_hallevent", "core_window", "core_service", "core_eventsequence"]
    with psycopg.connect(url) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        counts["last_seq"] = conn.execute("SELECT coalesce(max(last), 0) FROM core_eventsequence").fetchone()[0]
        counts["numbers"] = sorted(r[0] for r in conn.execute("SELECT number FROM core_ticket").fetchall())
    return counts


def test_a_backup_restores_into_a_working_database(pg_url, tmp_path):
    source, target = f"hallops_bk_{uuid.uuid4().hex[:8]}", f"hallops_rs_{uuid.uuid4().hex[:8]}"
    _psql(pg_url, f'CREATE DATABASE "{source}"')
    _psql(pg_url, f'CREATE DATABASE "{target}"')
    try:
        src_url, dst_url = _db_url(pg_url, source), _db_url(pg_url, target)
        _manage(src_url, "migrate", "--noinput")
        _manage(src_url, "load_demo")
        _manage(src_url, "shell", "-c",
                "from hallops.core import actions; from hallops.core.models import Hall;"
                "h = Hall.objects.get(code='demo'); h.enforce_hours = False; h.save();"
                "s = h.services.filter(active=True).first()\n"
                "for _ in range(3): actions.issue_ticket(h, s)")
        env = {**os.environ, "DATABASE_URL": src_url}
        out = subprocess.run(["bash", "scripts/pg_backup.sh", str(tmp_path), "2"], cwd=ROOT, env=env,
                             check=True, capture_output=True, text=True, timeout=300)
        dump = Path(out.stdout.strip().splitlines()[-1])
        assert dump.exists() and dump.stat().st_size > 0
        env = {**os.environ, "DATABASE_URL": dst_url, "PYTHON": sys.executable}
        subprocess.run(["bash", "scripts/pg_restore.sh", str(dump)], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)
        before, after = _counts(src_url), _counts(dst_url)
        assert after == before
        assert before["core_ticket"] >= 3 and before["last_seq"] >= 3
        # the restored hall keeps numbering after the last number, as if nothing happened
        _manage(dst_url, "shell", "-c",
                "from hallops.core import actions; from hallops.core.models import Hall;"
                "h = Hall.objects.get(code='demo'); s = h.services.filter(active=True).first();"
                "actions.issue_ticket(h, s)")
        assert _counts(dst_url)["core_ticket"] == before["core_ticket"] + 1
    finally:
        _psql(pg_url, f'DROP DATABASE IF EXISTS "{source}" WITH (FORCE)')
        _psql(pg_url, f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
