"""Erlang C: the queueing arithmetic behind "how many windows for this load".

Citizens arrive at random (Poisson) at rate λ, each takes on average `aht` seconds at a window,
N windows serve one common queue. With traffic A = λ·aht (in Erlangs), Erlang C gives the chance a
citizen has to wait at all, and from it the share served within a target wait and the mean wait.
Pure arithmetic, no Django: the same functions answer the dashboard's advice and its what-if.
"""

import math
from dataclasses import dataclass


def traffic(arrivals: float, interval_s: float, aht_s: float) -> float:
    """Offered load in Erlangs: arrivals in an interval times handling time over the interval."""
    return arrivals * aht_s / interval_s if interval_s > 0 else 0.0


def erlang_c(n: int, a: float) -> float:
    """Probability that an arriving citizen waits (all N windows busy); 1 when N cannot keep up."""
    if a <= 0:
        return 0.0
    if n <= a:
        return 1.0
    # Erlang B by its stable recurrence, then C from B: no factorials, no overflow at 100+ windows.
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return n * b / (n - a * (1 - b))


def service_level(n: int, a: float, aht_s: float, target_wait_s: float) -> float:
    """Share of citizens called within `target_wait_s`."""
    if a <= 0:
        return 1.0
    if n <= a:
        return 0.0
    return 1.0 - erlang_c(n, a) * math.exp(-(n - a) * target_wait_s / aht_s)


def mean_wait(n: int, a: float, aht_s: float) -> float | None:
    """Average wait in seconds (ASA); None when N windows cannot keep up (the queue only grows)."""
    if a <= 0:
        return 0.0
    if n <= a:
        return None
    return erlang_c(n, a) * aht_s / (n - a)


@dataclass(frozen=True)
class Outcome:
    windows: int
    service_level: float
    mean_wait_s: float | None
    wait_probability: float


def outcome(n: int, a: float, aht_s: float, target_wait_s: float) -> Outcome:
    return Outcome(n, service_level(n, a, aht_s, target_wait_s), mean_wait(n, a, aht_s), erlang_c(n, a))


def windows_needed(a: float, aht_s: float, target_share: float, target_wait_s: float,
                   shrinkage: float = 0.0, limit: int = 1000) -> int:
    """Fewest windows that reach the target, grossed up for shrinkage (breaks, 替岗, paperwork).

    Shrinkage s means a window staffed for an hour serves for (1 - s) of it.
    """
    if a <= 0:
        return 0
    n = max(1, math.floor(a) + 1)
    while n < limit and service_level(n, a, aht_s, target_wait_s) < target_share:
        n += 1
    if shrinkage:
        n = math.ceil(n / (1.0 - min(shrinkage, 0.9)) - 1e-9)
    return n
