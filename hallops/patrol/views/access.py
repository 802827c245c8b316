"""Who may see patrol pages and camera pictures: supervisors and admins of the hall only
(hallops.core.actors.authorize_supervise). Window staff, lobby managers and devices get a 403;
anonymous people are sent to log in. Every picture served is written to the ViewLog.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from hallops.core import actors
from hallops.core.authn import actor_from_request, actor_from_token
from hallops.core.errors import HallopsError, Unauthorized
from hallops.core.models import Hall

from ..models import ViewLog


def request_actor(request):
    """Bearer header or ?token= (a device trying its luck), else the session."""
    raw = request.GET.get("token")
    if raw:
        return actor_from_token(raw)
    return actor_from_request(request)


def refuse(request, error: HallopsError):
    if isinstance(error, Unauthorized) and not request.GET.get("token") \
            and "Authorization" not in request.headers and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    body = render_to_string("patrol/refused.html", {"message": error.message}, request=request)
    return HttpResponseForbidden(body)


def supervised(check=actors.authorize_supervise):
    """View decorator: load the hall, check the actor, call view(request, hall, actor, **kwargs)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, hall, **kwargs):
            hall_obj = get_object_or_404(Hall, code=hall)
            try:
                actor = request_actor(request)
                check(actor, hall_obj.pk)
            except HallopsError as e:
                return refuse(request, e)
            return view(request, hall_obj, actor, **kwargs)

        return wrapper

    return decorate


def client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def log_view(request, actor, action, *, camera=None, snapshot=None):
    user = actor.user
    ViewLog.objects.create(user=user, camera=camera or (snapshot.camera if snapshot else None), snapshot=snapshot,
                           action=action, ip=client_ip(request))
