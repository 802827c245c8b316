"""Taking numbers, appointment check-in, cancelling and requeueing over HTTP."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from hallops.core import actions
from hallops.core.models import Appointment, Ticket


def test_a_kiosk_takes_a_number_and_gets_what_it_prints(world, api, settings):
    settings.PUBLIC_BASE_URL = "http://hall.example:8000/"
    # Window 2 is busy with A001 (10 minutes a matter); the idle window 1 will call A002 and
    # window 2 the new number when it is done: one ahead, ten minutes (hallops.core.read.position).
    # The clock moves only when told, so "ten minutes" is not 599 s on a slow run.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        world.issue()
        clock.shift(1)
        world.issue()
        clock.shift(1)
        actions.call_next(world.other_window)

        response = api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}, token=world.tokens["kiosk"])

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert body == {
        "id": str(ticket.pk), "number": "A003", "service": "biz-reg", "service_name": "企业开办",
        "priority": "normal", "status": "waiting", "ahead": 1, "estimated_wait_s": 600,
        "issued_at": ticket.issued_at.isoformat(), "track_url": f"http://hall.example:8000/t/{ticket.pk}/",
    }
    assert ticket.channel == "kiosk"


def test_staff_taking_a_number_for_a_citizen_is_recorded_as_the_staff_channel(world, api):
    response = api.post("/halls/xicheng/tickets/", {"service": "tax", "priority": "elderly"},
                        token=world.tokens["staff_of_this_window"])
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.number, ticket.priority, ticket.channel) == ("B001", "elderly", "staff")


def test_a_matter_whose_quota_is_used_up_answers_409(world, api):
    world.service.daily_quota = 1
    world.service.save()
    kiosk = world.tokens["kiosk"]
    assert api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}, token=kiosk).status_code == 201
    response = api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}, token=kiosk)
    assert response.status_code == 409
    assert response.json() == {"error": "quota_exhausted", "message": "企业开办今日号已取完"}


def test_a_closed_hall_does_not_issue(world, api):
    world.hall.enforce_hours, world.hall.opening_hours = True, {}
    world.hall.save()
    response = api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}, token=world.tokens["kiosk"])
    assert (response.status_code, response.json()["error"]) == (409, "hall_closed")


def test_an_appointment_checks_in_for_a_number_of_its_own(world, api):
    # The slot starts now, not a few minutes ago: just after local midnight "a few minutes ago" is
    # yesterday, and a booking is checked in only on its own day.
    now = timezone.now()
    Appointment.objects.create(hall=world.hall, service=world.service, code="YY2024", citizen_name="刘",
                               slot_start=now, slot_end=now + timedelta(minutes=30))

    response = api.post("/halls/xicheng/check-in/", {"code": "yy2024"}, token=world.tokens["kiosk"])

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["priority"], body["status"]) == ("A001", "appointment", "waiting")
    again = api.post("/halls/xicheng/check-in/", {"code": "YY2024"}, token=world.tokens["kiosk"])
    assert (again.status_code, again.json()["error"]) == (409, "appointment_used")


def test_an_unknown_appointment_code_is_404(world, api):
    response = api.post("/halls/xicheng/check-in/", {"code": "NOPE"}, token=world.tokens["kiosk"])
    assert (response.status_code, response.json()["error"]) == (404, "appointment_not_found")


def test_staff_cancel_a_waiting_ticket(world, api):
    ticket = world.issue()
    response = api.post(f"/tickets/{ticket.pk}/cancel/", token=world.tokens["staff_of_other_window"])
    assert response.status_code == 200
    assert response.json()["ticket"]["status"] == "cancelled"
    again = api.post(f"/tickets/{ticket.pk}/cancel/", token=world.tokens["lobby_manager"])
    assert (again.status_code, again.json()["error"]) == (409, "not_waiting")


def test_devices_and_outsiders_cannot_cancel(world, api):
    ticket = world.issue()
    for who, status in [("anonymous", 401), ("kiosk", 403), ("supervisor", 403), ("staff_of_other_hall", 403)]:
        assert api.post(f"/tickets/{ticket.pk}/cancel/", token=world.tokens[who]).status_code == status, who
    ticket.refresh_from_db()
    assert ticket.status == "waiting"


def test_a_skipped_ticket_is_requeued_by_the_lobby_manager(world, api):
    ticket = world.issue()
    actions.call_next(world.window)
    actions.skip(world.window)

    response = api.post(f"/tickets/{ticket.pk}/requeue/", token=world.tokens["lobby_manager"])

    assert response.status_code == 200
    assert response.json()["ticket"]["status"] == "waiting"
    again = api.post(f"/tickets/{ticket.pk}/requeue/", token=world.tokens["lobby_manager"])
    assert (again.status_code, again.json()["error"]) == (409, "not_skipped")
    assert api.post(f"/tickets/{ticket.pk}/requeue/", token=world.tokens["pad"]).status_code == 403


def test_a_kiosk_may_not_choose_a_class_that_needs_proof_and_staff_upgrade_with_a_reason(world, api):
    world.hall.kiosk_priorities = ["normal", "elderly"]
    world.hall.save()
    refused = api.post("/halls/xicheng/tickets/", {"service": "biz-reg", "priority": "military"},
                       token=world.tokens["kiosk"])
    assert refused.status_code == 422 and refused.json()["error"] == "priority_needs_proof"
    ticket = api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}, token=world.tokens["kiosk"]).json()
    path = f"/tickets/{ticket['id']}/priority/"
    assert api.post(path, {"priority": "military", "reason": "军官证已核验"}, token=world.tokens["kiosk"]).status_code == 403
    assert api.post(path, {"priority": "military"}, token=world.tokens["staff_of_this_window"]).status_code == 422
    done = api.post(path, {"priority": "military", "reason": "军官证已核验"}, token=world.tokens["staff_of_this_window"])
    assert done.status_code == 200 and done.json()["ticket"]["priority"] == "military"
    assert Ticket.objects.get(pk=ticket["id"]).priority_reason == "军官证已核验"
