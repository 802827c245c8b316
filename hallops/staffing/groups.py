"""Window groups: windows that share matters form one pool (一窗通办), and are advised together.

Two windows are in one group when a chain of shared matters links them; a matter belongs to the
group of the windows that serve it. Found in one query over the hall's window-matter links.
"""

from dataclasses import dataclass, field

from hallops.core.models import Service, WindowService
from hallops.core.models.window import window_number_key


@dataclass
class Group:
    key: str
    services: list = field(default_factory=list)  # Service rows, in the hall's order
    windows: list = field(default_factory=list)  # Window rows, in numeric order

    @property
    def name(self) -> str:
        names = [s.name for s in self.services]
        return "、".join(names[:3]) + (f" 等{len(names)}项" if len(names) > 3 else "")


def window_groups(hall) -> list[Group]:
    links = list(
        WindowService.objects.filter(window__hall=hall, service__active=True)
        .select_related("window", "service")
    )
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        parent[find(("w", link.window_id))] = find(("s", link.service_id))

    groups: dict = {}
    seen_windows, seen_services = set(), set()
    for link in links:
        g = groups.setdefault(find(("s", link.service_id)), Group(key=""))
        if link.service_id not in seen_services:
            seen_services.add(link.service_id)
            g.services.append(link.service)
        if link.window_id not in seen_windows:
            seen_windows.add(link.window_id)
            g.windows.append(link.window)
    out = []
    for g in groups.values():
        g.services.sort(key=lambda s: (s.order, s.code))
        g.windows.sort(key=lambda w: window_number_key(w.number))
        g.key = "+".join(sorted(s.code for s in g.services))
        out.append(g)
    out.sort(key=lambda g: window_number_key(g.windows[0].number))
    return out


def unserved_services(hall, groups) -> list[Service]:
    """Active matters no window serves: citizens can take a number nobody will call."""
    served = {s.pk for g in groups for s in g.services}
    return [s for s in Service.objects.filter(hall=hall, active=True) if s.pk not in served]
