"""Who may open which stream: 4401 without credentials, 4403 for the wrong hall or kind, 4404 unknown."""

import pytest

from .conftest import expect_closed, open_socket

pytestmark = pytest.mark.django_db(transaction=True)


def paths(h):
    return {
        "display": "/ws/halls/xicheng/display/",
        "window": f"/ws/halls/xicheng/windows/{h.w1.pk}/",
        "console": f"/ws/halls/xicheng/console/{h.w1.pk}/",
        "dashboard": "/ws/halls/xicheng/dashboard/",
        "kiosk": "/ws/halls/xicheng/kiosk/",
        "pad": f"/ws/halls/xicheng/pad/{h.w1.pk}/",
    }


async def test_without_a_token_every_hall_stream_sends_an_error_then_closes_4401(hall):
    for path in paths(hall).values():
        comm, first = await open_socket(path)
        assert first["type"] == "error" and first["error"] == "unauthorized", path
        await expect_closed(comm, 4401)


async def test_a_revoked_or_made_up_token_closes_4401(hall):
    comm, first = await open_socket("/ws/halls/xicheng/display/", token="hsd_not-a-token")
    assert first["error"] == "invalid_token"
    await expect_closed(comm, 4401)


async def test_the_token_may_come_in_the_query_string_for_browsers(hall):
    comm, first = await open_socket("/ws/halls/xicheng/display/", query=f"token={hall.tokens['hall_screen']}")
    assert first["type"] == "snapshot"
    await comm.disconnect()


# kind -> tokens refused with 4403
REFUSED = {
    "display": ["other_screen", "other_staff", "kiosk", "w1_pad", "w1_display"],
    "window": ["w2_display", "hall_screen", "other_staff", "kiosk"],
    "console": ["w1_display", "other_staff", "supervisor"],
    "dashboard": ["staff1", "hall_screen", "kiosk", "other_staff"],
    "kiosk": ["hall_screen", "staff1", "w1_pad"],
    "pad": ["w2_pad", "w1_display", "kiosk"],
}
ALLOWED = {
    "display": ["hall_screen", "staff1", "manager"],
    "window": ["w1_display", "staff2", "manager"],
    "console": ["staff1", "staff2", "manager"],  # staff2 may open it to sign in; acting is checked per action
    "dashboard": ["manager", "supervisor"],
    "kiosk": ["kiosk"],
    "pad": ["w1_pad"],
}


async def test_wrong_hall_or_wrong_kind_of_client_closes_4403(hall):
    for kind, refused in REFUSED.items():
        for who in refused:
            comm, first = await open_socket(paths(hall)[kind], token=hall.tokens[who])
            assert first["type"] == "error" and first["error"] == "forbidden", (kind, who, first)
            await expect_closed(comm, 4403)


async def test_the_right_client_gets_a_snapshot_first(hall):
    for kind, allowed in ALLOWED.items():
        for who in allowed:
            comm, first = await open_socket(paths(hall)[kind], token=hall.tokens[who])
            assert first["type"] == "snapshot" and first["kind"] == kind, (kind, who, first)
            assert isinstance(first["seq"], int)
            await comm.disconnect()


async def test_an_unknown_hall_or_window_closes_4404(hall):
    comm, first = await open_socket("/ws/halls/nowhere/display/", token=hall.tokens["manager"])
    assert first["error"] == "hall_not_found"
    await expect_closed(comm, 4404)
    comm, first = await open_socket("/ws/halls/xicheng/windows/999999/", token=hall.tokens["manager"])
    assert first["error"] == "window_not_found"
    await expect_closed(comm, 4404)


async def test_a_device_without_origin_header_is_accepted(hall):
    comm, first = await open_socket("/ws/halls/xicheng/display/", token=hall.tokens["hall_screen"], origin=None)
    assert first["type"] == "snapshot"
    await comm.disconnect()


async def test_a_browser_page_of_the_hall_origin_is_accepted(hall):
    comm, first = await open_socket("/ws/halls/xicheng/display/", token=hall.tokens["hall_screen"],
                                    origin="http://127.0.0.1:8000")
    assert first["type"] == "snapshot"
    await comm.disconnect()


async def test_a_page_of_another_site_is_refused_at_the_handshake(hall):
    from channels.testing import WebsocketCommunicator

    from hallops.asgi import application

    comm = WebsocketCommunicator(application, "/ws/halls/xicheng/display/",
                                 headers=[(b"origin", b"https://evil.example"),
                                          (b"authorization", f"Bearer {hall.tokens['hall_screen']}".encode())])
    connected, _ = await comm.connect(timeout=3)
    assert not connected


async def test_a_token_query_that_is_not_utf8_or_holds_nul_closes_4401_not_a_server_error(hall):
    from channels.testing import WebsocketCommunicator

    from hallops.asgi import application

    for query in (b"token=\xff\xfe", b"token=%00abc", b"token=%FF"):
        comm = WebsocketCommunicator(application, "/ws/halls/xicheng/display/?" + query.decode("latin-1"))
        comm.scope["query_string"] = query  # as daphne hands it over: raw bytes
        assert (await comm.connect(timeout=3))[0]
        first = await comm.receive_json_from(timeout=3)
        assert (first["type"], first["error"]) == ("error", "invalid_token"), query
        await expect_closed(comm, 4401)
