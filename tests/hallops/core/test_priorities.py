"""Priority classes: the kiosk offers only what the hall allows; staff or the guide upgrade with a reason."""

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict, Invalid
from hallops.core.models import Channel, HallEvent, Priority, Ticket

from .helpers import issue, open_window


def test_by_default_a_kiosk_offers_normal_elderly_and_pregnant_only(hall):
    hall.kiosk_priorities = type(hall)._meta.get_field("kiosk_priorities").get_default()
    hall.save()
    assert actions.kiosk_priorities(hall) == ["normal", "elderly", "pregnant"]


@pytest.mark.parametrize("priority", [Priority.MILITARY, Priority.DISABLED, Priority.GREEN])
def test_a_class_that_needs_proof_cannot_be_chosen_at_the_kiosk(hall, service_a, clock, priority):
    hall.kiosk_priorities = ["elderly"]
    hall.save()
    with pytest.raises(Invalid) as err:
        issue(hall, service_a, clock, priority=priority, channel=Channel.KIOSK)
    assert err.value.code == "priority_needs_proof"
    assert not Ticket.objects.exists() and not HallEvent.objects.filter(type="ticket.issued").exists()
    # Staff taking the number for the citizen have seen the papers.
    assert issue(hall, service_a, clock, priority=priority, channel=Channel.STAFF).priority == priority


def test_normal_is_always_offered_even_when_a_hall_forgets_it(hall):
    hall.kiosk_priorities = ["elderly"]
    assert actions.kiosk_priorities(hall) == ["normal", "elderly"]


def test_it_upgrades_a_waiting_ticket_with_a_reason_and_it_is_called_first(hall, service_a, clock):
    hall.kiosk_priorities = ["normal"]
    hall.save()
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    veteran = issue(hall, service_a, clock)
    changed = actions.change_priority(veteran, Priority.MILITARY, reason="退役军人证已核验", actor="user:guide",
                                      now=clock.tick())
    assert (changed.priority, changed.rank, changed.priority_reason) == ("military", 0, "退役军人证已核验")
    event = HallEvent.objects.get(type="ticket.priority_changed")
    assert (event.payload["from"], event.payload["to"], event.payload["reason"], event.actor) == \
        ("normal", "military", "退役军人证已核验", "user:guide")
    assert actions.call_next(window, now=clock.tick()).number == veteran.number


def test_an_upgrade_needs_a_reason_a_waiting_ticket_and_a_real_class(hall, service_a, clock):
    t = issue(hall, service_a, clock)
    for priority, reason, code, error in [
        (Priority.GREEN, "  ", "reason_required", Invalid),
        (Priority.APPOINTMENT, "x", "invalid_priority", Invalid),
        ("vip", "x", "invalid_priority", Invalid),
        (Priority.NORMAL, "x", "priority_unchanged", Conflict),
    ]:
        with pytest.raises(error) as err:
            actions.change_priority(t, priority, reason=reason, now=clock.tick())
        assert err.value.code == code
    actions.cancel_ticket(t, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.change_priority(t, Priority.GREEN, reason="重点项目", now=clock.tick())
    assert err.value.code == "not_waiting"
    assert not HallEvent.objects.filter(type="ticket.priority_changed").exists()
