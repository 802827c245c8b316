from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAY_CHOICES = [
    (0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")), (6, _("周日")),
]

# 行政区划 levels: province 2 digits, city 4, county 6, township 9, village 12.
REGION_LEVELS = (2, 4, 6, 9, 12)


def region_prefix(code: str) -> str:
    """The significant part of a 行政区划 code: 430100000000 -> 4301, 110000 -> 11.

    A region's code is its parent's code followed by its own digits, padded with zeros; the
    prefix is what a sub-region's code starts with.
    """
    code = (code or "").strip()
    for length in REGION_LEVELS:
        if len(code) >= length and not code[length:].strip("0"):
            return code[:length]
    return code


class CalendarDay(models.Model):
    """A day the national calendar gets wrong for someone: a county's local holiday, a hall's
    closure, or next year's 调休 schedule entered before the package that carries it is updated.

    Scope: a hall (most specific), else a 行政区划 region and everything under it, else (neither)
    the whole deployment. The most specific entry for a date wins.
    """

    date = models.DateField(_("日期"))
    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="calendar_days", verbose_name=_("大厅"))
    region_code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True,
        help_text=_("如 430102000000 适用于该区及其下辖；与大厅都不填则全部适用"),
    )
    working = models.BooleanField(_("工作日"), help_text=_("勾选为上班（如调休上班日），不勾选为放假"))
    hours_weekday = models.PositiveSmallIntegerField(
        _("按星期几的开放时间"), choices=WEEKDAY_CHOICES, null=True, blank=True,
        help_text=_("调休上班日按哪一天的开放时间接待；不填则用大厅设置"),
    )
    note = models.CharField(_("说明"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "hall", "region_code"], name="calendar_day_scope",
                                    nulls_distinct=False),
        ]

    def clean(self):
        if self.region_code and not (self.region_code.isdigit() and len(self.region_code) in REGION_LEVELS):
            raise ValidationError({"region_code": _("行政区划代码应为 2、4、6、9 或 12 位数字")})
        if self.hall_id and self.region_code:
            raise ValidationError(_("大厅与行政区划只填一项"))

    def __str__(self):
        return f"{self.date} {'上班' if self.working else '放假'} {self.note}"
