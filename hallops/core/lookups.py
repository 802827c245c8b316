"""Finding what a URL names: a hall by its code, a window by its id (within a hall), a ticket by its id.

One set for the API, the pages and the sockets. A miss is a NotFound with a code: the API answers
it as a JSON 404, a socket sends an error frame and closes with 4404, a page shows its 404.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import NotFound
from .models import Hall, Ticket, Window
from .prepared import Prepared

# Every API call and page names its hall: compiled once (hallops.core.prepared).
_HALL_BY_CODE = Prepared(lambda code: Hall.objects.filter(code=code).values_list(*Prepared.fields(Hall))[:1],
                         model=Hall)


_HALLS = Prepared(lambda: Hall.objects.values_list(*Prepared.fields(Hall)), model=Hall)


def all_halls() -> list[Hall]:
    """Every hall, in the model's order: the public list of halls (服务地图) asks on every visit."""
    return _HALLS.objects()


def hall_by_code(code) -> Hall:
    hall = _HALL_BY_CODE.first(code=str(code))
    if hall is None:
        raise NotFound(_("没有该大厅"), code="hall_not_found")
    return hall


def _window_pk(window_id) -> int | None:
    """The id a URL gave, or None when it cannot name a window (not a number, or beyond the column)."""
    try:
        pk = int(window_id)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2 ** 63 else None


def _window(queryset, window_id) -> Window:
    """The window of ``queryset`` with the id a URL gave; a malformed or unknown id is a NotFound."""
    pk = _window_pk(window_id)
    window = queryset.filter(pk=pk).first() if pk is not None else None
    if window is None:
        raise no_such_window()
    return window


def window_by_id(window_id, hall=None) -> Window:
    """The window with its hall, zone and staff; within ``hall`` (a Hall or its id) when given: a URL
    pairing a hall with another hall's window names nothing."""
    qs = Window.objects.select_related("hall", "zone", "staff__staff")
    return _window(qs.filter(hall=hall) if hall is not None else qs, window_id)


_ACT_ON = ("id", "hall_id", "staff_id")
_WINDOW_TO_ACT_ON = Prepared(lambda pk: Window.objects.filter(pk=pk).order_by().values_list(*_ACT_ON))


def window_to_act_on(window_id) -> Window:
    """Just what authorizing an action on a window needs (its id, hall and signed-in staff), for a
    caller that needs the window's hall before the action (a transfer looks up its targets there).
    Most actions take a ``WindowToActOn`` instead and save this read."""
    pk = _window_pk(window_id)
    row = _WINDOW_TO_ACT_ON.first(pk=pk) if pk is not None else None
    if row is None:
        raise no_such_window()
    return Window.from_db(None, list(_ACT_ON), row)


@dataclass(frozen=True)
class WindowToActOn:
    """A window a URL names, with the check its caller must pass. An action locks the window's row
    first (actions.windows.locked_window), and runs ``authorize`` on the row it locked: one read
    fewer than authorizing beforehand, and the check sees who is signed in at the window as the
    action does, not as it was a moment before. A refused check rolls the action back."""

    pk: int
    authorize: Callable[[Window], None]


def window_ref(window_id, authorize: Callable[[Window], None]) -> WindowToActOn:
    """The window a URL names, for an action that locks it; a malformed id is a NotFound now, an
    unknown one when the action looks."""
    pk = _window_pk(window_id)
    if pk is None:
        raise no_such_window()
    return WindowToActOn(pk, authorize)


def no_such_window() -> NotFound:
    return NotFound(_("没有该窗口"), code="window_not_found")


def ticket_by_id(ticket_id) -> Ticket:
    # A malformed id names no ticket: 404 like an unknown one, never a 500 or a hint.
    try:
        pk = uuid.UUID(str(ticket_id))
    except ValueError:
        pk = None
    ticket = Ticket.objects.select_related("service", "window", "hall").filter(pk=pk).first() if pk else None
    if ticket is None:
        raise NotFound(_("没有该号票"), code="ticket_not_found")
    return ticket
