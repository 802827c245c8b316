"""The Django admin: every page renders in Chinese for the superuser; history is read-only; tokens are shown once."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from hallops.evaluations.ratings import record_evaluation
from hallops.core import actions
from hallops.core.models import ApiToken, Device, Hall, Ticket, Window

from .conftest import MONDAY_10, PASSWORD

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(scope="module")
def _history(_demo_loaded_once, django_db_blocker):
    """A served and rated ticket and a device token, so the history lists have rows to render.

    Made once for the module, inside its rolled-back demo transaction.
    """
    with django_db_blocker.unblock():
        hall = Hall.objects.get(code="demo")
        window = Window.objects.get(hall=hall, number="1")
        actions.issue_ticket(hall, hall.services.get(code="qy-sl"), now=MONDAY_10)
        actions.call_next(window, now=MONDAY_10 + timedelta(minutes=1))
        actions.finish(window, now=MONDAY_10 + timedelta(minutes=10))
        record_evaluation(window, 2, now=MONDAY_10 + timedelta(minutes=11))
        ApiToken.issue(device=Device.objects.get(name="demo-kiosk-1"))


@pytest.fixture
def superuser_client(_history, demo, client):
    """Logged in as the demo admin."""
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_changelist_renders_for_the_superuser(superuser_client, model):
    response = superuser_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert "hallops 政务服务大厅现场管理" in response.content.decode()


def test_the_admin_speaks_chinese(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    assert 'lang="zh-hans"' in page
    for label in ("大厅", "事项", "窗口", "设备", "号票", "评价", "预约"):
        assert label in page


@pytest.mark.parametrize("model_name, lookup", [
    ("Hall", {"code": "demo"}),
    ("Window", {"hall__code": "demo", "number": "1"}),
    ("Service", {"hall__code": "demo", "code": "qy-sl"}),
    ("Device", {"name": "demo-kiosk-1"}),
])
def test_change_forms_of_configuration_render(superuser_client, model_name, lookup):
    from hallops.core import models

    model = getattr(models, model_name)
    obj = model.objects.get(**lookup)
    assert superuser_client.get(url(model, "change", obj.pk)).status_code == 200
    assert superuser_client.get(url(model, "add")).status_code == 200


def test_a_users_page_carries_the_staff_profile(superuser_client):
    user = get_user_model().objects.get(username="w01")
    page = superuser_client.get(url(get_user_model(), "change", user.pk)).content.decode()
    assert "工作人员信息" in page and "李晓燕" in page and "SF0001" in page


def test_the_window_form_offers_only_its_own_halls_matters(superuser_client):
    window = Window.objects.get(hall__code="demo-chengdong", number="1")
    page = superuser_client.get(url(Window, "change", window.pk)).content.decode()
    assert "老年人优待证办理" in page  # a street point matter
    assert "企业设立登记" not in page  # only the district centre has it


def test_tickets_cannot_be_added_or_changed(superuser_client):
    ticket = Ticket.objects.get()
    assert superuser_client.get(url(Ticket, "add")).status_code == 403
    superuser_client.post(url(Ticket, "change", ticket.pk), {"status": "waiting"})
    ticket.refresh_from_db()
    assert ticket.status == "done"


def test_bookings_are_shown_masked_and_cannot_be_added_or_changed(superuser_client):
    from hallops.core.models import Appointment

    appt = Appointment.objects.get(code="YY1001")
    page = superuser_client.get(url(Appointment, "change", appt.pk)).content.decode()
    assert appt.citizen_phone in page and "****" in appt.citizen_phone
    assert superuser_client.get(url(Appointment, "add")).status_code == 403
    superuser_client.post(url(Appointment, "change", appt.pk), {"status": "cancelled"})
    appt.refresh_from_db()
    assert appt.status == "booked"


def test_ticket_list_searches_by_number(superuser_client):
    page = superuser_client.get(url(Ticket, "changelist"), {"q": "A001"}).content.decode()
    assert "A001" in page
    assert "A001" not in superuser_client.get(url(Ticket, "changelist"), {"q": "Z999"}).content.decode()


def test_the_device_list_never_shows_a_token(superuser_client):
    raw = ApiToken.issue(device=Device.objects.get(name="demo-hall-screen"))
    page = superuser_client.get(url(Device, "changelist")).content.decode()
    assert raw not in page and "在线" in page and "最后心跳" in page


def test_issue_token_action_shows_the_new_token_once_and_revokes_the_old(superuser_client):
    device = Device.objects.get(name="demo-kiosk-2")
    old = ApiToken.issue(device=device)
    response = superuser_client.post(url(Device, "changelist"), {
        "action": "issue_token", "_selected_action": [device.pk],
    }, follow=True)
    page = response.content.decode()
    tokens = re.findall(r"hsd_[\w-]{20,}", page)
    assert len(tokens) == 1
    assert ApiToken.objects.lookup(tokens[0]).device == device
    assert ApiToken.objects.lookup(old) is None
    assert tokens[0] not in superuser_client.get(url(Device, "changelist")).content.decode()


def test_revoke_action_revokes_the_selected_tokens(superuser_client):
    raw = ApiToken.issue(device=Device.objects.get(name="demo-gateway"))
    token = ApiToken.objects.lookup(raw)
    superuser_client.post(url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.lookup(raw) is None


def test_the_demo_admin_logs_in_with_the_demo_password(demo, client):
    assert client.login(username="admin", password=PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


def test_window_staff_cannot_open_the_admin(demo, client):
    assert client.login(username="w01", password=PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]
