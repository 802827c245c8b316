"""确认告警: a lobby manager takes on an alert; every dashboard shows who and when."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import events
from ..clock import now as clock_now
from ..errors import Conflict, Invalid
from ..models import AlertAck


def acknowledge_alert(hall, key: str, *, actor, now=None) -> AlertAck:
    key = (key or "").strip()
    if not key or len(key) > 160:
        raise Invalid(_("告警标识无效"), code="bad_alert_key")
    now = now or clock_now()
    user = getattr(actor, "user", None)
    profile = getattr(user, "staff", None)
    name = profile.display_name if profile else (user.get_username() if user else str(actor))
    try:
        with transaction.atomic():
            ack = AlertAck.objects.create(hall=hall, key=key, by=user, by_name=name, at=now)
            events.record(hall.pk, "alert.acknowledged", {"key": key, "by": name, "at": now.isoformat()}, actor, now)
    except IntegrityError:
        raise Conflict(_("该告警已被确认"), code="alert_already_acknowledged") from None
    return ack
