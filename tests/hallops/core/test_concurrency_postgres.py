"""Kiosks and windows as separate processes on PostgreSQL, as in production.

A throwaway database is created on the server, migrated by manage.py, and dropped afterwards.
"""

import multiprocessing
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from hallops.core.actions.claims import CLAIM_DEPTH
import pytest

from . import pg_workers

pytestmark = [pytest.mark.services, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
KIOSKS, PER_KIOSK, WINDOWS = 8, 100, 10


def with_db(url, name):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


@pytest.fixture(scope="module")
def throwaway_db(pg_url):
    name = f"hallops_conc_{uuid.uuid4().hex[:10]}"
    server = pg_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_db(pg_url, name)
    try:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "hallops.settings"}
        env.pop("REDIS_URL", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True, timeout=120)
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pool(throwaway_db):
    ctx = multiprocessing.get_context("spawn")
    barriers = {"issue": ctx.Barrier(KIOSKS), "call": ctx.Barrier(WINDOWS)}
    with ctx.Pool(WINDOWS, initializer=pg_workers.init, initargs=(throwaway_db, barriers)) as p:
        yield p


@pytest.fixture(scope="module")
def hall(pool):
    return pool.apply(pg_workers.build, (WINDOWS,))


def test_eight_kiosk_processes_issue_800_distinct_numbers_without_gaps(pool, hall):
    results = pool.starmap(pg_workers.issue_many, [(hall["hall"], hall["a"], PER_KIOSK)] * KIOSKS)
    errors = [e for _, e in results if e]
    assert not errors, errors[:3]
    numbers = [n for numbers, _ in results for n in numbers]
    assert sorted(numbers) == [f"A{k:03d}" for k in range(1, KIOSKS * PER_KIOSK + 1)]


def test_ten_window_processes_call_each_of_500_tickets_exactly_once_without_waiting_on_each_other(pool, hall):
    results = pool.map(pg_workers.call_until_empty, hall["windows"])
    errors = [e for _, e in results if e]
    # A lock wait longer than lock_timeout, or a deadlock, shows up here.
    assert not errors, errors[:3]
    called = [pk for pks, _ in results for pk in pks]
    assert len(called) == len(set(called)) == 500
    assert sum(1 for pks, _ in results if pks) >= 2  # the windows really worked side by side


def test_a_window_skips_a_ticket_another_window_holds_instead_of_waiting(pool, hall, throwaway_db):
    conn = psycopg.connect(throwaway_db.replace("postgres://", "postgresql://", 1))
    try:
        # Another window's transaction holds the head of the queue.
        conn.execute("SELECT id FROM core_ticket WHERE number = 'C001' FOR UPDATE")
        number, error = pool.apply(pg_workers.call_once, (hall["probe"],))
        assert error is None, error
        assert number == "C002"
    finally:
        conn.rollback()
        conn.close()


def test_a_window_takes_the_next_ticket_in_the_same_statement_when_others_hold_the_first_ones(
        pool, hall, throwaway_db):
    # 14 windows alike calling at once all see the same heads: the claim tries them in call order
    # and takes the first nobody holds, instead of losing the head and probing again.
    conn = psycopg.connect(throwaway_db.replace("postgres://", "postgresql://", 1))
    try:
        # The window is free (an earlier test may have left it a called ticket).
        conn.execute("UPDATE core_ticket SET status = 'done' WHERE window_id = %s AND status IN ('called', 'serving')",
                     [hall["probe"]])
        conn.execute("UPDATE core_window SET state = 'open' WHERE id = %s", [hall["probe"]])
        conn.commit()
        waiting = [n for (n,) in conn.execute(
            "SELECT number FROM core_ticket WHERE number LIKE 'C%%' AND status = 'waiting' ORDER BY queue_at, id")]
        held, free = waiting[:CLAIM_DEPTH - 1], waiting[CLAIM_DEPTH - 1]
        conn.execute("SELECT id FROM core_ticket WHERE number = ANY(%s) FOR UPDATE", [held])
        assert pool.apply(pg_workers.call_once_counting_claims, (hall["probe"],)) == (free, 1)
    finally:
        conn.rollback()
        conn.close()
