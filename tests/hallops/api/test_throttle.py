"""Taking numbers is rate-limited per device and per client address (issue 11, item 13)."""

import threading

import pytest

from hallops.core.models import Ticket
from tests.factories import make_device, token_for
from tests.hallops.api.test_errors import assert_error


@pytest.fixture
def limits(settings):
    rates = {**settings.HALLOPS["RATE_LIMITS"], "issue_per_device": "3/minute", "issue_per_address": "5/minute"}
    settings.HALLOPS = {**settings.HALLOPS, "RATE_LIMITS": rates}
    return rates


def issue(api, token, ip="10.1.0.1"):
    return api.client.post("/api/v1/halls/xicheng/tickets/", {"service": "biz-reg"}, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"}, REMOTE_ADDR=ip)


def test_one_kiosk_cannot_empty_a_quota_in_a_second(world, api, limits):
    world.service.daily_quota = 100
    world.service.save()
    statuses = [issue(api, world.tokens["kiosk"]).status_code for _ in range(20)]
    assert statuses[:3] == [201] * 3 and set(statuses[3:]) == {429}
    assert Ticket.objects.count() == 3


def test_the_refusal_is_a_429_with_a_code_and_retry_after(world, api, limits):
    for _ in range(3):
        issue(api, world.tokens["kiosk"])
    response = issue(api, world.tokens["kiosk"])
    body = assert_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60 and body["details"]["retry_after_s"] == int(response["Retry-After"])


def test_another_kiosk_still_issues_but_one_address_has_its_own_limit(world, api, limits):
    from hallops.core.models import DeviceKind

    other = token_for(device=make_device(world.hall, DeviceKind.KIOSK))
    for _ in range(3):
        assert issue(api, world.tokens["kiosk"]).status_code == 201
    assert issue(api, other).status_code == 201
    assert issue(api, other).status_code == 201
    assert_error(issue(api, other), 429, "throttled")  # the address's 5 are used up
    assert issue(api, other, ip="10.1.0.2").status_code == 201


def test_a_refused_issue_is_not_counted(world, api, limits):
    for _ in range(3):
        issue(api, world.tokens["kiosk"])
    for _ in range(5):
        assert issue(api, world.tokens["kiosk"]).status_code == 429
    other = token_for(device=make_device(world.hall, "kiosk"))
    assert issue(api, other).status_code == 201  # refusals did not use the address's places
    assert issue(api, other).status_code == 201


def test_a_fresh_process_builds_one_limiter_however_many_requests_ask_at_once(monkeypatch):
    from hallops.api import throttle

    monkeypatch.setattr(throttle, "_limiter", None)
    start, got, failed = threading.Barrier(16), [], []

    def ask():
        start.wait()
        try:
            got.append(throttle.limiter())
        except Exception as exc:  # what the first requests of a fresh daphne answered with 500
            failed.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not failed
    assert len(got) == 16 and len({id(limiter) for limiter in got}) == 1
