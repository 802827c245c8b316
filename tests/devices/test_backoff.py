"""devices.backoff: the one exponential backoff of the gateway client, the serial line and the cameras."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.backoff import Backoff


def test_delays_double_up_to_the_maximum():
    b = Backoff(0.5, 3.0)
    assert [b.next() for _ in range(6)] == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert b.failures == 6


def test_a_reset_after_a_working_connection_starts_again_from_the_first_delay():
    b = Backoff(0.1, 5.0)
    b.next(), b.next(), b.next()
    b.reset()
    assert b.next() == 0.1 and b.failures == 1


@given(st.floats(0.01, 10), st.floats(1, 100), st.floats(0, 0.999999))
def test_a_jittered_delay_lies_between_half_and_all_of_its_turn(first, factor, r):
    b = Backoff(first, first * factor, jitter=True, rng=lambda: r)
    plain = Backoff(first, first * factor)
    for _ in range(8):
        turn, delay = plain.next(), b.next()
        assert turn / 2 <= delay <= turn


def test_a_first_delay_above_the_maximum_is_refused():
    with pytest.raises(ValueError):
        Backoff(5.0, 1.0)
