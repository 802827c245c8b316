"""Every page reads in the same number of statements at 2 and 40 matters."""

from django.test import Client

from hallops.core.models import Device, DeviceKind, Role
from tests.factories import make_staff, token_for
from tests.hallops.core.read.busy import busy_hall, statements

# Session and user included; the track page embeds the ticket stream's snapshot, whose place in
# line reads windows, tickets and handling times (hallops.core.read.position). The kiosk's token
# and its hall's printers were looked up on the first visit and are reused (HALLOPS_TOKEN_CACHE_SECONDS).
EXPECTED = {"kiosk": 2, "console": 7, "console_choose": 5, "dashboard": 6, "track": 9}


def costs(busy):
    code, window = busy.hall.code, busy.windows[-1]
    staff, manager = Client(), Client()
    staff.force_login(busy.staff[-1])
    manager.force_login(make_staff(busy.hall, role=Role.LOBBY_MANAGER))
    kiosk = token_for(device=Device.objects.get(hall=busy.hall, kind=DeviceKind.KIOSK))
    pages = {
        "kiosk": (Client(), f"/halls/{code}/kiosk/?token={kiosk}"),
        "console": (staff, f"/halls/{code}/console/{window.pk}/"),
        "console_choose": (staff, f"/halls/{code}/console/"),
        "dashboard": (manager, f"/halls/{code}/dashboard/"),
        "track": (Client(), f"/t/{busy.waiting.pk}/"),
    }

    def ok(client, path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    for client, path in pages.values():
        ok(client, path)  # sessions and cookies settle on the first visit
    return {name: statements(ok, client, path) for name, (client, path) in pages.items()}


def test_every_page_costs_the_same_at_2_and_40_matters(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    small = costs(busy_hall(matters=2, windows=3))
    large = costs(busy_hall(matters=40, windows=12))
    assert small == large
    assert small == EXPECTED
