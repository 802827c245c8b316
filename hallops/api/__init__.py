"""The HTTP API (JSON) at /api/v1/: the integration contract for kiosks and third-party screens.

See docs/api.md. The NinjaAPI instance is hallops.api.app.api; hallops/urls.py mounts hallops.api.urls.
"""
