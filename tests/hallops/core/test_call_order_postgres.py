"""Two windows calling at the same moment on PostgreSQL, as separate processes: choosing a ticket
locks nothing but the ticket taken, so the second window gets the oldest ticket left."""

import multiprocessing

import psycopg
import pytest

from hallops.core.actions.claims import CLAIM_DEPTH

from . import pg_workers
from .test_concurrency_postgres import throwaway_db  # noqa: F401 - the module's database fixture

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture(scope="module")
def ctx():
    return multiprocessing.get_context("spawn")


@pytest.fixture(scope="module")
def pool(throwaway_db, ctx):  # noqa: F811
    barriers = {"pair": ctx.Barrier(2)}
    with ctx.Pool(2, initializer=pg_workers.init, initargs=(throwaway_db, barriers)) as p:
        yield p


def test_a_window_does_not_skip_a_ticket_another_window_only_looked_at(pool, ctx):
    # Window 1 prefers B: it probes the head of A too but takes B001. While its transaction is
    # still open, window 2 (A only) must get A001, not skip it as a locked probe would make it.
    hall = pool.apply(pg_workers.build_shared, ("held",))
    manager = ctx.Manager()
    called, release = manager.Event(), manager.Event()
    held = pool.apply_async(pg_workers.call_and_hold, (hall["both"], called, release))
    second = pool.apply_async(pg_workers.call_after, (hall["a"], called, release))
    assert held.get(60) == ("B001", None)
    assert second.get(60) == ("A001", None)


def test_two_windows_calling_at_once_take_the_two_oldest(pool):
    hall = pool.apply(pg_workers.build_shared, ("race",))
    # Both windows may call A; window 1 prefers B, so each takes the oldest it may: B001 and A001.
    results = pool.map(pg_workers.call_at_barrier, [hall["both"], hall["a"]])
    assert sorted(results) == [("A001", None), ("B001", None)]


def test_a_window_whose_preferred_tickets_are_all_held_looks_deeper_not_at_the_next_matter(pool, throwaway_db):  # noqa: F811
    # Window 1 prefers B. Other windows hold as many B tickets as one claim looks at: the next B
    # still comes before A001, so the window reads further down B's queue instead of taking A001.
    hall = pool.apply(pg_workers.build_deep, ("deep", CLAIM_DEPTH + 1))
    conn = psycopg.connect(throwaway_db.replace("postgres://", "postgresql://", 1))
    try:
        conn.execute("SELECT id FROM core_ticket WHERE hall_id = %s AND number LIKE 'B%%' AND number <= %s FOR UPDATE",
                     [hall["hall"], f"B{CLAIM_DEPTH:03d}"])
        number, claims = pool.apply(pg_workers.call_once_counting_claims, (hall["both"],))
        assert number == f"B{CLAIM_DEPTH + 1:03d}"
        assert claims == 2  # the first look found every candidate it may take held
    finally:
        conn.rollback()
        conn.close()
