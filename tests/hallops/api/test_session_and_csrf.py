"""A browser session (the staff console) works like a token, but its writes must carry the CSRF
token; bearer tokens never need one, since no browser sends them on its own."""

import pytest
from django.test import Client

from tests.hallops.api.conftest import API


@pytest.fixture
def browser(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    return client


def pause(client, world, **headers):
    return client.post(f"{API}/windows/{world.window.pk}/pause/", data={}, content_type="application/json",
                       headers=headers)


def test_a_session_post_without_the_csrf_token_is_403(world, browser):
    response = pause(browser, world)
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    world.window.refresh_from_db()
    assert world.window.state == "open"


def test_a_session_post_with_the_csrf_token_goes_through(world, browser):
    me = browser.get(f"{API}/me/").json()
    assert (me["kind"], me["username"], me["role"], me["hall"]) == ("user", "wang", "window_staff", "xicheng")

    response = pause(browser, world, **{"X-CSRFToken": me["csrf_token"]})

    assert response.status_code == 200
    assert response.json()["window"]["state"] == "paused"


def test_a_session_post_with_a_forged_csrf_token_is_403(world, browser):
    browser.get(f"{API}/me/")
    response = pause(browser, world, **{"X-CSRFToken": "x" * 32})
    assert response.status_code == 403


def test_session_reads_need_no_csrf_token(world, browser):
    assert browser.get(f"{API}/halls/xicheng/load/").status_code == 200


def test_bearer_requests_need_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    token = world.tokens["staff_of_this_window"]
    response = pause(client, world, Authorization=f"Bearer {token}")
    assert response.status_code == 200


def test_anonymous_unsafe_requests_are_401(world):
    response = pause(Client(enforce_csrf_checks=True), world)
    assert response.status_code == 401


def test_me_describes_a_device_token(world, api):
    body = api.get("/me/", token=world.tokens["pad"]).json()
    assert (body["kind"], body["device_kind"], body["hall"], body["window"]) == \
        ("device", "evaluation_pad", "xicheng", world.window.pk)
    assert body["csrf_token"] is None
