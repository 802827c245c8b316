"""Who may see patrol pages and camera pictures: supervisors and admins of the hall only
(hallops.core.actors.authorize_supervise, through the one page decorator hallops.pages.hall_page).
Window staff, lobby managers and devices get a 403; anonymous people are sent to log in. Every
picture served is written to the ViewLog.
"""

from hallops.core import actors
from hallops.pages import hall_page

from ..models import ViewLog

REFUSED = "patrol/refused.html"


def supervised(check=actors.authorize_supervise):
    """View decorator of the patrol pages: view(request, hall, actor, **kwargs), refusals on the patrol's page."""
    return hall_page(check, refused=REFUSED)


def client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def log_view(request, actor, action, *, camera=None, snapshot=None):
    user = actor.user
    ViewLog.objects.create(user=user, camera=camera or (snapshot.camera if snapshot else None), snapshot=snapshot,
                           action=action, ip=client_ip(request))
