"""Patrol rounds (日常巡查): at least two a day at random times within opening hours (不少于2次不定时).

Times are drawn uniformly over the day's open minutes (so a hall open 08:30–12:00 and
13:30–17:30 never gets a round at lunch), distinct and at least ``min_gap_minutes`` apart so
two rounds do not fall together. Rounds are assigned round-robin to the hall's supervisors,
continuing the rotation from the hall's previous rounds.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hallops.core.clock import hours_on
from hallops.core.models import Role

from .models import PatrolRound, RoundStatus

MIN_ROUNDS = 2
MISSED_AFTER = timedelta(hours=2)


def rounds_per_day() -> int:
    return max(MIN_ROUNDS, int(getattr(settings, "PATROL_ROUNDS_PER_DAY", MIN_ROUNDS)))


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def open_minutes(hall, day: date) -> list[int]:
    """Minutes after midnight at which the hall is open that day (leaving the last 10 of each period).

    The day's hours come from the working-day calendar (clock.hours_on): no rounds on 国庆, rounds on a
    调休 Sunday with the hours of the weekday it replaces.
    """
    out = []
    for start, end in hours_on(hall, day):
        # A round starting in the last minutes would not reach every window before closing.
        out.extend(range(_minutes(start), max(_minutes(start), _minutes(end) - 10)))
    return out


def draw_times(minutes: list[int], count: int, rng: random.Random, min_gap_minutes: int = 30) -> list[int]:
    count = min(count, len(minutes))
    for gap in (min_gap_minutes, min_gap_minutes // 2, 1):
        for _ in range(200):
            picked = sorted(rng.sample(minutes, count))
            if all(b - a >= gap for a, b in zip(picked, picked[1:])):
                return picked
    return sorted(rng.sample(minutes, count))


def supervisors(hall):
    User = get_user_model()
    return list(User.objects.filter(staff__hall=hall, staff__role=Role.SUPERVISOR, is_active=True).order_by("username"))


def plan_rounds(hall, day: date, *, count: int | None = None, seed=None, replace: bool = False) -> list[PatrolRound]:
    """Plan the day's rounds for the hall; a day already planned is left alone unless ``replace``."""
    count = max(MIN_ROUNDS, count or rounds_per_day())
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    end = start + timedelta(days=1)
    existing = PatrolRound.objects.filter(hall=hall, scheduled_at__gte=start, scheduled_at__lt=end)
    with transaction.atomic():
        if existing.exists():
            if not replace:
                return list(existing.order_by("scheduled_at"))
            existing.filter(status=RoundStatus.PLANNED).delete()
        minutes = open_minutes(hall, day)
        if not minutes:
            return []
        rng = random.Random(seed) if seed is not None else random.SystemRandom()
        people = supervisors(hall)
        offset = PatrolRound.objects.filter(hall=hall).count()
        rounds = []
        for i, minute in enumerate(draw_times(minutes, count, rng)):
            at = start + timedelta(minutes=minute, seconds=rng.randrange(60))
            who = people[(offset + i) % len(people)] if people else None
            rounds.append(PatrolRound.objects.create(hall=hall, scheduled_at=at, assigned_to=who))
    return rounds


def mark_missed(hall=None, now=None) -> int:
    """Rounds never started within two hours of their time are 未巡查 (missed)."""
    now = now or timezone.now()
    qs = PatrolRound.objects.filter(status=RoundStatus.PLANNED, scheduled_at__lt=now - MISSED_AFTER)
    if hall is not None:
        qs = qs.filter(hall=hall)
    return qs.update(status=RoundStatus.MISSED)
