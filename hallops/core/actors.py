"""Who is acting, and what each kind of client may do. One place for every access rule.

An Actor is a staff member (session or token) or a device (device token). API views and
WebSocket consumers build one and ask these functions before calling an action.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .errors import Forbidden, Unauthorized
from .models import DeviceKind, Role


@dataclass(frozen=True)
class Actor:
    user: object = None
    device: object = None

    @classmethod
    def anonymous(cls):
        return cls()

    @property
    def is_anonymous(self) -> bool:
        return self.user is None and self.device is None

    @property
    def profile(self):
        return getattr(self.user, "staff", None) if self.user is not None else None

    @property
    def role(self):
        if self.user is not None and self.user.is_superuser:
            return Role.ADMIN
        profile = self.profile
        return profile.role if profile else None

    def in_hall(self, hall_id) -> bool:
        if self.device is not None:
            return self.device.hall_id == hall_id
        if self.role == Role.ADMIN and (self.profile is None or self.profile.hall_id is None):
            return True
        return self.profile is not None and self.profile.hall_id == hall_id

    def __str__(self):
        if self.device is not None:
            return f"device:{self.device.name}"
        if self.user is not None:
            return f"user:{self.user.get_username()}"
        return "anonymous"


def require_authenticated(actor: Actor):
    if actor.is_anonymous:
        raise Unauthorized()


def can_manage_hall(actor: Actor, hall_id) -> bool:
    return actor.role in (Role.LOBBY_MANAGER, Role.ADMIN) and actor.in_hall(hall_id)


def authorize_manage_hall(actor: Actor, hall_id):
    """Hall-wide acts of the lobby manager (确认告警, staffing actions): lobby managers and admins of the hall."""
    require_authenticated(actor)
    if actor.device is None and can_manage_hall(actor, hall_id):
        return
    raise Forbidden()


def authorize_window(actor: Actor, window, *, signing_in: bool = False):
    """Staff act only on the window they are signed in at; lobby managers on any window of their hall."""
    require_authenticated(actor)
    if actor.device is not None:
        raise Forbidden(_("设备不能操作窗口"))
    if can_manage_hall(actor, window.hall_id):
        return
    if actor.role == Role.WINDOW_STAFF and actor.in_hall(window.hall_id):
        if signing_in or window.staff_id == actor.user.pk:
            return
        raise Forbidden(_("只能操作本人签到的窗口"))
    raise Forbidden()


def authorize_issue(actor: Actor, hall_id):
    """Kiosks, and staff of the hall, take numbers; screens and pads cannot."""
    require_authenticated(actor)
    if actor.device is not None:
        if actor.device.kind == DeviceKind.KIOSK and actor.in_hall(hall_id):
            return
        raise Forbidden(_("该设备不能取号"))
    if actor.role in (Role.WINDOW_STAFF, Role.LOBBY_MANAGER, Role.ADMIN) and actor.in_hall(hall_id):
        return
    raise Forbidden()


def authorize_view_hall(actor: Actor, hall_id, *, staff_only: bool = False):
    """Read access to a hall's live state: its devices and staff; displays only when staff_only is False."""
    require_authenticated(actor)
    if actor.device is not None:
        if staff_only:
            raise Forbidden()
        if actor.in_hall(hall_id):
            return
        raise Forbidden()
    if actor.role is not None and actor.in_hall(hall_id):
        return
    raise Forbidden()


def authorize_supervise(actor: Actor, hall_id):
    """Camera images and patrols: supervisors and admins only."""
    require_authenticated(actor)
    if actor.device is None and actor.role in (Role.SUPERVISOR, Role.ADMIN) and actor.in_hall(hall_id):
        return
    raise Forbidden(_("仅督查人员可查看"))


def authorize_evaluate(actor: Actor, window):
    """Evaluation pads rate the window they are bound to."""
    require_authenticated(actor)
    device = actor.device
    if device is not None and device.kind == DeviceKind.EVALUATION_PAD and device.window_id == window.pk:
        return
    if device is not None and device.kind == DeviceKind.GATEWAY and device.hall_id == window.hall_id:
        return
    raise Forbidden(_("只有本窗口的评价器可以评价"))


# --- Live streams (WebSocket consumers): who may follow which screen -------------------------


def _device_of(actor: Actor, kind, hall_id, window=None) -> bool:
    d = actor.device
    return (d is not None and d.kind == kind and d.hall_id == hall_id
            and (window is None or d.window_id == window.pk))


def _staff_of_hall(actor: Actor, hall_id) -> bool:
    return actor.device is None and actor.role is not None and actor.in_hall(hall_id)


def authorize_hall_screen(actor: Actor, hall_id):
    """综合屏: the hall's screen devices, and staff of the hall (a browser on the screen PC)."""
    require_authenticated(actor)
    if _device_of(actor, DeviceKind.HALL_SCREEN, hall_id) or _staff_of_hall(actor, hall_id):
        return
    raise Forbidden()


def authorize_window_screen(actor: Actor, window):
    """窗口屏: the display bound to that window, and staff of the hall."""
    require_authenticated(actor)
    if _device_of(actor, DeviceKind.WINDOW_DISPLAY, window.hall_id, window) or _staff_of_hall(actor, window.hall_id):
        return
    raise Forbidden()


def authorize_kiosk_screen(actor: Actor, hall_id):
    require_authenticated(actor)
    if _device_of(actor, DeviceKind.KIOSK, hall_id):
        return
    raise Forbidden()


def authorize_pad_screen(actor: Actor, window):
    require_authenticated(actor)
    if _device_of(actor, DeviceKind.EVALUATION_PAD, window.hall_id, window):
        return
    raise Forbidden()


def authorize_dashboard(actor: Actor, hall_id):
    """Lobby dashboard: lobby managers, supervisors and admins watch it; acting goes through authorize_window."""
    require_authenticated(actor)
    if actor.device is None and actor.role in (Role.LOBBY_MANAGER, Role.SUPERVISOR, Role.ADMIN) and actor.in_hall(hall_id):
        return
    raise Forbidden()


def authorize_handle_ticket(actor: Actor, hall_id):
    """Cancel a ticket or requeue a skipped one (过号重排): window staff, lobby managers and admins of the hall."""
    require_authenticated(actor)
    if actor.device is None and actor.role in (Role.WINDOW_STAFF, Role.LOBBY_MANAGER, Role.ADMIN) \
            and actor.in_hall(hall_id):
        return
    raise Forbidden()


def authorize_sign_in(actor: Actor, window, user):
    """Staff sign themselves in at a window; lobby managers (and admins) may sign in another staff member."""
    if user is None or (actor.user is not None and actor.user.pk == user.pk):
        return authorize_window(actor, window, signing_in=True)
    require_authenticated(actor)
    if actor.device is None and can_manage_hall(actor, window.hall_id):
        return
    raise Forbidden(_("只有值班长可以为他人签到"))


def authorize_reprint(actor: Actor, hall_id):
    """补打号票: the hall's kiosks (on their own printer) and its staff who serve (console, lobby);
    supervisors only watch, and paper is spent."""
    require_authenticated(actor)
    if _device_of(actor, DeviceKind.KIOSK, hall_id) or (
            _staff_of_hall(actor, hall_id) and actor.role in (Role.WINDOW_STAFF, Role.LOBBY_MANAGER, Role.ADMIN)):
        return
    raise Forbidden(_("只有本大厅的取号机或工作人员可以补打"))


def authorize_booking_blocks(actor: Actor, hall_id):
    """See and lift blocks after repeated no-shows (爽约): lobby managers and admins of the hall."""
    require_authenticated(actor)
    if actor.device is None and can_manage_hall(actor, hall_id):
        return
    raise Forbidden(_("只有值班长可以解除预约限制"))


# --- 好差评 and cases (工单) ---------------------------------------------------------------------

CASE_MANAGERS = (Role.LOBBY_MANAGER, Role.SUPERVISOR, Role.ADMIN)


def case_scope(actor: Actor, hall_id) -> str:
    """Who sees which cases: "hall" (all, with the rater's contact) for lobby managers, supervisors and
    admins; "window" (their own window's, never the rater's identity) for window staff."""
    require_authenticated(actor)
    if actor.device is None and actor.in_hall(hall_id):
        if actor.role in CASE_MANAGERS:
            return "hall"
        if actor.role == Role.WINDOW_STAFF:
            return "window"
    raise Forbidden(_("无权查看工单"))


def authorize_open_case(actor: Actor, hall_id):
    """办不成事 is opened by whoever the citizen turns to; 12345 and 代办 by staff of the hall."""
    require_authenticated(actor)
    if actor.device is None and actor.role is not None and actor.in_hall(hall_id):
        return
    raise Forbidden(_("只有本大厅工作人员可以登记工单"))


def authorize_case_step(actor: Actor, case, step: str):
    """Lobby managers and supervisors move a case on; only a supervisor reviews an appeal (复核)."""
    require_authenticated(actor)
    if actor.device is None and actor.in_hall(case.hall_id):
        if step == "review":
            if actor.role in (Role.SUPERVISOR, Role.ADMIN):
                return
            raise Forbidden(_("复核须由督查人员进行"), code="review_by_supervisor")
        if actor.role in CASE_MANAGERS:
            return
    raise Forbidden(_("只有值班长或督查人员可以办理工单"))


def authorize_paper_rating(actor: Actor, ticket):
    """A paper form is typed in by staff of the hall, never by the person it rates."""
    require_authenticated(actor)
    if actor.device is not None or actor.role is None or not actor.in_hall(ticket.hall_id):
        raise Forbidden(_("只有本大厅工作人员可以录入纸质评价"))
    if ticket.staff_id is not None and ticket.staff_id == actor.user.pk:
        raise Forbidden(_("不能录入对本人的评价"), code="own_rating")


def authorize_filing(actor: Actor, ticket):
    """办件编号 and applicant type: the serving window's staff (or its business system's staff token),
    lobby managers and admins of the hall."""
    require_authenticated(actor)
    if actor.device is None and actor.in_hall(ticket.hall_id):
        if actor.role in (Role.LOBBY_MANAGER, Role.ADMIN):
            return
        if actor.role == Role.WINDOW_STAFF and ticket.staff_id == actor.user.pk:
            return
    raise Forbidden(_("只能登记本人办理的号"))


def authorize_figures(actor: Actor, hall_id):
    """好差评 figures, rankings and the provincial export: lobby managers, supervisors, admins."""
    require_authenticated(actor)
    if actor.device is None and actor.role in CASE_MANAGERS and actor.in_hall(hall_id):
        return
    raise Forbidden(_("仅值班长和督查人员可查看"))
