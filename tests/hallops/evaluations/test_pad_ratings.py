"""好差评: one rating per ticket from the window's evaluation pad."""

import pytest

from hallops.core import actions
from hallops.evaluations.ratings import record_evaluation
from hallops.core.errors import Conflict, Invalid
from hallops.core.models import Evaluation, HallEvent

from tests.hallops.core.helpers import issue, open_window


@pytest.fixture
def window(hall, service_a, clock):
    return open_window(hall, [service_a], clock)


def serve(hall, service, window, clock):
    issue(hall, service, clock)
    actions.call_next(window, now=clock.tick())
    return actions.finish(window, now=clock.tick())


def test_the_pad_rates_the_ticket_just_finished_at_its_window(hall, service_a, window, clock):
    serve(hall, service_a, window, clock)
    last = serve(hall, service_a, window, clock)
    at = clock.tick()
    evaluation, created = record_evaluation(window, "2", indicators={"efficiency": 2}, now=at)
    assert created and evaluation.ticket_id == last.pk and evaluation.level == 2 and evaluation.is_bad
    assert (evaluation.staff_id, evaluation.service_id, evaluation.window_id, evaluation.created_at) == (
        window.staff_id, service_a.pk, window.pk, at)
    event = HallEvent.objects.get(type="evaluation.recorded")
    assert (event.payload["level"], event.payload["bad"], event.payload["ticket"]["number"]) == (2, True, "A002")


def test_a_repeat_press_does_not_count_twice(hall, service_a, window, clock):
    serve(hall, service_a, window, clock)
    first, _ = record_evaluation(window, 5, now=clock.tick())
    again, created = record_evaluation(window, 1, now=clock.tick())
    assert not created and again.pk == first.pk and again.level == 5
    assert Evaluation.objects.count() == 1 and HallEvent.objects.filter(type="evaluation.recorded").count() == 1


@pytest.mark.parametrize("level", [0, 6, "x", None])
def test_levels_are_one_to_five(hall, service_a, window, clock, level):
    serve(hall, service_a, window, clock)
    with pytest.raises(Invalid) as err:
        record_evaluation(window, level, now=clock.tick())
    assert err.value.code == "invalid_level"
    assert not Evaluation.objects.exists()


def test_nothing_to_rate_before_a_ticket_is_finished(hall, service_a, window, clock):
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    with pytest.raises(Conflict) as err:
        record_evaluation(window, 5, now=clock.tick())
    assert err.value.code == "nothing_to_rate"


def test_only_tickets_finished_at_this_window_are_rateable(hall, service_a, window, clock):
    other = open_window(hall, [service_a], clock)
    elsewhere = serve(hall, service_a, other, clock)
    with pytest.raises(Conflict) as err:
        record_evaluation(window, 5, ticket=elsewhere, now=clock.tick())
    assert err.value.code == "not_rateable"
    waiting = issue(hall, service_a, clock)
    with pytest.raises(Conflict):
        record_evaluation(window, 5, ticket=waiting, now=clock.tick())


@pytest.mark.parametrize("level, bad", [(1, True), (2, True), (3, False), (5, False)])
def test_one_and_two_are_bad_ratings(hall, service_a, window, clock, level, bad):
    serve(hall, service_a, window, clock)
    assert record_evaluation(window, level, now=clock.tick())[0].is_bad is bad
