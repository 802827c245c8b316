"""预约 over HTTP: the public booking endpoints exactly as documented, their 409 codes, their
rate limits, and the lobby manager's blocks."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hallops.api import throttle
from hallops.core import actions, slots
from hallops.core.models import Appointment, BookingBlock, SlotTemplate
from tests.factories import make_service

PHONE = "13812341234"


@pytest.fixture(autouse=True)
def fresh_limits():
    throttle.reset()
    yield
    throttle.reset()


@pytest.fixture
def bookable(world):
    s = make_service(world.hall, code="yyzz", prefix="Y", name="营业执照", bookable=True)
    SlotTemplate.objects.bulk_create([
        SlotTemplate(service=s, weekday=d, start=time(9), end=time(9, 30), capacity=2) for d in range(7)])
    return s


@pytest.fixture
def day(world):
    return slots.bookable_days(world.hall, timezone.now())[0]


def slot_start(day, hh=9, mm=0):
    return timezone.make_aware(timezone.datetime.combine(day, time(hh, mm))).isoformat()


def booking(day, phone=PHONE, **kw):
    return {"service": "yyzz", "slot_start": slot_start(day), "name": "张三", "phone": phone, **kw}


def test_the_booking_page_data_lists_the_bookable_matters_and_days(api, world, bookable):
    r = api.get("/halls/xicheng/booking/")
    assert r.status_code == 200
    body = r.json()
    assert [s["code"] for s in body["services"]] == ["yyzz"]
    assert body["days"] == [d.isoformat() for d in slots.bookable_days(world.hall, timezone.now())]
    assert len(body["days"]) == 5 and body["cancel_minutes"] == 120


def test_slots_of_a_day_with_places_booked_and_left(api, world, bookable, day):
    api.post("/halls/xicheng/appointments/", booking(day))
    r = api.get(f"/halls/xicheng/services/yyzz/slots/?date={day.isoformat()}")
    assert r.status_code == 200
    assert r.json() == [{"start": slot_start(day), "end": slot_start(day, 9, 30), "capacity": 2, "booked": 1,
                         "available": 1}]


def test_slots_of_a_day_that_may_not_be_booked_is_409(api, world, bookable):
    today = timezone.localdate()
    r = api.get(f"/halls/xicheng/services/yyzz/slots/?date={today.isoformat()}")
    assert (r.status_code, r.json()["error"]) == (409, "not_bookable_day")
    r = api.get("/halls/xicheng/services/yyzz/slots/?date=2025-02-30")
    assert r.status_code == 422
    r = api.get(f"/halls/xicheng/services/biz-reg/slots/?date={today.isoformat()}")  # not bookable
    assert (r.status_code, r.json()["error"]) == (404, "service_not_found")


def test_booking_returns_201_with_the_code_and_where_to_find_its_qr(api, world, bookable, day):
    r = api.post("/halls/xicheng/appointments/", booking(day))
    assert r.status_code == 201, r.content
    body = r.json()
    appt = Appointment.objects.get()
    assert body["code"] == appt.code and body["status"] == "booked" and body["phone"] == "138****1234"
    assert body["qr_url"].endswith(f"/b/{appt.code}/qr.svg") and body["page_url"].endswith(f"/b/{appt.code}/")
    r = api.get(f"/appointments/{appt.code.lower()}/")
    assert r.status_code == 200 and r.json()["code"] == appt.code


@pytest.mark.parametrize("code", ["slot_full", "duplicate_booking", "booking_blocked", "not_bookable_day"])
def test_each_refusal_is_a_409_with_its_code(api, world, bookable, day, code):
    body = booking(day)
    if code == "slot_full":
        api.post("/halls/xicheng/appointments/", booking(day, phone="13900000001"))
        api.post("/halls/xicheng/appointments/", booking(day, phone="13900000002"))
    elif code == "duplicate_booking":
        api.post("/halls/xicheng/appointments/", booking(day))
    elif code == "booking_blocked":
        from hallops.core import persons

        now = timezone.now()
        BookingBlock.objects.create(hall=world.hall, phone_hash=persons.person_hash("phone", PHONE),
                                    phone_masked="138****1234", no_shows=3, created_at=now,
                                    until=now + timedelta(days=30))
    else:
        body["slot_start"] = slot_start(timezone.localdate())
    r = api.post("/halls/xicheng/appointments/", body)
    assert (r.status_code, r.json()["error"]) == (409, code), r.content
    assert r.json()["message"]


@pytest.mark.parametrize("change, status, code", [
    ({"phone": "12345"}, 422, "invalid_phone"),
    ({"id_number": "110105194912310020"}, 422, "invalid_id_number"),
    ({"slot_start": "2030-01-01T09:00:00"}, 422, "invalid_slot_start"),  # no zone
    ({"name": ""}, 422, "validation_error"),
    ({"service": "nope"}, 404, "service_not_found"),
])
def test_bad_input_is_a_clear_4xx_and_books_nothing(api, world, bookable, day, change, status, code):
    r = api.post("/halls/xicheng/appointments/", {**booking(day), **change})
    assert (r.status_code, r.json()["error"]) == (status, code)
    assert not Appointment.objects.exists()


def test_cancel_by_code_frees_the_place(api, world, bookable, day):
    code = api.post("/halls/xicheng/appointments/", booking(day)).json()["code"]
    r = api.post(f"/appointments/{code}/cancel/")
    assert (r.status_code, r.json()["status"]) == (200, "cancelled")
    assert api.get(f"/halls/xicheng/services/yyzz/slots/?date={day.isoformat()}").json()[0]["booked"] == 0
    r = api.post(f"/appointments/{code}/cancel/")
    assert (r.status_code, r.json()["error"]) == (409, "appointment_used")
    assert api.post("/appointments/NOPE2345/cancel/").status_code == 404


def test_booking_is_rate_limited_per_client_address(api, world, bookable, day, settings):
    settings.HALLOPS = {**settings.HALLOPS, "RATE_LIMITS": {**settings.HALLOPS["RATE_LIMITS"],
                                                            "booking_per_address": "3/minute"}}
    statuses = [api.post("/halls/xicheng/appointments/", booking(day, phone=f"1390000000{k}")).status_code
                for k in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429
    r = api.client.post("/api/v1/halls/xicheng/appointments/", booking(day, phone="13900000009"),
                        content_type="application/json", REMOTE_ADDR="10.1.2.3")
    assert r.status_code != 429  # another address has its own count


def test_booking_is_rate_limited_per_phone_whatever_the_address(api, world, bookable, day, settings):
    settings.HALLOPS = {**settings.HALLOPS, "RATE_LIMITS": {**settings.HALLOPS["RATE_LIMITS"],
                                                            "booking_per_phone": "2/hour"}}
    for k in range(2):
        api.client.post("/api/v1/halls/xicheng/appointments/", booking(day), content_type="application/json",
                        REMOTE_ADDR=f"10.0.0.{k}")
    r = api.client.post("/api/v1/halls/xicheng/appointments/", booking(day, phone="+86 138 1234 1234"),
                        content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert (r.status_code, r.json()["error"]) == (429, "throttled")
    assert Appointment.objects.count() == 1


def test_slots_are_rate_limited_per_client_address(api, world, bookable, day, settings):
    settings.HALLOPS = {**settings.HALLOPS, "RATE_LIMITS": {**settings.HALLOPS["RATE_LIMITS"],
                                                            "slots_per_address": "2/minute"}}
    url = f"/halls/xicheng/services/yyzz/slots/?date={day.isoformat()}"
    assert [api.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_only_lobby_managers_of_the_hall_see_and_lift_blocks(api, world, bookable):
    now = timezone.now()
    block = BookingBlock.objects.create(hall=world.hall, phone_hash="x", phone_masked="138****1234", no_shows=3,
                                        created_at=now, until=now + timedelta(days=30))
    for who in ("anonymous", "kiosk", "staff_of_this_window", "supervisor", "staff_of_other_hall"):
        assert api.get("/halls/xicheng/booking-blocks/", token=world.tokens[who]).status_code in (401, 403), who
        assert api.post(f"/booking-blocks/{block.pk}/lift/", {"reason": "x"},
                        token=world.tokens[who]).status_code in (401, 403), who
    manager = world.tokens["lobby_manager"]
    listed = api.get("/halls/xicheng/booking-blocks/", token=manager).json()
    assert [(b["id"], b["phone"], b["lifted_at"]) for b in listed] == [(block.pk, "138****1234", None)]
    r = api.post(f"/booking-blocks/{block.pk}/lift/", {"reason": ""}, token=manager)
    assert r.status_code == 422
    r = api.post(f"/booking-blocks/{block.pk}/lift/", {"reason": "系统故障未收到短信"}, token=manager)
    assert r.status_code == 200 and r.json()["lifted_by"] == "zhang" and r.json()["lift_reason"] == "系统故障未收到短信"
    assert api.post("/booking-blocks/999999/lift/", {"reason": "x"}, token=manager).status_code == 404


@pytest.mark.parametrize("n", [2, 40])
def test_the_slots_endpoint_reads_in_a_fixed_number_of_statements(api, world, bookable, day, n):
    for k in range(n):  # n matters in the hall and n slots in the day
        make_service(world.hall, code=f"m{k}", prefix="M", bookable=True)
    SlotTemplate.objects.filter(service=bookable).delete()
    SlotTemplate.objects.bulk_create([
        SlotTemplate(service=bookable, weekday=day.weekday(), start=time(8 + k // 6, (k % 6) * 10),
                     end=time(8 + k // 6, (k % 6) * 10 + 5), capacity=2) for k in range(n)])
    api.post("/halls/xicheng/appointments/", {**booking(day), "slot_start": slot_start(day, 8)})
    with CaptureQueriesContext(connection) as ctx:
        r = api.get(f"/halls/xicheng/services/yyzz/slots/?date={day.isoformat()}")
    assert len(r.json()) == n
    # hall, matter, the day's exceptions, its template, its counters
    assert len(ctx.captured_queries) == 5, "\n".join(q["sql"][:80] for q in ctx.captured_queries)


def test_booking_over_http_reads_and_writes_in_a_fixed_number_of_statements(api, world, bookable, day):
    with CaptureQueriesContext(connection) as ctx:
        assert api.post("/halls/xicheng/appointments/", booking(day)).status_code == 201
    # hall, matter; the day's exceptions and template, block?, duplicate?; the transaction (a savepoint
    # inside the test's): place, savepoint + insert + release, event (sequence + row: one statement on
    # PostgreSQL, two on SQLite), release.
    assert len(ctx.captured_queries) == (13 if connection.vendor == "postgresql" else 14), "\n".join(q["sql"][:80] for q in ctx.captured_queries)
