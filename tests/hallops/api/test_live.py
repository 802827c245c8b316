"""A hall's live state for screens and dashboards: /load/ and the event log."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from hallops.core import actions, events
from hallops.core.read.load import hall_load
from tests.factories import make_service


def _without_clock(load):
    # "at" and "idle_s" are computed from the moment of the request; everything else must match.
    load = {k: v for k, v in load.items() if k != "at"}
    load["windows"] = [{k: v for k, v in w.items() if k != "idle_s"} for w in load["windows"]]
    return load


def test_load_is_exactly_the_cores_hall_load(world, api):
    world.issue()
    world.issue(world.other_service)
    actions.call_next(world.window)
    actions.pause_window(world.other_window, reason="会议", stand_in="赵")

    response = api.get("/halls/xicheng/load/", token=world.tokens["hall_screen"])

    assert response.status_code == 200
    expected = json.loads(json.dumps(hall_load(world.hall), cls=DjangoJSONEncoder))
    assert _without_clock(response.json()) == _without_clock(expected)
    assert response.json()["totals"]["windows_paused"] == 1


def test_events_replay_the_log_in_order_from_a_sequence_number(world, api):
    start = events.last_seq(world.hall.pk)
    world.issue()
    actions.call_next(world.window)
    token = world.tokens["staff_of_this_window"]

    response = api.get("/halls/xicheng/events/", token=token, since=start)

    assert response.status_code == 200
    body = response.json()
    assert [e["type"] for e in body["events"]] == ["ticket.issued", "window.state", "ticket.called"]
    assert [e["seq"] for e in body["events"]] == [start + 1, start + 2, start + 3]
    assert body["last_seq"] == start + 3
    called = body["events"][-1]
    assert (called["number"], called["announcement"]) == ("A001", "请A001号到1号窗口办理")
    assert api.get("/halls/xicheng/events/", token=token, since=body["last_seq"]).json() == \
        {"events": [], "last_seq": start + 3}


def test_a_limited_page_of_events_tells_the_client_there_is_more(world, api):
    world.issue()
    world.issue()
    body = api.get("/halls/xicheng/events/", token=world.tokens["kiosk"], since=0, limit=1).json()
    assert len(body["events"]) == 1
    assert body["events"][-1]["seq"] < body["last_seq"]


def test_events_of_another_hall_are_not_shown(world, api):
    actions.issue_ticket(world.other_hall, make_service(world.other_hall, code="x", prefix="X"))
    body = api.get("/halls/xicheng/events/", token=world.tokens["kiosk"]).json()
    assert all(e["type"] != "ticket.issued" or e["ticket"]["service"] != "x" for e in body["events"])
