"""Hostile or broken HTTP input (issue 11, items 7–9): refused in one place with a 4xx and a code,
never a 500, and nothing runs with defaults it was not asked for."""

import json

import pytest

from hallops.core.models import Ticket, WindowState
from tests.hallops.api.test_errors import assert_error


@pytest.mark.parametrize("path", [
    "/halls/xi%00cheng/services/",
    "/tickets/%00/",
    "/halls/xicheng/events/?since=1%00",
    "/halls/xicheng/events/?a%00=1",
    "/halls/%1bxicheng/load/",
])
def test_a_control_character_in_a_path_or_query_is_400(world, api, path):
    response = api.client.get("/api/v1" + path, headers={"Authorization": f"Bearer {world.tokens['lobby_manager']}"})
    assert_error(response, 400, "control_characters")


@pytest.mark.parametrize("body", [
    {"service": "biz\x00reg"},
    {"service": "biz-reg", "priority": "normal\x07"},
    {"service\x00": "biz-reg"},
    {"service": "biz-reg", "extra": ["ok", {"deep": "\x00"}]},
])
def test_a_control_character_in_a_json_string_is_400_and_issues_nothing(world, api, body):
    response = api.post("/halls/xicheng/tickets/", body, token=world.tokens["kiosk"])
    assert_error(response, 400, "control_characters")
    assert not Ticket.objects.exists()


def test_a_nul_in_a_body_string_of_any_operation_is_400(world, api):
    response = api.post(f"/windows/{world.window.pk}/pause/", {"reason": "午休\x00"},
                        token=world.tokens["staff_of_this_window"])
    assert_error(response, 400, "control_characters")
    world.window.refresh_from_db()
    assert world.window.state == WindowState.OPEN


def test_tabs_and_line_breaks_in_a_body_are_text_not_control(world, api):
    response = api.post(f"/windows/{world.window.pk}/pause/", {"reason": "午休\t12:00\r\n13:00"},
                        token=world.tokens["staff_of_this_window"])
    assert response.status_code == 200, response.content


def test_a_nul_in_a_form_field_is_400(world, client):
    client.force_login(world.staff)
    response = client.post("/accounts/login/", {"username": "wang\x00", "password": "x"})
    assert_error(response, 400, "control_characters")


def test_a_body_over_the_limit_is_413(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"service": "biz-reg", "pad": "x" * 2000})
    assert_error(api.post("/halls/xicheng/tickets/", raw=body, token=world.tokens["kiosk"]), 413, "body_too_large")
    assert not Ticket.objects.exists()


def test_a_form_over_the_limit_is_413(world, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/accounts/login/", {"username": "wang", "password": "x" * 2000})
    assert_error(response, 413, "body_too_large")


@pytest.mark.parametrize("raw", ["[null]", "false", '"x"', "null", "42", "[]"])
def test_json_that_is_not_an_object_is_400_and_the_action_does_not_run_with_defaults(world, api, raw):
    response = api.post(f"/windows/{world.window.pk}/pause/", raw=raw, token=world.tokens["staff_of_this_window"])
    assert_error(response, 400, "not_an_object")
    world.window.refresh_from_db()
    assert world.window.state == WindowState.OPEN
    response = api.post(f"/windows/{world.window.pk}/sign-in/", raw=raw, token=world.tokens["staff_of_this_window"])
    assert_error(response, 400, "not_an_object")


def test_json_nested_past_the_parser_is_malformed_not_a_500(world, api):
    raw = "[" * 100_000 + "]" * 100_000
    assert_error(api.post(f"/windows/{world.window.pk}/pause/", raw=raw, token=world.tokens["staff_of_this_window"]),
                 400, "malformed_json")


def test_an_empty_body_still_means_no_body(world, api):
    response = api.post(f"/windows/{world.window.pk}/pause/", token=world.tokens["staff_of_this_window"])
    assert response.status_code == 200, response.content
