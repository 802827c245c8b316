"""/tickets/{id}/reprint/: print a ticket again (补打) after a paper-out or a jam. Rules: actors.authorize_reprint."""

from ninja import Router, Schema, Status

from hallops.core import actors
from hallops.core.lookups import ticket_by_id

from .auth import actor_of
from .errors import error_responses

router = Router(tags=["devices"])


class ReprintOut(Schema):
    command: str
    printer: str
    ticket: str
    number: str


@router.post("/{ticket_id}/reprint/", response={202: ReprintOut, **error_responses(401, 403, 404, 409)},
             summary="Reprint a ticket (kiosk device of the hall, or staff); the result comes as a print.result event")
def reprint(request, ticket_id: str):
    from hallops.devices import adapters

    ticket = ticket_by_id(ticket_id)
    actor = actor_of(request)
    actors.authorize_reprint(actor, ticket.hall_id)
    command = adapters.reprint(ticket, actor)
    return Status(202, {"command": str(command.pk), "printer": command.device.name, "ticket": str(ticket.pk),
                        "number": ticket.number})
