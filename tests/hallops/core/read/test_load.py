"""The hall's live load (窗口负荷 and 等候) as the lobby dashboard sees it."""

from hallops.core import actions
from hallops.core.read.load import hall_load
from tests.factories import make_service

from ..helpers import issue, last_seq, open_window


def test_the_load_shows_windows_queues_and_totals(hall, service_a, service_b, clock):
    service_a.expected_minutes = 10
    service_a.save()
    make_service(hall, code="off", prefix="Z", active=False)
    busy = open_window(hall, [service_a], clock, number="1")
    idle = open_window(hall, [service_a, service_b], clock, number="2")
    paused = open_window(hall, [service_b], clock, number="3")
    actions.pause_window(paused, reason="午休", stand_in="李四", now=clock.tick())
    for _ in range(4):
        issue(hall, service_a, clock)
    actions.call_next(busy, now=clock.tick())
    actions.start(busy, now=clock.tick())
    actions.finish(busy, now=clock.tick(120))
    current = actions.call_next(busy, now=clock.tick())
    idle_since = clock.tick()
    actions.call_next(idle, now=idle_since)
    actions.skip(idle, now=idle_since)
    now = clock.tick(30)

    load = hall_load(hall, now=now)

    assert load["seq"] == last_seq(hall) and load["hall"] == hall.code
    rows = {w["number"]: w for w in load["windows"]}
    assert rows["1"]["state"] == "serving" and rows["1"]["current_ticket"]["number"] == current.number
    assert (rows["1"]["served_today"], rows["1"]["avg_handle_s"]) == (1, 120)
    assert (rows["2"]["state"], rows["2"]["idle_s"], rows["2"]["current_ticket"]) == ("open", 30, None)
    assert rows["2"]["services"] == ["a", "b"]
    assert (rows["3"]["state"], rows["3"]["pause_reason"], rows["3"]["stand_in"]) == ("paused", "午休", "李四")
    assert rows["3"]["idle_s"] is None
    services = {s["code"]: s for s in load["services"]}
    assert set(services) == {"a", "b"}  # inactive matters are not shown
    # One A ticket waits; the only finished one took 120 s; two open windows serve A.
    assert (services["a"]["waiting"], services["a"]["open_windows"], services["a"]["estimated_wait_s"]) == (1, 2, 60)
    assert services["b"]["waiting"] == 0 and services["b"]["open_windows"] == 1
    assert load["totals"] == {"waiting": 1, "served_today": 1, "issued_today": 4, "windows_open": 2,
                              "windows_paused": 1, "windows_total": 3}


def test_a_transfer_is_not_counted_as_a_new_issue(hall, service_a, service_b, clock):
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    actions.transfer(window, service=service_b, now=clock.tick())
    load = hall_load(hall, now=clock.tick())
    assert load["totals"]["issued_today"] == 1 and load["totals"]["waiting"] == 1


def test_the_load_of_an_empty_hall(hall):
    load = hall_load(hall)
    assert load["windows"] == [] and load["totals"]["waiting"] == 0 and load["seq"] == 0


def test_the_dashboard_and_the_kiosk_count_the_same_open_windows(hall, service_a, service_b, clock):
    from hallops.core.read.services import catalogue

    windows = [open_window(hall, services, clock) for services in
               ([service_a], [service_a, service_b], [service_b], [service_a, service_b], [service_b])]
    issue(hall, service_a, clock)
    actions.call_next(windows[0], now=clock.tick())  # serving
    actions.pause_window(windows[2], now=clock.tick())  # paused
    actions.sign_out(windows[3], now=clock.tick())  # closed
    now = clock.tick()
    dashboard = {s["code"]: s["open_windows"] for s in hall_load(hall, now=now)["services"]}
    kiosk = {s["code"]: s["open_windows"] for s in catalogue(hall, now=now)}
    assert dashboard == kiosk == {"a": 2, "b": 2}
