"""Twenty citizens racing for a slot of three on PostgreSQL: four processes of five threads, each
thread its own connection, all released by one barrier."""

import multiprocessing

import pytest

from . import pg_booking_workers
from .test_concurrency_postgres import throwaway_db  # noqa: F401 - the module's database fixture

pytestmark = [pytest.mark.services, pytest.mark.slow]
PROCESSES, THREADS = 4, 5


@pytest.fixture(scope="module")
def pool(throwaway_db):  # noqa: F811
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES * THREADS)
    with ctx.Pool(PROCESSES, initializer=pg_booking_workers.init, initargs=(throwaway_db, barrier)) as p:
        yield p


def test_twenty_clients_racing_for_three_places_get_exactly_three_bookings(pool, throwaway_db):  # noqa: F811
    world = pool.apply(pg_booking_workers.build, (3,))
    phones = [[f"138{p:04d}{t:04d}" for t in range(THREADS)] for p in range(PROCESSES)]
    results = {}
    for part in pool.starmap(pg_booking_workers.race, [(world["hall"], world["service"], ph) for ph in phones]):
        results.update(part)
    outcomes = sorted(results.values())
    assert len(outcomes) == 20
    assert outcomes.count("slot_full") == 17, outcomes
    codes = [o for o in outcomes if o != "slot_full"]
    assert len(codes) == 3 and all(len(c) == 8 for c in codes), codes

    import psycopg

    with psycopg.connect(throwaway_db.replace("postgres://", "postgresql://", 1)) as conn:
        booked = conn.execute("SELECT count(*) FROM core_appointment WHERE status = 'booked'").fetchone()[0]
        counter = conn.execute("SELECT booked FROM core_slotcounter").fetchone()[0]
    assert (booked, counter) == (3, 3)
