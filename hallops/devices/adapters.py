"""The one place where core state changes become device commands.

Registered with ``hallops.core.events.on_record`` (hallops.devices.apps), so every handler runs inside the
transaction of the state change: the command commits or rolls back with it. The gateway is told
after commit (hallops.devices.hub.notify).

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
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallops.core import events
from hallops.core.models import Device, DeviceKind, Priority, Ticket
from hallops.core.prepared import Prepared
from hallops.core.read.tickets import ISSUED

from .models import OPEN_STATUSES, CommandKind, CommandStatus, DeviceCommand

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


def queue(device: Device, kind: str, payload: dict, *, ticket=None) -> DeviceCommand:
    """Create a command in the current transaction; the gateway hears of it after commit."""
    if kind in (CommandKind.SHOW, CommandKind.CLEAR):
        # Only the latest state of a display matters; an older one not yet shown never will be.
        DeviceCommand.objects.filter(device=device, kind__in=(CommandKind.SHOW, CommandKind.CLEAR),
                                     status__in=OPEN_STATUSES).update(status=CommandStatus.SUPERSEDED)
    command = DeviceCommand.objects.create(device=device, kind=kind, payload=payload, ticket=ticket)
    from . import hub

    transaction.on_commit(lambda: hub.notify(device.gateway_id))
    return command


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


def on_called(event, actor):
    p = event.payload
    text = called_text(p["number"], p["window"]["number"])
    for d in _window_devices(p["window"]["id"], DeviceKind.WINDOW_DISPLAY):
        queue(d, CommandKind.SHOW, {"text": text, "blink": p.get("recall_count", 0) > 0})


def on_window_state(event, actor):
    w = event.payload["window"]
    state = w["state"]
    for d in _window_devices(w["id"], DeviceKind.WINDOW_DISPLAY):
        if state == "paused":
            queue(d, CommandKind.SHOW, {"text": PAUSED_TEXT, "blink": False})
        elif state == "closed":
            queue(d, CommandKind.CLEAR, {})
        elif state == "open":
            queue(d, CommandKind.SHOW, {"text": idle_text(w["number"]), "blink": False})
        # "serving": the ticket.called that follows in the same transaction shows the number.


def on_finished(event, actor):
    p = event.payload
    t = p["ticket"]
    for d in _window_devices(p["window"]["id"], DeviceKind.EVALUATION_PAD):
        queue(d, CommandKind.PROMPT, {"ticket": t["id"], "ticket_number": t["number"]})


def printer_for_kiosk(kiosk: Device) -> Device | None:
    # A hall has a handful of printers: read them all in one statement and choose here.
    name = (kiosk.options or {}).get("printer")
    printers = _DRIVEN_PRINTERS.objects(hall_id=kiosk.hall_id)
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
    ticket = Ticket.objects.select_related("service", "hall").get(pk=p["ticket"]["id"])
    print_ticket(ticket, printer, ahead=p["ahead"], estimated_wait_s=p["estimated_wait_s"], kiosk=kiosk)


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


def print_ticket(ticket, printer: Device, *, ahead: int, estimated_wait_s: int, kiosk: Device | None = None,
                 reprint: bool = False) -> DeviceCommand:
    """Queue the ticket's bytes for ``printer``; must run inside a transaction."""
    data = ticket_bytes(ticket, printer, ahead=ahead, estimated_wait_s=estimated_wait_s)
    payload = {
        "ticket": str(ticket.pk), "number": ticket.number, "kiosk": kiosk.pk if kiosk else None,
        "data": base64.b64encode(data).decode("ascii"), "paper_mm": int((printer.options or {}).get("paper_mm", 58)),
        "expires_at": time.time() + PRINT_TTL_S, "reprint": reprint,
    }
    return queue(printer, CommandKind.PRINT, payload, ticket=ticket)


def printed_bytes(command: DeviceCommand) -> bytes:
    return base64.b64decode(command.payload["data"])


def register():
    events.on_record("ticket.called", on_called)
    events.on_record("window.state", on_window_state)
    events.on_record("ticket.finished", on_finished)
    events.on_record("ticket.issued", on_issued)


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
