"""Bad input gets a JSON error with the right status, never a 500 and never an HTML page."""

import uuid

import pytest

from hallops.core import actions
from hallops.core.models import ApiToken

HUGE = 10**30


def assert_error(response, status, error):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_malformed_json_is_400(world, api):
    response = api.post("/halls/xicheng/tickets/", raw='{"service": ', token=world.tokens["kiosk"])
    assert_error(response, 400, "malformed_json")


def test_a_form_encoded_body_is_not_json_either(world, api):
    response = api.client.post("/api/v1/halls/xicheng/tickets/", data="service=biz-reg",
                               content_type="application/x-www-form-urlencoded",
                               headers={"Authorization": f"Bearer {world.tokens['kiosk']}"})
    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize("body", [
    {"service": 123},
    {"service": ""},
    {"service": "biz-reg", "priority": "vip"},
    {"service": "biz-reg", "channel": "appointment"},
    {},
])
def test_wrong_types_and_values_are_422_with_field_details(world, api, body):
    response = api.post("/halls/xicheng/tickets/", body, token=world.tokens["kiosk"])
    details = assert_error(response, 422, "validation_error")["details"]
    assert details and all("loc" in d and "msg" in d for d in details)


@pytest.mark.parametrize("raw", ['"biz-reg"', "null", "42", "[1, 2]"])
def test_json_that_is_not_an_object_is_400(world, api, raw):
    response = api.post("/halls/xicheng/tickets/", raw=raw, token=world.tokens["kiosk"])
    assert_error(response, 400, "not_an_object")


def test_the_422_details_name_the_field(world, api):
    response = api.post("/halls/xicheng/tickets/", {"service": 123}, token=world.tokens["kiosk"])
    assert response.json()["details"][0]["loc"] == ["body", "payload", "service"]


def test_an_empty_body_where_one_is_required_is_422(world, api):
    response = api.post("/halls/xicheng/tickets/", token=world.tokens["kiosk"])
    assert_error(response, 422, "validation_error")


def test_an_unknown_service_code_is_404(world, api):
    response = api.post("/halls/xicheng/tickets/", {"service": "no-such"}, token=world.tokens["kiosk"])
    assert_error(response, 404, "service_not_found")


def test_a_service_of_another_hall_is_unknown_here(world, api):
    from tests.factories import make_service
    make_service(world.other_hall, code="elsewhere", prefix="E")
    response = api.post("/halls/xicheng/tickets/", {"service": "elsewhere"}, token=world.tokens["kiosk"])
    assert_error(response, 404, "service_not_found")


def test_an_inactive_service_is_not_issued(world, api):
    world.service.active = False
    world.service.save()
    response = api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}, token=world.tokens["kiosk"])
    assert_error(response, 404, "service_not_found")


def test_an_unknown_hall_is_404(world, api):
    assert_error(api.get("/halls/nowhere/services/"), 404, "hall_not_found")
    assert_error(api.post("/halls/nowhere/tickets/", {"service": "biz-reg"}, token=world.tokens["kiosk"]),
                 404, "hall_not_found")
    assert_error(api.get("/halls/nowhere/load/", token=world.tokens["lobby_manager"]), 404, "hall_not_found")


@pytest.mark.parametrize("ticket_id", ["not-a-uuid", "1234", str(uuid.uuid4()), "%E4%B8%AD"])
def test_a_bad_or_unknown_ticket_id_is_404(world, api, ticket_id):
    assert_error(api.get(f"/tickets/{ticket_id}/"), 404, "ticket_not_found")
    assert_error(api.post(f"/tickets/{ticket_id}/cancel/", token=world.tokens["lobby_manager"]), 404, "ticket_not_found")


def test_an_unknown_window_is_404(world, api):
    assert_error(api.post("/windows/987654/call-next/", token=world.tokens["lobby_manager"]), 404, "window_not_found")


@pytest.mark.parametrize("path", [f"/windows/{HUGE}/call-next/", f"/windows/{HUGE}/", "/windows/0/finish/",
                                  "/windows/-1/finish/", "/windows/abc/finish/"])
def test_window_ids_out_of_range_are_422_not_a_database_overflow(world, api, path):
    call = api.get if path.endswith(f"{HUGE}/") else api.post
    assert_error(call(path, token=world.tokens["lobby_manager"]), 422, "validation_error")


def test_huge_numbers_in_queries_and_bodies_are_422(world, api):
    token = world.tokens["lobby_manager"]
    assert_error(api.get("/halls/xicheng/events/", token=token, since=HUGE), 422, "validation_error")
    assert_error(api.get("/halls/xicheng/events/", token=token, limit=HUGE), 422, "validation_error")
    assert_error(api.get("/halls/xicheng/events/", token=token, since=-1), 422, "validation_error")
    world.issue()
    actions.call_next(world.window)
    assert_error(api.post(f"/windows/{world.window.pk}/transfer/", {"window": HUGE}, token=token),
                 422, "validation_error")
    assert_error(api.post(f"/windows/{world.window.pk}/evaluations/", {"level": HUGE}, token=world.tokens["pad"]),
                 422, "validation_error")


def test_an_overlong_string_is_422(world, api):
    response = api.post("/halls/xicheng/tickets/", {"service": "x" * 10_000}, token=world.tokens["kiosk"])
    assert_error(response, 422, "validation_error")


def test_a_state_that_does_not_allow_the_action_is_409(world, api):
    actions.close_window(world.window)
    response = api.post(f"/windows/{world.window.pk}/call-next/", token=world.tokens["staff_of_this_window"])
    assert_error(response, 409, "window_not_open")


def test_an_invalid_or_revoked_token_is_401_even_with_a_session(world, api):
    api.client.force_login(world.staff)
    assert_error(api.get("/halls/xicheng/load/", token="hsd_bogus"), 401, "invalid_token")
    token = world.tokens["kiosk"]
    ApiToken.objects.filter(prefix=token[:10]).update(revoked=True)
    assert_error(api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}, token=token), 401, "invalid_token")


def test_a_disabled_device_is_401(world, api):
    token = world.tokens["kiosk"]
    ApiToken.objects.get(prefix=token[:10]).device.__class__.objects.update(enabled=False)
    assert_error(api.get("/halls/xicheng/load/", token=token), 401, "device_disabled")


def test_no_credentials_is_401_not_a_csrf_403(world, api):
    assert_error(api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}), 401, "unauthorized")


def test_an_unknown_endpoint_is_a_json_404(world, api):
    assert_error(api.get("/no/such/thing/"), 404, "no_such_endpoint")
    assert_error(api.post("/halls/xicheng/nothing/", {}), 404, "no_such_endpoint")


def test_a_missing_trailing_slash_is_a_json_404_that_says_so(world, api):
    body = assert_error(api.get("/halls"), 404, "no_such_endpoint")
    assert "/" in body["message"]


def test_a_wrong_method_is_a_json_405_naming_the_allowed_one(world, api):
    response = api.get("/halls/xicheng/tickets/", token=world.tokens["kiosk"])
    body = assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST" and body["details"] == {"allow": "POST"}


def test_the_api_root_points_to_its_docs(world, api):
    assert api.get("/").json() == {"name": "hallops API", "version": "1", "docs": "/api/v1/docs",
                                   "openapi": "/api/v1/openapi.json"}
