"""Read-only streams: hall screen, window display, kiosk, evaluation pad, a citizen's ticket page.

None of them can change the hall except the pad, which rates the matter just finished at its window.
"""

from django.utils.translation import gettext as _

from hallops.core import actors
from hallops.core.actions import record_evaluation
from hallops.core.errors import NotFound
from hallops.core.models import Evaluation, Ticket
from hallops.core.read.tickets import pad_ticket, public_ticket

from .. import snapshots
from .base import HallStreamConsumer, arg, db, hall_by_code, tickets_of, window_id_of, window_of

# The hall screen shows calls and window states; its counts come in the throttled `waiting` frame,
# so the other ticket events (×500 screens each) are not sent to it.
HALL_SCREEN_EVENTS = frozenset({"ticket.called", "window.state"})
# Events that move someone in or out of a queue (waiting counts, people ahead, estimates).
QUEUE_EVENTS = frozenset({
    "ticket.called", "ticket.issued", "ticket.skipped", "ticket.transferred", "ticket.requeued", "ticket.cancelled",
    "ticket.priority_changed",
    "tickets.expired",
})


class HallDisplayConsumer(HallStreamConsumer):
    """综合屏."""

    kind = "display"

    def setup(self, actor):
        hall = hall_by_code(self.scope["url_route"]["kwargs"]["hall"])
        self.hall, self.hall_id = hall, hall.pk
        actors.authorize_hall_screen(actor, hall.pk)

    def snapshot(self):
        return snapshots.hall_display(self.hall)

    def render(self, event):
        return [event] if event["type"] in HALL_SCREEN_EVENTS else []

    def wants_refresh(self, event):
        return event["type"] in QUEUE_EVENTS or event["type"] == "window.state"

    async def refresh(self):
        seq, services = await self.shared("services", lambda: snapshots.waiting_by_service(self.hall))
        return {"type": "waiting", "seq": seq, "services": services}


class WindowDisplayConsumer(HallStreamConsumer):
    """窗口屏: one window's staff card and current number."""

    kind = "window"

    def setup(self, actor):
        kwargs = self.scope["url_route"]["kwargs"]
        hall = hall_by_code(kwargs["hall"])
        self.hall_id = hall.pk
        self.window = window_of(hall, kwargs["window_id"])
        actors.authorize_window_screen(actor, self.window)

    def snapshot(self):
        return snapshots.window_screen(self.window)

    def render(self, event):
        return [event] if window_id_of(event) == self.window.pk else []


class KioskConsumer(HallStreamConsumer):
    """取号机: which matters are open, how many wait, how long, how many numbers are left."""

    kind = "kiosk"

    def setup(self, actor):
        hall = hall_by_code(self.scope["url_route"]["kwargs"]["hall"])
        self.hall, self.hall_id = hall, hall.pk
        actors.authorize_kiosk_screen(actor, hall.pk)

    def snapshot(self):
        return snapshots.kiosk(self.hall)

    def render(self, event):
        # A kiosk needs the recomputed list, not other citizens' tickets; only its own print results.
        if event["type"] == "print.result" and self.actor.device is not None and event.get("kiosk") == self.actor.device.pk:
            return [event]
        return []

    def wants_refresh(self, event):
        return event["type"] in QUEUE_EVENTS or event["type"] == "window.state"

    async def refresh(self):
        seq, services = await self.shared("services", lambda: snapshots.waiting_by_service(self.hall))
        return {"type": "services", "seq": seq, "services": services}


class PadConsumer(HallStreamConsumer):
    """评价器 (browser tablet): prompted when its window finishes a matter; sends the rating."""

    kind = "pad"
    actions = {"evaluate": "do_evaluate"}

    def setup(self, actor):
        kwargs = self.scope["url_route"]["kwargs"]
        hall = hall_by_code(kwargs["hall"])
        self.hall_id = hall.pk
        self.window = window_of(hall, kwargs["window_id"])
        actors.authorize_pad_screen(actor, self.window)

    def snapshot(self):
        return snapshots.pad(self.window)

    def render(self, event):
        if event["type"] == "ticket.finished" and window_id_of(event) == self.window.pk:
            return [{"type": "ticket.finished", "seq": event["seq"], "at": event.get("at"),
                     "ticket": pad_ticket(event["ticket"]), "window": event.get("window")}]
        return []

    def do_evaluate(self, content):
        actors.authorize_evaluate(self.actor, self.window)
        ticket = None
        if content.get("ticket"):
            ticket = Ticket.objects.filter(pk=arg(content, "ticket"), hall_id=self.hall_id).first()
            if ticket is None:
                raise NotFound(_("没有这个号"), code="ticket_not_found")
        evaluation, created = record_evaluation(
            self.window, content.get("level"), ticket=ticket, source=Evaluation.Source.PAD,
            device=self.actor.device, actor=self.actor,
        )
        return {"evaluation": {"ticket": evaluation.ticket.number, "level": evaluation.level, "created": created}}


class TicketConsumer(HallStreamConsumer):
    """A citizen's phone following one ticket (public: the UUID is the secret)."""

    kind = "ticket"
    refresh_interval = 2.0

    def _authenticate(self):
        # No login: the unguessable id in the URL is the credential.
        ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        try:
            t = snapshots.latest_of(ticket_id)
        except Ticket.DoesNotExist:
            raise NotFound(_("没有这个号"), code="ticket_not_found") from None
        self.hall_id, self.ticket_id, self.service = t.hall_id, str(t.pk), t.service.code
        self.status = t.status
        return actors.Actor.anonymous()

    def snapshot(self):
        return snapshots.ticket_tracking(self.ticket_id)

    def render(self, event):
        frames = []
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
            frame = {"type": event["type"], "seq": event["seq"], "at": event.get("at"),
                     "ticket": public_ticket(t)}
            if event["type"] == "ticket.called":
                frame["window"] = event.get("window")
            frames.append(frame)
            break
        return frames

    def wants_refresh(self, event):
        if self.status != "waiting" or event["type"] not in QUEUE_EVENTS:
            return False
        return event["type"] == "tickets.expired" or any(t["service"] == self.service for t in tickets_of(event))

    async def refresh(self):
        data = await db(snapshots.ticket_ahead)(self.ticket_id)
        if data.pop("ticket_status") != "waiting":
            return None
        return {"type": "ticket.ahead", **data}
