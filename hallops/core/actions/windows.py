"""Window states (open, pause, resume, close) and staff signing in and out."""

from django.db import transaction
from django.utils.translation import gettext as _

from .. import events
from ..clock import now as clock_now
from ..errors import Conflict, Invalid
from ..lookups import WindowToActOn, no_such_window
from ..models import Role, Ticket, Window, WindowState
from ..models.ticket import ACTIVE_STATUSES
from ..prepared import Joined
from ..read.windows import window_dict

# Every action on a window starts here: compiled once (hallops.core.prepared).
_LOCKED = Joined(lambda pk: Window.objects.select_for_update(of=("self",)).filter(pk=pk),
                 model=Window, related=("hall", "zone", "staff", "staff__staff"))


def locked_window(window) -> Window:
    """The window row with its hall, zone and staff card, locked for the rest of the transaction
    (serialises actions on one window). A ``WindowToActOn`` is authorized here, on that row."""
    found = _LOCKED.first(pk=window.pk)
    if found is None:
        raise no_such_window()
    if isinstance(window, WindowToActOn):
        window.authorize(found)
    return found


def set_window_state(window, state, actor, now, *, written=False, **fields):
    """Change the window's state (and fields), recording a window.state event when it changes.

    ``written``: the caller has already written state and state_since in its own statement.
    """
    changed = window.state != state or fields
    if not changed:
        return
    window.state = state
    window.state_since = now
    for k, v in fields.items():
        setattr(window, k, v)
    if not written:
        window.save(update_fields=["state", "state_since", *fields])
    events.record(window.hall_id, "window.state", {"window": window_dict(window)}, actor, now)


def _has_active_ticket(window) -> bool:
    return Ticket.objects.filter(window=window, status__in=ACTIVE_STATUSES).exists()


def open_window(window, *, actor=None, now=None):
    """开窗 (also 临时增开窗口 by a lobby manager)."""
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        if window.state in (WindowState.OPEN, WindowState.SERVING):
            raise Conflict(_("窗口已开放"), code="window_already_open")
        set_window_state(window, WindowState.OPEN, actor, now, pause_reason="", stand_in="")
        return window


def pause_window(window, *, reason="", stand_in="", actor=None, now=None):
    """暂停服务; a stand-in (同岗替代) may be named so patrols know the seat is covered."""
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        if window.state != WindowState.OPEN:
            if window.state == WindowState.SERVING:
                raise Conflict(_("请先办结或过号当前号再暂停"), code="ticket_in_progress")
            raise Conflict(_("只有开放中的窗口可以暂停"), code="window_not_open")
        set_window_state(window, WindowState.PAUSED, actor, now,
                         pause_reason=(reason or "")[:80], stand_in=(stand_in or "")[:40])
        return window


def resume_window(window, *, actor=None, now=None):
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        if window.state != WindowState.PAUSED:
            raise Conflict(_("窗口未暂停"), code="window_not_paused")
        set_window_state(window, WindowState.OPEN, actor, now, pause_reason="", stand_in="")
        return window


def close_window(window, *, actor=None, now=None):
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        if _has_active_ticket(window):
            raise Conflict(_("请先办结或过号当前号再关闭窗口"), code="ticket_in_progress")
        if window.state == WindowState.CLOSED:
            raise Conflict(_("窗口已关闭"), code="window_already_closed")
        set_window_state(window, WindowState.CLOSED, actor, now, pause_reason="", stand_in="")
        return window


def sign_in(window, user, *, actor=None, now=None):
    """Staff sign in at a window (leaving any other window they were at); a closed window opens."""
    now = now or clock_now()
    profile = getattr(user, "staff", None)
    if profile is None or profile.role != Role.WINDOW_STAFF and not user.is_superuser:
        raise Invalid(_("只有窗口人员可以签到窗口"), code="not_window_staff")
    if profile.hall_id not in (None, window.hall_id):
        raise Invalid(_("不是本大厅的工作人员"), code="wrong_hall")
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        if window.staff_id and window.staff_id != user.pk:
            raise Conflict(_("该窗口已有人员签到"), code="window_occupied")
        for other in Window.objects.select_for_update().filter(staff=user).exclude(pk=window.pk):
            _leave(other, actor, now)
        if window.staff_id == user.pk:
            return window
        window.staff = user
        state = WindowState.OPEN if window.state == WindowState.CLOSED else window.state
        set_window_state(window, state, actor, now, staff=user)
        return window


def _leave(window, actor, now):
    window = locked_window(window)
    if _has_active_ticket(window):
        raise Conflict(_("请先办结%(w)s号窗口的当前号") % {"w": window.number}, code="ticket_in_progress")
    set_window_state(window, WindowState.CLOSED, actor, now, staff=None, pause_reason="", stand_in="")
    return window


def sign_out(window, *, actor=None, now=None):
    now = now or clock_now()
    with transaction.atomic(), events.batch():
        window = locked_window(window)
        if window.staff_id is None:
            raise Conflict(_("该窗口没有人员签到"), code="window_not_signed_in")
        return _leave(window, actor, now)  # the row _leave re-read and changed, not the stale one


