"""好差评 figures per window, staff, matter, department, day or month — two grouped statements.

评价率 = rated ÷ served; 好评率 = levels 3–5 ÷ rated (非常满意, 满意, 基本满意, as the national platform
counts them); 差评率 = levels 1–2 ÷ rated; 整改率 and 回访率 = bad ratings whose case was rectified /
called back ÷ bad ratings; overdue = cases past a deadline (open, or closed late).

A visit whose rating a review excluded (复核剔除) is out of every figure, served included, so an
excluded malicious rating neither lowers 评价率 nor counts as 差评. Ratings count on the day the
matter was served, so rated and served always describe the same visits.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncMonth

from hallops.core.models import Ticket, TicketStatus

from . import workflow
from .models import Case


@dataclass(frozen=True)
class Dimension:
    ticket: tuple  # key, then label columns, on Ticket
    case: tuple  # the same on Case


DIMENSIONS = {
    "window": Dimension(("window_id", "window__number", "window__name"), ("window_id", "window__number", "window__name")),
    "staff": Dimension(("staff_id", "staff__username", "staff__staff__display_name"),
                       ("staff_id", "staff__username", "staff__staff__display_name")),
    "service": Dimension(("service_id", "service__code", "service__name"), ("service_id", "service__code", "service__name")),
    "department": Dimension(("service__department_id", "service__department__code", "service__department__name"),
                            ("department_id", "department__code", "department__name")),
    "day": Dimension(("day",), ("opened_day",)),
    "month": Dimension(("month",), ("opened_month",)),
}
COUNTS = ("served", "rated", "good", "bad", "rectified", "followed_up", "cases", "overdue")


def _rate(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def with_rates(row: dict) -> dict:
    row["rating_rate"] = _rate(row["rated"], row["served"])
    row["good_rate"] = _rate(row["good"], row["rated"])
    row["bad_rate"] = _rate(row["bad"], row["rated"])
    row["rectify_rate"] = _rate(row["rectified"], row["bad"])
    row["follow_up_rate"] = _rate(row["followed_up"], row["bad"])
    return row


def _key(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _label(cols, values):
    rest = [str(v) for v in values[1:] if v not in (None, "")]
    if not rest:
        return _key(values[0])
    return " ".join(rest)


def figures(hall, start, end, by: str, today) -> dict:
    """{"by", "from", "to", "rows": [...], "total": {...}} for local days start..end inclusive."""
    dim = DIMENSIONS[by]
    counted = Q(evaluation__isnull=True) | Q(evaluation__excluded=False)
    tickets = (Ticket.objects.filter(hall=hall, status=TicketStatus.DONE, day__range=(start, end)).filter(counted)
               .annotate(month=TruncMonth("day")).values(*dim.ticket).annotate(
                   served=Count("pk"),
                   rated=Count("evaluation"),
                   good=Count("evaluation", filter=Q(evaluation__level__gte=3)),
                   bad=Count("evaluation", filter=Q(evaluation__level__lte=2)),
                   rectified=Count("evaluation", filter=Q(evaluation__level__lte=2,
                                                          evaluation__case__rectified_on__isnull=False)),
                   followed_up=Count("evaluation", filter=Q(evaluation__level__lte=2,
                                                            evaluation__case__followed_up_on__isnull=False)),
               ).order_by())
    cases = (Case.objects.filter(hall=hall).annotate(opened_day=TruncDate("opened_at"))
             .filter(opened_day__range=(start, end)).exclude(status="excluded")
             .annotate(opened_month=TruncMonth("opened_day"))
             .values(*dim.case).annotate(
                 cases=Count("pk"), overdue=Count("pk", filter=workflow.overdue_q(today) | workflow.late_q()),
             ).order_by())
    rows: dict = {}
    for source, cols in ((tickets, dim.ticket), (cases, dim.case)):
        for r in source:
            values = [r[c] for c in cols]
            key = _key(values[0])
            row = rows.setdefault(key, {"key": key, "label": _label(cols, values), **dict.fromkeys(COUNTS, 0)})
            for c in COUNTS:
                row[c] += r.get(c, 0)
    out = sorted(rows.values(), key=lambda r: (r["key"] is None, str(r["key"])))
    total = {"key": None, "label": "", **{c: sum(r[c] for r in out) for c in COUNTS}}
    return {"by": by, "from": start.isoformat(), "to": end.isoformat(),
            "rows": [with_rates(r) for r in out], "total": with_rates(total)}


def ranking(rows: list[dict]) -> list[dict]:
    """月度排名: best 好评率 first, then fewer 差评, then higher 评价率; rows nobody rated last."""
    def order(r):
        return (r["good_rate"] is None, -(r["good_rate"] or 0), r["bad_rate"] or 0, -(r["rating_rate"] or 0),
                str(r["label"]))
    ranked = sorted((r for r in rows if r["key"] is not None), key=order)
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
    return ranked


__all__ = ["DIMENSIONS", "figures", "ranking", "with_rates"]
