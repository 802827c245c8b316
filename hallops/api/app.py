"""The NinjaAPI instance: /api/v1/, its error handlers, its routers, and the offline docs."""

from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.renderers import JSONRenderer

from hallops.core.errors import NotFound

from . import appointments, cases, docs, evaluations, halls, reports, sites, staffing, tickets, windows
from .auth import AUTH, actor_of
from .errors import document_every_reply, error_responses, install
from .schemas import MeOut

DESCRIPTION = """\
HTTP API of hallops (政务服务大厅排队与现场管理) for kiosks, third-party screens and the staff console.

Authentication: `Authorization: Bearer <token>` (device or staff token, `manage.py issue_token`),
or the Django session of a logged-in staff member; session requests that change something must send
the CSRF token as `X-CSRFToken`. Errors are `{"error": code, "message": text}`. See docs/api.md.
"""


class Renderer(JSONRenderer):
    # Chinese as UTF-8 text, not \uXXXX escapes: readable with curl and in logs.
    json_dumps_params = {"ensure_ascii": False}


class HallopsAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_every_reply(schema)


api = HallopsAPI(
    title="hallops API", version="1", description=DESCRIPTION, urls_namespace="api",
    auth=AUTH, docs=docs.OfflineSwagger(), renderer=Renderer(),
)
install(api)

api.add_router("/halls/", halls.router)
api.add_router("/halls/", staffing.router)
api.add_router("/halls/", reports.router)
api.add_router("/sites/", sites.router)
api.add_router("/halls/", appointments.halls_router)
api.add_router("/appointments/", appointments.router)
api.add_router("/booking-blocks/", appointments.blocks_router)
api.add_router("/tickets/", tickets.router)
api.add_router("/windows/", windows.router)
api.add_router("/tickets/", "hallops.api.devices.router")  # 补打 (reprint); devices/
api.add_router("/halls/", cases.hall_router)
api.add_router("/cases/", cases.router)
api.add_router("/tickets/", evaluations.ticket_router)
api.add_router("/halls/", evaluations.hall_router)
api.add_router("/evaluations/", evaluations.router)


@api.get("/me/", response={200: MeOut, **error_responses(401)}, auth=None, tags=["session"],
         summary="Who the credentials are; for a session, also the CSRF token to send back")
def me(request):
    actor = actor_of(request)
    if actor.device is not None:
        d = actor.device
        return {"kind": "device", "device": d.name, "device_kind": d.kind, "hall": d.hall.code, "window": d.window_id}
    if actor.user is not None:
        profile = actor.profile
        hall = profile.hall.code if profile is not None and profile.hall_id else None
        token = get_token(request) if request.headers.get("Authorization") is None else None
        return {"kind": "user", "username": actor.user.get_username(), "role": actor.role, "hall": hall,
                "csrf_token": token}
    return {"kind": "anonymous", "csrf_token": get_token(request)}


@api.get("/", auth=None, include_in_schema=False)
def index(request):
    return {"name": api.title, "version": api.version, "docs": request.path + "docs",
            "openapi": request.path + "openapi.json"}


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs-asset")
def docs_asset(request, name: str):
    return docs.asset(request, name)


# Registered last so its URL pattern comes after every real one: an unknown path under /api/v1/
# gets the JSON error format, not Django's HTML 404 page.
fallback = Router()


@fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None,
                        include_in_schema=False)
def unknown_endpoint(request, rest: str):
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            raise NotFound(_("没有该接口：路径须以 / 结尾"), code="no_such_endpoint")
    raise NotFound(_("没有该接口"), code="no_such_endpoint")


api.add_router("", fallback)
