"""好差评 figures: the rates a hall is judged on, from grouped statements whose number never grows."""

from datetime import date

import pytest

from hallops.core import actions
from hallops.core.actors import Actor
from hallops.core.models import Role
from hallops.evaluations import figures
from hallops.evaluations.cases import take_step
from hallops.evaluations.models import Case
from hallops.evaluations.queries import case_page
from hallops.evaluations.ratings import rate, record_evaluation
from tests.factories import make_staff
from tests.hallops.core.helpers import open_window

from .helpers import served
from .rated import rated_hall

MONDAY = date(2025, 3, 3)


@pytest.fixture
def two_windows(hall, service_a, clock):
    return open_window(hall, [service_a], clock, number="1"), open_window(hall, [service_a], clock, number="2")


def test_it_the_rates_per_window_are_what_a_director_counts_by_hand(hall, service_a, two_windows, clock):
    w1, w2 = two_windows
    manager = Actor(user=make_staff(hall, role=Role.LOBBY_MANAGER))
    served(hall, service_a, w1, clock)
    record_evaluation(w1, 5, now=clock.tick())
    served(hall, service_a, w1, clock)
    record_evaluation(w1, 3, now=clock.tick())
    served(hall, service_a, w1, clock)  # not rated
    served(hall, service_a, w1, clock)
    record_evaluation(w1, 1, now=clock.tick())
    served(hall, service_a, w2, clock)
    record_evaluation(w2, 2, now=clock.tick())
    bad_w1, bad_w2 = Case.objects.get(window=w1), Case.objects.get(window=w2)
    for step, kw in [("verify", {"verdict": "valid"}), ("rectify", {}), ("feedback", {}),
                     ("follow_up", {"result": "reached", "satisfaction": 4})]:
        take_step(bad_w1, step, note="n", actor=manager, now=clock.tick(), **kw)
    take_step(bad_w2, "verify", verdict="valid", note="n", actor=manager, now=clock.tick())

    data = figures.figures(hall, MONDAY, MONDAY, "window", MONDAY)
    by = {r["label"].split()[0]: r for r in data["rows"]}
    assert {k: by["1"][k] for k in ("served", "rated", "good", "bad", "rectified", "followed_up", "cases")} == {
        "served": 4, "rated": 3, "good": 2, "bad": 1, "rectified": 1, "followed_up": 1, "cases": 1}
    assert (by["1"]["rating_rate"], by["1"]["good_rate"], by["1"]["bad_rate"]) == (75.0, 66.7, 33.3)
    assert (by["1"]["rectify_rate"], by["1"]["follow_up_rate"]) == (100.0, 100.0)
    assert (by["2"]["rating_rate"], by["2"]["bad_rate"], by["2"]["rectify_rate"]) == (100.0, 100.0, 0.0)
    assert data["total"]["served"] == 5 and data["total"]["bad"] == 2 and data["total"]["rectify_rate"] == 50.0
    ranked = figures.ranking(data["rows"])
    assert [r["label"].split()[0] for r in ranked] == ["1", "2"] and ranked[0]["rank"] == 1


def test_an_excluded_rating_is_out_of_every_figure(hall, service_a, two_windows, clock):
    w1, _ = two_windows
    manager, supervisor = (Actor(user=make_staff(hall, role=r)) for r in (Role.LOBBY_MANAGER, Role.SUPERVISOR))
    served(hall, service_a, w1, clock)
    record_evaluation(w1, 1, now=clock.tick())
    served(hall, service_a, w1, clock)
    record_evaluation(w1, 5, now=clock.tick())
    before = figures.figures(hall, MONDAY, MONDAY, "window", MONDAY)["total"]
    assert (before["served"], before["rated"], before["bad"], before["cases"]) == (2, 2, 1, 1)
    case = Case.objects.get()
    take_step(case, "verify", verdict="malicious", note="n", actor=manager, now=clock.tick())
    take_step(case, "appeal", note="n", actor=manager, now=clock.tick())
    take_step(case, "review", decision="exclude", note="n", actor=supervisor, now=clock.tick())
    after = figures.figures(hall, MONDAY, MONDAY, "window", MONDAY)["total"]
    assert (after["served"], after["rated"], after["bad"], after["cases"], after["good_rate"]) == (1, 1, 0, 0, 100.0)


def test_figures_group_by_every_dimension(hall, service_a, two_windows, clock):
    w1, _ = two_windows
    ticket = served(hall, service_a, w1, clock)
    rate(ticket, 4, source="qr", now=clock.tick())
    for by in figures.DIMENSIONS:
        rows = figures.figures(hall, MONDAY, MONDAY, by, MONDAY)["rows"]
        assert [(r["served"], r["rated"]) for r in rows] == [(1, 1)], by
    assert figures.figures(hall, MONDAY, MONDAY, "day", MONDAY)["rows"][0]["key"] == "2025-03-03"
    assert figures.figures(hall, MONDAY, MONDAY, "month", MONDAY)["rows"][0]["key"] == "2025-03-01"


def test_overdue_cases_count_in_the_figures(hall, service_a, two_windows, clock):
    w1, _ = two_windows
    served(hall, service_a, w1, clock)
    record_evaluation(w1, 1, now=clock.tick())  # 回访 due Tuesday 4 March
    assert figures.figures(hall, MONDAY, MONDAY, "window", date(2025, 3, 4))["total"]["overdue"] == 0
    assert figures.figures(hall, MONDAY, MONDAY, "window", date(2025, 3, 5))["total"]["overdue"] == 1


# --- statement counts, pinned at two sizes ------------------------------------------------------

@pytest.mark.parametrize("matters, windows", [(2, 2), (40, 12)])
def test_figures_and_the_case_list_cost_the_same_statements_at_any_size(db, django_assert_num_queries,
                                                                        matters, windows):
    hall, manager = rated_hall(matters, windows)
    today = date.today()
    for by in figures.DIMENSIONS:
        with django_assert_num_queries(2):  # visits and ratings; cases
            figures.figures(hall, today, today, by, today)
    with django_assert_num_queries(3):  # the count; cases with their window, ticket, rating, staff; their steps
        items = case_page(hall, today, scope="hall", per_page=1000)["items"]
    assert len(items) == Case.objects.filter(hall=hall).count() >= matters // 2
    with django_assert_num_queries(3):
        assert case_page(hall, today, scope="hall", kind="bad_rating", overdue="false", status="rectified")["items"]
