"""Many kiosks and windows at once on the embedded SQLite database (WAL, BEGIN IMMEDIATE).

Each thread has its own connection, so these are real concurrent writers on one file.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from hallops.core import actions
from hallops.core.models import Ticket, TicketStatus
from tests.factories import make_hall, make_service

from .helpers import MONDAY_9, Clock, open_window

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(n, target):
    errors, results = [], {}
    start = threading.Barrier(n)

    def worker(i):
        try:
            start.wait()
            results[i] = target(i)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    return results


def test_eight_kiosks_taking_fifty_numbers_each_get_a001_to_a400_without_gaps():
    hall = make_hall()
    service = make_service(hall, prefix="A")

    def kiosk(i):
        return [actions.issue_ticket(hall, service, now=MONDAY_9 + timedelta(milliseconds=i * 50 + k)).ticket.number
                for k in range(50)]

    results = run_threads(8, kiosk)
    issued = [n for numbers in results.values() for n in numbers]
    assert sorted(issued) == [f"A{k:03d}" for k in range(1, 401)]
    assert Ticket.objects.count() == 400


def test_ten_windows_racing_call_each_ticket_exactly_once():
    clock = Clock()
    hall = make_hall()
    service = make_service(hall, prefix="A")
    windows = [open_window(hall, [service], clock) for _ in range(10)]
    for _ in range(200):
        actions.issue_ticket(hall, service, now=clock.tick())
    now = clock.tick(60)

    def window_loop(i):
        called = []
        while (ticket := actions.call_next(windows[i], now=now)) is not None:
            called.append(ticket.pk)
            actions.finish(windows[i], now=now)
        return called

    results = run_threads(10, window_loop)
    called = [pk for pks in results.values() for pk in pks]
    assert len(called) == len(set(called)) == 200
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.DONE}
    done = Ticket.objects.values_list("window_id", flat=True)
    assert {w.pk for w in windows} >= set(done)
