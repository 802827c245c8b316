"""hallops.core.lookups: the one way the API, the pages and the sockets find what a URL names."""

import uuid

import pytest

from hallops.core.errors import NotFound
from hallops.core import actions
from hallops.core.lookups import hall_by_code, ticket_by_id, window_by_id, window_to_act_on
from tests.factories import make_hall, make_service, make_window


@pytest.fixture
def two_halls(db):
    a, b = make_hall(code="hall-a"), make_hall(code="hall-b")
    service = make_service(a, code="sb")
    return a, b, make_window(a, number="1", services=[service]), make_window(b, number="1"), service


def test_a_hall_is_found_by_its_code_in_one_query(two_halls, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert hall_by_code("hall-a") == two_halls[0]


def test_an_unknown_hall_is_a_not_found_with_its_code(two_halls):
    with pytest.raises(NotFound) as e:
        hall_by_code("nowhere")
    assert e.value.code == "hall_not_found" and e.value.status == 404


def test_a_window_comes_with_hall_zone_and_staff_in_one_query(two_halls, django_assert_num_queries):
    a, b, wa, wb, _ = two_halls
    with django_assert_num_queries(1):
        w = window_by_id(wa.pk, hall=a)
        assert (w.hall.code, w.zone_id) == ("hall-a", wa.zone_id)


@pytest.mark.parametrize("hall", ["object", "id"])
def test_a_url_pairing_a_hall_with_another_halls_window_names_nothing(two_halls, hall):
    a, b, wa, wb, _ = two_halls
    with pytest.raises(NotFound) as e:
        window_by_id(wb.pk, hall=a if hall == "object" else a.pk)
    assert e.value.code == "window_not_found"
    assert window_by_id(wb.pk) == wb  # without a hall (the API's /windows/{id}/) any window is found


@pytest.mark.parametrize("bad", ["abc", None, "", str(2**63), "99999999999999999999999"])
def test_a_malformed_window_id_is_not_found_rather_than_a_crash(two_halls, bad):
    with pytest.raises(NotFound):
        window_by_id(bad)


def test_a_window_to_act_on_carries_what_authorizing_needs_and_an_action_locks_the_rest(two_halls,
                                                                                       django_assert_num_queries):
    a, _, wa, _, service = two_halls
    with django_assert_num_queries(1):
        w = window_to_act_on(str(wa.pk))
        assert (w.pk, w.hall_id, w.staff_id) == (wa.pk, a.pk, wa.staff_id)
    actions.issue_ticket(a, service)
    actions.open_window(w)
    assert actions.call_next(w).window == wa  # the action reads the window it locks
    for bad in ("abc", None, "", 10**9, "-3", str(2**63), "99999999999999999999999"):
        with pytest.raises(NotFound) as e:
            window_to_act_on(bad)
        assert e.value.code == "window_not_found"


def test_a_ticket_is_found_by_id_and_a_malformed_or_unknown_id_is_not_found(two_halls):
    a, _, _, _, service = two_halls
    ticket = actions.issue_ticket(a, service).ticket
    assert ticket_by_id(str(ticket.pk)) == ticket
    for bad in ("not-a-uuid", str(uuid.uuid4())):
        with pytest.raises(NotFound) as e:
            ticket_by_id(bad)
        assert e.value.code == "ticket_not_found"

