"""Staff pages of the devices app: the ticket print preview."""

from django.http import HttpResponse

from hallops.core import actors
from hallops.core.authn import actor_from_request
from hallops.core.errors import HallopsError
from hallops.core.lookups import ticket_by_id
from hallops.pages import or_404

from .models import CommandKind, DeviceCommand


def ticket_preview(request, ticket_id):
    """The ticket as printed (the bytes of its last print command; rendered now if it was never printed)."""
    from devices.printer import preview_png

    from . import adapters

    ticket = or_404(ticket_by_id, ticket_id)
    try:
        actor = actor_from_request(request)
        actors.authorize_view_hall(actor, ticket.hall_id, staff_only=True)
    except HallopsError as e:
        return HttpResponse(str(e), status=e.status, content_type="text/plain; charset=utf-8")
    command = DeviceCommand.objects.filter(ticket=ticket, kind=CommandKind.PRINT).select_related("device").last()
    if command is not None:
        data, paper = adapters.printed_bytes(command), int(command.payload.get("paper_mm", 58))
    else:
        data, paper = adapters.ticket_bytes(ticket, None, ahead=0, estimated_wait_s=0), 58
    response = HttpResponse(preview_png(data, paper), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
