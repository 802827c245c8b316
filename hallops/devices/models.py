"""Durable device traffic: commands to devices, and the reports already applied.

A DeviceCommand is written in the transaction of the state change that needs it (see
hallops.devices.adapters), so a committed call always has its display command and a rolled-back one has
none. The gateway executes it and acks; until then it is re-sent on every reconnect.
"""

import threading
import time
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

_order_lock = threading.Lock()
_last = [0]


def next_order() -> int:
    """Strictly increasing within the process (nanoseconds): commands of one transaction keep their order."""
    return next_orders(1)


def next_orders(n: int = 1000) -> int:
    """The first of ``n`` consecutive orders reserved for one statement's commands (the window's
    devices of one kind: a handful; a thousand nanoseconds are nothing to the clock)."""
    with _order_lock:
        first = max(_last[0] + 1, time.time_ns())
        _last[0] = first + n - 1
        return first


class CommandKind(models.TextChoices):
    PRINT = "print", _("打印")
    SHOW = "show", _("显示")
    CLEAR = "clear", _("清屏")
    PROMPT = "prompt", _("评价提示")
    RESET = "reset", _("复位")


class CommandStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    # A newer show/clear for the same display replaced it before it ran: only the latest state matters.
    SUPERSEDED = "superseded", _("已被替代")


OPEN_STATUSES = (CommandStatus.PENDING, CommandStatus.SENT)


class DeviceCommand(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device = models.ForeignKey("core.Device", on_delete=models.CASCADE, related_name="commands",
                               verbose_name=_("设备"))
    kind = models.CharField(_("命令"), max_length=10, choices=CommandKind.choices)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CommandStatus.choices,
                              default=CommandStatus.PENDING)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    order = models.BigIntegerField(default=next_order, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    # The ticket a print is for (reprints, print status on the kiosk, the preview).
    ticket = models.ForeignKey("core.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="device_commands")

    class Meta:
        verbose_name = _("设备命令")
        verbose_name_plural = _("设备命令")
        ordering = ["order"]
        indexes = [models.Index(fields=["device", "status"], name="devcmd_device_status")]

    def as_message(self) -> dict:
        return {"type": "command", "id": str(self.id), "device": self.device_id, "kind": self.kind,
                "payload": self.payload}

    def __str__(self):
        return f"{self.kind} → {self.device_id} ({self.status})"


class InboxMessage(models.Model):
    """A report from a gateway already applied: the same id sent again (after a lost ack) is not applied twice."""

    gateway = models.ForeignKey("core.Device", on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=30)
    received_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("设备上报")
        verbose_name_plural = _("设备上报")
        constraints = [models.UniqueConstraint(fields=["gateway", "message_id"], name="inbox_once_per_gateway")]
