"""预约 slots and the rules around bookings: weekly templates, per-day exceptions, capacity
counters and blocks after repeated no-shows. The booking itself is Appointment (ticket.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [(0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")),
            (6, _("周日"))]


class SlotTemplate(models.Model):
    """A weekly slot of a matter: every such weekday (that is a working day) offers it."""

    service = models.ForeignKey("core.Service", on_delete=models.CASCADE, related_name="slot_templates",
                                verbose_name=_("事项"))
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=WEEKDAYS)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    capacity = models.PositiveIntegerField(_("可约人数"))

    class Meta:
        verbose_name = _("预约时段模板")
        verbose_name_plural = _("预约时段模板")
        ordering = ["service", "weekday", "start"]
        constraints = [
            models.UniqueConstraint(fields=["service", "weekday", "start"], name="slot_template_once"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="slot_template_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M} ×{self.capacity}"


class SlotException(models.Model):
    """A day whose slots differ from the week's: the day's rows replace its template slots.

    A row with capacity 0 offers nothing, so one such row closes the matter's booking that day.
    """

    service = models.ForeignKey("core.Service", on_delete=models.CASCADE, related_name="slot_exceptions",
                                verbose_name=_("事项"))
    day = models.DateField(_("日期"))
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    capacity = models.PositiveIntegerField(_("可约人数"), help_text=_("0 表示该时段不开放预约"))

    class Meta:
        verbose_name = _("预约时段例外")
        verbose_name_plural = _("预约时段例外")
        ordering = ["service", "day", "start"]
        constraints = [
            models.UniqueConstraint(fields=["service", "day", "start"], name="slot_exception_once"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="slot_exception_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.day} {self.start:%H:%M}-{self.end:%H:%M} ×{self.capacity}"


class SlotCounter(models.Model):
    """Bookings held in one slot. Incremented by a single conditional upsert, so capacity holds
    when many citizens book the last places at once (the row lock serialises them)."""

    service = models.ForeignKey("core.Service", on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "start"], name="one_counter_per_slot")]


class BookingBlock(models.Model):
    """Online booking refused to a person after repeated no-shows (爽约), until a day or until lifted."""

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="booking_blocks",
                             verbose_name=_("大厅"))
    phone_hash = models.CharField(max_length=64, db_index=True)
    id_hash = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    phone_masked = models.CharField(_("手机号"), max_length=20)
    no_shows = models.PositiveSmallIntegerField(_("爽约次数"))
    created_at = models.DateTimeField(_("限制开始"))
    until = models.DateTimeField(_("限制截止"))
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("解除人"))
    lift_reason = models.CharField(_("解除原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("预约限制")
        verbose_name_plural = _("预约限制")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone_masked} → {self.until:%Y-%m-%d}"
