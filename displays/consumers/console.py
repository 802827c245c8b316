"""Streams that act: the staff console of one window and the lobby dashboard.

Both call the same core actions as the HTTP API, after the same rules in hallops.core.actors.
"""

from django.utils.translation import gettext as _

from hallops.core import actions as core
from hallops.core import actors, events
from hallops.core.clock import local_day
from hallops.core.clock import now as clock_now
from hallops.core.errors import NotFound
from hallops.core.models import Ticket, TicketStatus, Window
from hallops.core.read.tickets import TICKET
from hallops.core.read.windows import WINDOW_SELECT, window_dict

from hallops.patrol.presence import absence_dict, announce_short_absence

from .. import snapshots
from .base import HallStreamConsumer, arg, hall_by_code, tickets_of, window_id_of, window_of
from .screens import QUEUE_EVENTS


def _ticket(t):
    return {"ticket": TICKET.maybe(t)}


def _window(w):
    return {"window": window_dict(Window.objects.select_related(*WINDOW_SELECT).get(pk=w.pk))}


class WindowActions:
    """Window actions shared by console and dashboard; `_acting_window(content)` picks the window."""

    def _acting_window(self, content, *, signing_in=False):
        raise NotImplementedError

    def _other_window(self, window_id):
        w = Window.objects.filter(hall_id=self.hall_id, pk=window_id).first()
        if w is None:
            raise NotFound(_("本大厅没有这个窗口"), code="window_not_found")
        return w

    def do_open(self, content):
        return _window(core.open_window(self._acting_window(content), actor=self.actor))

    def do_pause(self, content):
        w = core.pause_window(self._acting_window(content), reason=str(content.get("reason") or ""),
                              stand_in=str(content.get("stand_in") or ""), actor=self.actor)
        return _window(w)

    def do_resume(self, content):
        return _window(core.resume_window(self._acting_window(content), actor=self.actor))

    def do_close(self, content):
        return _window(core.close_window(self._acting_window(content), actor=self.actor))

    def do_transfer(self, content):
        window = self._acting_window(content)
        service, to_window = core.transfer_targets(
            self.hall_id,
            service_code=arg(content, "service") if content.get("service") else None,
            window_id=arg(content, "to_window", int) if content.get("to_window") else None,
        )
        return _ticket(core.transfer(window, service=service, to_window=to_window, actor=self.actor))


class ConsoleConsumer(WindowActions, HallStreamConsumer):
    """窗口工作台: call, recall, skip, start, finish, transfer, pause ... for one window."""

    kind = "console"
    refresh_interval = 0.5  # staff watch their waiting list closely
    actions = {name: f"do_{name}" for name in (
        "call_next", "recall", "skip", "start", "finish", "transfer", "call_number", "pause", "resume", "open",
        "close", "sign_in", "sign_out", "requeue", "change_priority", "short_absence",
    )}

    def setup(self, actor):
        kwargs = self.scope["url_route"]["kwargs"]
        hall = hall_by_code(kwargs["hall"])
        self.hall_id = hall.pk
        self.window = window_of(hall, kwargs["window_id"])
        # Staff of the hall may open the console to sign in; every action checks again.
        actors.authorize_window(actor, self.window, signing_in=True)
        self.service_codes = snapshots.service_codes_of(self.window)

    def snapshot(self):
        return snapshots.console(self.window)

    def render(self, event):
        return [event] if window_id_of(event) == self.window.pk else []

    def wants_refresh(self, event):
        if event["type"] not in QUEUE_EVENTS:
            return False
        if event["type"] == "tickets.expired" or (event.get("to_window") or {}).get("id") == self.window.pk:
            return True
        return any(t["service"] in self.service_codes for t in tickets_of(event))

    async def refresh(self):
        def build():
            seq = events.last_seq(self.hall_id)
            window = Window.objects.select_related("hall").get(pk=self.window.pk)
            return {"type": "waiting", "seq": seq, **snapshots.waiting_list(window)}
        return await self.shared(("console", self.window.pk), build)

    def _acting_window(self, content, *, signing_in=False):
        window = Window.objects.select_related("hall").get(pk=self.window.pk)  # fresh: who is signed in
        actors.authorize_window(self.actor, window, signing_in=signing_in)
        return window

    def do_call_next(self, content):
        return _ticket(core.call_next(self._acting_window(content), actor=self.actor))

    def do_call_number(self, content):
        return _ticket(core.call_number(self._acting_window(content), arg(content, "number"), actor=self.actor))

    def do_recall(self, content):
        return _ticket(core.recall(self._acting_window(content), actor=self.actor))

    def do_skip(self, content):
        return _ticket(core.skip(self._acting_window(content), actor=self.actor))

    def do_start(self, content):
        return _ticket(core.start(self._acting_window(content), actor=self.actor))

    def do_finish(self, content):
        return _ticket(core.finish(self._acting_window(content), actor=self.actor))

    def do_sign_in(self, content):
        window = self._acting_window(content, signing_in=True)
        return _window(core.sign_in(window, self.actor.user, actor=self.actor))

    def do_sign_out(self, content):
        return _window(core.sign_out(self._acting_window(content), actor=self.actor))

    def _named_ticket(self, content):
        tickets = Ticket.objects.filter(hall_id=self.hall_id)
        if content.get("ticket"):
            ticket = tickets.filter(pk=arg(content, "ticket")).first()
        else:
            ticket = (tickets.filter(day=local_day(clock_now()), number=arg(content, "number").strip().upper())
                      .exclude(status=TicketStatus.TRANSFERRED).first())
        if ticket is None:
            raise NotFound(_("没有这个号"), code="ticket_not_found")
        return ticket

    def do_requeue(self, content):
        self._acting_window(content)
        return _ticket(core.requeue(self._named_ticket(content), actor=self.actor))

    def do_change_priority(self, content):
        self._acting_window(content)
        ticket = self._named_ticket(content)
        return _ticket(core.change_priority(ticket, arg(content, "priority"), reason=str(content.get("reason") or ""),
                                            actor=self.actor))

    def do_short_absence(self, content):
        window = self._acting_window(content)
        s = announce_short_absence(window, arg(content, "minutes", int), note=str(content.get("note") or ""),
                                   user=self.actor.user, actor=self.actor)
        return {"absence": absence_dict(s)}


class DashboardConsumer(WindowActions, HallStreamConsumer):
    """大厅值班长看板: the whole hall live; lobby managers open, pause, resume, close windows and transfer."""

    kind = "dashboard"
    actions = {name: f"do_{name}" for name in ("open", "pause", "resume", "close", "transfer")}

    def setup(self, actor):
        hall = hall_by_code(self.scope["url_route"]["kwargs"]["hall"])
        self.hall, self.hall_id = hall, hall.pk
        actors.authorize_dashboard(actor, hall.pk)

    def snapshot(self):
        return snapshots.load_with_alerts(self.hall)

    def wants_refresh(self, event):
        return True

    async def refresh(self):
        return {"type": "load", **await self.shared("load", lambda: snapshots.load_with_alerts(self.hall))}

    def _acting_window(self, content, *, signing_in=False):
        window = self._other_window(arg(content, "window", int))
        actors.authorize_window(self.actor, window)  # supervisors are refused here: read-only
        return window
