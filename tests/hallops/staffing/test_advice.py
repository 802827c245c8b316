"""Staffing advice against a synthetic hall: six Mondays of history, a Monday morning now."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hallops.core.models import Ticket, TicketStatus, Window, WindowState
from hallops.core.read.windows import WINDOW_STATE
from hallops.staffing import erlang
from hallops.staffing.advice import hall_staffing
from hallops.staffing.groups import window_groups
from tests.factories import make_hall, make_service, make_window

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2025, 4, 14)  # a Monday; the six Mondays before it are all working days
NOW = datetime(2025, 4, 14, 9, 5, tzinfo=SH)


def _tickets(hall, service, day, hh, mm, count, handle_s, *, status=TicketStatus.DONE, tag=""):
    rows = []
    for i in range(count):
        at = datetime(day.year, day.month, day.day, hh, mm, tzinfo=SH) + timedelta(seconds=20 * i)
        done = status == TicketStatus.DONE
        rows.append(Ticket(hall=hall, service=service, day=day, number=f"{service.prefix}{tag}{hh}{mm}{i:03d}",
                           status=status, queue_at=at, issued_at=at,
                           started_at=at + timedelta(minutes=5) if done else None,
                           finished_at=at + timedelta(minutes=5, seconds=handle_s) if done else None))
    Ticket.objects.bulk_create(rows)


@pytest.fixture
def hall(db):
    h = make_hall("advice")
    a = make_service(h, code="biz", prefix="A", name="企业登记")
    b = make_service(h, code="tax", prefix="B", name="税务")
    c = make_service(h, code="car", prefix="C", name="车驾管")
    make_window(h, number="1", services=[a, b], state=WindowState.OPEN)
    make_window(h, number="10", services=[a])
    make_window(h, number="2", services=[b], state=WindowState.PAUSED)
    make_window(h, number="3", services=[c], state=WindowState.OPEN)
    for week in range(1, 7):
        day = TODAY - timedelta(weeks=week)
        _tickets(h, a, day, 9, 0, 40, 600)
        _tickets(h, b, day, 9, 10, 20, 300)
        _tickets(h, c, day, 14, 0, 6, 900)
    _tickets(h, a, TODAY, 9, 1, 5, 0, status=TicketStatus.WAITING, tag="T")
    return h


def test_windows_that_share_matters_form_one_group_in_numeric_order(hall):
    groups = window_groups(hall)
    assert [[w.number for w in g.windows] for g in groups] == [["1", "2", "10"], ["3"]]
    assert [g.key for g in groups] == ["biz+tax", "car"]


def test_it_tells_the_lobby_manager_to_open_windows_for_the_morning_peak(hall):
    advice = hall_staffing(hall, NOW)
    biz = advice["groups"][0]
    # 60 arrivals per half hour at 09:00 on past Mondays plus 5 waiting now; handling weighted by
    # arrivals: (240·600 + 120·300) / 360 = 500 s.
    assert biz["handle_s"] == 500
    assert biz["now"] == {"slot": "09:00", "arrivals": 65.0, "waiting": 5, "open": 1, "needed": 23}
    assert erlang.windows_needed(erlang.traffic(65, 1800, 500), 500, 0.8, 900, 0.15) == 23  # 19 by Erlang C, / 0.85
    assert biz["advice"]["action"] == "open" and biz["advice"]["count"] == 22
    # the paused window first (someone is signed in there), then the closed one
    assert [w["number"] for w in biz["advice"]["windows"]] == ["2", "10"]
    assert "企业登记" in biz["advice"]["message"]
    # each window as the hall screen's row names it: the advice and the screen agree
    paused = Window.objects.get(hall=hall, number="2")
    assert biz["advice"]["windows"][0] == WINDOW_STATE.of(paused)
    assert biz["advice"]["windows"][0]["state"] == WindowState.PAUSED


def test_the_rest_of_today_and_tomorrow_follow_the_history(hall):
    advice = hall_staffing(hall, NOW)
    car = advice["groups"][1]
    today = {s["start"]: s for s in car["today"]}
    assert "09:00" not in today and today["14:00"]["arrivals"] == 6.0
    assert today["14:00"]["needed"] == erlang.windows_needed(erlang.traffic(6, 1800, 900), 900, 0.8, 900, 0.15)
    assert today["15:00"]["needed"] == 0
    assert advice["tomorrow"] == "2025-04-15"
    assert all(s["arrivals"] == 0 for s in car["tomorrow"])  # no Tuesday history
    assert car["advice"]["action"] == "none"


def test_a_busier_morning_scales_the_rest_of_the_day(hall):
    c = hall.services.get(code="car")
    for week in range(1, 7):
        _tickets(hall, c, TODAY - timedelta(weeks=week), 8, 30, 10, 900, tag="E")
    _tickets(hall, c, TODAY, 8, 30, 20, 900, tag="E")  # twice the usual so far
    car = hall_staffing(hall, NOW)["groups"][1]
    assert car["today_factor"] == 2.0
    assert {s["start"]: s for s in car["today"]}["14:00"]["arrivals"] == 12.0


def test_what_if_gives_the_wait_and_service_level_for_n_windows(hall):
    biz = hall_staffing(hall, NOW, what_if={"biz+tax": 19})["groups"][0]
    a = erlang.traffic(65, 1800, 500)
    assert biz["what_if"]["service_level"] == round(erlang.service_level(19, a, 500, 900), 3)
    assert biz["what_if"]["service_level"] >= 0.8
    assert hall_staffing(hall, NOW, what_if={"biz+tax": 3})["groups"][0]["what_if"]["mean_wait_s"] is None


def _grow(hall, matters):
    for i in range(matters):
        s = make_service(hall, code=f"m{i}", prefix="M", name=f"事项{i}")
        make_window(hall, number=str(100 + i), services=[s], state=WindowState.OPEN)


@pytest.mark.parametrize("extra", [0, 38])
def test_advice_reads_in_a_fixed_number_of_statements(hall, extra, django_assert_num_queries):
    _grow(hall, extra)
    with django_assert_num_queries(5):
        hall_staffing(hall, NOW)


# --- the API ---------------------------------------------------------------------------------------

def test_it_answers_lobby_managers_and_refuses_screens(hall, client):
    from hallops.core.models import DeviceKind, Role
    from tests.factories import make_device, make_staff, token_for

    manager = token_for(user=make_staff(hall, username="lobby", role=Role.LOBBY_MANAGER))
    screen = token_for(device=make_device(hall, DeviceKind.HALL_SCREEN))
    url = "/api/v1/halls/advice/staffing/"
    ok = client.get(url, {"what_if": "car:2"}, headers={"Authorization": f"Bearer {manager}"})
    assert ok.status_code == 200
    assert [g["key"] for g in ok.json()["groups"]] == ["biz+tax", "car"]
    assert ok.json()["groups"][1]["what_if"]["windows"] == 2
    assert client.get(url, headers={"Authorization": f"Bearer {screen}"}).status_code == 403
    bad = client.get(url, {"what_if": "car:lots"}, headers={"Authorization": f"Bearer {manager}"})
    assert bad.status_code == 422 and bad.json()["error"] == "bad_what_if"
