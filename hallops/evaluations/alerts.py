"""Dashboard alerts for overdue cases (工单超期), in hallops.core.alerts' shape; one statement.

The message names the case, its window and which deadline passed; never the rater.
"""

from datetime import timedelta

from django.utils.translation import gettext as _

from hallops.core.clock import day_bounds
from hallops.core.read.windows import window_brief

from . import workflow
from .models import Case


def overdue_case_alerts(hall, today) -> list[dict]:
    out = []
    for c in Case.objects.filter(workflow.overdue_q(today), hall=hall).select_related("window").order_by("due", "pk"):
        late_due = today > c.due
        deadline = c.due if late_due else c.follow_up_due
        what = _("超过办结时限") if late_due else _("超过回访时限")
        out.append({
            "kind": "case_overdue", "severity": "critical" if late_due else "warning",
            "case": {"id": c.pk, "kind": c.kind, "status": c.status},
            "window": window_brief(c.window),
            "message": _("%(kind)s工单 #%(id)d %(what)s（%(due)s）") % {
                "kind": c.get_kind_display(), "id": c.pk, "what": what, "due": deadline.isoformat()},
            # Overdue since the end of the deadline's day (local midnight after it).
            "since": day_bounds(deadline + timedelta(days=1))[0].isoformat(),
        })
    return out
