from django.db import models
from django.utils.translation import gettext_lazy as _


class HallEvent(models.Model):
    """Append-only log of every state change in a hall, numbered without gaps.

    Screens resume from it after a reconnect (?since=SEQ); nothing ever updates a row.
    """

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="events", verbose_name=_("大厅"))
    seq = models.BigIntegerField(_("序号"))
    type = models.CharField(_("事件类型"), max_length=40)
    payload = models.JSONField(_("事件内容"), default=dict)
    actor = models.CharField(_("操作者"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("发生时间"))

    class Meta:
        verbose_name = _("大厅事件")
        verbose_name_plural = _("大厅事件")
        ordering = ["hall", "seq"]
        constraints = [models.UniqueConstraint(fields=["hall", "seq"], name="event_seq_per_hall")]

    def as_message(self) -> dict:
        return {"type": self.type, "seq": self.seq, "at": self.created_at.isoformat(), **self.payload}
