"""Window states (开窗, 暂停, 恢复, 关窗) and staff signing in and out."""

import pytest

from hallops.core import actions
from hallops.core.errors import Conflict, Invalid
from hallops.core.models import HallEvent, Role, Window
from tests.factories import make_hall, make_staff, make_window

from .helpers import issue, open_window


def state(window):
    window.refresh_from_db()
    return window.state


def test_open_a_closed_window_and_refuse_to_open_it_twice(hall, clock):
    window = make_window(hall)
    actions.open_window(window, now=clock.tick())
    assert state(window) == "open"
    with pytest.raises(Conflict) as err:
        actions.open_window(window, now=clock.tick())
    assert err.value.code == "window_already_open"


def test_pause_names_a_reason_and_a_stand_in(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    at = clock.tick()
    actions.pause_window(window, reason="业务咨询", stand_in="李四", now=at)
    window.refresh_from_db()
    assert (window.state, window.pause_reason, window.stand_in, window.state_since) == ("paused", "业务咨询", "李四", at)


def test_pause_while_a_ticket_is_at_the_window_is_refused(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.pause_window(window, now=clock.tick())
    assert err.value.code == "ticket_in_progress"
    assert state(window) == "serving"


@pytest.mark.parametrize("setup", ["paused", "closed"])
def test_only_an_open_window_can_pause(hall, clock, setup):
    window = open_window(hall, [], clock)
    (actions.pause_window if setup == "paused" else actions.close_window)(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.pause_window(window, now=clock.tick())
    assert err.value.code == "window_not_open"


def test_resume_clears_the_pause(hall, clock):
    window = open_window(hall, [], clock)
    actions.pause_window(window, reason="午休", stand_in="李四", now=clock.tick())
    actions.resume_window(window, now=clock.tick())
    window.refresh_from_db()
    assert (window.state, window.pause_reason, window.stand_in) == ("open", "", "")
    with pytest.raises(Conflict) as err:
        actions.resume_window(window, now=clock.tick())
    assert err.value.code == "window_not_paused"


def test_close_refuses_with_a_ticket_at_the_window_and_when_already_closed(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.close_window(window, now=clock.tick())
    assert err.value.code == "ticket_in_progress"
    actions.finish(window, now=clock.tick())
    actions.close_window(window, now=clock.tick())
    assert state(window) == "closed"
    with pytest.raises(Conflict) as err:
        actions.close_window(window, now=clock.tick())
    assert err.value.code == "window_already_closed"


def test_a_paused_window_can_close(hall, clock):
    window = open_window(hall, [], clock)
    actions.pause_window(window, reason="x", now=clock.tick())
    actions.close_window(window, now=clock.tick())
    window.refresh_from_db()
    assert (window.state, window.pause_reason) == ("closed", "")


def test_sign_in_opens_a_closed_window_with_the_staff(hall, clock):
    window = make_window(hall)
    staff = make_staff(hall)
    actions.sign_in(window, staff, now=clock.tick())
    window.refresh_from_db()
    assert (window.state, window.staff_id) == ("open", staff.pk)


def test_sign_in_keeps_a_paused_window_paused(hall, clock):
    window = make_window(hall)
    actions.open_window(window, now=clock.tick())
    actions.pause_window(window, now=clock.tick())
    actions.sign_in(window, make_staff(hall), now=clock.tick())
    assert state(window) == "paused"


def test_sign_in_leaves_the_other_window_the_staff_was_at(hall, clock):
    first, second = make_window(hall), make_window(hall)
    staff = make_staff(hall)
    actions.sign_in(first, staff, now=clock.tick())
    actions.sign_in(second, staff, now=clock.tick())
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.staff_id) == ("closed", None)
    assert (second.state, second.staff_id) == ("open", staff.pk)
    assert Window.objects.filter(staff=staff).count() == 1


def test_sign_in_again_at_the_same_window_changes_nothing(hall, clock):
    window = make_window(hall)
    staff = make_staff(hall)
    actions.sign_in(window, staff, now=clock.tick())
    events = HallEvent.objects.count()
    actions.sign_in(window, staff, now=clock.tick())
    assert HallEvent.objects.count() == events and state(window) == "open"


def test_sign_in_refuses_a_window_someone_else_occupies(hall, clock):
    window = make_window(hall)
    first = make_staff(hall)
    actions.sign_in(window, first, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.sign_in(window, make_staff(hall), now=clock.tick())
    assert err.value.code == "window_occupied"
    window.refresh_from_db()
    assert window.staff_id == first.pk


def test_sign_in_cannot_leave_a_window_with_a_ticket_in_progress(hall, service_a, clock):
    busy = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    actions.call_next(busy, now=clock.tick())
    other = make_window(hall)
    with pytest.raises(Conflict) as err:
        actions.sign_in(other, busy.staff, now=clock.tick())
    assert err.value.code == "ticket_in_progress"
    other.refresh_from_db()
    assert (other.state, other.staff_id, state(busy)) == ("closed", None, "serving")


def test_only_window_staff_of_the_hall_sign_in(hall, clock):
    window = make_window(hall)
    with pytest.raises(Invalid) as err:
        actions.sign_in(window, make_staff(hall, role=Role.SUPERVISOR), now=clock.tick())
    assert err.value.code == "not_window_staff"
    with pytest.raises(Invalid) as err:
        actions.sign_in(window, make_staff(make_hall()), now=clock.tick())
    assert err.value.code == "wrong_hall"


def test_sign_out_closes_the_window(hall, clock):
    window = open_window(hall, [], clock)
    actions.sign_out(window, now=clock.tick())
    window.refresh_from_db()
    assert (window.state, window.staff_id) == ("closed", None)
    with pytest.raises(Conflict) as err:
        actions.sign_out(window, now=clock.tick())
    assert err.value.code == "window_not_signed_in"


def test_sign_out_refuses_with_an_active_ticket(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        actions.sign_out(window, now=clock.tick())
    assert err.value.code == "ticket_in_progress"
    window.refresh_from_db()
    assert window.staff_id is not None and window.state == "serving"
