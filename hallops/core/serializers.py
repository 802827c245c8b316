"""Plain dicts of the hall's objects, shared by the API, events and snapshots."""

from django.conf import settings


def iso(dt):
    return dt.isoformat() if dt else None


def track_url(ticket) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/t/{ticket.pk}/"


def window_brief(window):
    if window is None:
        return None
    return {"id": window.pk, "number": window.number, "name": window.name}


def service_brief(service):
    return {"code": service.code, "name": service.name, "prefix": service.prefix}


def ticket_dict(ticket) -> dict:
    return {
        "id": str(ticket.pk),
        "number": ticket.number,
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "status": ticket.status,
        "issued_at": iso(ticket.issued_at),
        "called_at": iso(ticket.called_at),
        "started_at": iso(ticket.started_at),
        "finished_at": iso(ticket.finished_at),
        "window": window_brief(ticket.window),
        "recall_count": ticket.recall_count,
        "transferred_from": str(ticket.transferred_from_id) if ticket.transferred_from_id else None,
    }


def staff_brief(user):
    if user is None:
        return None
    profile = getattr(user, "staff", None)
    return {
        "id": user.pk,
        "name": profile.display_name if profile else user.get_username(),
        "staff_no": profile.staff_no if profile else "",
        "title": profile.title if profile else "",
        "photo": profile.photo.url if profile and profile.photo else None,
    }


def window_dict(window) -> dict:
    return {
        "id": window.pk,
        "number": window.number,
        "name": window.name,
        "kind": window.kind,
        "zone": window.zone.code if window.zone_id else None,
        "state": window.state,
        "state_since": iso(window.state_since),
        "pause_reason": window.pause_reason,
        "stand_in": window.stand_in,
        "staff": staff_brief(window.staff),
    }
