"""hallops.settings plus one bare Django JSON view (/bench/bare/), the floor of the request path."""

from hallops.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.bench_urls"
