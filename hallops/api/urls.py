"""Mounted by hallops/urls.py at /api/v1/ under the namespace "api"."""

from functools import wraps

from django.http import JsonResponse
from django.utils.translation import gettext as _

from .app import api


def _json_405(view):
    # ninja answers a wrong method with a plain-text 405; keep the API's error format there too.
    @wraps(view)  # also copies csrf_exempt: ninja does its own CSRF check (auth.SessionAuth)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            return JsonResponse(
                {"error": "method_not_allowed", "message": _("该接口只接受 %(methods)s") % {"methods": allowed}, "details": {"allow": allowed}},
                status=405, headers={"Allow": allowed}, json_dumps_params={"ensure_ascii": False},
            )
        return response

    return wrapped


urlpatterns = api.urls[0]
for _pattern in urlpatterns:
    _pattern.callback = _json_405(_pattern.callback)
app_name = "api"
