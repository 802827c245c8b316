"""A hall in the middle of a morning, at any size: matters, windows serving some of them, people
waiting in every queue, a number called and one finished at every window, devices."""

from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallops.core import actions
from hallops.core.models import DeviceKind
from tests.factories import make_device, make_hall, make_service, open_window_with_staff


@dataclass
class Busy:
    hall: object
    services: list
    windows: list
    staff: list  # signed in at windows[i]
    waiting: object  # a ticket still waiting, with people ahead of it


TICKETS_PER_MATTER = 4


def _prefix(i):
    return f"{chr(ord('A') + i % 26)}{i // 26}"


def busy_hall(matters: int, windows: int) -> Busy:
    hall = make_hall()
    services = [make_service(hall, code=f"m{i}", prefix=_prefix(i), name=f"事项{i}") for i in range(matters)]
    made, staff = [], []
    for k in range(windows):
        served = [services[(k + j) % matters] for j in range(min(matters, 3))]
        window, user = open_window_with_staff(hall, served)
        made.append(window)
        staff.append(user)
        make_device(hall, DeviceKind.WINDOW_DISPLAY, window=window, url="tcp://127.0.0.1:9", heartbeat_s=30)
        make_device(hall, DeviceKind.EVALUATION_PAD, window=window)
    make_device(hall, DeviceKind.KIOSK)
    make_device(hall, DeviceKind.PRINTER, url="tcp://127.0.0.1:9100")
    for s in services:
        for _ in range(TICKETS_PER_MATTER):
            actions.issue_ticket(hall, s)
    for w in made:
        actions.call_next(w)
        actions.start(w)
        actions.finish(w)
        actions.call_next(w)
    waiting = actions.issue_ticket(hall, services[0]).ticket
    return Busy(hall, services, made, staff, waiting)


def statements(fn, *args) -> int:
    """How many SQL statements fn(*args) sends."""
    with CaptureQueriesContext(connection) as ctx:
        fn(*args)
    return len(ctx.captured_queries)
