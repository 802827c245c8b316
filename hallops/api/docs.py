"""Swagger UI served from django-ninja's own bundled files, never from a CDN.

ninja renders its CDN template unless "ninja" is in INSTALLED_APPS; the hall intranet has no
internet, so this page points at the package's static files through the API itself
(/api/v1/docs/assets/…), which works whatever the settings and without collectstatic.
"""

import json
import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.urls import reverse

from hallops.core.errors import NotFound

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png", "favicon.svg"})

PAGE = """<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <link type="text/css" rel="stylesheet" href="{{ assets }}swagger-ui.css">
  <link rel="icon" href="{{ assets }}favicon.svg" type="image/svg+xml">
  <title>{{ title }}</title>
</head>
<body data-csrf-token="{{ csrf }}" data-api-csrf="true">
  <script type="application/json" id="swagger-settings">{{ settings|safe }}</script>
  <div id="swagger-ui"></div>
  <script src="{{ assets }}swagger-ui-bundle.js"></script>
  <script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>
"""


class OfflineSwagger(ninja.Swagger):
    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        html = engines["django"].from_string(PAGE).render({
            "assets": reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": "favicon.png"}).rsplit("/", 1)[0] + "/",
            "title": api.title, "csrf": get_token(request),
            # Escape "</" so the settings cannot close the script element.
            "settings": json.dumps(settings).replace("</", "<\\/"),
        })
        return HttpResponse(html)


def asset(request, name: str):
    if name not in ASSETS:
        raise NotFound()
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(open(ASSET_DIR / name, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
