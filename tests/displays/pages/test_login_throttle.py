"""Wrong passwords are throttled: after the limit, one username from one address is locked out,
even with the right password, while others still log in (issue 11, item 17; django-axes)."""

import pytest
from django.test import Client

PASSWORD = "right-password-1"


@pytest.fixture
def staff(ph):
    ph.staff1.set_password(PASSWORD)
    ph.staff1.save()
    ph.staff2.set_password(PASSWORD)
    ph.staff2.save()
    return ph


def login(client, username, password, ip="10.0.0.5"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_locks_a_username_out_after_the_failure_limit(staff, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "staff1", "guess")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    assert login(client, "staff1", "guess").status_code == 429  # the limit-th failure locks
    response = login(client, "staff1", PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_thirty_guesses_are_not_all_answered(staff):
    client = Client()
    statuses = [login(client, "staff1", f"guess{i}").status_code for i in range(30)]
    assert statuses.count(429) >= 25


def test_the_lockout_is_per_username_and_address(staff, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "staff1", "guess")
    assert login(Client(), "staff2", PASSWORD).status_code == 302  # another staff member
    assert login(Client(), "staff1", PASSWORD, ip="10.0.0.9").status_code == 302  # the real one, at their desk


def test_a_success_before_the_limit_resets_the_count(staff, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "staff1", "guess")
    assert login(client, "staff1", PASSWORD).status_code == 302
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "staff1", "guess").status_code == 200
