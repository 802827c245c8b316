"""A matter (事项) and its queue: the kiosk's catalogue, the hall screen's waiting counts.

Every figure comes from hallops.core.estimates.service_figures, so the catalogue, the lobby
dashboard and the hall screen show the same waiting count, open windows and estimated wait.
"""

from ..clock import is_open, local_day
from ..clock import now as clock_now
from ..estimates import service_figures
from ..models import Service
from ..prepared import Joined
from .projection import Field, Projection

# Read with select_related("zone", "department").
SERVICE = Projection(
    "Service",
    code=Field(str),
    name=Field(str),
    zone=Field(str, lambda s: s.zone.code),
    zone_name=Field(str, lambda s: s.zone.name),
    department=Field(str, lambda s: s.department.name if s.department_id else None, nullable=True,
                     description="department name (部门), if set"),
    prefix=Field(str),
    bookable=Field(bool),
    materials=Field(str, description="一次性告知: materials to bring, one a line"),
    guide=Field(str, description="办事指南: conditions, steps, place; shown at the kiosk before the number is taken"),
    kind=Field(str, description="immediate (即办件) or promised (承诺件)"),
    expected_minutes=Field(int, description="usual handling time at the window, in minutes"),
    daily_quota=Field(int, nullable=True),
)

SERVICE_REF = SERVICE.variant("ServiceRef", "code", "name")
SERVICE_BRIEF = SERVICE.variant("ServiceBrief", "code", "name", "prefix")  # the console's transfer targets

WAITING = Field(int, description="tickets of the matter waiting now")
ESTIMATED_WAIT = Field(int, description="estimated wait for a number taken now, in seconds")
OPEN_WINDOWS = Field(int, description="open windows that serve this matter")

CATALOGUE_ROW = SERVICE.extend(
    "ServiceOut",
    waiting=WAITING,
    estimated_wait_s=ESTIMATED_WAIT,
    open_windows=OPEN_WINDOWS,
    open=Field(bool, description="the hall issues numbers now AND at least one open window serves the matter"),
    remaining_quota=Field(int, nullable=True, description="numbers left today; null when unlimited"),
)


_ACTIVE = Joined(lambda hall_id: Service.objects.filter(hall_id=hall_id, active=True),
                 model=Service, related=("zone", "department"))


def active_services(hall):
    """The hall's matters on offer, in kiosk order, with their zone and department."""
    return _ACTIVE.objects(hall_id=hall.pk)


_WITH_HALL = Joined(lambda hall, code: Service.objects.filter(hall__code=hall, code=code),
                   model=Service, related=("hall",))


def service_and_hall(hall_code: str, code: str) -> Service | None:
    """The matter with its hall (service.hall), named by the two codes a kiosk sends: one read where
    the hall and then its matter took two. None when either is unknown."""
    return _WITH_HALL.first(hall=str(hall_code), code=str(code))


def catalogue(hall, now=None) -> list[dict]:
    """Active matters of the hall with their queue, in kiosk order.

    "open" = the hall issues numbers now (opening hours) AND at least one open window serves
    the matter. It is advice for the kiosk screen: issuing itself only needs the hall open and
    quota left, so a citizen may take a number before the first window opens.
    """
    now = now or clock_now()
    services = active_services(hall)
    figures, _ = service_figures(hall, services, local_day(now), now)
    hall_open = is_open(hall, now)
    rows = []
    for s in services:
        f = figures[s.pk]
        rows.append(CATALOGUE_ROW.of(
            s, waiting=f["waiting"], estimated_wait_s=f["estimated_wait_s"], open_windows=f["open_windows"],
            open=hall_open and f["open_windows"] > 0,
            remaining_quota=None if s.daily_quota is None else max(0, s.daily_quota - f["quota_used"]),
        ))
    return rows
