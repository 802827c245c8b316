"""The provincial 好差评 export: one rating per line, with exactly the fields the platforms take.

No rater identity (name, phone, comment) is ever written: the file goes to a platform and is
read by people the rated staff work with. Ratings a review excluded (复核剔除) are left out.
"""

import csv
import io
import json

from django.conf import settings
from django.utils import timezone

from hallops.core.clock import day_bounds
from hallops.core.models import Evaluation

from .policy import region_code

FIELDS = ("region_code", "matter_code", "matter_version", "filing_number", "channel", "applicant_type",
          "staff_login", "level", "rated_at")

# 评价渠道 codes; PJQ (评价器) is the national code for a window pad. A province with other codes
# sets RATING_CHANNEL_CODES in the settings.
CHANNEL_CODES = {"pad": "PJQ", "tablet": "PJQ", "qr": "EWM", "paper": "ZZ"}


def channel_code(source: str) -> str:
    return {**CHANNEL_CODES, **getattr(settings, "RATING_CHANNEL_CODES", {})}.get(source, source.upper())


def ratings(hall, start, end):
    """The hall's counted ratings made on local days start..end inclusive, oldest first; one statement,
    streamed in chunks."""
    lo, _ = day_bounds(start)
    _, hi = day_bounds(end)
    qs = (Evaluation.objects.filter(hall=hall, created_at__range=(lo, hi), excluded=False)
          .select_related("ticket", "service", "staff").order_by("created_at", "pk"))
    return qs.iterator(chunk_size=2000)


def row(hall, e) -> dict:
    return {
        "region_code": region_code(hall),
        "matter_code": e.service.catalogue_code or e.service.code,
        "matter_version": e.service.catalogue_version,
        "filing_number": e.ticket.filing_number,
        "channel": channel_code(e.source),
        "applicant_type": e.ticket.applicant_type,
        "staff_login": e.staff.get_username() if e.staff else "",
        "level": e.level,
        "rated_at": timezone.localtime(e.created_at).isoformat(),
    }


def jsonl_lines(hall, start, end):
    for e in ratings(hall, start, end):
        yield json.dumps(row(hall, e), ensure_ascii=False) + "\n"


def csv_lines(hall, start, end):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    yield buf.getvalue()
    for e in ratings(hall, start, end):
        buf.seek(0)
        buf.truncate()
        writer.writerow(row(hall, e))
        yield buf.getvalue()
