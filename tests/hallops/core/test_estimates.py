"""Handling times and per-matter waiting figures (a ticket's own place: tests/hallops/core/read)."""

from hallops.core import actions, estimates
from hallops.core.models import Ticket

from .helpers import issue, open_window


def serve(window, clock, seconds):
    actions.call_next(window, now=clock.tick())
    actions.start(window, now=clock.tick())
    actions.finish(window, now=clock.tick(seconds))


def test_the_configured_time_stands_in_until_tickets_are_finished(hall, service_a):
    service_a.expected_minutes = 7
    assert estimates.avg_handle_seconds(service_a) == 420


def test_handling_time_is_the_average_of_recent_finished_tickets(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    for _ in range(2):
        issue(hall, service_a, clock)
    serve(window, clock, 120)
    serve(window, clock, 240)
    assert estimates.avg_handle_seconds(service_a) == 180


def test_only_the_last_finished_tickets_count(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    n = estimates.ROLLING_SAMPLE
    for _ in range(n + 1):
        issue(hall, service_a, clock)
    serve(window, clock, 3600)  # the oldest, slow one drops out of the sample
    for _ in range(n):
        serve(window, clock, 60)
    assert estimates.avg_handle_seconds(service_a) == 60


def test_only_open_or_serving_windows_count(hall, service_a, service_b, clock):
    serving = open_window(hall, [service_a], clock)
    open_window(hall, [service_a], clock)
    paused = open_window(hall, [service_a], clock)
    open_window(hall, [service_b], clock)
    actions.pause_window(paused, now=clock.tick())
    issue(hall, service_a, clock)
    actions.call_next(serving, now=clock.tick())
    assert estimates.open_windows_for(service_a) == 2


def test_waiting_per_service_counts_and_measures_the_longest_wait(hall, service_a, service_b, clock):
    issue(hall, service_a, clock)
    issue(hall, service_a, clock)
    issue(hall, service_b, clock)
    now = clock.tick(600)
    rows = estimates.day_counts(hall, now.date(), now)
    assert rows[service_a.pk] == {"waiting": 2, "longest_wait_s": 602, "issued_today": 2, "quota_used": 2}
    assert rows[service_b.pk] == {"waiting": 1, "longest_wait_s": 600, "issued_today": 1, "quota_used": 1}


def test_window_stats_count_served_and_average_handling(hall, service_a, clock):
    window = open_window(hall, [service_a], clock)
    for _ in range(2):
        issue(hall, service_a, clock)
    serve(window, clock, 100)
    serve(window, clock, 300)
    day = Ticket.objects.first().day
    assert estimates.window_stats(hall, day) == {window.pk: {"served_today": 2, "avg_handle_s": 200}}


def test_handling_times_of_many_matters_read_in_one_query(hall, service_a, service_b, clock,
                                                         django_assert_num_queries):
    service_b.expected_minutes = 7
    window = open_window(hall, [service_a], clock)
    for _ in range(2):
        issue(hall, service_a, clock)
    serve(window, clock, 120)
    serve(window, clock, 240)
    with django_assert_num_queries(1):
        times = estimates.handle_seconds([service_a, service_b])
    assert times == {service_a.pk: 180, service_b.pk: 420}
