"""The API's read endpoints cost the same at 2 and 40 matters (token, hall, read model), and the public
list of halls one statement however many halls."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallops.core import actions
from hallops.core.models import Role
from tests.factories import make_staff, token_for
from tests.hallops.core.read.busy import busy_hall, statements

EXPECTED = {
    "GET /halls/{hall}/services/": 5,  # hall, matters, 3 figures
    "GET /halls/{hall}/load/": 11,  # token (with its user), hall, the load (9, with today's bookings)
    "GET /windows/{id}/": 6,  # token, window, its detail (4)
    "GET /tickets/{id}/": 4,  # ticket, place in line (windows, tickets, handling times)
}


def costs(api, busy):
    token = token_for(user=make_staff(busy.hall, role=Role.LOBBY_MANAGER))
    code, window = busy.hall.code, busy.windows[-1]

    def ok(path, token=None):
        response = api.get(path, token=token)
        assert response.status_code == 200, response.content

    return {
        "GET /halls/{hall}/services/": statements(ok, f"/halls/{code}/services/"),
        "GET /halls/{hall}/load/": statements(ok, f"/halls/{code}/load/", token),
        "GET /windows/{id}/": statements(ok, f"/windows/{window.pk}/", token),
        "GET /tickets/{id}/": statements(ok, f"/tickets/{busy.waiting.pk}/"),
    }


def test_read_endpoints_cost_the_same_at_2_and_40_matters(api, db, settings):
    # Every request looks its token up, as after HALLOPS_TOKEN_CACHE_SECONDS (the pins count it).
    settings.HALLOPS = {**settings.HALLOPS, "TOKEN_CACHE_SECONDS": 0}
    small = costs(api, busy_hall(matters=2, windows=3))
    large = costs(api, busy_hall(matters=40, windows=12))
    assert small == large
    assert small == EXPECTED



def actions_expected(vendor):
    # Token (with its user); the window locked and authorized on that row; then the action:
    # call-next chooses, claims and marks the window 办理中 (one statement on PostgreSQL, three on
    # SQLite) and queues the LED's text (with the events on PostgreSQL; SQLite reads the window's
    # devices, supersedes and inserts); start changes the current ticket and reads it back. The
    # events: one statement on PostgreSQL, two on SQLite.
    pg = vendor == "postgresql"
    return {
        "POST /windows/{id}/call-next/": 2 + (1 if pg else 3) + (0 if pg else 3) + (1 if pg else 2),
        "POST /windows/{id}/start/": 2 + 1 + (1 if pg else 2),
    }


def test_an_action_on_a_window_reads_the_window_once(api, db, settings):
    # Authorized on the row the action locks (lookups.WindowToActOn), not read beforehand as well.
    settings.HALLOPS = {**settings.HALLOPS, "TOKEN_CACHE_SECONDS": 0}
    busy = busy_hall(matters=3, windows=2)
    window, token = busy.windows[0], token_for(user=busy.staff[0])
    actions.start(window)
    actions.finish(window)

    def sent(path):
        with CaptureQueriesContext(connection) as ctx:
            response = api.post(path, token=token)
        assert response.status_code == 200 and response.json()["ticket"], response.content
        return sum(1 for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))

    assert {
        "POST /windows/{id}/call-next/": sent(f"/windows/{window.pk}/call-next/"),
        "POST /windows/{id}/start/": sent(f"/windows/{window.pk}/start/"),
    } == actions_expected(connection.vendor)


def test_the_public_list_of_halls_is_one_statement_however_many_halls(api, db):
    # Halls that keep hours ask the working-day calendar whether they are open now; its overrides
    # are read once a year per process, not once per hall (the first request warms that).
    from tests.factories import make_hall

    def listed(expected):
        response = api.get("/halls/")
        assert response.status_code == 200, response.content
        assert len(response.json()) == expected

    make_hall("one", enforce_hours=True)
    listed(1)
    one = statements(listed, 1)
    for code in ("two", "three", "four", "five"):
        make_hall(code, enforce_hours=True)
    assert statements(listed, 5) == one == 1
