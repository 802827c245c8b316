"""Report periods in the hall's local days: a day, its ISO week (Monday–Sunday), its month."""

import calendar as _months
from dataclasses import dataclass
from datetime import date, timedelta

PERIODS = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    kind: str
    first: date
    last: date

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        return self.first.strftime("%Y-%m")

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def period(kind: str, day: date) -> Period:
    if kind == "day":
        return Period(kind, day, day)
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(kind, monday, monday + timedelta(days=6))
    if kind == "month":
        return Period(kind, day.replace(day=1), day.replace(day=_months.monthrange(day.year, day.month)[1]))
    raise ValueError(kind)
