"""Reading a report request (period, date, grouping, format) the same way for the API and the page."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from hallops.core.errors import Invalid

from .figures import GROUPINGS
from .periods import PERIODS, period

FORMATS = ("json", "csv", "xlsx")


def parse(params):
    kind = params.get("period") or "day"
    by = params.get("by") or "service"
    fmt = params.get("format") or "json"
    if kind not in PERIODS:
        raise Invalid(_("period 只能是 day、week 或 month"), code="bad_period")
    if by not in GROUPINGS:
        raise Invalid(_("by 只能是 hall、zone、service、window 或 staff"), code="bad_grouping")
    if fmt not in FORMATS:
        raise Invalid(_("format 只能是 json、csv 或 xlsx"), code="bad_format")
    raw = params.get("date")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise Invalid(_("date 的格式为 YYYY-MM-DD"), code="bad_date")
    return period(kind, day), by, fmt
