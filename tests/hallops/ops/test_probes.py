"""Probes and metrics as a load balancer and Prometheus meet them."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hallops.core import actions
from tests.factories import make_hall, make_service, open_window_with_staff, token_for


def _families(response):
    return {f.name: f for f in text_string_to_metric_families(response.content.decode())}


def _value(families, name, **labels):
    for sample in (s for f in families.values() for s in f.samples):
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return None


@pytest.mark.django_db
def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database_and_says_redis_is_not_used_when_embedded(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "not used"}


@pytest.mark.django_db
def test_readyz_is_503_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error:")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.services
@pytest.mark.django_db
def test_readyz_with_a_real_redis(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    assert client.get("/readyz").json()["checks"]["redis"] == "ok"


@pytest.mark.django_db
def test_metrics_tell_the_hall_as_the_engine_has_it(client):
    hall = make_hall("metrics")
    service = make_service(hall, prefix="A")
    window, _staff = open_window_with_staff(hall, [service])
    for _ in range(3):
        actions.issue_ticket(hall, service)
    actions.call_next(window)
    client.get("/healthz")
    families = _families(client.get("/metrics"))
    assert _value(families, "hallops_tickets_issued_today", hall="metrics") == 3
    assert _value(families, "hallops_tickets_called_today", hall="metrics") == 1
    assert _value(families, "hallops_waiting", hall="metrics") == 2
    assert _value(families, "hallops_request_seconds_count", route="healthz", method="GET", status="200") >= 1


@pytest.mark.django_db
def test_a_call_over_http_is_timed_as_a_call(client):
    hall = make_hall("calls")
    service = make_service(hall, prefix="A")
    window, staff = open_window_with_staff(hall, [service])
    actions.issue_ticket(hall, service)
    before = _value(_families(client.get("/metrics")), "hallops_call_seconds_count", action="call-next") or 0
    response = client.post(f"/api/v1/windows/{window.pk}/call-next/", content_type="application/json",
                           headers={"Authorization": f"Bearer {token_for(user=staff)}"})
    assert response.status_code == 200
    after = _value(_families(client.get("/metrics")), "hallops_call_seconds_count", action="call-next")
    assert after == before + 1


@pytest.mark.django_db
def test_metrics_need_the_token_when_one_is_set_and_loopback_otherwise(client, settings):
    settings.HALLOPS_METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    settings.HALLOPS_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("halls", [2, 40])
def test_a_scrape_reads_in_a_fixed_number_of_statements(client, halls, django_assert_num_queries):
    for i in range(halls):
        hall = make_hall(f"h{i}")
        actions.issue_ticket(hall, make_service(hall, prefix="A"))
    client.get("/metrics")
    with django_assert_num_queries(3):
        client.get("/metrics")
