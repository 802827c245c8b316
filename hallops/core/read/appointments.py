"""预约 as the hall shows it: a booking in events, the citizen's own booking, a block, a slot.

Never the phone or ID number in full (only the masked forms are stored), and the booking code only
in the citizen's own view: it is what lets its holder cancel, so events (which every screen of the
hall receives) leave it out.
"""

from datetime import timedelta

from django.conf import settings

from .projection import Field, Projection, Record, Timestamp, iso


def _public(path):
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


APPOINTMENT = Projection(
    "Appointment",
    id=Field(int),
    service=Field(str, get=lambda a: a.service.code, description="matter (事项) code"),
    slot_start=Field(Timestamp, get=lambda a: iso(a.slot_start)),
    slot_end=Field(Timestamp, get=lambda a: iso(a.slot_end)),
    status=Field(str, description="booked, checked_in, cancelled or no_show"),
)

BOOKING = Projection(
    "AppointmentOut",
    code=Field(str, description="预约码: typed or scanned at the kiosk to check in; also the key to cancel"),
    hall=Field(str, get=lambda a: a.hall.code),
    service=Field(str, get=lambda a: a.service.code),
    service_name=Field(str, get=lambda a: a.service.name),
    slot_start=Field(Timestamp, get=lambda a: iso(a.slot_start)),
    slot_end=Field(Timestamp, get=lambda a: iso(a.slot_end)),
    status=Field(str, description="booked, checked_in, cancelled or no_show"),
    name=Field(str, get="citizen_name"),
    phone=Field(str, get="citizen_phone", description="masked, 138****1234"),
    cancel_until=Field(Timestamp, get=lambda a: iso(a.slot_start - timedelta(minutes=a.hall.booking_cancel_minutes)),
                       description="cancelling is possible until this time"),
    page_url=Field(str, get=lambda a: _public(f"/b/{a.code}/"), description="the citizen's booking page"),
    qr_url=Field(str, get=lambda a: _public(f"/b/{a.code}/qr.svg"), description="QR of the code, for the kiosk's scanner"),
)

BLOCK = Projection(
    "BookingBlock",
    id=Field(int),
    phone=Field(str, get="phone_masked", description="masked"),
    no_shows=Field(int, description="no-shows that brought the block"),
    created_at=Field(Timestamp, get=lambda b: iso(b.created_at)),
    until=Field(Timestamp, get=lambda b: iso(b.until)),
    lifted_at=Field(Timestamp, get=lambda b: iso(b.lifted_at), nullable=True),
    lifted_by=Field(str, get=lambda b: b.lifted_by.get_username() if b.lifted_by_id else None, nullable=True),
    lift_reason=Field(str),
)

SLOT = Record(
    "Slot",
    start=Field(Timestamp), end=Field(Timestamp), capacity=Field(int),
    booked=Field(int, description="places held (booked or checked in)"), available=Field(int),
)
