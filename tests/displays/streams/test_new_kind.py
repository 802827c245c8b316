"""A new kind of screen is a new small class: declare it, route it, and the dispatcher does the rest."""

import json

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from displays.consumers import HallStreamConsumer
from displays.streams.base import HallStream
from hallops.core import actions, actors, events

from ..conftest import TIMEOUT, db, drain, issue


class WindowBoard(HallStream):
    """A made-up screen: how many windows serve, counted again after every window change."""

    name = "window_board"
    actions = {"shout": "do_shout"}

    def authorize(self):
        actors.authorize_hall_screen(self.actor, self.load_hall().pk)

    def snapshot(self):
        return {"seq": events.last_seq(self.hall_id), "serving": self._serving()}

    def _serving(self):
        return self.hall.windows.filter(state="serving").count()

    def render(self, event):
        return []  # only its own frames

    def wants_refresh(self, event):
        return event["type"] == "window.state"

    def refresh_state(self):
        return {"type": "serving", "seq": events.last_seq(self.hall_id), "serving": self._serving()}

    def do_shout(self, content):
        return {"heard": content.get("text")}


app = URLRouter([path("ws/halls/<slug:hall>/board/", HallStreamConsumer.as_asgi(kind=WindowBoard))])


async def test_a_declared_kind_gets_snapshot_refresh_actions_and_the_shared_refusals(hall):
    h = hall
    comm = WebsocketCommunicator(app, "/ws/halls/xicheng/board/",
                                 headers=[(b"authorization", f"Bearer {h.tokens['hall_screen']}".encode())])
    assert (await comm.connect(timeout=TIMEOUT))[0]
    snap = await comm.receive_json_from(timeout=TIMEOUT)
    assert (snap["type"], snap["kind"], snap["serving"]) == ("snapshot", "window_board", 0)

    await db(issue)(h.hall, h.a)
    await db(lambda: actions.call_next(h.w1))()
    frames = await drain(comm, 1.5)
    assert [f["serving"] for f in frames if f["type"] == "serving"][-1:] == [1]
    assert all(f["type"] == "serving" for f in frames)  # render() filtered every event out

    await comm.send_to(text_data=json.dumps({"action": "shout", "id": 1, "text": "你好"}))
    assert await comm.receive_json_from(timeout=TIMEOUT) == {"type": "result", "id": 1, "ok": True, "heard": "你好"}
    await comm.send_to(text_data=json.dumps({"action": "call_next", "id": 2}))
    assert (await comm.receive_json_from(timeout=TIMEOUT))["error"] == "forbidden"  # another kind's action
    await comm.send_to(text_data="\x00")
    assert (await comm.receive_json_from(timeout=TIMEOUT))["error"] == "bad_json"
    await comm.disconnect()


async def test_a_declared_kind_refuses_who_it_does_not_authorize(hall):
    comm = WebsocketCommunicator(app, "/ws/halls/xicheng/board/",
                                 headers=[(b"authorization", f"Bearer {hall.tokens['kiosk']}".encode())])
    assert (await comm.connect(timeout=TIMEOUT))[0]
    assert (await comm.receive_json_from(timeout=TIMEOUT))["error"] == "forbidden"
    assert await comm.receive_output(timeout=TIMEOUT) == {"type": "websocket.close", "code": 4403}
