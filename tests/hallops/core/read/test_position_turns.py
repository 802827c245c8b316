"""The two ways the place in line lets the windows take turns give the same answer.

``_in_turns`` (callers that see the same queues: a sort) must agree with ``_with_heaps`` (the
general turn-by-turn simulation, itself checked against call_next in test_position.py) on the
number ahead, the window and that window's wait, whenever it is used.
"""

from datetime import datetime, timedelta, timezone as tz

from hypothesis import given, settings
from hypothesis import strategies as st

from hallops.core import order
from hallops.core.read.position import _alike, _in_turns, _with_heaps

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=tz.utc)
BOUNDS = order.Bounds(now=NOW, overdue_before=NOW - timedelta(minutes=60), starve_before=NOW - timedelta(minutes=30))


@st.composite
def halls(draw):
    services = draw(st.integers(1, 4))
    prefs = draw(st.dictionaries(st.integers(0, services - 1), st.integers(0, 3), min_size=1))
    windows = draw(st.integers(1, 5))
    rows = draw(st.lists(st.tuples(
        st.integers(0, services - 1),                 # matter
        st.sampled_from(order.RANKS),                 # class
        st.integers(-20, 90),                         # minutes waited (< 0: an appointment ahead of its slot)
    ), min_size=1, max_size=40))
    waiting = [(f"t{i:03d}", s, r, NOW - timedelta(minutes=m, seconds=i), None) for i, (s, r, m) in enumerate(rows)]
    callable_ = [row for row in waiting if row[1] in prefs]
    if not callable_:
        waiting.append(("t999", next(iter(prefs)), 2, NOW, None))
        callable_ = [waiting[-1]]
    target = draw(st.sampled_from(callable_))[0]
    handle = {s: draw(st.integers(60, 1200)) for s in range(services)}
    busy = {w: float(draw(st.integers(0, 600))) for w in range(1, windows + 1)}
    return waiting, target, list(range(1, windows + 1)), {w: dict(prefs) for w in range(1, windows + 1)}, handle, busy


@settings(max_examples=300, deadline=None)
@given(halls())
def test_windows_alike_get_the_same_place_by_sorting_as_by_taking_turns(hall):
    waiting, target, callers, prefs, handle, busy = hall
    assert _alike(waiting, callers, prefs)
    by_turns, by_sort = dict(busy), dict(busy)

    ahead, window = _with_heaps(waiting, target, callers, prefs, BOUNDS, handle, by_turns)

    assert _in_turns(waiting, target, callers, prefs, BOUNDS, handle, by_sort) == (ahead, window)
    assert by_sort[window] == by_turns[window]


def test_a_ticket_transferred_to_one_of_the_windows_makes_them_unalike():
    prefs = {1: {0: 0}, 2: {0: 0}}
    waiting = [("a", 0, 2, NOW, None), ("b", 0, 2, NOW, 2)]
    assert _alike(waiting[:1], [1, 2], prefs) and not _alike(waiting, [1, 2], prefs)
    assert not _alike(waiting[:1], [1, 2], {1: {0: 0}, 2: {0: 1}})
