"""WSGI entry point: the HTTP API and pages under a threaded WSGI server (gunicorn gthread).

daphne runs every synchronous view of a process on one thread; a gthread worker runs one view per
thread, so a process serves several requests at once. Sockets (/ws/) stay on daphne
(hallops.asgi); events published here reach them through the Redis channel layer
(docs/deploy.md).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallops.settings")
application = get_wsgi_application()

from hallops.core import events  # noqa: E402  (models load only after Django is set up)

# Worker threads have no event loop; each keeps one for its sends to Redis (hallops.core.events).
events.keep_a_loop_per_thread()
