"""/tickets/{id}/…: public tracking through the ticket's unguessable UUID, and staff actions on it."""

from ninja import Router

from hallops.core import actions, actors
from hallops.core.lookups import ticket_by_id
from hallops.core.read.tickets import ticket_dict, track

from .auth import actor_of
from .errors import error_responses
from .schemas import PriorityChangeIn, TicketReply, TrackOut

router = Router(tags=["tickets"])


@router.get("/{ticket_id}/", response={200: TrackOut, **error_responses(404)}, auth=None,
            summary="Track a ticket (public; the id is the UUID in the ticket's QR code)")
def track_ticket(request, ticket_id: str):
    return track(ticket_by_id(ticket_id))


@router.post("/{ticket_id}/cancel/", response={200: TicketReply, **error_responses(401, 403, 404, 409)},
             summary="Cancel a waiting ticket (staff of the hall)")
def cancel(request, ticket_id: str):
    ticket = ticket_by_id(ticket_id)
    actor = actor_of(request)
    actors.authorize_handle_ticket(actor, ticket.hall_id)
    return {"ticket": ticket_dict(actions.cancel_ticket(ticket, actor=actor))}


@router.post("/{ticket_id}/requeue/", response={200: TicketReply, **error_responses(401, 403, 404, 409)},
             summary="Requeue a skipped ticket (过号重排; staff of the hall)")
def requeue(request, ticket_id: str):
    ticket = ticket_by_id(ticket_id)
    actor = actor_of(request)
    actors.authorize_handle_ticket(actor, ticket.hall_id)
    return {"ticket": ticket_dict(actions.requeue(ticket, actor=actor))}


@router.post("/{ticket_id}/priority/", response={200: TicketReply, **error_responses(401, 403, 404, 409, 422)},
             summary="Change a waiting ticket's priority class, with the reason (staff or the guide of the hall)")
def change_priority(request, ticket_id: str, body: PriorityChangeIn):
    ticket = ticket_by_id(ticket_id)
    actor = actor_of(request)
    actors.authorize_handle_ticket(actor, ticket.hall_id)
    return {"ticket": ticket_dict(actions.change_priority(ticket, body.priority, reason=body.reason, actor=actor))}
