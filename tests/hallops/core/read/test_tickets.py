"""One ticket, many readers: every shape is a variant of the staff view, so a shape read from the
database and the same shape read from an event payload are equal."""

import pytest

from hallops.core import actions
from hallops.core.models import HallEvent
from hallops.core.read.tickets import (
    ISSUED, PAD_TICKET, PUBLIC_TICKET, TICKET, TRACK, WAITING_ROW, latest_in_chain, public_ticket, track,
    track_url,
)

from ..helpers import issue, open_window


def payload_of(hall, type_):
    return HallEvent.objects.filter(hall=hall, type=type_).order_by("-seq").first().payload["ticket"]


def test_a_variant_reads_the_same_from_the_model_and_from_the_event(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    called = actions.call_next(window, now=clock.tick())
    from_event = payload_of(hall, "ticket.called")
    assert from_event == TICKET.of(called)
    for variant in (PUBLIC_TICKET, PAD_TICKET):
        assert variant.of(from_event) == variant.of(called)


def test_the_citizen_sees_no_staff_data_and_a_window_only_while_called(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    called = actions.call_next(window, now=clock.tick())
    seen = public_ticket(called)
    assert set(seen) == {"id", "number", "status", "service", "window", "issued_at", "called_at"}
    assert seen["service"] == {"code": "a", "name": "社保"} and seen["window"]["id"] == window.pk
    actions.start(window, now=clock.tick())
    done = actions.finish(window, now=clock.tick())
    assert public_ticket(done)["window"] is None  # finished: nowhere to go


def test_the_caller_supplies_what_a_variant_declares_and_nothing_is_guessed(hall, service_a, clock):
    ticket = issue(hall, service_a, clock)
    with pytest.raises(TypeError, match="ahead"):
        TRACK.of(ticket, estimated_wait_s=0)
    row = WAITING_ROW.of(ticket, waited_s=5, transferred=False)
    assert row == {"id": str(ticket.pk), "number": "A001", "service": "a", "service_name": "社保",
                   "priority": "normal", "waited_s": 5, "transferred": False}
    issued = ISSUED.of(ticket, ahead=0, estimated_wait_s=0)
    assert issued["track_url"] == track_url(ticket) == track_url(TICKET.of(ticket))


def test_tracking_follows_a_chain_of_transfers_in_one_query(hall, service_a, service_b, clock,
                                                            django_assert_num_queries):
    window_a = open_window(hall, [service_a], clock)
    window_b = open_window(hall, [service_b], clock)
    first = issue(hall, service_a, clock)
    actions.call_next(window_a, now=clock.tick())
    actions.transfer(window_a, service=service_b, now=clock.tick())
    actions.call_next(window_b, now=clock.tick())
    last = actions.transfer(window_b, service=service_a, now=clock.tick())
    first.refresh_from_db()
    with django_assert_num_queries(1):
        assert latest_in_chain(first).pk == last.pk
    followed = track(first)
    assert (followed["id"], followed["number"], followed["service"]) == (str(last.pk), "A001", "a")
    assert followed["ahead"] == 0
