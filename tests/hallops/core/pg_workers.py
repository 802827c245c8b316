"""Worker functions for the PostgreSQL concurrency test, importable by 'spawn' child processes.

Each process sets DATABASE_URL to the throwaway database before django.setup(), so it runs
the production path (psycopg, SELECT … FOR UPDATE SKIP LOCKED) with its own connection.
"""

import os

LOCK_ERRORS = ("lock timeout", "deadlock", "could not obtain lock", "canceling statement")

_barriers = {}


def init(db_url, barriers):
    os.environ["DATABASE_URL"] = db_url
    os.environ.pop("REDIS_URL", None)  # publishing is not under test here; keep workers off Redis
    os.environ["DJANGO_SETTINGS_MODULE"] = "hallops.settings"
    import django

    django.setup()
    from django.db import connection

    # A window that waits this long for a lock held by another window fails the test.
    connection.cursor().execute("SET lock_timeout = '5s'")
    _barriers.update(barriers)


def build(n_windows):
    """A hall with matter A (the kiosk race), B with 500 tickets and n windows, C for the lock probe."""
    from hallops.core import actions
    from tests.factories import make_hall, make_service, make_staff, make_window

    hall = make_hall(code="conc")
    a = make_service(hall, code="a", prefix="A")
    b = make_service(hall, code="b", prefix="B")
    c = make_service(hall, code="c", prefix="C")
    windows = []
    for i in range(n_windows):
        w = make_window(hall, number=str(i + 1), services=[b])
        actions.sign_in(w, make_staff(hall, username=f"w{i + 1}"))
        windows.append(w.pk)
    # The queue to race over is written in one statement; issuing is raced separately.
    from datetime import timedelta

    from django.utils import timezone

    from hallops.core.clock import local_day
    from hallops.core.models import DailyCounter, Ticket

    now = timezone.now()
    Ticket.objects.bulk_create([
        Ticket(hall=hall, service=b, day=local_day(now), number=f"B{k:03d}", queue_at=now + timedelta(microseconds=k),
               issued_at=now) for k in range(1, 501)
    ])
    DailyCounter.objects.create(hall=hall, prefix="B", day=local_day(now), last=500)
    probe = make_window(hall, number="99", services=[c])
    actions.sign_in(probe, make_staff(hall, username="probe"))
    for _ in range(5):
        actions.issue_ticket(hall, c)
    return {"hall": hall.pk, "a": a.pk, "b": b.pk, "windows": windows, "probe": probe.pk}


def _errors_of(fn):
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - returned to the test, which shows it
        return None, f"{type(e).__name__}: {e}"


def issue_many(hall_id, service_id, n):
    from hallops.core import actions
    from hallops.core.models import Hall, Service

    hall, service = Hall.objects.get(pk=hall_id), Service.objects.get(pk=service_id)
    _barriers["issue"].wait()
    return _errors_of(lambda: [actions.issue_ticket(hall, service).ticket.number for _ in range(n)])


def call_until_empty(window_id):
    from hallops.core import actions
    from hallops.core.models import Window

    window = Window.objects.get(pk=window_id)
    _barriers["call"].wait()

    def loop():
        called = []
        while (ticket := actions.call_next(window)) is not None:
            called.append(str(ticket.pk))
            actions.finish(window)
        return called

    return _errors_of(loop)


def call_once(window_id):
    from hallops.core import actions
    from hallops.core.models import Window

    return _errors_of(lambda: actions.call_next(Window.objects.get(pk=window_id)).number)


def call_once_counting_claims(window_id):
    """(the number called, the claim statements it took)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hallops.core import actions
    from hallops.core.models import Window

    window = Window.objects.get(pk=window_id)
    with CaptureQueriesContext(connection) as ran:
        number = actions.call_next(window).number
    return number, sum(1 for q in ran.captured_queries if "SKIP LOCKED" in q["sql"])


def build_deep(tag, deep):
    """Window 'both' prefers B and also serves A; A has one ticket, B ``deep``."""
    from hallops.core import actions
    from tests.factories import make_hall, make_service, make_staff, make_window

    hall = make_hall(code=f"deep-{tag}")
    a = make_service(hall, code="a", prefix="A")
    b = make_service(hall, code="b", prefix="B")
    both = make_window(hall, number="1", services=[b, a])
    actions.sign_in(both, make_staff(hall, username=f"deep-{tag}"))
    for service in [a] + [b] * deep:
        actions.issue_ticket(hall, service)
    return {"both": both.pk, "hall": hall.pk}


def build_shared(tag):
    """Two matters A and B: window 'both' prefers B and also serves A; window 'a' serves A only."""
    from hallops.core import actions
    from tests.factories import make_hall, make_service, make_staff, make_window

    hall = make_hall(code=f"shared-{tag}")
    a = make_service(hall, code="a", prefix="A")
    b = make_service(hall, code="b", prefix="B")
    both = make_window(hall, number="1", services=[b, a])
    only_a = make_window(hall, number="2", services=[a])
    for w, name in ((both, "both"), (only_a, "only-a")):
        actions.sign_in(w, make_staff(hall, username=f"{name}-{tag}"))
    for service in (a, a, b):
        actions.issue_ticket(hall, service)
    return {"both": both.pk, "a": only_a.pk}


def call_and_hold(window_id, called, release):
    """Call inside a transaction that stays open (its locks held) until ``release`` is set."""
    from django.db import transaction

    from hallops.core import actions
    from hallops.core.models import Window

    def hold():
        with transaction.atomic():
            ticket = actions.call_next(Window.objects.get(pk=window_id))
            called.set()
            release.wait(30)
            return ticket.number

    return _errors_of(hold)


def call_after(window_id, called, release):
    """Call while another window's call is still open. The choice and claim happen at once; the
    call then queues on the hall's event sequence, so the other is released a moment later."""
    import threading

    from hallops.core import actions
    from hallops.core.models import Window

    window = Window.objects.get(pk=window_id)
    called.wait(30)
    timer = threading.Timer(1.0, release.set)
    timer.start()
    try:
        return _errors_of(lambda: actions.call_next(window).number)
    finally:
        timer.cancel()
        release.set()


def call_at_barrier(window_id):
    from hallops.core import actions
    from hallops.core.models import Window

    window = Window.objects.get(pk=window_id)
    _barriers["pair"].wait()
    return _errors_of(lambda: actions.call_next(window).number)
