"""Every read model reads in a fixed number of statements, whatever the number of matters and
windows: a query per matter or per window would show as a difference between a small and a
large hall."""

from hallops.core.read.devices import hall_devices
from hallops.core.read.load import hall_load
from hallops.core.read.queue import window_detail, window_queue
from hallops.core.read.services import catalogue
from hallops.core.read.tickets import track
from hallops.core.models import Window

from .busy import TICKETS_PER_MATTER, busy_hall, statements

# Pinned: a change here is a change in what a page or a socket costs; say why in the commit.
EXPECTED = {
    "hall_load": 9,  # seq, windows, their current tickets, their matters, window stats, matters, 2 figures, bookings
    "catalogue": 4,  # matters, 3 figures (the day's counts, open windows, handling time)
    "window_queue": 2,  # the window's matters, the waiting tickets
    "window_detail": 4,  # + matters served in order, current ticket
    "track": 3,  # people ahead, handling time, open windows
    "hall_devices": 1,
}


def costs(busy):
    window = Window.objects.select_related("hall", "zone", "staff__staff").get(pk=busy.windows[-1].pk)
    return {
        "hall_load": statements(hall_load, busy.hall),
        "catalogue": statements(catalogue, busy.hall),
        "window_queue": statements(window_queue, window),
        "window_detail": statements(window_detail, window),
        "track": statements(track, busy.waiting),
        "hall_devices": statements(hall_devices, busy.hall),
    }


def test_every_read_model_costs_the_same_at_2_and_40_matters(db, fast_password_hashing):
    small = busy_hall(matters=2, windows=3)
    large = busy_hall(matters=40, windows=12)
    assert costs(small) == EXPECTED
    assert costs(large) == EXPECTED


def test_the_large_hall_is_really_large(db, fast_password_hashing):
    # Guards the test above against a builder that silently made both halls alike.
    large = busy_hall(matters=40, windows=12)
    load = hall_load(large.hall)
    assert len(load["services"]) == 40 and len(load["windows"]) == 12
    assert load["totals"]["waiting"] == 40 * TICKETS_PER_MATTER - 12 * 2 + 1
    assert all(w["current_ticket"] is not None for w in load["windows"])
