"""/halls/…: the public catalogue, taking numbers, and a hall's live state."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hallops.core import actions, actors, events
from hallops.core.clock import is_open
from hallops.core.clock import now as clock_now
from hallops.core.errors import NotFound
from hallops.core.lookups import all_halls, hall_by_code
from hallops.core.models import Channel
from hallops.core.read.load import hall_load
from hallops.core.read.services import catalogue, service_and_hall
from hallops.core.read.tickets import issued

from .auth import actor_of
from .errors import error_responses
from .schemas import BIGINT, CheckInIn, EventsOut, HallOut, IssuedOut, IssueIn, LoadOut, ServiceOut
from .throttle import throttle_issue

router = Router(tags=["halls"])


def _coord(value):
    return float(value) if value is not None else None


@router.get("/", response=list[HallOut], auth=None, summary="List halls (public)")
def list_halls(request):
    now = clock_now()
    return [{
        "code": h.code, "name": h.name, "address": h.address,
        "latitude": _coord(h.latitude), "longitude": _coord(h.longitude),
        "open_now": is_open(h, now), "opening_hours": h.opening_hours,
    } for h in all_halls()]


@router.get("/{hall}/services/", response={200: list[ServiceOut], **error_responses(404)}, auth=None,
            summary="List a hall's matters with their queues (public)")
def list_services(request, hall: str):
    return catalogue(hall_by_code(hall))


@router.post("/{hall}/tickets/", response={201: IssuedOut, **error_responses(401, 403, 404, 409, 422, 429)},
             summary="Take a number (kiosk device or staff of the hall)")
def issue(request, hall: str, payload: IssueIn):
    actor = actor_of(request)
    service = service_and_hall(hall, payload.service)
    hall = service.hall if service is not None else hall_by_code(hall)  # which of the two is unknown
    actors.authorize_issue(actor, hall.pk)
    throttle_issue(request, actor)
    if service is None:
        raise NotFound(_("本大厅没有该事项"), code="service_not_found")
    channel = payload.channel or (Channel.KIOSK if actor.device is not None else Channel.STAFF)
    result = actions.issue_ticket(hall, service, priority=payload.priority, channel=channel, actor=actor)
    return Status(201, issued(result))


@router.post("/{hall}/check-in/", response={201: IssuedOut, **error_responses(401, 403, 404, 409, 422, 429)},
             summary="Check in an appointment (预约签到) and get its number")
def check_in(request, hall: str, payload: CheckInIn):
    actor = actor_of(request)
    hall = hall_by_code(hall)
    actors.authorize_issue(actor, hall.pk)
    throttle_issue(request, actor)
    return Status(201, issued(actions.check_in(hall, payload.code, actor=actor)))


@router.get("/{hall}/load/", response={200: LoadOut, **error_responses(401, 403, 404)},
            summary="The hall's live load (staff or devices of the hall)")
def load(request, hall: str):
    hall = hall_by_code(hall)
    actors.authorize_view_hall(actor_of(request), hall.pk)
    return hall_load(hall)


class EventsQuery(Schema):
    since: int = Field(0, ge=0, le=BIGINT, description="return events with seq greater than this")
    limit: int = Field(100, ge=1, le=1000)


@router.get("/{hall}/events/", response={200: EventsOut, **error_responses(401, 403, 404, 422)},
            summary="The hall's event log after a sequence number (staff or devices of the hall)")
def hall_events(request, hall: str, q: Query[EventsQuery]):
    hall = hall_by_code(hall)
    actors.authorize_view_hall(actor_of(request), hall.pk)
    limit = min(q.limit, settings.HALLOPS.get("RESUME_MAX_EVENTS", 500))
    found = [e.as_message() for e in events.events_since(hall.pk, q.since, limit)]
    # Read after the page, so last_seq >= every seq returned: "more to fetch" is events[-1].seq < last_seq.
    return {"events": found, "last_seq": events.last_seq(hall.pk)}


class AckIn(Schema):
    key: str = Field(..., max_length=160)


@router.post("/{hall}/alerts/ack/", response={200: dict, **error_responses(401, 403, 404, 409, 422)},
             summary="确认告警: a lobby manager takes on a dashboard alert")
def acknowledge_alert(request, hall: str, body: AckIn):
    h = hall_by_code(hall)
    actor = actor_of(request)
    actors.authorize_manage_hall(actor, h.pk)
    ack = actions.acknowledge_alert(h, body.key, actor=actor)
    return {"key": ack.key, "by": ack.by_name, "at": ack.at.isoformat()}
