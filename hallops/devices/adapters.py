"""The one place where core state changes become device commands.

Registered with ``hallops.core.events.on_record`` (hallops.devices.apps), so every handler runs inside the
transaction of the state change: the command commits or rolls back with it. On PostgreSQL an action's
commands are written in its events' statement (``events.Rider``); SQLite writes them through the ORM.
Each gateway is told once per action, after commit (hallops.devices.hub.notify).

| event                          | command                                                    |
|--------------------------------|------------------------------------------------------------|
| ticket.called (recall: blink)  | show "A001 请到3号窗口" on the window's window display       |
| window.state paused            | show "暂停服务"                                              |
| window.state closed            | clear                                                      |
| window.state open              | show "3号窗口 欢迎办理" (the strip stops naming the last number) |
| ticket.finished                | prompt on the window's evaluation pad                      |
| ticket.issued by a kiosk       | print on the kiosk's printer                               |

Kiosk → printer binding: ``kiosk.options["printer"]`` names the printer device; failing that, the
printer whose ``options["kiosk"]`` names the kiosk (the demo fixture writes both).
"""

import base64
import json
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from hallops.core import events, prepared
from hallops.core.models import Device, DeviceKind, Priority, Ticket
from hallops.core.prepared import Prepared
from hallops.core.read.tickets import ISSUED

from .models import OPEN_STATUSES, CommandKind, CommandStatus, DeviceCommand, next_orders

# A ticket printed minutes after the citizen walked away is worse than none: the gateway refuses
# a print older than this, and the kiosk has shown the number on screen by then.
PRINT_TTL_S = 120
PAUSED_TEXT = "暂停服务"


def called_text(number: str, window_number: str) -> str:
    return f"{number} 请到{window_number}号窗口"


def idle_text(window_number: str) -> str:
    return f"{window_number}号窗口 欢迎办理"


def _driven(qs):
    """Devices a gateway drives: enabled, with a connection URL (browser devices have none)."""
    return qs.filter(enabled=True).exclude(url="")


# Only the latest state of a display matters; an older one not yet shown never will be.
DISPLAY_STATE = (CommandKind.SHOW, CommandKind.CLEAR)


def queue(device: Device, kind: str, payload: dict, *, ticket=None) -> DeviceCommand:
    """Create a command in the current transaction; the gateway hears of it after commit."""
    if kind in DISPLAY_STATE:
        DeviceCommand.objects.filter(device=device, kind__in=DISPLAY_STATE,
                                     status__in=OPEN_STATUSES).update(status=CommandStatus.SUPERSEDED)
    command = DeviceCommand.objects.create(device=device, kind=kind, payload=payload, ticket=ticket)
    _tell([device.gateway_id])
    return command


def _tell(gateway_ids) -> None:
    """After commit, once per action however many commands it queued (hub.notify)."""
    from . import hub

    for gateway_id in gateway_ids:
        hub.notify(gateway_id)


_DRIVEN_AT_WINDOW = Prepared(lambda window_id: _driven(Device.objects.filter(window_id=window_id))
                             .values_list(*Prepared.fields(Device)), model=Device)
_DRIVEN_PRINTERS = Prepared(lambda hall_id: _driven(Device.objects.filter(hall_id=hall_id, kind=DeviceKind.PRINTER))
                            .values_list(*Prepared.fields(Device)), model=Device)


def _window_devices(window_id, kind):
    # One lookup per window for all the events of one action (a call records two or three).
    cache = events.scratch()
    key = ("window-devices", window_id)
    if key not in cache:
        cache[key] = _DRIVEN_AT_WINDOW.objects(window_id=window_id)
    return [d for d in cache[key] if d.kind == kind]


def _commands_ctes(n: int) -> str:
    """``n`` commands, each for one device or for the devices of a kind at a window: the devices
    are found, a display's open state superseded and the commands inserted."""
    device, command = Device._meta.db_table, DeviceCommand._meta.db_table
    kinds, statuses = (", ".join(f"'{v}'" for v in values) for values in (DISPLAY_STATE, OPEN_STATUSES))
    wanted = ", ".join(["(%s::bigint, %s::bigint, %s, %s, %s::jsonb, %s, %s::int, %s::uuid)"] * n)
    return (
        f"dev_w (device_id, window_id, device_kind, kind, payload, status, k, ticket_id) AS (VALUES {wanted}), "
        f"dev_d AS (SELECT dev.id, dev.gateway_id, w.kind, w.payload, w.status, w.k, w.ticket_id FROM dev_w w "
        f"JOIN {device} dev ON dev.id = w.device_id OR (dev.window_id = w.window_id AND dev.kind = w.device_kind) "
        f"WHERE dev.enabled AND dev.url <> ''), "
        # The UPDATE and the INSERT see the same snapshot: the new commands are not superseded here.
        f"dev_gone AS (UPDATE {command} c SET status = '{CommandStatus.SUPERSEDED}' FROM dev_d d "
        f"WHERE c.device_id = d.id AND d.kind IN ({kinds}) AND c.kind IN ({kinds}) AND c.status IN ({statuses})), "
        f"dev_made AS (INSERT INTO {command} (id, device_id, kind, payload, status, attempts, \"order\", created_at, "
        f"result, ticket_id) SELECT gen_random_uuid(), d.id, d.kind, d.payload, d.status, 0, "
        f"%s + row_number() OVER (ORDER BY d.k, d.id), %s, '{{}}'::jsonb, d.ticket_id FROM dev_d d)"
    )


_COMMANDS_CTES = {}
_GATHERED = "device-commands"


def _gather(kind: str, payload: dict, *, device=None, window_id=None, device_kind=None, ticket=None) -> None:
    with events.batch():  # the action's (an effect runs in one); on its own, a batch of one
        events.scratch().setdefault(_GATHERED, []).append(
            (device.pk if device else None, window_id, device_kind, kind, payload, ticket.pk if ticket else None))


def queue_at_window(window_id: int, device_kind: str, kind: str, payload: dict) -> None:
    """``queue`` for every device of ``device_kind`` a gateway drives at the window.

    On PostgreSQL the commands of one action are gathered and written with its events, in their
    statement (``_commands_rider``): a call that finished the last ticket used to read the devices,
    then supersede and insert each command, four round trips of its own. SQLite reads the window's
    devices once per action and queues each command through the ORM.
    """
    if connection.vendor == "postgresql":
        _gather(kind, payload, window_id=window_id, device_kind=device_kind)
        return
    for d in _window_devices(window_id, device_kind):
        queue(d, kind, payload)


def queue_with_action(device: Device, kind: str, payload: dict, *, ticket=None) -> None:
    """``queue``, written with the action's events on PostgreSQL (the kiosk's print)."""
    if connection.vendor == "postgresql":
        _gather(kind, payload, device=device, ticket=ticket)
        return
    queue(device, kind, payload, ticket=ticket)


def _commands_rider(scratch) -> events.Rider | None:
    wanted = scratch.pop(_GATHERED, None)
    if not wanted:
        return None
    # A later display state of the same action wins, as a later ``queue`` would supersede it.
    at = {(w[0], w[1], w[2]): k for k, w in enumerate(wanted) if w[3] in DISPLAY_STATE}
    params = []
    for k, (device_id, window_id, device_kind, kind, payload, ticket_id) in enumerate(wanted):
        stale = kind in DISPLAY_STATE and at[(device_id, window_id, device_kind)] != k
        status = CommandStatus.SUPERSEDED if stale else CommandStatus.PENDING
        params += [device_id, window_id, device_kind, kind, json.dumps(payload), status, k, ticket_id]
    n = len(wanted)
    if n not in _COMMANDS_CTES:
        _COMMANDS_CTES[n] = _commands_ctes(n)
    return events.Rider(
        ctes=_COMMANDS_CTES[n], params=[*params, next_orders(), timezone.now()],
        returning="(SELECT array_agg(DISTINCT gateway_id) FROM dev_d)",
        then=lambda gateways: _tell(gateways or ()),
    )


def on_called(event, actor):
    p = event.payload
    text = called_text(p["number"], p["window"]["number"])
    queue_at_window(p["window"]["id"], DeviceKind.WINDOW_DISPLAY, CommandKind.SHOW,
                    {"text": text, "blink": p.get("recall_count", 0) > 0})


def on_window_state(event, actor):
    w = event.payload["window"]
    state = w["state"]
    if state == "paused":
        queue_at_window(w["id"], DeviceKind.WINDOW_DISPLAY, CommandKind.SHOW, {"text": PAUSED_TEXT, "blink": False})
    elif state == "closed":
        queue_at_window(w["id"], DeviceKind.WINDOW_DISPLAY, CommandKind.CLEAR, {})
    elif state == "open":
        queue_at_window(w["id"], DeviceKind.WINDOW_DISPLAY, CommandKind.SHOW,
                        {"text": idle_text(w["number"]), "blink": False})
    # "serving": the ticket.called that follows in the same transaction shows the number.


def on_finished(event, actor):
    p = event.payload
    t = p["ticket"]
    queue_at_window(p["window"]["id"], DeviceKind.EVALUATION_PAD, CommandKind.PROMPT,
                    {"ticket": t["id"], "ticket_number": t["number"]})


# hall id -> (monotonic expiry, its driven printers). Every kiosk issue looked them up, a round
# trip of its own; a change reaches this process at once (``forget_printers`` on save) and the
# others within HALLOPS_TOKEN_CACHE_SECONDS, as a revoked token or a disabled device does.
_printers: dict[int, tuple[float, list]] = {}


def _hall_printers(hall_id) -> list:
    ttl = settings.HALLOPS.get("TOKEN_CACHE_SECONDS", 0)
    now = time.monotonic()
    hit = _printers.get(hall_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    printers = _DRIVEN_PRINTERS.objects(hall_id=hall_id)
    if ttl > 0:
        _printers[hall_id] = (now + ttl, printers)
    return printers


# What the choice of printer reads; health reports (online, status, last_seen) leave the cache.
_BINDING = {"hall", "hall_id", "kind", "name", "url", "enabled", "options", "gateway", "gateway_id"}


def forget_printers(update_fields=None, **_) -> None:
    if update_fields is None or _BINDING & set(update_fields):
        _printers.clear()


def printer_for_kiosk(kiosk: Device) -> Device | None:
    # A hall has a handful of printers: read them all in one statement and choose here.
    name = (kiosk.options or {}).get("printer")
    printers = _hall_printers(kiosk.hall_id)
    if name:
        for printer in printers:
            if printer.name == name:
                return printer
    return next((p for p in printers if (p.options or {}).get("kiosk") == kiosk.name), None)


def on_issued(event, actor):
    kiosk = getattr(actor, "device", None)
    if kiosk is None or kiosk.kind != DeviceKind.KIOSK:
        return
    printer = printer_for_kiosk(kiosk)
    if printer is None:
        return
    p = event.payload
    ticket = event.subject  # as issue_ticket holds it, with its matter and hall
    payload = print_payload(ticket, printer, ahead=p["ahead"], estimated_wait_s=p["estimated_wait_s"], kiosk=kiosk)
    queue_with_action(printer, CommandKind.PRINT, payload, ticket=ticket)


def ticket_content(ticket, *, ahead: int, estimated_wait_s: int):
    from devices.printer import TicketContent

    # The slip says what the kiosk's reply says (the same projection), plus what only paper needs.
    issued = ISSUED.of(ticket, ahead=ahead, estimated_wait_s=estimated_wait_s)
    priority = None
    if ticket.priority not in (Priority.NORMAL, Priority.APPOINTMENT):
        priority = str(Priority(ticket.priority).label)
    return TicketContent(
        hall_name=ticket.hall.name, number=issued["number"], service_name=issued["service_name"],
        ahead=issued["ahead"], estimated_wait_s=issued["estimated_wait_s"],
        issued_at=timezone.localtime(ticket.issued_at),  # the hall's clock, not UTC
        track_url=issued["track_url"], materials=ticket.service.materials or "", priority_label=priority,
    )


def ticket_bytes(ticket, printer: Device | None, *, ahead: int, estimated_wait_s: int) -> bytes:
    from devices.printer import render_ticket

    options = (printer.options if printer else None) or {}
    return render_ticket(ticket_content(ticket, ahead=ahead, estimated_wait_s=estimated_wait_s),
                         paper_mm=int(options.get("paper_mm", 58)), charset=options.get("charset", "gb18030"))


def print_payload(ticket, printer: Device, *, ahead: int, estimated_wait_s: int, kiosk: Device | None = None,
                  reprint: bool = False) -> dict:
    data = ticket_bytes(ticket, printer, ahead=ahead, estimated_wait_s=estimated_wait_s)
    return {
        "ticket": str(ticket.pk), "number": ticket.number, "kiosk": kiosk.pk if kiosk else None,
        "data": base64.b64encode(data).decode("ascii"), "paper_mm": int((printer.options or {}).get("paper_mm", 58)),
        "expires_at": time.time() + PRINT_TTL_S, "reprint": reprint,
    }


def print_ticket(ticket, printer: Device, *, ahead: int, estimated_wait_s: int, kiosk: Device | None = None,
                 reprint: bool = False) -> DeviceCommand:
    """Queue the ticket's bytes for ``printer``; must run inside a transaction."""
    payload = print_payload(ticket, printer, ahead=ahead, estimated_wait_s=estimated_wait_s, kiosk=kiosk,
                            reprint=reprint)
    return queue(printer, CommandKind.PRINT, payload, ticket=ticket)


def printed_bytes(command: DeviceCommand) -> bytes:
    return base64.b64decode(command.payload["data"])


def register():
    events.on_record("ticket.called", on_called)
    events.on_record("window.state", on_window_state)
    events.on_record("ticket.finished", on_finished)
    events.on_record("ticket.issued", on_issued)
    events.on_flush(_commands_rider)
    post_save.connect(forget_printers, sender=Device, dispatch_uid="forget-printers-save")
    post_delete.connect(forget_printers, sender=Device, dispatch_uid="forget-printers-delete")


REPRINTABLE = ("waiting", "called")  # TicketStatus values: a slip is still useful to the citizen


def reprint(ticket, actor) -> DeviceCommand:
    """补打: a new print command (its own id) for the ticket, on the kiosk's printer or the one it was printed on."""
    from hallops.core.errors import Conflict
    from hallops.core.read.position import ahead_and_wait

    if ticket.status not in REPRINTABLE:
        raise Conflict(_("只能补打等候中或已叫号的号票"), code="not_reprintable")
    kiosk = getattr(actor, "device", None)
    last = DeviceCommand.objects.filter(ticket=ticket, kind=CommandKind.PRINT).select_related("device").last()
    if kiosk is not None and kiosk.kind == DeviceKind.KIOSK:
        printer = printer_for_kiosk(kiosk)
    else:
        printer = last.device if last is not None else None
        kiosk = Device.objects.filter(pk=last.payload.get("kiosk")).first() if last is not None else None
    if printer is None:
        raise Conflict(_("没有可用的打印机"), code="no_printer")
    with transaction.atomic():
        # Locked so two reprints of one ticket at once cannot both take the last allowed one.
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("service", "hall").get(pk=ticket.pk)
        if ticket.status not in REPRINTABLE:  # again, under the lock
            raise Conflict(_("只能补打等候中或已叫号的号票"), code="not_reprintable")
        limit = settings.HALLOPS["REPRINT_MAX"]
        done = DeviceCommand.objects.filter(ticket=ticket, kind=CommandKind.PRINT, payload__reprint=True).count()
        if done >= limit:
            raise Conflict(_("该号票已补打 %(n)d 次，不能再补打") % {"n": done}, code="reprint_limit",
                           limit=limit)
        ahead, wait = ahead_and_wait(ticket)
        return print_ticket(ticket, printer, ahead=ahead or 0, estimated_wait_s=wait or 0, kiosk=kiosk, reprint=True)
