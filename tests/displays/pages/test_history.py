"""hallops.core.history.waiting_series: how many waited at each bucket boundary of a day."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from hallops.core import actions
from hallops.core.history import waiting_series

pytestmark = pytest.mark.django_db


def at(hh, mm):
    return timezone.make_aware(datetime(2024, 5, 6, hh, mm), timezone.get_current_timezone())


def series(hall, **kw):
    return {datetime.fromisoformat(p["t"]).astimezone(timezone.get_current_timezone()).strftime("%H:%M"): p["waiting"]
            for p in waiting_series(hall, at(0, 0).date(), now=at(23, 0) + timedelta(days=1), **kw)}


def test_a_ticket_waits_from_its_issue_until_it_is_called(ph):
    actions.issue_ticket(ph.hall, ph.a, now=at(9, 5))
    actions.issue_ticket(ph.hall, ph.a, now=at(9, 12))
    actions.call_next(ph.w1, now=at(9, 25))
    assert series(ph.hall) == {"09:00": 0, "09:10": 1, "09:20": 2, "09:30": 1}


def test_a_cancelled_ticket_stops_waiting_when_cancelled(ph):
    t = actions.issue_ticket(ph.hall, ph.a, now=at(9, 0)).ticket
    actions.cancel_ticket(t, now=at(9, 15))
    assert series(ph.hall) == {"09:00": 1, "09:10": 1, "09:20": 0}


def test_a_transferred_ticket_waits_again_from_the_transfer_not_from_its_issue(ph):
    actions.issue_ticket(ph.hall, ph.a, now=at(9, 0))
    actions.call_next(ph.w1, now=at(9, 5))
    actions.transfer(ph.w1, to_window=ph.w2, now=at(9, 22))
    # 09:10 and 09:20: at the window, not waiting; 09:30: waiting again for window 2.
    assert series(ph.hall) == {"09:00": 1, "09:10": 0, "09:20": 0, "09:30": 1}


def test_buckets_follow_the_requested_width(ph):
    actions.issue_ticket(ph.hall, ph.a, now=at(9, 5))
    actions.call_next(ph.w1, now=at(9, 50))
    assert series(ph.hall, bucket_minutes=30) == {"09:00": 0, "09:30": 1, "10:00": 0}


def test_a_day_without_tickets_has_no_points(ph):
    assert waiting_series(ph.hall, at(0, 0).date()) == []


def test_today_ends_at_now(ph):
    actions.issue_ticket(ph.hall, ph.a, now=at(9, 5))
    points = waiting_series(ph.hall, at(0, 0).date(), now=at(9, 41))
    assert [p["waiting"] for p in points] == [0, 1, 1, 1, 1]  # 09:00 … 09:40, nothing after now


def test_the_dashboard_serves_the_series_as_json(ph, login):
    actions.issue_ticket(ph.hall, ph.a, now=at(9, 5))
    r = login(ph.manager).get("/halls/xicheng/dashboard/series.json?day=2024-05-06&bucket=60")
    assert r.status_code == 200
    data = r.json()
    assert data["day"] == "2024-05-06" and data["bucket_minutes"] == 60
    assert data["points"][0]["waiting"] == 0 and data["points"][1]["waiting"] == 1


def test_the_dashboard_lays_the_same_weekday_last_week_on_todays_clock(ph, login):
    actions.issue_ticket(ph.hall, ph.a, now=at(9, 5) - timedelta(days=7))
    actions.call_next(ph.w1, now=at(9, 50) - timedelta(days=7))
    data = login(ph.manager).get("/halls/xicheng/dashboard/series.json?day=2024-05-06&bucket=30").json()
    assert data["points"] == [] and data["compare_day"] == "2024-04-29"
    assert [(p["t"], p["waiting"]) for p in data["compare"]] == [
        (at(9, 0).isoformat(), 0), (at(9, 30).isoformat(), 1), (at(10, 0).isoformat(), 0)]
