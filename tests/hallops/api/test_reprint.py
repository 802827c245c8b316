"""补打 has limits: a few per ticket, only while the ticket waits or is called, and not by a
supervisor, who only watches (issue 11, item 14)."""

import pytest

from hallops.core import actions
from hallops.core.models import DeviceKind
from hallops.devices.models import CommandKind, DeviceCommand
from tests.factories import make_device
from tests.hallops.api.test_errors import assert_error


@pytest.fixture
def printing(world, settings):
    settings.HALLOPS = {**settings.HALLOPS, "REPRINT_MAX": 3}
    gateway = make_device(world.hall, DeviceKind.GATEWAY)
    printer = make_device(world.hall, DeviceKind.PRINTER, url="virtual://pr1", gateway=gateway)
    kiosk = make_device(world.hall, DeviceKind.KIOSK, options={"printer": printer.name})
    from tests.factories import token_for

    world.tokens["kiosk"] = token_for(device=kiosk)
    return printer


def reprint(api, ticket, token):
    return api.post(f"/tickets/{ticket.pk}/reprint/", token=token)


def prints(ticket):
    return DeviceCommand.objects.filter(ticket=ticket, kind=CommandKind.PRINT).count()


def test_a_ticket_is_reprinted_at_most_the_limit(world, api, printing):
    ticket = world.issue()
    before = prints(ticket)
    statuses = [reprint(api, ticket, world.tokens["kiosk"]).status_code for _ in range(10)]
    assert statuses == [202] * 3 + [409] * 7
    assert prints(ticket) == before + 3
    body = assert_error(reprint(api, ticket, world.tokens["staff_of_this_window"]), 409, "reprint_limit")
    assert body["details"] == {"limit": 3}


def test_a_called_ticket_may_be_reprinted_but_a_finished_or_cancelled_one_not(world, api, printing):
    called = world.issue()
    actions.call_next(world.window)
    assert reprint(api, called, world.tokens["kiosk"]).status_code == 202
    actions.start(world.window)
    actions.finish(world.window)
    assert_error(reprint(api, called, world.tokens["kiosk"]), 409, "not_reprintable")
    cancelled = world.issue()
    actions.cancel_ticket(cancelled)
    assert_error(reprint(api, cancelled, world.tokens["lobby_manager"]), 409, "not_reprintable")


def test_a_supervisor_may_not_reprint_but_window_staff_and_the_lobby_manager_may(world, api, printing):
    ticket = world.issue()
    reprint(api, ticket, world.tokens["kiosk"])  # printed once on the kiosk's printer
    assert_error(reprint(api, ticket, world.tokens["supervisor"]), 403, "forbidden")
    assert reprint(api, ticket, world.tokens["staff_of_this_window"]).status_code == 202
    assert reprint(api, ticket, world.tokens["lobby_manager"]).status_code == 202
