from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertAck(models.Model):
    """A lobby manager has seen an alert and taken it on (确认). Alerts themselves are derived from the
    live load and are not stored; the key names one episode of one alert (kind, subject, start)."""

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="alert_acks", verbose_name=_("大厅"))
    key = models.CharField(_("告警"), max_length=160)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                           verbose_name=_("确认人"))
    by_name = models.CharField(_("确认人姓名"), max_length=60)
    at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("告警确认")
        verbose_name_plural = _("告警确认")
        constraints = [models.UniqueConstraint(fields=["hall", "key"], name="alert_ack_once")]
