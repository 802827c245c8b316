"""Which regional policy applies to a hall, and the working-day deadlines of a case.

Every "working day" here is hallops.core.calendar's: national holidays, 调休 and the region's
or hall's own overrides.
"""

from types import SimpleNamespace

from hallops.core.calendar import add_working_days

from .models import CaseKind, RegionPolicy

# The national practice where no region row says otherwise (domain.md): 回访 1, 整改 15, 代办 3.
DEFAULTS = SimpleNamespace(
    region_prefix="", follow_up_days=1, bad_rating_days=15, unresolved_days=15, hotline_days=15,
    assisted_days=3, qr_rating_hours=72,
)

DUE_FIELD = {
    CaseKind.BAD_RATING: "bad_rating_days", CaseKind.UNRESOLVED: "unresolved_days",
    CaseKind.HOTLINE: "hotline_days", CaseKind.ASSISTED: "assisted_days",
}


def region_code(hall) -> str:
    return getattr(hall, "region_code", "") or ""


def policy_for(hall):
    """The RegionPolicy with the longest prefix of the hall's 行政区划 code (one query), else DEFAULTS."""
    code = region_code(hall)
    prefixes = [code[:i] for i in range(len(code) + 1)]
    rows = list(RegionPolicy.objects.filter(region_prefix__in=prefixes))
    if not rows:
        return DEFAULTS
    return max(rows, key=lambda p: len(p.region_prefix))


def deadlines(hall, kind, day, policy=None):
    """(due, follow_up_due): the n-th working day after the day the case was opened."""
    policy = policy or policy_for(hall)
    due = add_working_days(day, getattr(policy, DUE_FIELD[kind]), hall=hall)
    follow_up_due = add_working_days(day, policy.follow_up_days, hall=hall)
    return due, follow_up_due
