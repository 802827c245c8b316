import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    NORMAL = "normal", _("普通")
    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    PREGNANT = "pregnant", _("孕妇")
    MILITARY = "military", _("军人依法优先")
    GREEN = "green", _("绿色通道")
    APPOINTMENT = "appointment", _("预约")


# Queue classes, lowest first: statutory priorities, then appointments, then everybody else.
PRIORITY_RANK = {
    Priority.ELDERLY: 0, Priority.DISABLED: 0, Priority.PREGNANT: 0, Priority.MILITARY: 0, Priority.GREEN: 0,
    Priority.APPOINTMENT: 1,
    Priority.NORMAL: 2,
}


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("取号机")
    ONLINE = "online", _("网上取号")
    STAFF = "staff", _("窗口代取")
    APPOINTMENT = "appointment", _("预约签到")


class ApplicantType(models.TextChoices):
    """申请人类型, as provincial 好差评 platforms take it."""

    NATURAL = "natural", _("自然人")
    LEGAL = "legal", _("法人")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已办结")
    SKIPPED = "skipped", _("已过号")
    TRANSFERRED = "transferred", _("已转移")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已作废")


ACTIVE_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)


class DailyCounter(models.Model):
    """Last number issued for a prefix on a local day; its row lock serialises numbering."""

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, verbose_name=_("大厅"))
    prefix = models.CharField(_("号码前缀"), max_length=2)
    day = models.DateField(_("日期"))
    last = models.PositiveIntegerField(_("已发最大号"), default=0)

    class Meta:
        verbose_name = _("每日号码计数")
        verbose_name_plural = _("每日号码计数")
        constraints = [models.UniqueConstraint(fields=["hall", "prefix", "day"], name="one_counter_per_prefix_day")]


class Appointment(models.Model):
    """预约: booked online for a slot; checked in at the kiosk with its code."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已签到")
        CANCELLED = "cancelled", _("已取消")
        NO_SHOW = "no_show", _("爽约")

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="appointments", verbose_name=_("大厅"))
    service = models.ForeignKey(
        "core.Service", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("事项"),
    )
    code = models.CharField(_("预约码"), max_length=12, unique=True)
    citizen_name = models.CharField(_("姓名"), max_length=40, blank=True)
    # Staff see the phone and ID number masked (138****1234); the limits compare keyed hashes
    # (HMAC with the secret key, hallops/core/persons.py), so the full numbers are never stored.
    citizen_phone = models.CharField(_("手机号"), max_length=20, blank=True)
    id_masked = models.CharField(_("证件号"), max_length=24, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    id_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    day = models.DateField(_("预约日期"), null=True, blank=True)
    slot_start = models.DateTimeField(_("预约时段开始"))
    slot_end = models.DateTimeField(_("预约时段结束"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(_("预约时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("签到/取消/爽约时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["slot_start"]
        constraints = [
            # One active booking per person, per matter and day: the database refuses the second
            # even when both arrive at once.
            models.UniqueConstraint(
                fields=["service", "day", "phone_hash"], name="one_booking_per_phone_day",
                condition=models.Q(status__in=["booked", "checked_in"]) & ~models.Q(phone_hash=""),
            ),
            models.UniqueConstraint(
                fields=["service", "day", "id_hash"], name="one_booking_per_id_day",
                condition=models.Q(status__in=["booked", "checked_in"], id_hash__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["hall", "status", "slot_end"], name="appointment_due")]

    def __str__(self):
        return self.code


class Ticket(models.Model):
    # The id is public in the tracking URL, so it must be unguessable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="tickets", verbose_name=_("大厅"))
    service = models.ForeignKey("core.Service", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("事项"))
    day = models.DateField(_("日期"))
    number = models.CharField(_("号码"), max_length=12)
    priority = models.CharField(_("优先类别"), max_length=12, choices=Priority.choices, default=Priority.NORMAL)
    # 0 statutory priority, 1 appointment, 2 normal: the first sort key of call_next.
    rank = models.PositiveSmallIntegerField(_("排序级别"), default=2)
    channel = models.CharField(_("取号渠道"), max_length=12, choices=Channel.choices, default=Channel.KIOSK)
    status = models.CharField(_("状态"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    # Position in the queue: the issue time, moved back on requeue and forward to the slot for appointments.
    queue_at = models.DateTimeField(_("排队时间"))
    issued_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始办理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    window = models.ForeignKey(
        "core.Window", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("窗口"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("办理人员"),
    )
    # A transfer waits for one window only when it names one.
    target_window = models.ForeignKey(
        "core.Window", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("指定窗口"),
    )
    # Why staff or the guide (导办) changed the class, e.g. "军官证已核验"; the event keeps who and when.
    priority_reason = models.CharField(_("优先变更原因"), max_length=120, blank=True)
    recall_count = models.PositiveSmallIntegerField(_("重呼次数"), default=0)
    requeue_count = models.PositiveSmallIntegerField(_("过号重排次数"), default=0)
    transferred_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="transferred_to",
        verbose_name=_("转自"),
    )
    appointment = models.OneToOneField(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="ticket", verbose_name=_("预约"),
    )
    # 办件编号 of the business system (set at finish, or later through the API) and 申请人类型:
    # what provincial 好差评 platforms key a rating on.
    filing_number = models.CharField(_("办件编号"), max_length=64, blank=True)
    applicant_type = models.CharField(_("申请人类型"), max_length=10, choices=ApplicantType.choices, blank=True)

    class Meta:
        verbose_name = _("号票")
        verbose_name_plural = _("号票")
        ordering = ["-issued_at"]
        constraints = [
            # The database itself refuses a number issued twice.
            models.UniqueConstraint(
                fields=["hall", "day", "number"], condition=~models.Q(status="transferred"),
                name="number_once_per_hall_day",
            ),
        ]
        indexes = [
            # call_next probes the first few of each (service, rank) queue in (queue_at, id) order:
            # an index range, not a sort of the queue (id breaks ties, so it is in the index too).
            models.Index(fields=["service", "status", "rank", "queue_at", "id"], name="ticket_queue_head"),
            models.Index(fields=["hall", "day", "status"], name="ticket_hall_day_status"),
            models.Index(fields=["window", "status"], name="ticket_window_status"),
            # The rolling handling time (estimates.handle_seconds) reads a matter's latest finished
            # tickets at every issue: an index range, not a sort of the matter's whole history.
            models.Index(fields=["service", "status", "finished_at"], name="ticket_recent_done"),
        ]

    def __str__(self):
        return self.number
