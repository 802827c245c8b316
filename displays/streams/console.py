"""Streams that act: the staff console of one window and the lobby dashboard.

Both call the same core actions as the HTTP API, after the same rules in hallops.core.actors.
"""

import uuid

from django.utils.translation import gettext as _

from hallops.core import actions as core
from hallops.core import actors, events
from hallops.core.clock import local_day
from hallops.core.clock import now as clock_now
from hallops.core.errors import NotFound
from hallops.core.lookups import window_by_id
from hallops.core.models import Ticket, TicketStatus, Window
from hallops.core.read.tickets import TICKET
from hallops.core.read.windows import WINDOW_SELECT, window_dict
from hallops.patrol.presence import absence_dict, announce_short_absence
from hallops.sockets import arg, text

from .. import snapshots
from .base import QUEUE_EVENTS, HallStream, WindowStream, tickets_of, window_id_of

WINDOW_ACTIONS = ("open", "pause", "resume", "close", "transfer")


def _ticket(t):
    return {"ticket": TICKET.maybe(t)}


def _window(w):
    return {"window": window_dict(Window.objects.select_related(*WINDOW_SELECT).get(pk=w.pk))}


class WindowActions:
    """Window actions shared by console and dashboard; `acting_window(content)` picks the window."""

    def acting_window(self, content, *, signing_in=False):
        raise NotImplementedError

    def do_open(self, content):
        return _window(core.open_window(self.acting_window(content), actor=self.actor))

    def do_pause(self, content):
        w = core.pause_window(self.acting_window(content), reason=text(content, "reason"),
                              stand_in=text(content, "stand_in"), actor=self.actor)
        return _window(w)

    def do_resume(self, content):
        return _window(core.resume_window(self.acting_window(content), actor=self.actor))

    def do_close(self, content):
        return _window(core.close_window(self.acting_window(content), actor=self.actor))

    def do_transfer(self, content):
        window = self.acting_window(content)
        service, to_window = core.transfer_targets(
            self.hall_id,
            service_code=arg(content, "service", required=False),
            window_id=arg(content, "to_window", int, required=False),
        )
        return _ticket(core.transfer(window, service=service, to_window=to_window, actor=self.actor))


class Console(WindowActions, WindowStream):
    """窗口工作台: call, recall, skip, start, finish, transfer, pause ... for one window."""

    name = "console"
    refresh_interval = 0.5  # staff watch their waiting list closely
    actions = {name: f"do_{name}" for name in (
        *WINDOW_ACTIONS, "call_next", "recall", "skip", "start", "finish", "call_number",
        "sign_in", "sign_out", "requeue", "change_priority", "short_absence",
    )}

    def authorize(self):
        self.load_window()
        # Staff of the hall may open the console to sign in; every action checks again.
        actors.authorize_window(self.actor, self.window, signing_in=True)
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

    def refresh_key(self):
        return ("console", self.window.pk)

    def refresh_state(self):
        seq = events.last_seq(self.hall_id)
        window = Window.objects.select_related("hall").get(pk=self.window.pk)
        return {"type": "waiting", "seq": seq, **snapshots.waiting_list(window)}

    def acting_window(self, content, *, signing_in=False):
        window = Window.objects.select_related("hall").get(pk=self.window.pk)  # fresh: who is signed in
        actors.authorize_window(self.actor, window, signing_in=signing_in)
        return window

    def do_call_next(self, content):
        return _ticket(core.call_next(self.acting_window(content), actor=self.actor))

    def do_call_number(self, content):
        return _ticket(core.call_number(self.acting_window(content), arg(content, "number"), actor=self.actor))

    def do_recall(self, content):
        return _ticket(core.recall(self.acting_window(content), actor=self.actor))

    def do_skip(self, content):
        return _ticket(core.skip(self.acting_window(content), actor=self.actor))

    def do_start(self, content):
        return _ticket(core.start(self.acting_window(content), actor=self.actor))

    def do_finish(self, content):
        return _ticket(core.finish(self.acting_window(content), filing_number=content.get("filing_number"),
                                   applicant_type=content.get("applicant_type"), actor=self.actor))

    def do_sign_in(self, content):
        window = self.acting_window(content, signing_in=True)
        return _window(core.sign_in(window, self.actor.user, actor=self.actor))

    def do_sign_out(self, content):
        return _window(core.sign_out(self.acting_window(content), actor=self.actor))

    def _named_ticket(self, content):
        tickets = Ticket.objects.filter(hall_id=self.hall_id)
        ticket_id = arg(content, "ticket", uuid.UUID, required=False)
        if ticket_id is not None:
            ticket = tickets.filter(pk=ticket_id).first()
        else:
            ticket = (tickets.filter(day=local_day(clock_now()), number=arg(content, "number").strip().upper())
                      .exclude(status=TicketStatus.TRANSFERRED).first())
        if ticket is None:
            raise NotFound(_("没有这个号"), code="ticket_not_found")
        return ticket

    def do_requeue(self, content):
        self.acting_window(content)
        return _ticket(core.requeue(self._named_ticket(content), actor=self.actor))

    def do_change_priority(self, content):
        self.acting_window(content)
        ticket = self._named_ticket(content)
        return _ticket(core.change_priority(ticket, arg(content, "priority"), reason=text(content, "reason"),
                                            actor=self.actor))

    def do_short_absence(self, content):
        window = self.acting_window(content)
        s = announce_short_absence(window, arg(content, "minutes", int), note=text(content, "note"),
                                   user=self.actor.user, actor=self.actor)
        return {"absence": absence_dict(s)}


class Dashboard(WindowActions, HallStream):
    """大厅值班长看板: the whole hall live; lobby managers open, pause, resume, close windows and transfer."""

    name = "dashboard"
    actions = {name: f"do_{name}" for name in WINDOW_ACTIONS}

    def authorize(self):
        actors.authorize_dashboard(self.actor, self.load_hall().pk)

    def snapshot(self):
        return snapshots.load_with_alerts(self.hall)

    def wants_refresh(self, event):
        return True

    def refresh_key(self):
        return "load"

    def refresh_state(self):
        return snapshots.load_with_alerts(self.hall)

    def refresh_frame(self, state):
        return {"type": "load", **state}

    def acting_window(self, content, *, signing_in=False):
        window = window_by_id(arg(content, "window", int), hall=self.hall_id)
        actors.authorize_window(self.actor, window)  # supervisors are refused here: read-only
        return window
