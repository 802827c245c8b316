"""Read-only streams: hall screen, window display, kiosk, evaluation pad, a citizen's ticket page.

None of them can change the hall except the pad, which rates the matter just finished at its window.
"""

import uuid

from django.utils.translation import gettext as _

from hallops.core import actors
from hallops.core.errors import NotFound
from hallops.core.models import Evaluation, Ticket
from hallops.core.read.tickets import pad_ticket, public_ticket
from hallops.evaluations.ratings import record_evaluation
from hallops.sockets import arg

from .. import snapshots
from .base import QUEUE_EVENTS, HallStream, StreamKind, WindowStream, ticket_uuid, tickets_of, window_id_of

# The hall screen shows calls and window states; its counts come in the throttled `waiting` frame,
# so the other ticket events (×500 screens each) are not sent to it.
# The grid of windows follows each window's current number: called, and cleared when it ends.
HALL_SCREEN_EVENTS = frozenset({"ticket.called", "window.state", "ticket.finished", "ticket.skipped",
                                "ticket.transferred"})


def called_after_in_its_action(event) -> bool:
    """Whether the action that published `event` (a finish or a skip) went on to call a number at the
    same window: 下一位 finishes and calls in one action. The tile shows the new number either way,
    so a hall screen gets that call alone, one frame per call instead of two (×500 screens). Events
    replayed from the log carry no action and are all sent."""
    action = getattr(event, "action", None)
    if not action:
        return False
    window = (event.get("window") or event.get("ticket", {}).get("window") or {}).get("id")
    later = (e for e in action if e.get("seq", 0) > event.get("seq", 0))
    return window is not None and any(
        e.get("type") == "ticket.called" and (e.get("window") or {}).get("id") == window for e in later)


class HallScreen(HallStream):
    """综合屏."""

    name = "display"

    def authorize(self):
        actors.authorize_hall_screen(self.actor, self.load_hall().pk)

    def snapshot(self):
        return snapshots.hall_display(self.hall)

    def render(self, event):
        if event["type"] not in HALL_SCREEN_EVENTS:
            return []
        if event["type"] in ("ticket.finished", "ticket.skipped") and called_after_in_its_action(event):
            return []
        return [event]

    def wants_refresh(self, event):
        return event["type"] in QUEUE_EVENTS or event["type"] == "window.state"

    def refresh_key(self):
        return "services"

    def refresh_state(self):
        return snapshots.waiting_by_service(self.hall)

    def refresh_frame(self, state):
        seq, services = state
        return {"type": "waiting", "seq": seq, "services": services}


class WindowScreen(WindowStream):
    """窗口屏: one window's staff card and current number."""

    name = "window"

    def authorize(self):
        actors.authorize_window_screen(self.actor, self.load_window())

    def snapshot(self):
        return snapshots.window_screen(self.window)

    def render(self, event):
        return [event] if window_id_of(event) == self.window.pk else []


class Kiosk(HallScreen):
    """取号机: which matters are open, how many wait, how long, how many numbers are left."""

    name = "kiosk"

    def authorize(self):
        actors.authorize_kiosk_screen(self.actor, self.load_hall().pk)

    def snapshot(self):
        return snapshots.kiosk(self.hall)

    def render(self, event):
        # A kiosk needs the recomputed list, not other citizens' tickets; only its own print results.
        device = self.actor.device
        if event["type"] == "print.result" and device is not None and event.get("kiosk") == device.pk:
            return [event]
        return []

    def refresh_frame(self, state):
        seq, services = state
        return {"type": "services", "seq": seq, "services": services}


class Pad(WindowStream):
    """评价器 (browser tablet): prompted when its window finishes a matter; sends the rating."""

    name = "pad"
    actions = {"evaluate": "do_evaluate"}

    def authorize(self):
        actors.authorize_pad_screen(self.actor, self.load_window())

    def snapshot(self):
        return snapshots.pad(self.window)

    def render(self, event):
        if window_id_of(event) != self.window.pk:
            return []
        if event["type"] == "window.state":  # who is signed in: the staff card
            return [{"type": "window.state", "seq": event["seq"], "staff": event["window"].get("staff")}]
        if event["type"] in ("ticket.called", "ticket.started"):  # serving: show the card, no citizen data
            return [{"type": event["type"], "seq": event["seq"]}]
        if event["type"] == "ticket.finished":
            return [{"type": "ticket.finished", "seq": event["seq"], "at": event.get("at"),
                     "ticket": pad_ticket(event["ticket"]), "window": event.get("window")}]
        return []

    def do_evaluate(self, content):
        actors.authorize_evaluate(self.actor, self.window)
        ticket = None
        ticket_id = arg(content, "ticket", kind=uuid.UUID, required=False)
        if ticket_id is not None:
            ticket = Ticket.objects.filter(pk=ticket_id, hall_id=self.hall_id).first()
            if ticket is None:
                raise NotFound(_("没有这个号"), code="ticket_not_found")
        evaluation, created = record_evaluation(
            self.window, content.get("level"), ticket=ticket, source=Evaluation.Source.TABLET,
            reasons=content.get("reasons") or (), comment=content.get("comment") or "",
            indicators=content.get("indicators") or None, device=self.actor.device, actor=self.actor,
        )
        return {"evaluation": {"ticket": evaluation.ticket.number, "level": evaluation.level, "created": created}}


class TicketTracking(StreamKind):
    """A citizen's phone following one ticket (public: the UUID is the secret)."""

    name = "ticket"
    parameters = {"ticket_id": ticket_uuid}
    anonymous = True
    refresh_interval = 2.0

    def authorize(self):
        try:
            t = snapshots.latest_of(self.params["ticket_id"])
        except Ticket.DoesNotExist:
            raise NotFound(_("没有这个号"), code="ticket_not_found") from None
        self.hall_id, self.ticket_id, self.service = t.hall_id, str(t.pk), t.service.code
        self.status = t.status

    def snapshot(self):
        return snapshots.ticket_tracking(self.ticket_id)

    def render(self, event):
        for t in tickets_of(event):
            if t["id"] != self.ticket_id:
                continue
            if event["type"] == "ticket.transferred":
                # The citizen keeps the number; follow the new ticket and its matter.
                new = event["ticket"]
                self.ticket_id, self.service, self.status = new["id"], new["service"], new["status"]
                t = new
            else:
                self.status = t["status"]
            frame = {"type": event["type"], "seq": event["seq"], "at": event.get("at"), "ticket": public_ticket(t)}
            if event["type"] == "ticket.called":
                frame["window"] = event.get("window")
            return [frame]
        return []

    def wants_refresh(self, event):
        if self.status != "waiting" or event["type"] not in QUEUE_EVENTS:
            return False
        return event["type"] == "tickets.expired" or any(t["service"] == self.service for t in tickets_of(event))

    def refresh_state(self):
        return snapshots.ticket_ahead(self.ticket_id)

    def refresh_frame(self, state):
        if state.pop("ticket_status") != "waiting":
            return None
        return {"type": "ticket.ahead", **state}
