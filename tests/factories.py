"""Small builders for a hall and its parts, shared by every test package."""

import itertools

from django.contrib.auth import get_user_model

from hallops.core.models import (
    ApiToken, Device, Hall, Priority, Role, Service, StaffProfile, Window, WindowService, Zone,
)

_n = itertools.count(1)


def make_hall(code=None, **kw):
    code = code or f"hall{next(_n)}"
    kw.setdefault("name", f"测试大厅 {code}")
    kw.setdefault("enforce_hours", False)
    # Engine tests take numbers of every class directly; the kiosk's narrower default is tested
    # on its own (tests/hallops/core/test_priorities.py).
    kw.setdefault("kiosk_priorities", [p for p in Priority.values if p != Priority.APPOINTMENT])
    return Hall.objects.create(code=code, **kw)


def make_zone(hall, code="natural", name="自然人服务区", **kw):
    return Zone.objects.get_or_create(hall=hall, code=code, defaults={"name": name, **kw})[0]


def make_service(hall, code=None, prefix="A", name=None, zone=None, **kw):
    code = code or f"svc{next(_n)}"
    zone = zone or make_zone(hall)
    return Service.objects.create(hall=hall, zone=zone, code=code, prefix=prefix, name=name or f"事项{code}", **kw)


def make_window(hall, number=None, services=(), zone=None, **kw):
    number = number or str(next(_n))
    zone = zone or make_zone(hall)
    kw.setdefault("name", f"综合窗口{number}")
    window = Window.objects.create(hall=hall, zone=zone, number=number, **kw)
    for pref, service in enumerate(services):
        WindowService.objects.create(window=window, service=service, preference=pref)
    return window


def make_staff(hall, username=None, role=Role.WINDOW_STAFF, name="王小明", **kw):
    user = get_user_model().objects.create_user(username=username or f"user{next(_n)}", password="pw-12345678")
    StaffProfile.objects.create(user=user, hall=hall, role=role, display_name=name, **kw)
    return user


def make_device(hall, kind, window=None, name=None, **kw):
    return Device.objects.create(hall=hall, kind=kind, window=window, name=name or f"{kind}-{next(_n)}", **kw)


def token_for(user=None, device=None) -> str:
    return ApiToken.issue(user=user, device=device)


def open_window_with_staff(hall, services, number=None, username=None):
    """A window with a staff member signed in, ready to call."""
    from hallops.core import actions

    window = make_window(hall, number=number, services=services)
    staff = make_staff(hall, username=username)
    actions.sign_in(window, staff)
    window.refresh_from_db()
    return window, staff
