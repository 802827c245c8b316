"""manage.py load_demo on an empty database, twice: the second run adds no rows.

Kept alone in its module so that no module-wide demo load runs before it.
"""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from hallops.core.models import (
    ApiToken, Appointment, Department, Device, Hall, HallEvent, Service, StaffProfile, Ticket, Window,
    WindowService, Zone,
)

COUNTED = [Hall, Zone, Department, Service, Window, WindowService, get_user_model(), StaffProfile, Device,
           Appointment, ApiToken, HallEvent, Ticket]


def counts():
    return {m.__name__: m.objects.count() for m in COUNTED}


def run(*args):
    call_command("load_demo", *args, stdout=StringIO())


def test_loading_twice_leaves_the_same_rows(db):
    run("--always-open")
    first = counts()
    run("--always-open")
    assert counts() == first
    assert first["Hall"] == 2 and first["Service"] >= 20
