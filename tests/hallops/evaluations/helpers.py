"""Serving a visit to the end, so it can be rated."""

from hallops.core import actions
from tests.hallops.core.helpers import issue


def served(hall, service, window, clock, **finish):
    issue(hall, service, clock)
    actions.call_next(window, now=clock.tick())
    return actions.finish(window, now=clock.tick(), **finish)
