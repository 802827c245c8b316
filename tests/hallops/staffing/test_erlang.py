"""Erlang C against published worked examples."""

import pytest

from hallops.staffing import erlang


def test_the_call_centre_helper_worked_example():
    # 100 arrivals in 30 minutes, 180 s each, target 80 % within 20 s (callcentrehelper.com's Erlang C
    # worked example): 10 Erlangs; 14 servers reach 88.9 % with P(wait) 17.4 % and ASA 7.8 s.
    a = erlang.traffic(100, 1800, 180)
    assert a == pytest.approx(10.0)
    table = {11: (0.6821, 0.3896), 12: (0.4494, 0.6402), 13: (0.2853, 0.7956), 14: (0.1741, 0.8884)}
    for n, (pw, sl) in table.items():
        assert erlang.erlang_c(n, a) == pytest.approx(pw, abs=5e-5)
        assert erlang.service_level(n, a, 180, 20) == pytest.approx(sl, abs=5e-5)
    assert erlang.mean_wait(14, a, 180) == pytest.approx(7.84, abs=0.01)
    assert erlang.windows_needed(a, 180, 0.80, 20) == 14


def test_pooling_ten_department_queues_needs_fewer_windows():
    # domain.md: 560 arrivals/h at 10 min each, 80 % within 15 min: 95 pooled windows, 110 as ten queues.
    a = erlang.traffic(560, 3600, 600)
    pooled = erlang.windows_needed(a, 600, 0.80, 900)
    separate = 10 * erlang.windows_needed(a / 10, 600, 0.80, 900)
    assert (pooled, separate) == (95, 110)


def test_windows_that_cannot_keep_up_never_reach_the_target():
    assert erlang.erlang_c(10, 10.0) == 1.0
    assert erlang.service_level(9, 10.0, 180, 20) == 0.0
    assert erlang.mean_wait(10, 10.0, 180) is None


def test_no_arrivals_need_no_windows_and_shrinkage_grosses_up():
    assert erlang.windows_needed(0, 600, 0.8, 900) == 0
    a = erlang.traffic(100, 1800, 180)
    assert erlang.windows_needed(a, 180, 0.80, 20, shrinkage=0.2) == 18  # ceil(14 / 0.8)


def test_more_windows_never_serve_worse():
    a = 7.3
    levels = [erlang.service_level(n, a, 300, 600) for n in range(8, 20)]
    assert levels == sorted(levels)
    waits = [erlang.mean_wait(n, a, 300) for n in range(8, 20)]
    assert waits == sorted(waits, reverse=True)
