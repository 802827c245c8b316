"""转移: handing a citizen to another matter or window without losing their place."""

import pytest

from hallops.core import actions
from hallops.core.actions.calls import chain
from hallops.core.errors import Invalid
from hallops.core.models import Priority, Ticket, TicketStatus
from tests.factories import make_hall, make_service, make_window

from .helpers import issue, open_window


def test_transfer_to_another_matter_keeps_the_original_issue_time_and_number(hall, service_a, service_b, clock):
    counter_a = open_window(hall, [service_a], clock)
    original = issue(hall, service_a, clock)
    actions.call_next(counter_a, now=clock.tick())
    actions.start(counter_a, now=clock.tick())
    moved = actions.transfer(counter_a, service=service_b, now=clock.tick())
    original.refresh_from_db()
    counter_a.refresh_from_db()
    assert original.status == TicketStatus.TRANSFERRED and counter_a.state == "open"
    assert (moved.number, moved.service_id, moved.status) == ("A001", service_b.pk, TicketStatus.WAITING)
    assert moved.issued_at == original.issued_at and moved.queue_at == original.issued_at


def test_a_transferred_ticket_is_called_before_later_tickets_of_the_target_matter(
        hall, service_a, service_b, clock):
    counter_a = open_window(hall, [service_a], clock)
    counter_b = open_window(hall, [service_b], clock)
    issue(hall, service_a, clock)
    issue(hall, service_b, clock)
    issue(hall, service_b, clock)
    actions.call_next(counter_a, now=clock.tick())
    actions.transfer(counter_a, service=service_b, now=clock.tick())
    assert actions.call_next(counter_b, now=clock.tick()).number == "A001"


def test_a_transfer_keeps_its_priority_class(hall, service_a, service_b, clock):
    counter_a = open_window(hall, [service_a], clock)
    counter_b = open_window(hall, [service_b], clock)
    issue(hall, service_b, clock)
    issue(hall, service_a, clock, priority=Priority.ELDERLY)
    actions.call_next(counter_a, now=clock.tick())
    moved = actions.transfer(counter_a, service=service_b, now=clock.tick())
    assert moved.rank == 0
    assert actions.call_next(counter_b, now=clock.tick()).number == "A001"


def test_a_transfer_to_a_window_is_called_only_by_that_window(hall, service_a, clock):
    counter = open_window(hall, [service_a], clock)
    peer = open_window(hall, [service_a], clock)
    escalation = open_window(hall, [], clock)  # 办不成事 window: serves no matter of its own
    issue(hall, service_a, clock)
    actions.call_next(counter, now=clock.tick())
    moved = actions.transfer(counter, to_window=escalation, now=clock.tick())
    assert moved.target_window_id == escalation.pk and moved.service_id == service_a.pk
    assert actions.call_next(peer, now=clock.tick()) is None
    assert actions.call_next(counter, now=clock.tick()) is None
    assert actions.call_next(escalation, now=clock.tick()).pk == moved.pk


def test_a_transfer_to_a_window_comes_before_that_windows_own_matters(hall, service_a, service_b, clock):
    counter = open_window(hall, [service_a], clock)
    target = open_window(hall, [service_b], clock)
    issue(hall, service_b, clock)
    issue(hall, service_a, clock)
    actions.call_next(counter, now=clock.tick())
    actions.transfer(counter, to_window=target, now=clock.tick())
    assert actions.call_next(target, now=clock.tick()).number == "A001"


def test_the_chain_of_transfers_leads_back_to_the_issued_ticket(hall, service_a, service_b, clock):
    first = open_window(hall, [service_a], clock)
    second = open_window(hall, [service_b], clock)
    third = open_window(hall, [], clock)
    issued = issue(hall, service_a, clock)
    actions.call_next(first, now=clock.tick())
    hop1 = actions.transfer(first, service=service_b, now=clock.tick())
    actions.call_next(second, now=clock.tick())
    hop2 = actions.transfer(second, to_window=third, now=clock.tick())
    assert [t.pk for t in chain(hop2)] == [issued.pk, hop1.pk, hop2.pk]
    assert [t.pk for t in chain(issued)] == [issued.pk]
    # One number in the hall, however many hops.
    assert set(Ticket.objects.values_list("number", flat=True)) == {"A001"}


def test_a_transfer_needs_a_target_and_a_ticket(hall, service_a, clock):
    counter = open_window(hall, [service_a], clock)
    with pytest.raises(Invalid) as err:
        actions.transfer(counter, now=clock.tick())
    assert err.value.code == "transfer_target_required"
    with pytest.raises(Exception) as err:
        actions.transfer(counter, service=service_a, now=clock.tick())
    assert err.value.code == "no_active_ticket"


@pytest.mark.parametrize("target", ["self", "foreign_window", "foreign_service"])
def test_a_transfer_stays_inside_the_hall_and_leaves_the_window(hall, service_a, clock, target):
    counter = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    actions.call_next(counter, now=clock.tick())
    other = make_hall()
    kw = {
        "self": {"to_window": counter},
        "foreign_window": {"to_window": make_window(other)},
        "foreign_service": {"service": make_service(other, prefix="A")},
    }[target]
    with pytest.raises(Invalid):
        actions.transfer(counter, now=clock.tick(), **kw)
    assert Ticket.objects.get().status == TicketStatus.CALLED


def test_a_designated_call_cannot_take_a_ticket_transferred_to_another_window(hall, service_a, clock):
    from hallops.core.errors import Conflict

    counter = open_window(hall, [service_a], clock)
    peer = open_window(hall, [service_a], clock)
    escalation = open_window(hall, [], clock)
    issue(hall, service_a, clock)
    actions.call_next(counter, now=clock.tick())
    moved = actions.transfer(counter, to_window=escalation, now=clock.tick())
    with pytest.raises(Conflict) as refused:
        actions.call_number(peer, moved.number, now=clock.tick())
    assert refused.value.code == "transferred_elsewhere"
    assert actions.call_number(escalation, moved.number, now=clock.tick()).pk == moved.pk
