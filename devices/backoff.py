"""Exponential backoff: how long to wait before the next attempt to reach something that failed.

One helper for every reconnecting loop: the gateway client (to the server), the serial line (its
port) and the camera source (its stream). No Django.
"""

from __future__ import annotations

import random
from typing import Callable


class Backoff:
    """Delays ``first``, 2·first, 4·first… up to ``maximum``; ``reset()`` once a connection works again.

    With ``jitter`` each delay is drawn from [d/2, d]: a hall's gateways do not all knock at once
    when the server comes back, yet none waits less than half its turn.
    """

    def __init__(self, first: float, maximum: float, *, jitter: bool = False,
                 rng: Callable[[], float] = random.random):
        if not 0 <= first <= maximum:
            raise ValueError(f"backoff needs 0 <= first <= maximum, not ({first}, {maximum})")
        self.first, self.maximum, self.jitter, self._rng = first, maximum, jitter, rng
        self._delay = first
        self.failures = 0  # attempts failed since the last reset

    def next(self) -> float:
        """The delay before the next attempt; each call doubles the one after it (up to ``maximum``)."""
        delay, self._delay = self._delay, min(self._delay * 2, self.maximum)
        self.failures += 1
        return delay * (0.5 + self._rng() / 2) if self.jitter else delay

    def reset(self) -> None:
        self._delay, self.failures = self.first, 0
