"""Who may open a page: one decorator for the hall's pages (displays) and the patrol pages.

The rules are those of the live sockets (hallops.core.actors), checked when rendering. Device
pages take the device token as ?token= the first time; the page then keeps it in a cookie scoped
to its own path (for reloads, so the server can check it again) and in localStorage (for the
socket and API calls), and strips it from the address bar. Staff of the hall may open the hall
screen and window screens with their session instead.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseForbidden
from django.template.loader import render_to_string

from hallops.core.authn import actor_from_request, actor_from_token, bearer
from hallops.core.errors import HallopsError, NotFound, Unauthorized
from hallops.core.lookups import hall_by_code, window_by_id

DEVICE_COOKIE = "hallops_device"
REFUSED = "displays/refused.html"


def device_token(request):
    return request.GET.get("token") or bearer(request.headers.get("Authorization")) or request.COOKIES.get(DEVICE_COOKIE)


def page_actor(request):
    """The actor behind a page request: a device token (?token=, header or page cookie), else the session."""
    raw = device_token(request)
    if raw:
        return actor_from_token(raw)
    return actor_from_request(request)


def refuse(request, error: HallopsError, template: str = REFUSED):
    """Anonymous people are sent to log in; wrong credentials get a 403 page that says why."""
    if isinstance(error, Unauthorized) and not device_token(request) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    body = render_to_string(template, {"message": error.message}, request=request)
    return HttpResponseForbidden(body)


def or_404(lookup, *args, **kwargs):
    """A hallops.core.lookups lookup for a page: what names nothing is the page's 404."""
    try:
        return lookup(*args, **kwargs)
    except NotFound as e:
        raise Http404(e.message) from None


def hall_page(check, *, window=False, device_cookie=False, refused=REFUSED):
    """View decorator: load the hall (and window), build the actor and run `check(actor, hall_or_window)`.

    The view receives (request, hall, [window,] actor). With device_cookie, a valid ?token= is kept
    in a cookie limited to the page's path. ``refused`` is the template of the 403 page.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, hall, window_id=None, **kwargs):
            hall_obj = or_404(hall_by_code, hall)
            win = or_404(window_by_id, window_id, hall=hall_obj) if window else None
            try:
                actor = page_actor(request)
                check(actor, win if window else hall_obj.pk)
            except HallopsError as e:
                return refuse(request, e, refused)
            args = (request, hall_obj, win, actor) if window else (request, hall_obj, actor)
            response = view(*args, **kwargs)
            raw = request.GET.get("token")
            if device_cookie and raw and actor.device is not None:
                response.set_cookie(DEVICE_COOKIE, raw, max_age=365 * 24 * 3600, path=request.path,
                                    httponly=True, samesite="Strict")
            return response

        return wrapper

    return decorate
