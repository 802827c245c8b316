"""Every stream's snapshot and throttled frame reads in a fixed number of statements, whatever the
number of matters and windows (a query per matter or window would show between the two halls)."""

from displays import snapshots
from hallops.core.models import Window
from tests.hallops.core.read.busy import busy_hall, statements

# Pinned per stream kind; the two savepoint statements are the snapshot's consistent read.
EXPECTED = {
    "display": 10,  # seq, matters + 3 figures, windows, their current numbers, recent calls
    "window": 5,  # seq, window, current ticket
    "kiosk": 7,  # seq, matters + 3 figures
    "pad": 6,  # seq, window (with its staff card), last finished ticket, whether it is serving
    "ticket": 8,  # ticket, seq, hall, place in line (windows, tickets, handling times)
    "console": 7,  # seq, window, current ticket, its matters, waiting tickets
    "dashboard": 14,  # the hall's load (9, with today's bookings), devices, patrol detections, overdue cases
    "waiting frame": 7,  # kiosk and hall screen refresh: as the kiosk snapshot
    "ticket.ahead frame": 8,
    "console waiting frame": 2,  # its matters, waiting tickets
}


def costs(busy):
    window = Window.objects.select_related("hall", "zone", "staff__staff").get(pk=busy.windows[-1].pk)
    ticket_id = busy.waiting.pk
    return {
        "display": statements(snapshots.hall_display, busy.hall),
        "window": statements(snapshots.window_screen, window),
        "kiosk": statements(snapshots.kiosk, busy.hall),
        "pad": statements(snapshots.pad, window),
        "ticket": statements(snapshots.ticket_tracking, ticket_id),
        "console": statements(snapshots.console, window),
        "dashboard": statements(snapshots.load_with_alerts, busy.hall),
        "waiting frame": statements(snapshots.waiting_by_service, busy.hall),
        "ticket.ahead frame": statements(snapshots.ticket_ahead, ticket_id),
        "console waiting frame": statements(snapshots.waiting_list, window),
    }


def test_every_snapshot_costs_the_same_at_2_and_40_matters(db):
    small = busy_hall(matters=2, windows=3)
    large = busy_hall(matters=40, windows=12)
    assert costs(small) == EXPECTED
    assert costs(large) == EXPECTED
