from django.db import models


class HallEvent(models.Model):
    """Append-only log of every state change in a hall, numbered without gaps.

    Screens resume from it after a reconnect (?since=SEQ); nothing ever updates a row.
    """

    hall = models.ForeignKey("core.Hall", on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    actor = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["hall", "seq"]
        constraints = [models.UniqueConstraint(fields=["hall", "seq"], name="event_seq_per_hall")]

    def as_message(self) -> dict:
        return {"type": self.type, "seq": self.seq, "at": self.created_at.isoformat(), **self.payload}
