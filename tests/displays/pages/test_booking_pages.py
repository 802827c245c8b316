"""预约 pages for a phone, with no login: the booking page, the booking with its code and QR."""

import io
from datetime import timedelta

import segno
from django.utils import timezone

from hallops.core.models import Appointment


def booked(ph, **kw):
    start = timezone.now() + timedelta(days=2)
    return Appointment.objects.create(hall=ph.hall, service=ph.a, code="N2XYQFNZ", citizen_name="张三",
                                      citizen_phone="138****1234", slot_start=start,
                                      slot_end=start + timedelta(minutes=30), **kw)


def test_the_booking_page_needs_no_login_and_speaks_chinese_then_english(client, ph):
    page = client.get("/halls/xicheng/book/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "预约取号" in body and "/api/v1/halls/xicheng/booking/" in body and 'name="viewport"' in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/halls/xicheng/book/"})
    assert "Book a visit" in client.get("/halls/xicheng/book/").content.decode()
    assert client.get("/halls/nowhere/book/").status_code == 404


def test_the_booking_page_shows_the_code_masked_phone_and_offers_cancel_while_booked(client, ph):
    appt = booked(ph)
    body = client.get("/b/n2xyqfnz/").content.decode()
    assert "N2XYQFNZ" in body and "138****1234" in body and 'id="b-cancel"' in body
    assert f"/api/v1/appointments/{appt.code}/cancel/" in body
    Appointment.objects.filter(pk=appt.pk).update(status=Appointment.Status.CHECKED_IN)
    assert 'id="b-cancel"' not in client.get("/b/N2XYQFNZ/").content.decode()
    assert client.get("/b/NOSUCH23/").status_code == 404


def test_the_qr_holds_the_code_alone_so_a_scanner_types_it(client, ph):
    booked(ph)
    response = client.get("/b/N2XYQFNZ/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    expected = io.BytesIO()
    segno.make("N2XYQFNZ", error="m").save(expected, kind="svg", scale=8, border=2, dark="#000", light="#fff")
    assert response.content == expected.getvalue()
