"""What each kind of socket sees: snapshot first, then only the events meant for it."""

import pytest

from hallops.core import actions

from .conftest import db, drain, frames_until, issue, open_socket

pytestmark = pytest.mark.django_db(transaction=True)


async def test_hall_screen_gets_hall_windows_recent_calls_and_waiting_then_each_call(hall):
    h = hall
    await db(issue)(h.hall, h.a)
    await db(actions.call_next)(h.w1)
    await db(issue)(h.hall, h.a)
    comm, snap = await open_socket("/ws/halls/xicheng/display/", token=h.tokens["hall_screen"])
    assert snap["type"] == "snapshot"
    assert snap["hall"]["name"] == "西城区政务服务中心" and snap["hall"]["notice"].startswith("今日")
    assert "{number}" in snap["hall"]["announcement_template"]
    assert {(w["number"], w["state"]) for w in snap["windows"]} == {("1", "serving"), ("2", "open")}
    assert [c["number"] for c in snap["calls"]] == ["A001"]
    assert {s["code"]: s["waiting"] for s in snap["services"]} == {"biz": 1, "tax": 0}

    await db(actions.finish)(h.w1)
    await db(actions.call_next)(h.w1)
    frames = await frames_until(comm, lambda f: f["type"] == "ticket.called")
    called = frames[-1]
    assert called["number"] == "A002" and called["window"]["number"] == "1"
    assert called["announcement"] == "请A002号到1号窗口办理"
    assert called["seq"] > snap["seq"]
    seqs = [f["seq"] for f in frames if f["type"] != "waiting"]
    assert seqs == sorted(set(seqs))
    # and a throttled waiting count follows
    waiting = (await frames_until(comm, lambda f: f["type"] == "waiting"))[-1]
    assert {s["code"]: s["waiting"] for s in waiting["services"]}["biz"] == 0
    await comm.disconnect()


async def test_hall_screen_shows_recalls_as_calls_with_recall_count(hall):
    h = hall
    await db(issue)(h.hall, h.a)
    comm, _ = await open_socket("/ws/halls/xicheng/display/", token=h.tokens["hall_screen"])
    await db(actions.call_next)(h.w1)
    await db(actions.recall)(h.w1)
    calls = [f for f in await drain(comm, 0.5) if f["type"] == "ticket.called"]
    assert [(c["number"], c["recall_count"]) for c in calls] == [("A001", 0), ("A001", 1)]
    await comm.disconnect()


async def test_hall_screen_gets_next_please_as_its_call_alone_and_a_plain_finish_as_it_is(hall):
    """下一位 finishes the window's ticket and calls the next in one action: the call replaces the
    number on the window's tile, so the screen gets one frame for it, not two; every other socket
    still gets the finish (the pad asks for a rating on it)."""
    h = hall
    for _ in range(3):
        await db(issue)(h.hall, h.a)
    screen, _ = await open_socket("/ws/halls/xicheng/display/", token=h.tokens["hall_screen"])
    pad, _ = await open_socket(f"/ws/halls/xicheng/pad/{h.w1.pk}/", token=h.tokens["w1_pad"])
    await db(actions.call_next)(h.w1)
    await db(actions.start)(h.w1)
    await db(actions.call_next)(h.w1)  # 下一位: A001 finished, A002 called
    await db(actions.finish)(h.w1)  # A002 finished, nothing called after it
    shown = [(f["type"], f["ticket"]["number"]) for f in await drain(screen, 0.5)
             if f["type"].startswith("ticket.")]
    assert shown == [("ticket.called", "A001"), ("ticket.called", "A002"), ("ticket.finished", "A002")]
    finished = [f["ticket"]["number"] for f in await drain(pad, 0.2) if f["type"] == "ticket.finished"]
    assert finished == ["A001", "A002"]
    await screen.disconnect()
    await pad.disconnect()


async def test_window_screen_sees_its_staff_card_and_only_its_own_window(hall):
    h = hall
    await db(issue)(h.hall, h.a)
    await db(issue)(h.hall, h.b)
    comm, snap = await open_socket(f"/ws/halls/xicheng/windows/{h.w1.pk}/", token=h.tokens["w1_display"])
    staff = snap["window"]["staff"]
    assert (staff["name"], staff["staff_no"], staff["title"]) == ("王小明", "0101", "首席服务官")
    assert snap["current"] is None
    await db(actions.call_next)(h.w2)  # another window: not shown
    await db(actions.call_next)(h.w1)
    frames = await drain(comm, 0.5)
    assert [f["type"] for f in frames] == ["window.state", "ticket.called"]
    assert all(f["window"]["id"] == h.w1.pk for f in frames)
    assert frames[1]["number"] == "A001"
    await comm.disconnect()
    comm, snap = await open_socket(f"/ws/halls/xicheng/windows/{h.w1.pk}/", token=h.tokens["w1_display"])
    assert snap["current"]["number"] == "A001"
    await comm.disconnect()


async def test_kiosk_sees_services_with_quota_and_a_recount_after_each_issue(hall):
    h = hall
    h.b.daily_quota = 2
    await db(h.b.save)()
    comm, snap = await open_socket("/ws/halls/xicheng/kiosk/", token=h.tokens["kiosk"])
    by_code = {s["code"]: s for s in snap["services"]}
    assert by_code["tax"]["remaining_quota"] == 2 and by_code["biz"]["remaining_quota"] is None
    assert by_code["biz"]["open"] is True and by_code["biz"]["prefix"] == "A"
    await db(issue)(h.hall, h.b)
    frames = await frames_until(comm, lambda f: f["type"] == "services")
    assert [f["type"] for f in frames] == ["services"]  # no other citizen's ticket reaches the kiosk
    tax = {s["code"]: s for s in frames[-1]["services"]}["tax"]
    assert (tax["waiting"], tax["remaining_quota"]) == (1, 1)
    await comm.disconnect()


async def test_ticket_page_sees_only_its_own_ticket_and_how_many_are_ahead(hall):
    h = hall
    first = await db(issue)(h.hall, h.a)
    mine = await db(issue)(h.hall, h.a)
    comm, snap = await open_socket(f"/ws/tickets/{mine.pk}/")
    assert snap["ticket"]["number"] == "A002" and snap["ticket"]["status"] == "waiting"
    assert snap["ahead"] == 1 and snap["estimated_wait_s"] > 0
    await db(issue)(h.hall, h.a)  # someone behind: no frame about them
    await db(actions.call_next)(h.w1)  # calls A001: the queue moves
    ahead = await frames_until(comm, lambda f: f["type"] == "ticket.ahead" and f["ahead"] == 0)
    assert all("A001" not in str(f) and "A003" not in str(f) for f in ahead)
    await db(actions.finish)(h.w1)
    await db(actions.call_next)(h.w1)
    frames = await frames_until(comm, lambda f: f["type"] == "ticket.called")
    called = frames[-1]
    assert called["ticket"]["number"] == "A002" and called["window"]["number"] == "1"
    assert all(f.get("ticket", {}).get("number", "A002") == "A002" for f in frames)
    assert str(first.pk) not in str(frames)
    await comm.disconnect()


async def test_ticket_page_follows_its_citizen_through_a_transfer(hall):
    h = hall
    mine = await db(issue)(h.hall, h.a)
    comm, _ = await open_socket(f"/ws/tickets/{mine.pk}/")
    await db(actions.call_next)(h.w1)
    await db(actions.transfer)(h.w1, service=h.b)
    await db(actions.call_next)(h.w2)
    frames = await frames_until(comm, lambda f: f["type"] == "ticket.called" and f["window"]["number"] == "2")
    moved = [f for f in frames if f["type"] == "ticket.transferred"][0]
    assert moved["ticket"]["service"]["code"] == "tax" and moved["ticket"]["number"] == "A001"
    await comm.disconnect()


async def test_an_unknown_ticket_closes_4404(hall):
    comm, first = await open_socket("/ws/tickets/00000000-0000-4000-8000-000000000000/")
    assert first["error"] == "ticket_not_found"
    assert (await comm.receive_output(timeout=3))["code"] == 4404


async def test_pad_is_prompted_when_its_window_finishes_and_rates_once(hall):
    h = hall
    await db(issue)(h.hall, h.a)
    await db(issue)(h.hall, h.b)
    comm, snap = await open_socket(f"/ws/halls/xicheng/pad/{h.w1.pk}/", token=h.tokens["w1_pad"])
    assert snap["last_finished"] is None and snap["serving"] is False and snap["staff"]["name"]
    await db(actions.call_next)(h.w2)
    await db(actions.finish)(h.w2)  # other window: no prompt
    await db(actions.call_next)(h.w1)
    await db(actions.finish)(h.w1)
    frames = await drain(comm, 0.5)
    assert [(f["type"], f["ticket"]["number"]) for f in frames if f["type"] == "ticket.finished"] == [("ticket.finished", "A001")]
    # While serving the pad shows the staff card; it learns of the call, never of the citizen.
    assert [f["type"] for f in frames if f["type"] != "window.state"] == ["ticket.called", "ticket.finished"]
    assert set(frames[[f["type"] for f in frames].index("ticket.called")]) == {"type", "seq"}
    assert all(f["staff"]["name"] for f in frames if f["type"] == "window.state")
    from .conftest import act
    result = await act(comm, "evaluate", level=5)
    assert result["ok"] and result["evaluation"] == {"ticket": "A001", "level": 5, "created": True}
    again = await act(comm, "evaluate", level=1)
    assert again["evaluation"]["created"] is False and again["evaluation"]["level"] == 5
    bad = await act(comm, "evaluate", level=9)
    assert bad["type"] == "error" and bad["error"] == "invalid_level"
    await comm.disconnect()


async def test_dashboard_gets_load_alerts_and_devices_then_a_throttled_load_after_events(hall):
    h = hall
    comm, snap = await open_socket("/ws/halls/xicheng/dashboard/", token=h.tokens["supervisor"])
    assert {w["number"] for w in snap["windows"]} == {"1", "2"}
    assert isinstance(snap["alerts"], list) and snap["totals"]["windows_total"] == 2
    assert {d["kind"] for d in snap["devices"]} >= {"kiosk", "hall_screen", "evaluation_pad"}
    for _ in range(3):
        await db(issue)(h.hall, h.a)
    frames = await frames_until(comm, lambda f: f["type"] == "load")
    assert [f["type"] for f in frames].count("ticket.issued") >= 1
    frames += await drain(comm, 1.5)
    loads = [f for f in frames if f["type"] == "load"]
    assert len(loads) <= 2  # three events, at most one load per second
    assert loads[-1]["totals"]["waiting"] == 3
    await comm.disconnect()


async def test_kiosk_hears_the_print_results_of_its_own_tickets_only(hall):
    from django.db import transaction

    from hallops.core import events
    from hallops.core.models import Device, DeviceKind

    h = hall
    kiosk = await db(lambda: Device.objects.get(hall=h.hall, kind=DeviceKind.KIOSK))()

    def printed(kiosk_id, number, ok):
        with transaction.atomic():
            events.record(h.hall.pk, "print.result", {
                "ticket": {"id": number, "number": number}, "printer": {"id": 1, "name": "P1"}, "kiosk": kiosk_id,
                "command": "c1", "ok": ok, "error": None if ok else "paper_out", "message": "", "detail": "",
                "reprint": False})

    comm, _ = await open_socket("/ws/halls/xicheng/kiosk/", token=h.tokens["kiosk"])
    await db(printed)(kiosk.pk + 1000, "A001", True)  # another kiosk's printer
    await db(printed)(kiosk.pk, "A002", False)
    frames = [f for f in await drain(comm, 0.5) if f["type"] == "print.result"]
    assert [(f["ticket"]["number"], f["ok"], f["error"]) for f in frames] == [("A002", False, "paper_out")]
    await comm.disconnect()


async def test_a_browser_screen_is_online_while_connected_and_offline_after(hall):
    from hallops.core.models import Device, DeviceKind

    h = hall
    screen = lambda: Device.objects.get(hall=h.hall, kind=DeviceKind.HALL_SCREEN)  # noqa: E731
    comm, _ = await open_socket("/ws/halls/xicheng/display/", token=h.tokens["hall_screen"])
    await drain(comm, 0.2)
    seen = await db(screen)()
    assert seen.online and seen.last_seen is not None
    await comm.disconnect()
    gone = await db(screen)()
    assert not gone.online and gone.last_seen == seen.last_seen
