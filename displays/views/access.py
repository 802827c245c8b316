"""Who may open a page: the same rules as the live sockets (hallops.core.actors), checked when rendering.

Device pages take the device token as ?token= the first time; the page then keeps it in a
cookie scoped to its own path (for reloads, so the server can check it again) and in
localStorage (for the socket and API calls), and strips it from the address bar.
Staff of the hall may open the hall screen and window screens with their session instead.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from hallops.core.authn import actor_from_request, actor_from_token, bearer
from hallops.core.errors import Forbidden, HallopsError, Unauthorized
from hallops.core.models import Hall, Window

DEVICE_COOKIE = "hallops_device"


def device_token(request):
    return request.GET.get("token") or bearer(request.headers.get("Authorization")) or request.COOKIES.get(DEVICE_COOKIE)


def page_actor(request):
    """The actor behind a page request: a device token (?token=, header or page cookie), else the session."""
    raw = device_token(request)
    if raw:
        return actor_from_token(raw)
    return actor_from_request(request)


def refuse(request, error: HallopsError):
    """Anonymous people are sent to log in; wrong credentials get a 403 page that says why."""
    if isinstance(error, Unauthorized) and not device_token(request) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    body = render_to_string("displays/refused.html", {"message": error.message}, request=request)
    return HttpResponseForbidden(body)


def hall_page(check, *, window=False, device_cookie=False):
    """View decorator: load the hall (and window), build the actor and run `check(actor, hall_or_window)`.

    The view receives (request, hall, [window,] actor). With device_cookie, a valid ?token= is kept
    in a cookie limited to the page's path.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, hall, window_id=None, **kwargs):
            hall_obj = get_object_or_404(Hall, code=hall)
            win = None
            if window:
                win = get_object_or_404(Window.objects.select_related("hall", "zone", "staff__staff"),
                                        hall=hall_obj, pk=window_id)
            try:
                actor = page_actor(request)
                check(actor, win if window else hall_obj.pk)
            except HallopsError as e:
                return refuse(request, e)
            args = (request, hall_obj, win, actor) if window else (request, hall_obj, actor)
            response = view(*args, **kwargs)
            raw = request.GET.get("token")
            if device_cookie and raw and actor.device is not None:
                response.set_cookie(DEVICE_COOKIE, raw, max_age=365 * 24 * 3600, path=request.path,
                                    httponly=True, samesite="Strict")
            return response

        return wrapper

    return decorate


def forbid(message=None):
    raise Forbidden(message)
