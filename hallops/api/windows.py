"""/windows/{id}/…: the staff console's actions. Each one: find, authorize, call the core, reply."""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Router, Status

from hallops.core import actions, actors
from hallops.core.errors import Invalid
from hallops.core.lookups import ticket_by_id, window_by_id, window_ref, window_to_act_on
from hallops.core.read.queue import window_detail as detail
from hallops.core.read.tickets import TICKET
from hallops.core.read.windows import window_dict
from hallops.evaluations.ratings import record_evaluation

from .auth import actor_of
from .errors import error_responses
from .schemas import (
    CallNumberIn, EvaluationIn, FinishIn, EvaluationOut, Id, PauseIn, SignInIn, TicketReply, TransferIn,
    WindowDetailOut, WindowReply,
)

router = Router(tags=["windows"])
ACTION_ERRORS = error_responses(401, 403, 404, 409, 422)


def _acting(request, window_id):
    """The window to act on, authorized by the action on the row it locks (lookups.WindowToActOn)."""
    actor = actor_of(request)
    return window_ref(window_id, lambda window: actors.authorize_window(actor, window)), actor


def _ticket_reply(ticket):
    return {"ticket": TICKET.maybe(ticket)}


def _window_reply(window):
    return {"window": window_dict(window)}


@router.get("/{window_id}/", response={200: WindowDetailOut, **error_responses(401, 403, 404, 422)},
            summary="A window with its current ticket and waiting list (staff console)")
def window_detail(request, window_id: Id):
    window = window_by_id(window_id)
    actors.authorize_view_hall(actor_of(request), window.hall_id)
    return detail(window)


@router.post("/{window_id}/call-next/", response={200: TicketReply, **ACTION_ERRORS},
             summary="叫号: call the next ticket; {\"ticket\": null} when nobody waits")
def call_next(request, window_id: Id):
    window, actor = _acting(request, window_id)
    return _ticket_reply(actions.call_next(window, actor=actor))


@router.post("/{window_id}/call/", response={200: TicketReply, **ACTION_ERRORS},
             summary="指定叫号: call a given number")
def call_number(request, window_id: Id, payload: CallNumberIn):
    window, actor = _acting(request, window_id)
    return _ticket_reply(actions.call_number(window, payload.number, actor=actor))


@router.post("/{window_id}/recall/", response={200: TicketReply, **ACTION_ERRORS}, summary="重呼")
def recall(request, window_id: Id):
    window, actor = _acting(request, window_id)
    return _ticket_reply(actions.recall(window, actor=actor))


@router.post("/{window_id}/skip/", response={200: TicketReply, **ACTION_ERRORS}, summary="过号")
def skip(request, window_id: Id):
    window, actor = _acting(request, window_id)
    return _ticket_reply(actions.skip(window, actor=actor))


@router.post("/{window_id}/start/", response={200: TicketReply, **ACTION_ERRORS}, summary="开始办理")
def start(request, window_id: Id):
    window, actor = _acting(request, window_id)
    return _ticket_reply(actions.start(window, actor=actor))


@router.post("/{window_id}/finish/", response={200: TicketReply, **ACTION_ERRORS}, summary="办结")
def finish(request, window_id: Id, payload: FinishIn = None):
    window, actor = _acting(request, window_id)
    payload = payload or FinishIn()
    return _ticket_reply(actions.finish(window, filing_number=payload.filing_number,
                                        applicant_type=payload.applicant_type, actor=actor))


@router.post("/{window_id}/transfer/", response={200: TicketReply, **ACTION_ERRORS},
             summary="转移: to another matter and/or window; replies with the new waiting ticket")
def transfer(request, window_id: Id, payload: TransferIn):
    # The targets are looked up in the window's hall before the action: authorized beforehand.
    window, actor = window_to_act_on(window_id), actor_of(request)
    actors.authorize_window(actor, window)
    service, to_window = actions.transfer_targets(window.hall_id, service_code=payload.service,
                                                  window_id=payload.window)
    return _ticket_reply(actions.transfer(window, service=service, to_window=to_window, actor=actor))


@router.post("/{window_id}/open/", response={200: WindowReply, **ACTION_ERRORS}, summary="开窗")
def open_window(request, window_id: Id):
    window, actor = _acting(request, window_id)
    return _window_reply(actions.open_window(window, actor=actor))


@router.post("/{window_id}/pause/", response={200: WindowReply, **ACTION_ERRORS}, summary="暂停服务")
def pause_window(request, window_id: Id, payload: PauseIn = None):
    window, actor = _acting(request, window_id)
    payload = payload or PauseIn()
    return _window_reply(actions.pause_window(window, reason=payload.reason, stand_in=payload.stand_in, actor=actor))


@router.post("/{window_id}/resume/", response={200: WindowReply, **ACTION_ERRORS}, summary="恢复服务")
def resume_window(request, window_id: Id):
    window, actor = _acting(request, window_id)
    return _window_reply(actions.resume_window(window, actor=actor))


@router.post("/{window_id}/close/", response={200: WindowReply, **ACTION_ERRORS}, summary="关窗")
def close_window(request, window_id: Id):
    window, actor = _acting(request, window_id)
    return _window_reply(actions.close_window(window, actor=actor))


@router.post("/{window_id}/sign-in/", response={200: WindowReply, **ACTION_ERRORS},
             summary="签到: the caller signs in; a lobby manager may name another staff member")
def sign_in(request, window_id: Id, payload: SignInIn = None):
    window = window_by_id(window_id)
    actor = actor_of(request)
    user = None
    if payload is not None and payload.user:
        user = get_user_model().objects.select_related("staff").filter(username=payload.user).first()
        if user is None:
            # Only someone allowed to sign in others learns that a username does not exist.
            actors.authorize_sign_in(actor, window, SimpleNamespace(pk=None))
            raise Invalid(_("没有该工作人员"), code="user_not_found")
    actors.authorize_sign_in(actor, window, user)
    return _window_reply(actions.sign_in(window, user or actor.user, actor=actor))


@router.post("/{window_id}/sign-out/", response={200: WindowReply, **ACTION_ERRORS}, summary="签退")
def sign_out(request, window_id: Id):
    window, actor = _acting(request, window_id)
    return _window_reply(actions.sign_out(window, actor=actor))


@router.post("/{window_id}/evaluations/", response={200: EvaluationOut, 201: EvaluationOut, **ACTION_ERRORS},
             summary="好差评 from the window's evaluation pad: 201 recorded, 200 already rated")
def evaluate(request, window_id: Id, payload: EvaluationIn):
    window = window_by_id(window_id)
    actor = actor_of(request)
    actors.authorize_evaluate(actor, window)
    ticket = None
    if payload.ticket is not None:
        ticket = ticket_by_id(payload.ticket)
    evaluation, created = record_evaluation(
        window, payload.level, ticket=ticket, indicators=payload.indicators, reasons=payload.reasons,
        comment=payload.comment, device=actor.device, actor=actor,
    )
    t = evaluation.ticket
    body = {
        "id": evaluation.pk, "ticket": str(t.pk), "number": t.number, "window": evaluation.window_id,
        "level": evaluation.level, "bad": evaluation.is_bad, "created_at": evaluation.created_at.isoformat(),
        "created": created,
    }
    return Status(201 if created else 200, body)
