"""Who may do what: staff at their own window, lobby managers across the hall, devices in their role."""

import pytest

from hallops.core.actors import (
    Actor, authorize_evaluate, authorize_issue, authorize_supervise, authorize_view_hall, authorize_window,
    can_manage_hall,
)
from hallops.core.errors import Forbidden, Unauthorized
from hallops.core.models import DeviceKind, Role
from tests.factories import make_device, make_hall, make_staff, make_window


@pytest.fixture
def window(hall):
    return make_window(hall)


def staff(hall, role=Role.WINDOW_STAFF):
    return Actor(user=make_staff(hall, role=role))


def test_anonymous_is_unauthorized_everywhere(hall, window):
    nobody = Actor.anonymous()
    assert nobody.is_anonymous and str(nobody) == "anonymous"
    for check in (lambda: authorize_window(nobody, window), lambda: authorize_issue(nobody, hall.pk),
                  lambda: authorize_view_hall(nobody, hall.pk), lambda: authorize_supervise(nobody, hall.pk),
                  lambda: authorize_evaluate(nobody, window)):
        with pytest.raises(Unauthorized):
            check()


def test_staff_act_only_at_the_window_they_signed_in_at(hall, window):
    me = staff(hall)
    authorize_window(me, window, signing_in=True)
    with pytest.raises(Forbidden):
        authorize_window(me, window)
    window.staff = me.user
    authorize_window(me, window)
    with pytest.raises(Forbidden):
        authorize_window(staff(make_hall()), window, signing_in=True)


def test_lobby_managers_act_on_any_window_of_their_hall_only(hall, window):
    manager = staff(hall, Role.LOBBY_MANAGER)
    authorize_window(manager, window)
    assert can_manage_hall(manager, hall.pk)
    other_hall = make_hall()
    assert not can_manage_hall(manager, other_hall.pk)
    with pytest.raises(Forbidden):
        authorize_window(manager, make_window(other_hall))


def test_an_admin_without_a_hall_manages_every_hall(hall, window):
    admin = Actor(user=make_staff(None, role=Role.ADMIN))
    assert admin.in_hall(hall.pk) and can_manage_hall(admin, make_hall().pk)
    authorize_window(admin, window)


def test_devices_never_operate_windows(hall, window):
    with pytest.raises(Forbidden):
        authorize_window(Actor(device=make_device(hall, DeviceKind.KIOSK)), window)


def test_kiosks_and_hall_staff_take_numbers_screens_and_supervisors_do_not(hall):
    authorize_issue(Actor(device=make_device(hall, DeviceKind.KIOSK)), hall.pk)
    authorize_issue(staff(hall), hall.pk)
    authorize_issue(staff(hall, Role.LOBBY_MANAGER), hall.pk)
    for actor in (Actor(device=make_device(hall, DeviceKind.HALL_SCREEN)),
                  Actor(device=make_device(make_hall(), DeviceKind.KIOSK)),
                  staff(hall, Role.SUPERVISOR), staff(make_hall())):
        with pytest.raises(Forbidden):
            authorize_issue(actor, hall.pk)


def test_viewing_a_hall_is_for_its_devices_and_staff(hall):
    screen = Actor(device=make_device(hall, DeviceKind.HALL_SCREEN))
    authorize_view_hall(screen, hall.pk)
    authorize_view_hall(staff(hall), hall.pk, staff_only=True)
    with pytest.raises(Forbidden):
        authorize_view_hall(screen, hall.pk, staff_only=True)
    with pytest.raises(Forbidden):
        authorize_view_hall(staff(make_hall()), hall.pk)


def test_camera_images_and_patrols_are_for_supervisors(hall):
    authorize_supervise(staff(hall, Role.SUPERVISOR), hall.pk)
    for actor in (staff(hall), staff(hall, Role.LOBBY_MANAGER), staff(make_hall(), Role.SUPERVISOR),
                  Actor(device=make_device(hall, DeviceKind.CAMERA))):
        with pytest.raises(Forbidden):
            authorize_supervise(actor, hall.pk)


def test_only_the_windows_own_pad_or_the_halls_gateway_rates(hall, window):
    pad = make_device(hall, DeviceKind.EVALUATION_PAD, window=window)
    assert str(Actor(device=pad)) == f"device:{pad.name}"
    authorize_evaluate(Actor(device=pad), window)
    authorize_evaluate(Actor(device=make_device(hall, DeviceKind.GATEWAY)), window)
    for actor in (Actor(device=make_device(hall, DeviceKind.EVALUATION_PAD, window=make_window(hall))),
                  Actor(device=make_device(make_hall(), DeviceKind.GATEWAY)), staff(hall)):
        with pytest.raises(Forbidden):
            authorize_evaluate(actor, window)
