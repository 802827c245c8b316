"""Dashboard alerts from the patrol: detections not cleared yet, in hallops.core.alerts' shape.

A hook for hallops.core.alerts.hall_alerts (``out += patrol_alerts(hall)``); one query. The
message names the window, never shows a picture: the dashboard is for lobby managers, who may
not see camera images.
"""

from django.utils.translation import gettext as _

from hallops.core.read.windows import WINDOW_BRIEF

from .models import Detection, DetectionKind

SEVERITY = {DetectionKind.OFF_POST: "warning", DetectionKind.CROWDING: "critical",
            DetectionKind.CAMERA_DOWN: "warning", DetectionKind.CAMERA_FROZEN: "warning"}


def patrol_alerts(hall) -> list[dict]:
    out = []
    for d in Detection.objects.filter(hall=hall, cleared_at__isnull=True).exclude(state="dismissed") \
            .select_related("camera", "window").order_by("raised_at"):
        where = _("%(n)s号窗口") % {"n": d.window.number} if d.window else d.camera.name
        out.append({
            "kind": f"patrol_{d.kind}", "severity": SEVERITY.get(d.kind, "warning"),
            "window": WINDOW_BRIEF.maybe(d.window),
            "camera": {"id": d.camera.pk, "name": d.camera.name},
            "message": _("%(where)s：%(what)s") % {"where": where, "what": d.get_kind_display()},
            "since": d.started_at.isoformat(),
        })
    return out
