"""Shared test plumbing: where PostgreSQL and Redis are, and what to do when they are not.

Tests that need a real PostgreSQL or Redis take the `pg_url` / `redis_url` fixtures. They are
opt-in: a plain `make test` never connects to (or creates databases on) a server it happens to
find at 127.0.0.1. They run when asked — HALLOPS_TEST_SERVICES=1, a HALLOPS_TEST_PG_URL /
HALLOPS_TEST_REDIS_URL of their own, or HALLOPS_REQUIRE_SERVICES=1 — and skip otherwise.
Where asked but unreachable they skip, except under HALLOPS_REQUIRE_SERVICES=1 (CI), where they
fail: a green CI must mean the production path ran.
"""

import os
import socket
from urllib.parse import urlsplit

import pytest

PG_URL = os.environ.get("HALLOPS_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("HALLOPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE = os.environ.get("HALLOPS_REQUIRE_SERVICES") == "1"
ASKED = {
    "PostgreSQL": REQUIRE or os.environ.get("HALLOPS_TEST_SERVICES") == "1" or "HALLOPS_TEST_PG_URL" in os.environ,
    "Redis": REQUIRE or os.environ.get("HALLOPS_TEST_SERVICES") == "1" or "HALLOPS_TEST_REDIS_URL" in os.environ,
}

# Every hall event the suite records is checked against its schema and a mismatch fails the test;
# the environment carries it to the daphne and gateway processes tests start.
os.environ["HALLOPS_STRICT_EVENTS"] = "1"


def pytest_configure(config):
    from django.conf import settings

    settings.HALLOPS["STRICT_EVENTS"] = True


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


def _need(url: str, what: str):
    if not ASKED[what]:
        pytest.skip(f"{what} tests are opt-in: set HALLOPS_TEST_SERVICES=1 (or HALLOPS_TEST_PG_URL / "
                    "HALLOPS_TEST_REDIS_URL) to run them against a local server")
    if not _reachable(url):
        message = f"{what} not reachable at {url}"
        if REQUIRE:
            pytest.fail(message + " (HALLOPS_REQUIRE_SERVICES=1)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def pg_url():
    """Server URL of a PostgreSQL to create throwaway databases on."""
    _need(PG_URL, "PostgreSQL")
    return PG_URL


@pytest.fixture(scope="session")
def redis_url():
    _need(REDIS_URL, "Redis")
    return REDIS_URL


@pytest.fixture
def artifacts_dir():
    """Screenshots and other files a person may want to look at after a run."""
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _default_language():
    """A request with Accept-Language: en leaves its thread in English; the next test starts in zh-hans."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _calendar_starts_empty():
    """Every test's database starts without calendar overrides, so the per-process cache starts
    empty and fresh: statement counts do not depend on which test ran before."""
    from hallops.core import calendar

    calendar.assume_no_overrides()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Device ids repeat from one test database to the next: each test starts with no issues counted."""
    from hallops.api import throttle

    throttle.reset()
    yield


@pytest.fixture(autouse=True)
def _fresh_token_cache():
    """Bearer-token lookups and a hall's printers are cached per process (hallops.core.authn,
    hallops.devices.adapters); each test starts without."""
    from hallops.core.authn import forget_tokens
    from hallops.devices.adapters import forget_printers

    forget_tokens(), forget_printers()
    yield
    forget_tokens(), forget_printers()


@pytest.fixture
def channel_layer():
    """A channel layer of the configured kind for this test alone, as the code under test finds it
    (get_channel_layer), and an event loop to receive on. The Redis layer binds its receive
    buffers to the first loop that receives, so a layer shared across tests cannot be received
    from on a new loop."""
    import asyncio

    from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    before = channel_layers.set(DEFAULT_CHANNEL_LAYER, layer)
    layer.loop = asyncio.new_event_loop()
    yield layer
    if before is None:
        channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)
    else:
        channel_layers.set(DEFAULT_CHANNEL_LAYER, before)
    layer.loop.close()
