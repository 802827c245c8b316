"""Round trips per action, pinned (issue 14). Savepoints of the test's own transaction are not counted.

PostgreSQL is the production path: there the number and the ticket, a claim and the window's
state, a ticket and its window, and all of an action's events each go in one statement. SQLite
(one writer at a time, no data-modifying WITH) needs a few more, pinned separately.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallops.core import actions
from hallops.core.actors import Actor
from hallops.core.models import DeviceKind
from hallops.devices.models import DeviceCommand
from tests.factories import make_device, make_service

from .helpers import issue, open_window

PINS = {  # action: (PostgreSQL, SQLite)
    # With an LED strip and an evaluation pad a gateway drives: on PostgreSQL each command is
    # read, superseded and queued in the same one statement that finds no device above; SQLite
    # reads the devices once and queues each command in two.
    "call_next_driven": (3, 9),
    "finish_driven": (3, 9),
    # A kiosk's issue with its printer (the hall's printers already read): the print command is
    # written with the event on PostgreSQL; SQLite inserts it.
    "issue_printed": (5, 8),
    "issue": (5, 7),
    "call_next": (3, 7),
    "call_next_while_serving": (3, 7),  # 下一位: on PostgreSQL the finish rides with the claim
    "recall": (3, 5),
    "start": (3, 4),
    "skip": (3, 6),
    "finish": (3, 6),
}


def statements(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def pin(action):
    return PINS[action][0 if connection.vendor == "postgresql" else 1]


@pytest.fixture(params=[2, 40], ids=["2 matters", "40 matters"])
def hall_of(request, hall, service_a, service_b, clock):
    """A window serving 2 or 40 matters, each with a queue, and its browser window display (no
    gateway device: driven ones are counted below)."""
    services = [service_a, service_b] + [make_service(hall, prefix="C") for _ in range(request.param - 2)]
    window = open_window(hall, services, clock)
    open_window(hall, services[::-1], clock)
    make_device(hall, DeviceKind.WINDOW_DISPLAY, window=window)
    for s in services:
        for _ in range(3):
            issue(hall, s, clock)
    hall.skip_grace_minutes = 0
    hall.save()
    return hall, window, services


def test_issuing_a_number(hall_of, clock):
    hall, _, services = hall_of
    assert len(statements(lambda: actions.issue_ticket(hall, services[-1], now=clock.tick()))) == pin("issue")


def test_calling_recalling_starting_and_finishing(hall_of, clock):
    _, window, _ = hall_of
    assert len(statements(lambda: actions.call_next(window, now=clock.tick()))) == pin("call_next")
    assert len(statements(lambda: actions.recall(window, now=clock.tick()))) == pin("recall")
    assert len(statements(lambda: actions.start(window, now=clock.tick()))) == pin("start")
    assert len(statements(lambda: actions.call_next(window, now=clock.tick()))) == pin("call_next_while_serving")
    assert len(statements(lambda: actions.skip(window, now=clock.tick()))) == pin("skip")
    actions.call_next(window, now=clock.tick())
    assert len(statements(lambda: actions.finish(window, now=clock.tick()))) == pin("finish")


def test_the_choice_of_ticket_is_one_statement_whatever_the_number_of_matters(hall_of, clock):
    _, window, _ = hall_of
    ran = statements(lambda: actions.call_next(window, now=clock.tick()))
    assert sum(1 for sql in ran if "ORDER BY" in sql and "core_windowservice" in sql) == 1


def test_a_driven_led_strip_and_pad_cost_no_more_statements_on_postgresql(hall_of, clock):
    hall, window, _ = hall_of
    gateway = make_device(hall, DeviceKind.GATEWAY)
    for kind in (DeviceKind.WINDOW_DISPLAY, DeviceKind.EVALUATION_PAD):
        make_device(hall, kind, window=window, url="virtual://x", gateway=gateway)
    assert len(statements(lambda: actions.call_next(window, now=clock.tick()))) == pin("call_next_driven")
    assert len(statements(lambda: actions.finish(window, now=clock.tick()))) == pin("finish_driven")


def test_a_kiosk_issue_prints_in_no_statement_of_its_own_on_postgresql(hall_of, clock):
    hall, _, services = hall_of
    kiosk = Actor(device=make_device(hall, DeviceKind.KIOSK, name="kiosk-1"))
    make_device(hall, DeviceKind.PRINTER, url="virtual://printer", gateway=make_device(hall, DeviceKind.GATEWAY),
                options={"kiosk": "kiosk-1"})
    actions.issue_ticket(hall, services[0], actor=kiosk, now=clock.tick())
    ran = statements(lambda: actions.issue_ticket(hall, services[-1], actor=kiosk, now=clock.tick()))
    assert len(ran) == pin("issue_printed")
    assert DeviceCommand.objects.filter(kind="print").count() == 2
