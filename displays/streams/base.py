"""What a kind of live stream is, declared: its URL parameters, who may open it, its snapshot, how it
renders each hall event, what it refreshes, which actions it takes.

Like Baserow's ws/registries.py PageType: the socket (displays.consumers.stream) is one short dispatcher
and a new kind of screen is a new small class here. A StreamKind instance lives as long as its socket;
its sync methods run in a DB thread, `render` and `wants_refresh` on the event loop (no DB there).
"""

import uuid

from django.utils.translation import gettext as _

from hallops.core.errors import NotFound
from hallops.core.lookups import hall_by_code, window_by_id
from hallops.sockets import BIGINT

# Events that move someone in or out of a queue (waiting counts, people ahead, estimates).
QUEUE_EVENTS = frozenset({
    "ticket.called", "ticket.issued", "ticket.skipped", "ticket.transferred", "ticket.requeued", "ticket.cancelled",
    "ticket.priority_changed",
    "tickets.expired",
})


class StreamKind:
    name = ""  # the snapshot's `kind`
    # URL keyword -> converter (raises NotFound for a value that names nothing).
    parameters: dict = {}
    # Whether the stream authenticates (the ticket page does not: its UUID is the secret).
    anonymous = False
    # Action name -> method name; each method (sync, DB) takes the frame and returns the result dict.
    actions: dict = {}
    refresh_interval = 1.0  # seconds between throttled state frames

    hall_id = None

    def __init__(self, actor, **params):
        self.actor = actor
        self.params = params

    def authorize(self):
        """Load what the stream is about and check the actor may see it; raise HallopsError to refuse."""
        raise NotImplementedError

    def snapshot(self) -> dict:
        """{"seq": N, ...} from one consistent read."""
        raise NotImplementedError

    def render(self, event) -> list[dict]:
        return [event]

    def wants_refresh(self, event) -> bool:
        return False

    def refresh_key(self):
        """Sockets of a hall whose refresh has the same key share one computation per process (None: own),
        and sockets of one kind among them one frame: refresh_frame must then depend on the state alone."""
        return None

    def refresh_state(self):
        """The data of a throttled state frame (sync, DB)."""
        return None

    def refresh_frame(self, state) -> dict | None:
        """The frame to send for `state`, or None."""
        return state


# --- parameter converters -----------------------------------------------------------------------

def hall_code(value) -> str:
    return str(value)


def window_pk(value) -> int:
    if not 0 < int(value) <= BIGINT:
        raise NotFound(_("本大厅没有这个窗口"), code="window_not_found")
    return int(value)


def ticket_uuid(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NotFound(_("没有这个号"), code="ticket_not_found") from None


# --- event helpers shared by the kinds (halls and windows: hallops.core.lookups) -----------------

def window_id_of(event):
    """The window an event is about, if any."""
    for key in ("window", "from", "ticket"):
        value = event.get(key)
        if isinstance(value, dict):
            if key == "window":
                return value.get("id")
            if isinstance(value.get("window"), dict):
                return value["window"].get("id")
    return None


def tickets_of(event) -> list[dict]:
    return [event[k] for k in ("from", "ticket") if isinstance(event.get(k), dict) and "service" in event[k]]


class HallStream(StreamKind):
    """A stream of one hall, named by its code."""

    parameters = {"hall": hall_code}

    def load_hall(self):
        self.hall = hall_by_code(self.params["hall"])
        self.hall_id = self.hall.pk
        return self.hall


class WindowStream(HallStream):
    """A stream of one window of a hall."""

    parameters = {"hall": hall_code, "window_id": window_pk}

    def load_window(self):
        self.window = window_by_id(self.params["window_id"], hall=self.load_hall())
        return self.window
