"""hallops.pages: the one page-access decorator of the hall's pages and the patrol pages."""

import pytest
from django.test import Client

from hallops.core.models import DeviceKind, Role
from tests.factories import make_device, make_hall, make_service, make_staff, make_window, token_for


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def halls(db):
    a, b = make_hall(code="hall-a"), make_hall(code="hall-b")
    return a, b, make_window(a, number="1", services=[make_service(a)]), make_window(b, number="1")


def test_an_unknown_hall_is_a_404_on_a_device_page_and_on_a_patrol_page(halls):
    client = Client()
    client.force_login(make_staff(halls[0], role=Role.SUPERVISOR))
    assert client.get("/halls/nowhere/screen/").status_code == 404
    assert client.get("/patrol/nowhere/").status_code == 404


def test_a_window_of_another_hall_is_a_404_not_a_page(halls):
    a, b, wa, wb = halls
    screen = make_device(a, DeviceKind.HALL_SCREEN)
    client = Client()
    assert client.get(f"/halls/{a.code}/windows/{wb.pk}/screen/?token={token_for(device=screen)}").status_code == 404
    client.force_login(make_staff(a, role=Role.LOBBY_MANAGER))
    assert client.get(f"/halls/{a.code}/windows/{wa.pk}/screen/").status_code == 200


def test_a_refusal_is_drawn_on_the_refused_page_of_its_app(halls):
    a = halls[0]
    client = Client()
    client.force_login(make_staff(a, role=Role.WINDOW_STAFF))
    patrol = client.get(f"/patrol/{a.code}/")
    assert patrol.status_code == 403 and "patrol/refused.html" in [t.name for t in patrol.templates]
    other = make_hall(code="hall-c")
    page = client.get(f"/halls/{other.code}/dashboard/")
    assert page.status_code == 403 and "displays/refused.html" in [t.name for t in page.templates]


def test_anonymous_visitors_are_sent_to_log_in_by_both_kinds_of_page(halls):
    a = halls[0]
    for url in (f"/patrol/{a.code}/", f"/halls/{a.code}/dashboard/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
