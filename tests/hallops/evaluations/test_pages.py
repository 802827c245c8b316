"""The 好差评 pages: the supervisor's case list and a case's steps, the monthly ranking, paper forms,
and the overdue alert on the lobby dashboard."""

from datetime import datetime

import pytest
import time_machine
from django.test import Client

from displays import snapshots
from hallops.core import actions
from hallops.core.models import Evaluation, Role
from hallops.evaluations.models import Case
from hallops.evaluations.ratings import rate
from tests.factories import make_hall, make_service, make_staff, open_window_with_staff
from tests.hallops.core.helpers import SHANGHAI

from .rated import rated_hall


@pytest.fixture
def hall_with_a_bad_rating(db):
    hall = make_hall("xicheng", name="西城区政务服务中心")
    service = make_service(hall, code="biz", prefix="A", name="企业开办")
    window, staff = open_window_with_staff(hall, [service], number="1", username="wang")
    actions.issue_ticket(hall, service)
    actions.call_next(window)
    ticket = actions.finish(window)
    rate(ticket, 1, source="qr", reasons=["attitude"], comment="态度生硬", contact_name="张三",
         contact_phone="13800000000")
    return hall, window, staff, ticket


def logged_in(user, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_it_a_supervisor_sees_the_case_with_the_raters_phone_and_staff_see_it_without(hall_with_a_bad_rating):
    hall, window, staff, _ = hall_with_a_bad_rating
    supervisor = make_staff(hall, role=Role.SUPERVISOR, username="zhao")
    page = logged_in(supervisor).get(f"/evaluations/{hall.code}/cases/")
    assert page.status_code == 200
    case = Case.objects.get()
    detail = logged_in(supervisor).get(f"/evaluations/{hall.code}/cases/{case.pk}/").content.decode()
    assert "13800000000" in detail and "态度生硬" in detail
    mine = logged_in(staff).get(f"/evaluations/{hall.code}/cases/{case.pk}/")
    assert mine.status_code == 200
    assert "13800000000" not in mine.content.decode() and "张三" not in mine.content.decode()
    assert 'class="step-form"' not in mine.content.decode()  # staff read, managers act


def test_a_step_through_the_page_needs_csrf_and_records_who(hall_with_a_bad_rating):
    hall, *_ = hall_with_a_bad_rating
    manager = make_staff(hall, role=Role.LOBBY_MANAGER, username="zhang")
    case = Case.objects.get()
    client = logged_in(manager, csrf=True)
    url = f"/evaluations/{hall.code}/cases/{case.pk}/"
    assert client.post(url, {"step": "verify", "verdict": "valid", "note": "属实"}).status_code == 403
    client.get(url)
    token = client.cookies["csrftoken"].value
    r = client.post(url, {"step": "verify", "verdict": "valid", "note": "属实", "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "verified" and case.steps.last().by == manager
    r = client.post(url, {"step": "close", "csrfmiddlewaretoken": token})
    assert r.status_code == 409 and "不能进行" in r.content.decode()


def test_window_staff_do_not_see_other_windows_cases(hall_with_a_bad_rating):
    hall, *_ = hall_with_a_bad_rating
    service = make_service(hall, code="tax", prefix="B")
    _, other = open_window_with_staff(hall, [service], number="2", username="li")
    case = Case.objects.get()
    assert logged_in(other).get(f"/evaluations/{hall.code}/cases/{case.pk}/").status_code == 403
    listing = logged_in(other).get(f"/evaluations/{hall.code}/cases/").content.decode()
    assert f'data-case="{case.pk}"' not in listing


def test_the_ranking_page_is_for_supervisors_and_lobby_managers(hall_with_a_bad_rating):
    hall, _, staff, ticket = hall_with_a_bad_rating
    supervisor = make_staff(hall, role=Role.SUPERVISOR)
    month = ticket.day.strftime("%Y-%m")
    page = logged_in(supervisor).get(f"/evaluations/{hall.code}/ranking/", {"month": month})
    assert page.status_code == 200 and "100.0%" in page.content.decode()  # 评价率 and 差评率 of window 1
    assert logged_in(staff).get(f"/evaluations/{hall.code}/ranking/").status_code == 403
    assert Client().get(f"/evaluations/{hall.code}/ranking/").status_code == 302  # to the login page


def test_a_paper_form_is_typed_in_by_a_colleague(hall_with_a_bad_rating):
    hall, window, staff, _ = hall_with_a_bad_rating
    service = make_service(hall, code="tax", prefix="B")
    window.window_services.create(service=service)
    actions.issue_ticket(hall, service)
    actions.call_next(window)
    ticket = actions.finish(window)
    form = {"day": ticket.day.isoformat(), "number": ticket.number, "level": "2", "reasons": ["slow"]}
    own = logged_in(staff).post(f"/evaluations/{hall.code}/paper/", form)
    assert own.status_code == 403 and "不能录入对本人的评价" in own.content.decode()
    clerk = make_staff(hall, role=Role.LOBBY_MANAGER)
    r = logged_in(clerk).post(f"/evaluations/{hall.code}/paper/", form)
    assert r.status_code == 200 and 'id="paper-ok"' in r.content.decode()
    e = Evaluation.objects.get(ticket=ticket)
    assert (e.source, e.entered_by, e.staff, e.reasons) == ("paper", clerk, staff, ["slow"])
    again = logged_in(clerk).post(f"/evaluations/{hall.code}/paper/", form)
    assert again.status_code == 409 and "以第一次评价为准" in again.content.decode()


def test_an_overdue_case_is_an_alert_on_the_lobby_dashboard_with_a_frozen_clock(db):
    hall = make_hall()
    service = make_service(hall, prefix="A")
    window, _ = open_window_with_staff(hall, [service], number="7")
    with time_machine.travel(datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        actions.issue_ticket(hall, service)
        actions.call_next(window)
        rate(actions.finish(window), 2, source="qr", reasons=["slow"])  # 回访 by 9 October (国庆 in between)
        assert [a for a in snapshots.load_with_alerts(hall)["alerts"] if a["kind"] == "case_overdue"] == []
    with time_machine.travel(datetime(2025, 10, 9, 17, 0, tzinfo=SHANGHAI), tick=False):
        assert [a for a in snapshots.load_with_alerts(hall)["alerts"] if a["kind"] == "case_overdue"] == []
    with time_machine.travel(datetime(2025, 10, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        [alert] = [a for a in snapshots.load_with_alerts(hall)["alerts"] if a["kind"] == "case_overdue"]
    case = Case.objects.get()
    assert alert["case"]["id"] == case.pk and alert["window"]["number"] == "7"
    assert alert["severity"] == "warning" and "2025-10-09" in alert["message"] and "回访" in alert["message"]
    supervisor = make_staff(hall, role=Role.SUPERVISOR)
    with time_machine.travel(datetime(2025, 10, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        page = logged_in(supervisor).get(f"/evaluations/{hall.code}/cases/", {"overdue": "true"}).content.decode()
    assert f'data-case="{case.pk}"' in page and "超期" in page


@pytest.mark.parametrize("matters, windows", [(2, 2), (40, 12)])
def test_the_case_list_and_ranking_pages_cost_the_same_statements_at_any_size(db, django_assert_num_queries,
                                                                              matters, windows):
    hall, manager = rated_hall(matters, windows)
    client = logged_in(manager.user)
    client.get(f"/evaluations/{hall.code}/cases/")  # the session's first read warms nothing we count
    # hall, session, user, profile, count, cases (with window, ticket, rating, staff), steps, windows,
    # departments
    with django_assert_num_queries(9):
        assert client.get(f"/evaluations/{hall.code}/cases/").status_code == 200
    with django_assert_num_queries(6):  # hall, session, user, profile; visits and ratings; cases
        assert client.get(f"/evaluations/{hall.code}/ranking/", {"by": "staff"}).status_code == 200


def test_the_case_list_pages_keep_the_filters_and_show_every_case(db, monkeypatch):
    from hallops.evaluations import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    hall = make_hall("paged")
    manager = make_staff(hall, role=Role.LOBBY_MANAGER, username="zhang")
    from hallops.core.actors import Actor
    from hallops.evaluations.cases import open_case
    opened = [open_case(hall, "hotline", external_number=f"12345-{n}", actor=Actor(user=manager)).pk
              for n in range(3)]
    client = logged_in(manager)

    first = client.get(f"/evaluations/{hall.code}/cases/", {"kind": "hotline"}).content.decode()
    assert 'rel="next"' in first and "kind=hotline&amp;page=2" in first and 'rel="prev"' not in first
    second = client.get(f"/evaluations/{hall.code}/cases/", {"kind": "hotline", "page": "2"}).content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    shown = [pk for pk in opened if f'data-case="{pk}"' in first + second]
    assert sorted(shown) == sorted(opened)
    assert f'data-case="{opened[0]}"' in second  # the oldest is on the last page

