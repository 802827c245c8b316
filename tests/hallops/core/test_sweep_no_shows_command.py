"""manage.py sweep_no_shows: the cron job that marks no-shows in every hall (or the named ones)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from hallops.core.models import Appointment
from tests.factories import make_hall, make_service


def booked(hall, service, code, ended_minutes_ago):
    end = timezone.now() - timedelta(minutes=ended_minutes_ago)
    return Appointment.objects.create(hall=hall, service=service, code=code, slot_start=end - timedelta(minutes=30),
                                      slot_end=end, day=timezone.localdate(end), phone_hash=code)


def test_it_marks_past_bookings_in_every_hall_and_leaves_those_within_grace(hall, service_a):
    other = make_hall()
    gone = booked(hall, service_a, "GONE2345", 16)
    grace = booked(hall, service_a, "GRACE234", 5)
    far = booked(other, make_service(other, prefix="Z"), "FAR23456", 60)
    out = StringIO()
    call_command("sweep_no_shows", stdout=out)
    statuses = dict(Appointment.objects.values_list("code", "status"))
    assert statuses == {gone.code: "no_show", grace.code: "booked", far.code: "no_show"}
    assert "共标记爽约 2 个" in out.getvalue()


def test_it_names_an_unknown_hall(hall):
    with pytest.raises(CommandError):
        call_command("sweep_no_shows", "--hall", "nowhere", stdout=StringIO())
