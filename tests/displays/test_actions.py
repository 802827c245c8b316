"""What each kind of socket may do: consoles act on their window, lobby managers on any, screens on none."""

import json

import pytest

from hallops.core.models import Ticket, Window

from .conftest import act, db, drain, issue, open_socket

pytestmark = pytest.mark.django_db(transaction=True)


async def test_console_calls_starts_finishes_and_sees_its_waiting_list(hall):
    h = hall
    await db(issue)(h.hall, h.a)
    await db(issue)(h.hall, h.a, priority="elderly")
    await db(issue)(h.hall, h.b)  # not its matter
    comm, snap = await open_socket(f"/ws/halls/xicheng/console/{h.w1.pk}/", token=h.tokens["staff1"])
    assert [(w["number"], w["priority"]) for w in snap["waiting"]] == [("A002", "elderly"), ("A001", "normal")]
    assert all(w["waited_s"] >= 0 and w["service"] == "biz" for w in snap["waiting"])
    called = await act(comm, "call_next")
    assert called["ok"] and called["ticket"]["number"] == "A002" and called["ticket"]["status"] == "called"
    frames = await drain(comm, 1.0)
    assert [f["type"] for f in frames] == ["window.state", "ticket.called", "waiting"]
    assert [w["number"] for w in frames[-1]["waiting"]] == ["A001"]
    assert (await act(comm, "start"))["ticket"]["status"] == "serving"
    assert (await act(comm, "finish"))["ticket"]["status"] == "done"
    assert "ticket.finished" in [f["type"] for f in await drain(comm, 0.5)]
    await comm.disconnect()


async def test_console_runs_the_rest_of_the_desk_through_the_core_rules(hall):
    h = hall
    for _ in range(2):
        await db(issue)(h.hall, h.a)
    comm, _ = await open_socket(f"/ws/halls/xicheng/console/{h.w1.pk}/", token=h.tokens["staff1"])
    assert (await act(comm, "call_number", number="a002"))["ticket"]["number"] == "A002"
    assert (await act(comm, "recall"))["ticket"]["recall_count"] == 1
    busy = await act(comm, "call_next")
    assert busy["type"] == "error" and busy["error"] == "ticket_in_progress"
    assert (await act(comm, "skip"))["ticket"]["status"] == "skipped"
    assert (await act(comm, "requeue", number="A002"))["ticket"]["status"] == "waiting"
    assert (await act(comm, "pause", reason="会议"))["window"]["state"] == "paused"
    assert (await act(comm, "resume"))["window"]["state"] == "open"
    await act(comm, "call_next")
    moved = await act(comm, "transfer", service="tax")
    assert moved["ticket"]["service"] == "tax" and moved["ticket"]["status"] == "waiting"
    assert (await act(comm, "close"))["window"]["state"] == "closed"
    assert (await act(comm, "open"))["window"]["state"] == "open"
    assert (await act(comm, "sign_out"))["window"]["staff"] is None
    assert (await act(comm, "sign_in"))["window"]["staff"]["name"] == "王小明"
    await comm.disconnect()


async def test_staff_act_only_on_the_window_they_are_signed_in_at(hall):
    h = hall
    await db(issue)(h.hall, h.a)
    comm, _ = await open_socket(f"/ws/halls/xicheng/console/{h.w1.pk}/", token=h.tokens["staff2"])
    refused = await act(comm, "call_next")
    assert refused["type"] == "error" and refused["error"] == "forbidden" and refused["id"] == "r-call_next"
    assert await db(Ticket.objects.filter(status="waiting").count)() == 1
    occupied = await act(comm, "sign_in")  # staff1 is signed in there
    assert occupied["error"] == "window_occupied"
    await comm.disconnect()


async def test_a_lobby_manager_acts_on_any_window_from_console_and_dashboard(hall):
    h = hall
    await db(issue)(h.hall, h.b)
    comm, _ = await open_socket(f"/ws/halls/xicheng/console/{h.w2.pk}/", token=h.tokens["manager"])
    assert (await act(comm, "call_next"))["ticket"]["number"] == "B001"
    await comm.disconnect()
    comm, _ = await open_socket("/ws/halls/xicheng/dashboard/", token=h.tokens["manager"])
    assert (await act(comm, "pause", window=h.w1.pk, reason="临时"))["window"]["state"] == "paused"
    assert (await act(comm, "resume", window=h.w1.pk))["window"]["state"] == "open"
    moved = await act(comm, "transfer", window=h.w2.pk, to_window=h.w1.pk)
    assert moved["ticket"]["status"] == "waiting"
    assert (await act(comm, "call_next", window=h.w1.pk))["error"] == "forbidden"  # not a dashboard action
    await comm.disconnect()


async def test_a_supervisor_watches_the_dashboard_but_cannot_act(hall):
    h = hall
    comm, _ = await open_socket("/ws/halls/xicheng/dashboard/", token=h.tokens["supervisor"])
    refused = await act(comm, "pause", window=h.w1.pk)
    assert refused["type"] == "error" and refused["error"] == "forbidden"
    assert (await db(Window.objects.get)(pk=h.w1.pk)).state == "open"
    await comm.disconnect()


async def test_displays_kiosk_pad_and_phone_refuse_call_next(hall):
    h = hall
    ticket = await db(issue)(h.hall, h.a)
    sockets = [
        ("/ws/halls/xicheng/display/", h.tokens["hall_screen"]),
        (f"/ws/halls/xicheng/windows/{h.w1.pk}/", h.tokens["w1_display"]),
        ("/ws/halls/xicheng/kiosk/", h.tokens["kiosk"]),
        (f"/ws/halls/xicheng/pad/{h.w1.pk}/", h.tokens["w1_pad"]),
        (f"/ws/tickets/{ticket.pk}/", None),
    ]
    for path, token in sockets:
        comm, _ = await open_socket(path, token=token)
        refused = await act(comm, "call_next")
        assert refused["type"] == "error" and refused["error"] == "forbidden", path
        await comm.disconnect()
    assert await db(Ticket.objects.filter(status="waiting").count)() == 1


async def test_malformed_frames_get_an_error_and_the_socket_stays_open(hall):
    h = hall
    comm, _ = await open_socket(f"/ws/halls/xicheng/console/{h.w1.pk}/", token=h.tokens["staff1"])
    await comm.send_to(text_data="not json {")
    assert (await comm.receive_json_from())["error"] == "bad_json"
    await comm.send_to(text_data="[1, 2]")
    assert (await comm.receive_json_from())["error"] == "bad_json"
    await comm.send_to(text_data=json.dumps({"action": "fly", "id": 7}))
    assert await comm.receive_json_from() == {"type": "error", "id": 7, "error": "unknown_action",
                                              "message": "未知操作"}
    assert (await act(comm, "call_number"))["error"] == "bad_args"
    assert (await act(comm, "transfer", to_window="x"))["error"] == "bad_args"
    await comm.send_to(text_data=json.dumps({"type": "ping"}))
    assert (await comm.receive_json_from())["type"] == "pong"
    assert (await act(comm, "pause"))["window"]["state"] == "paused"  # still up and acting
    await comm.disconnect()


async def test_console_upgrades_a_waiting_ticket_and_announces_a_short_absence(hall):
    from hallops.patrol.presence import window_presence

    h = hall
    await db(issue)(h.hall, h.a)
    await db(issue)(h.hall, h.a)
    comm, _ = await open_socket(f"/ws/halls/xicheng/console/{h.w1.pk}/", token=h.tokens["staff1"])
    no_reason = await act(comm, "change_priority", number="A002", priority="military")
    assert no_reason["type"] == "error" and no_reason["error"] == "reason_required"
    upgraded = await act(comm, "change_priority", number="A002", priority="military", reason="军官证已核验")
    assert upgraded["ticket"]["priority"] == "military"
    frames = await drain(comm, 1.0)
    assert [w["number"] for w in [f for f in frames if f["type"] == "waiting"][-1]["waiting"]] == ["A002", "A001"]
    away = await act(comm, "short_absence", minutes=5, note="取材料")
    assert away["absence"]["minutes"] == 5
    window = await db(lambda: Window.objects.get(pk=h.w1.pk))()
    assert await db(window_presence)(window) == (True, "short_absence")
    assert "window.short_absence" in [f["type"] for f in await drain(comm, 0.5)]
    await comm.disconnect()
