"""A ticket (号票), as staff, the citizen, the kiosk, the pad and the printed slip see it.

TICKET is the one definition (the staff view: the API, hall events, the console). Every other
shape is an explicit variant of it, so it works from a model object and from an event payload
alike: the citizen's view (PUBLIC_TICKET: no staff data; the window only while it calls them),
the tracking view with the citizen's position, the issued number, a row of a waiting list, the
evaluation pad's prompt.
"""

from django.conf import settings

from .position import ahead_and_wait
from ..models import Ticket, TicketStatus
from ..models.ticket import ACTIVE_STATUSES
from .projection import Field, Projection, Timestamp, iso
from .services import SERVICE_REF
from .windows import WINDOW_BRIEF


def track_url(ticket) -> str:
    """The public tracking page of a ticket (the QR code on the printed slip)."""
    pk = ticket["id"] if isinstance(ticket, dict) else ticket.pk
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/t/{pk}/"


# Read with select_related("service", "window").
TICKET = Projection(
    "TicketOut",
    id=Field(str, lambda t: str(t.pk)),
    number=Field(str),
    service=Field(str, lambda t: t.service.code, description="service (事项) code"),
    service_name=Field(str, lambda t: t.service.name),
    priority=Field(str),
    channel=Field(str),
    status=Field(str),
    issued_at=Field(Timestamp, lambda t: iso(t.issued_at)),
    called_at=Field(Timestamp, lambda t: iso(t.called_at), nullable=True),
    started_at=Field(Timestamp, lambda t: iso(t.started_at), nullable=True),
    finished_at=Field(Timestamp, lambda t: iso(t.finished_at), nullable=True),
    window=Field(WINDOW_BRIEF, lambda t: WINDOW_BRIEF.maybe(t.window), nullable=True),
    recall_count=Field(int),
    transferred_from=Field(str, lambda t: str(t.transferred_from_id) if t.transferred_from_id else None,
                           nullable=True),
)


def _where_to_go(d):
    # The citizen is told a window only while it calls them (called or serving).
    return d["window"] if d["status"] in ACTIVE_STATUSES else None


WHERE_TO_GO = ("window", Field(WINDOW_BRIEF, _where_to_go, nullable=True, description="where to go, once called"))

PUBLIC_TICKET = TICKET.variant(
    "PublicTicket",
    "id", "number", "status",
    ("service", Field(SERVICE_REF, lambda d: {"code": d["service"], "name": d["service_name"]})),
    WHERE_TO_GO,
    "issued_at", "called_at",
    uses=("service", "service_name", "window"),
)

AHEAD = Field(int, nullable=True, description="people waiting before this ticket for the same matter; null once called")
WAIT = Field(int, nullable=True, description="estimated wait in seconds; null once called")

TRACK = TICKET.variant(
    "TrackOut",
    "id", "number", "service", "service_name", "status", WHERE_TO_GO, "issued_at", "called_at",
    uses=("window",), ahead=AHEAD, estimated_wait_s=WAIT,
)

ISSUED = TICKET.variant(
    "IssuedOut",
    "id", "number", "service", "service_name", "priority", "status", "issued_at",
    ("track_url", Field(str, track_url, description="public tracking page (the QR code on the printed ticket)")),
    ahead=Field(int, description="people waiting before this ticket for the same matter"),
    estimated_wait_s=Field(int, description="estimated wait in seconds"),
)

WAITING_ROW = TICKET.variant(
    "WaitingOut",
    "id", "number", "service", "service_name", "priority",
    waited_s=Field(int, description="seconds since the number was taken"),
    transferred=Field(bool, description="transferred here (it comes before the window's own matters)"),
)

# The evaluation pad asks about the matter just finished: its number and matter, nothing else.
PAD_TICKET = TICKET.variant("PadTicket", "id", "number", "service_name")


def ticket_dict(ticket) -> dict:
    return TICKET.of(ticket)


def public_ticket(ticket) -> dict:
    """`ticket`: a Ticket or a ticket dict (an event payload)."""
    return PUBLIC_TICKET.of(ticket)


def issued(result) -> dict:
    """The reply to taking a number (hallops.core.actions.IssueResult)."""
    return ISSUED.of(result.ticket, ahead=result.ahead, estimated_wait_s=result.estimated_wait_s)


def pad_ticket(ticket) -> dict:
    return PAD_TICKET.of(ticket)


def current_ticket(window):
    """The ticket a window is calling or serving, or None."""
    return (
        Ticket.objects.select_related("service", "window")
        .filter(window=window, status__in=ACTIVE_STATUSES).order_by("-called_at").first()
    )


def last_finished(window):
    return (Ticket.objects.select_related("service", "window").filter(window=window, status=TicketStatus.DONE)
            .order_by("-finished_at").first())


def latest_in_chain(ticket):
    """A transferred ticket lives on as a new ticket with the same number (hall, day): follow it, so
    the citizen's QR code keeps tracking the right one. One query however long the chain."""
    if ticket.status != TicketStatus.TRANSFERRED:
        return ticket
    latest = (Ticket.objects.select_related("service", "window")
              .filter(hall_id=ticket.hall_id, day=ticket.day, number=ticket.number)
              .exclude(status=TicketStatus.TRANSFERRED).first())
    return latest or ticket


def track(ticket) -> dict:
    """What the citizen following `ticket` is told: the latest of its chain, and its position while it waits."""
    ticket = latest_in_chain(ticket)
    ahead, wait = ahead_and_wait(ticket)
    return TRACK.of(ticket, ahead=ahead, estimated_wait_s=wait)
