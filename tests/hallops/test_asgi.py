"""hallops.asgi serves HTTP with Django's synchronous middleware chain entered once per request.

The stock ASGI handler runs the chain asynchronously, and each synchronous middleware hook is then a
hop to the worker thread of its own (about twenty per request, more than the view costs).
"""

import json

import pytest
from asgiref import sync
from asgiref.testing import ApplicationCommunicator

from hallops.asgi import application, django_asgi_app

pytestmark = pytest.mark.django_db(transaction=True)


async def get(path, headers=()):
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers], "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    app = ApplicationCommunicator(application, scope)
    await app.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await app.receive_output(10)
    body = b""
    while True:
        message = await app.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await app.wait(10)
    return start["status"], {k.lower(): v for k, v in start["headers"]}, body


@pytest.fixture
def hops(monkeypatch):
    """Counts the crossings from the server's loop to a worker thread."""
    seen = []
    original = sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        seen.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    return seen


async def test_it_runs_every_middleware_and_the_view_in_a_few_thread_hops(hops):
    status, headers, body = await get("/api/v1/halls/")

    assert status == 200 and json.loads(body) == []
    # The middleware ran: security, clickjacking and locale each left their header on the reply.
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"x-frame-options"] == b"DENY"
    assert headers[b"content-language"] == b"zh-hans"
    # request_started, the chain with the view, request_finished: not one hop per middleware hook.
    assert len(hops) <= 4, hops


async def test_errors_still_reply_through_the_chain(hops):
    status, headers, body = await get("/api/v1/halls/nowhere/services/")

    assert status == 404 and json.loads(body)["error"] == "hall_not_found"
    assert len(hops) <= 4, hops


def test_the_chain_is_the_synchronous_one():
    assert not sync.iscoroutinefunction(django_asgi_app._middleware_chain)


def test_autobahn_does_not_colour_the_debug_text_it_builds_for_every_frame():
    import autobahn.util
    import click

    assert click  # installed (granian depends on it), so autobahn would colour
    assert autobahn.util.hl("sendData") == "sendData"


def test_it_lets_a_signed_in_staff_member_open_the_console_by_session_cookie_alone():
    from channels.testing import WebsocketCommunicator
    from django.conf import settings
    from django.test import Client

    from hallops.core import actions
    from tests.factories import make_hall, make_service, make_staff, make_window

    hall = make_hall("xicheng", name="西城区政务服务中心")
    window = make_window(hall, "1", services=[make_service(hall, code="biz", prefix="A", name="营业执照")])
    staff = make_staff(hall, "staff1", name="王小明")
    actions.sign_in(window, staff)
    client = Client()
    client.force_login(staff)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def open_console(headers):
        comm = WebsocketCommunicator(application, f"/ws/halls/xicheng/console/{window.pk}/", headers=headers)
        assert (await comm.connect(timeout=10))[0]
        first = await comm.receive_json_from(timeout=10)
        await comm.disconnect()
        return first

    signed_in = sync.async_to_sync(open_console)([(b"cookie", cookie.encode())])
    stranger = sync.async_to_sync(open_console)([(b"cookie", f"{settings.SESSION_COOKIE_NAME}=nobody".encode())])

    assert signed_in["type"] == "snapshot" and signed_in["kind"] == "console"
    assert stranger["type"] == "error" and stranger["error"] == "unauthorized"
