"""Alerts for the lobby dashboard, derived from the hall's live load (no queries of their own);
`acknowledged` then adds who took each one on (one query).

Each alert has a key (kind, subject, start: one episode of one alert), its start time and how
long it has lasted; the dashboard shows them and a lobby manager acknowledges by key.

`load` is hallops.core.read.load.hall_load(hall) with an optional "devices" list of
hallops.core.read.devices.DEVICE_HEALTH rows. Thresholds are the hall's own settings.
"""

from datetime import datetime, timedelta

from django.utils import timezone
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
                "message": _("设备%(name)s故障：%(problem)s") % {"name": d["label"], "problem": PROBLEMS.get(problem, problem)},
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
                "message": _("设备%(name)s离线") % {"name": d["label"]},
                "since": _iso(last_seen),
            })
    return [_stamp(a, now) for a in out]


def _local_hhmm(at):
    """Clock time in the hall's zone, as the page shows it (never the browser's zone)."""
    return timezone.localtime(at).strftime("%H:%M") if at else None


def _subject(alert) -> str:
    for part in ("case", "service", "window", "device", "camera"):
        if alert.get(part):
            return str(alert[part].get("code") or alert[part].get("id"))
    return ""


def _stamp(alert, now):
    """The alert's key and duration: what the dashboard shows and acknowledges."""
    since = _dt(alert.get("since"))
    alert["key"] = f"{alert['kind']}:{_subject(alert)}:{alert.get('since') or ''}"[:160]
    alert["duration_s"] = int((now - since).total_seconds()) if since else None
    alert["since_local"] = _local_hhmm(since)
    alert.setdefault("acknowledged", None)
    return alert


def stamp_all(alerts, now):
    return [_stamp(a, now) for a in alerts]


def acknowledged(hall, alerts: list[dict]) -> list[dict]:
    """Attach who acknowledged each alert and when; one query for all of them."""
    from .models import AlertAck

    keys = [a["key"] for a in alerts]
    acks = {k: (by, at) for k, by, at in
            AlertAck.objects.filter(hall=hall, key__in=keys).values_list("key", "by_name", "at")} if keys else {}
    for a in alerts:
        if a["key"] in acks:
            by, at = acks[a["key"]]
            a["acknowledged"] = {"by": by, "at": at.isoformat(), "at_local": _local_hhmm(at)}
    return alerts
