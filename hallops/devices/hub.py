"""The server's side of the gateway protocol (docs/devices/gateway.md), as plain sync functions.

The WebSocket consumer (hallops.devices.consumers) and the virtual gateway (hallops.devices.virtual,
``manage.py run_virtual_gateway``) both call these, so a command or report goes through the same code
whichever way it travels. The hub knows neither of them: it publishes, they listen or poll.
"""

import logging
from datetime import timedelta

from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallops.core import actors, events
from hallops.core.actors import Actor
from hallops.core.clock import now as clock_now
from hallops.core.errors import Forbidden, HallopsError
from hallops.core.models import Device, DeviceKind, Ticket, TicketStatus
from hallops.core.read.devices import DEVICE_STATUS, DRIVEN_DEVICE, GATEWAY
from hallops.evaluations.ratings import record_evaluation

from .models import OPEN_STATUSES, CommandKind, CommandStatus, DeviceCommand, InboxMessage

log = logging.getLogger(__name__)

# A device is offline after this many heartbeats without news (the alert uses the same factor).
SILENT_HEARTBEATS = 2
DRIVEN_KINDS = (DeviceKind.PRINTER, DeviceKind.WINDOW_DISPLAY, DeviceKind.EVALUATION_PAD)


def gateway_group(gateway_id) -> str:
    return f"gateway-{gateway_id}"


def authorize_gateway(actor: Actor) -> Device:
    actors.require_authenticated(actor)
    device = actor.device
    if device is None or device.kind != DeviceKind.GATEWAY:
        raise Forbidden(_("只有设备网关可以连接"), code="forbidden")
    return device


def attached(gateway) -> list[Device]:
    return list(Device.objects.filter(gateway=gateway, enabled=True, kind__in=DRIVEN_KINDS)
                .exclude(url="").select_related("window"))


def device_dict(d: Device) -> dict:
    return DRIVEN_DEVICE.of(d)


def hello(gateway) -> dict:
    return {"type": "hello", "gateway": GATEWAY.of(gateway),
            "devices": [device_dict(d) for d in attached(gateway)]}


# --- commands ------------------------------------------------------------------------------


def _open_commands(gateway):
    return (DeviceCommand.objects.filter(device__gateway=gateway, device__enabled=True, status__in=OPEN_STATUSES)
            .order_by("order"))


def _mark_sent(commands) -> list[dict]:
    now = clock_now()
    out = []
    for c in commands:
        c.status, c.attempts, c.sent_at = CommandStatus.SENT, c.attempts + 1, now
        c.save(update_fields=["status", "attempts", "sent_at"])
        out.append(c.as_message())
    return out


def take_pending(gateway) -> list[dict]:
    """Every command not yet acknowledged, oldest first (sent ones again: their ack may be lost)."""
    with transaction.atomic():
        return _mark_sent(list(_open_commands(gateway).select_for_update(of=("self",))))


def take_new(gateway) -> list[dict]:
    """Commands not sent yet (a push while connected); resends happen on reconnect only."""
    with transaction.atomic():
        return _mark_sent(list(_open_commands(gateway).filter(status=CommandStatus.PENDING).select_for_update(of=("self",))))


def notify(gateway_id) -> None:
    """After commit, a connected gateway fetches its new commands (the virtual gateway polls). If
    the message is lost the gateway gets them on its next reconnect."""
    if gateway_id is None:
        return
    events.send_after_commit(gateway_group(gateway_id), {"type": "gateway.commands"}, f"gateway {gateway_id}")


def apply_ack(gateway, message: dict) -> None:
    """The gateway executed a command (or refused it): record the outcome once."""
    ok = bool(message.get("ok"))
    result = message.get("result") or {}
    with transaction.atomic():
        command = (DeviceCommand.objects.select_for_update(of=("self",)).select_related("device", "ticket")
                   .filter(pk=message.get("id"), device__gateway=gateway).first())
        if command is None or command.status not in OPEN_STATUSES:
            return  # unknown, superseded, or an ack repeated after a reconnect
        command.status = CommandStatus.DONE if ok else CommandStatus.FAILED
        command.result, command.done_at = result, clock_now()
        command.save(update_fields=["status", "result", "done_at"])
        if command.kind == CommandKind.PRINT:
            _print_result(command, ok, result)


# The gateway is Django-free and reports a machine code ("error"); the words a kiosk shows are the
# server's, so they come from the catalogue. The gateway's own text stays as "detail" (and as the
# message for a code not listed here, e.g. one a newer gateway invents).
PRINT_ERRORS = {
    "expired": gettext_lazy("打印请求已过期"),
    "paper_out": gettext_lazy("打印机缺纸"),
    "printer_offline": gettext_lazy("打印机未就绪"),
    "print_failed": gettext_lazy("打印失败"),
    "not_a_printer": gettext_lazy("该设备不是打印机"),
}


def print_error_message(code: str | None, fallback: str = "") -> str:
    """The reader's words for a gateway print error code; the gateway's text for a code we do not know."""
    known = PRINT_ERRORS.get(code or "")
    return str(known) if known is not None else (fallback or "")


def _print_result(command, ok, result):
    printer = command.device
    status = result.get("status")
    if isinstance(status, dict):
        set_health(printer, bool(status.get("online")) and status.get("paper") != "out", status)
    elif not ok and result.get("error") == "printer_offline":
        # An unreachable printer answers no status; the failed job is the news, not the next
        # health sweep a minute later.
        set_health(printer, False, {"online": False, "detail": result.get("message") or "printer unreachable"})
    p = command.payload
    error = result.get("error") or "print_failed"
    events.record(printer.hall_id, "print.result", {
        "ticket": {"id": p.get("ticket"), "number": p.get("number")},
        "printer": {"id": printer.pk, "name": printer.name}, "kiosk": p.get("kiosk"),
        "command": str(command.pk), "ok": ok, "reprint": bool(p.get("reprint")),
        "error": None if ok else error, "detail": result.get("message", ""),
        "message": "" if ok else print_error_message(error, result.get("message", "")),
    }, f"device:{printer.name}")


# --- health --------------------------------------------------------------------------------


def _problem(status: dict) -> str | None:
    if status.get("paper") == "out":
        return "paper_out"
    if status.get("cover_open"):
        return "cover_open"
    return status.get("problem") or status.get("error") or None


def device_status_payload(d: Device) -> dict:
    return {"device": DEVICE_STATUS.of(d)}


def set_health(device: Device, online: bool, status: dict | None = None, now=None) -> bool:
    """Store a device's health; a change of online/problem is a 'device.status' hall event. True if changed."""
    now = now or clock_now()
    status = dict(status or {})
    status["problem"] = _problem(status) or (None if online else "offline")
    with transaction.atomic():
        d = Device.objects.select_for_update(of=("self",)).select_related("window").get(pk=device.pk)
        changed = d.online != online or (d.status or {}).get("problem") != status.get("problem")
        keep = {k: v for k, v in (d.status or {}).items() if k == "conn"}
        d.online, d.status = online, {**status, **keep}
        fields = ["online", "status"]
        if online:
            d.last_seen = now  # last heard working: the offline alert counts from here
            fields.append("last_seen")
        d.save(update_fields=fields)
        if changed:
            events.record(d.hall_id, "device.status", device_status_payload(d), f"device:{d.name}", now)
    return changed


def claim_gateway(gateway, conn: str) -> bool:
    """Serve a gateway no one serves: of several processes (or a real gateway) one wins it.

    The claim is a conditional update (only while the gateway is offline), so two virtual gateways
    started at once cannot both drive the same printers. The winner is connected as ``conn``.
    """
    with transaction.atomic():
        g = Device.objects.filter(pk=gateway.pk).first()
        won = g is not None and Device.objects.filter(pk=g.pk, online=False).update(
            status={**(g.status or {}), "conn": conn}) == 1
    if won:
        set_health(gateway, True, {"conn": conn})
    return won


def gateway_connected(gateway, conn: str) -> dict:
    """The newest connection of a gateway token wins: an older one still open is told it was
    replaced and closed, so two gateways never drive one serial port at once."""
    with transaction.atomic():
        g = Device.objects.select_for_update().get(pk=gateway.pk)
        previous = (g.status or {}).get("conn")
        g.status = {**(g.status or {}), "conn": conn}
        g.save(update_fields=["status"])
        if previous and previous != conn:
            log.warning("gateway %s: a new connection replaces the one still open", g.name)
            transaction.on_commit(lambda: _replace(previous))
    set_health(gateway, True, {"conn": conn, **({"replaced": True} if previous and previous != conn else {})})
    return hello(gateway)


def _replace(channel: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        events.run_layer(layer.send, channel, {"type": "gateway.replaced"})
    except Exception:  # that connection is gone already
        log.warning("telling a replaced gateway connection failed", exc_info=True)


def gateway_disconnected(gateway, conn: str) -> None:
    """The socket closed: the gateway and everything it drives are offline (unless it reconnected already)."""
    g = Device.objects.filter(pk=gateway.pk).first()
    if g is None or (g.status or {}).get("conn") != conn:
        return
    set_health(g, False, {"detail": "gateway disconnected"})
    for d in attached(g):
        if d.online:
            set_health(d, False, {"detail": "gateway disconnected"})


def sweep(now=None) -> int:
    """Mark offline every gateway-driven device (and gateway) silent for SILENT_HEARTBEATS heartbeats.

    Each device is claimed with a conditional update on the ``last_seen`` it was found with: a heartbeat
    that lands between the read and the write wins, and two sweepers record one event, not two.
    Run by ``manage.py sweep_devices``.
    """
    now = now or clock_now()
    n = 0
    candidates = Device.objects.filter(online=True, enabled=True).filter(
        kind__in=(*DRIVEN_KINDS, DeviceKind.GATEWAY)).select_related("window")
    for d in candidates:
        if d.kind != DeviceKind.GATEWAY and d.gateway_id is None:
            continue
        if d.last_seen is None or now - d.last_seen > timedelta(seconds=SILENT_HEARTBEATS * d.heartbeat_s):
            n += _mark_silent(d, now)
    return n


def _mark_silent(d: Device, now) -> bool:
    status = {**{k: v for k, v in (d.status or {}).items() if k == "conn"}, "detail": "silent", "problem": "offline"}
    with transaction.atomic():
        claimed = Device.objects.filter(pk=d.pk, online=True, last_seen=d.last_seen).update(online=False, status=status)
        if claimed:
            d.online, d.status = False, status
            events.record(d.hall_id, "device.status", device_status_payload(d), f"device:{d.name}", now)
    return bool(claimed)


# --- reports -------------------------------------------------------------------------------


def _own_device(gateway, device_id) -> Device | None:
    return Device.objects.select_related("window").filter(pk=device_id, gateway=gateway).first()


def _apply_health(gateway, rows, now):
    for row in rows or ():
        d = _own_device(gateway, row.get("id"))
        if d is not None:
            set_health(d, bool(row.get("online")), row.get("status") or {}, now)


def _pad_press(gateway, report, now) -> dict:
    pad = _own_device(gateway, report.get("device"))
    if pad is None or pad.kind != DeviceKind.EVALUATION_PAD or pad.window is None:
        return {"error": "unknown_pad"}
    actor = Actor(device=gateway)
    ticket = None
    if report.get("ticket_number"):
        ticket = (Ticket.objects.filter(window=pad.window, number=report["ticket_number"], status=TicketStatus.DONE)
                  .order_by("-finished_at").first())
    try:
        actors.authorize_evaluate(actor, pad.window)
        evaluation, created = record_evaluation(pad.window, report.get("level"), ticket=ticket,
                                                        device=pad, actor=actor, now=now)
    except HallopsError as e:  # nothing to rate, bad level: acknowledged, never retried
        return {"error": e.code}
    return {"evaluation": evaluation.pk, "created": created}


def apply_report(gateway, report: dict) -> dict:
    """Apply a report once (inbox by id) and return the ack to send."""
    kind, rid = report.get("kind"), str(report.get("id") or "")
    now = clock_now()
    if kind == "heartbeat":  # idempotent and frequent: no inbox row
        set_health(gateway, True, {}, now)
        _apply_health(gateway, report.get("devices"), now)
        return {"type": "ack", "id": rid}
    if not rid:
        return {"type": "ack", "id": rid, "error": "missing_id"}
    try:
        with transaction.atomic():
            row = InboxMessage.objects.create(gateway=gateway, message_id=rid[:64], kind=str(kind)[:30])
            try:
                with transaction.atomic():  # a savepoint: a malformed report changes nothing
                    result = _apply(gateway, kind, report, now)
            except MALFORMED as e:
                # Acknowledged and remembered as such: unacknowledged, the gateway would send it forever.
                log.warning("gateway %s: malformed %s report %s: %s", gateway.name, kind, rid, e)
                result = {"error": "malformed_report"}
            row.result = result
            row.save(update_fields=["result"])
    except IntegrityError:
        return {"type": "ack", "id": rid, "duplicate": True}
    return {"type": "ack", "id": rid, **({"result": result} if result else {})}


# What a report with wrong types or values raises on its way to the database (a device id "abc",
# devices that are not a list, a number past bigint); anything else (the database away) stays
# unacknowledged, so the gateway sends it again.
MALFORMED = (TypeError, ValueError, AttributeError, KeyError, OverflowError, ValidationError, DataError)


def _apply(gateway, kind, report, now) -> dict:
    if kind == "pad.press":
        return _pad_press(gateway, report, now)
    if kind == "device.health":
        _apply_health(gateway, report.get("devices"), now)
        return {}
    if kind == "printer.status":
        d = _own_device(gateway, report.get("device"))
        status = report.get("status") or {}
        if d is not None:
            set_health(d, bool(status.get("online")) and status.get("paper") != "out", status, now)
        return {}
    return {"error": "unknown_kind"}


def prune_inbox(days: int = 7) -> int:
    return InboxMessage.objects.filter(received_at__lt=clock_now() - timedelta(days=days)).delete()[0]
