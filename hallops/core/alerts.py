"""Alerts for the lobby dashboard, derived from the hall's live load (no queries of their own).

`load` is hallops.core.read.load.hall_load(hall) with an optional "devices" list of
hallops.core.read.devices.DEVICE_HEALTH rows. Thresholds are the hall's own settings.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .read.devices import DEVICE_REF
from .read.services import SERVICE_REF
from .read.windows import WINDOW_BRIEF

WARNING, CRITICAL = "warning", "critical"
PROBLEMS = {"paper_out": gettext_lazy("缺纸"), "paper_low": gettext_lazy("纸将用尽"),
            "cover_open": gettext_lazy("纸仓盖打开"), "offline": gettext_lazy("离线")}


def _dt(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _iso(value):
    return value.isoformat() if value else None


def hall_alerts(hall, load: dict) -> list[dict]:
    now = _dt(load["at"])
    out = []

    long_wait = hall.long_wait_alert_minutes * 60
    waiting_services = set()
    for s in load.get("services", ()):
        if s["waiting"] > 0:
            waiting_services.add(s["code"])
        if s["waiting"] > 0 and s["longest_wait_s"] > long_wait:
            out.append({
                "kind": "long_wait", "severity": CRITICAL if s["longest_wait_s"] > 2 * long_wait else WARNING,
                "service": SERVICE_REF.of(s),
                "message": _("%(service)s有群众已等候%(m)d分钟") % {"service": s["name"], "m": s["longest_wait_s"] // 60},
                "since": _iso(now - timedelta(seconds=s["longest_wait_s"])),
            })

    for w in load.get("windows", ()):
        since = _dt(w.get("state_since"))
        if since is None:
            continue
        minutes = int((now - since).total_seconds() // 60)
        if (w["state"] == "open" and w.get("current_ticket") is None and minutes >= hall.idle_alert_minutes
                and waiting_services.intersection(w.get("services", ()))):
            out.append({
                "kind": "window_idle", "severity": WARNING, "window": WINDOW_BRIEF.of(w),
                "message": _("%(n)s号窗口空闲%(m)d分钟，但其事项有群众等候") % {"n": w["number"], "m": minutes},
                "since": _iso(since),
            })
        elif w["state"] == "paused" and minutes >= hall.pause_alert_minutes:
            out.append({
                "kind": "window_paused", "severity": WARNING, "window": WINDOW_BRIEF.of(w),
                "message": _("%(n)s号窗口已暂停%(m)d分钟") % {"n": w["number"], "m": minutes},
                "since": _iso(since),
            })

    for d in load.get("devices", ()):
        problem = (d.get("status") or {}).get("problem")
        if d.get("enabled", True) and problem and problem != "offline":
            # A printer out of paper still answers; it needs a person now, not after two heartbeats.
            out.append({
                "kind": "device_fault", "severity": CRITICAL if problem == "paper_out" else WARNING,
                "device": DEVICE_REF.of(d),
                "problem": problem,
                "message": _("设备%(name)s故障：%(problem)s") % {"name": d["name"], "problem": PROBLEMS.get(problem, problem)},
                "since": d.get("last_seen"),
            })
            continue
        last_seen = _dt(d.get("last_seen"))
        # A device that has never reported is not configured yet, not offline.
        if not d.get("enabled", True) or d.get("online") or last_seen is None:
            continue
        if (now - last_seen).total_seconds() > 2 * d.get("heartbeat_s", 30):
            out.append({
                "kind": "device_offline", "severity": WARNING,
                "device": DEVICE_REF.of(d),
                "message": _("设备%(name)s离线") % {"name": d["name"]},
                "since": _iso(last_seen),
            })
    return out
