"""Finding what a URL names, as a 404 in the API's error format when it does not exist."""

import uuid

from django.utils.translation import gettext as _

from hallops.core.errors import NotFound
from hallops.core.models import Hall, Ticket, Window


def hall_or_404(code: str) -> Hall:
    hall = Hall.objects.filter(code=code).first()
    if hall is None:
        raise NotFound(_("没有该大厅"), code="hall_not_found")
    return hall


def window_or_404(window_id: int) -> Window:
    window = Window.objects.select_related("hall", "zone", "staff__staff").filter(pk=window_id).first()
    if window is None:
        raise NotFound(_("没有该窗口"), code="window_not_found")
    return window


def ticket_or_404(ticket_id: str) -> Ticket:
    # A malformed id names no ticket: 404 like an unknown one, never a 500 or a hint.
    try:
        pk = uuid.UUID(str(ticket_id))
    except ValueError:
        pk = None
    ticket = Ticket.objects.select_related("service", "window", "hall").filter(pk=pk).first() if pk else None
    if ticket is None:
        raise NotFound(_("没有该号票"), code="ticket_not_found")
    return ticket
