"""Who may do what, as the status code each kind of caller gets. The rules live in
hallops/core/actors.py; this table is their contract at the HTTP boundary."""

import pytest

from hallops.core import actions


def _issue(w, api, token):
    return api.post(f"/halls/{w.hall.code}/tickets/", {"service": w.service.code}, token=token)


def _call_next(w, api, token):
    w.issue()
    return api.post(f"/windows/{w.window.pk}/call-next/", token=token)


def _finish(w, api, token):
    w.issue()
    actions.call_next(w.window)
    return api.post(f"/windows/{w.window.pk}/finish/", token=token)


def _pause(w, api, token):
    return api.post(f"/windows/{w.window.pk}/pause/", {"reason": "取材料"}, token=token)


def _load(w, api, token):
    return api.get(f"/halls/{w.hall.code}/load/", token=token)


def _events(w, api, token):
    return api.get(f"/halls/{w.hall.code}/events/", token=token)


ACTIONS = {"issue": _issue, "call-next": _call_next, "finish": _finish, "pause": _pause,
           "load": _load, "events": _events}

MATRIX = {
    #                         issue call-next finish pause load events
    "anonymous":             (401,  401,      401,   401,  401, 401),
    "kiosk":                 (201,  403,      403,   403,  200, 200),
    "hall_screen":           (403,  403,      403,   403,  200, 200),
    "pad":                   (403,  403,      403,   403,  200, 200),
    "staff_of_other_window": (201,  403,      403,   403,  200, 200),
    "staff_of_this_window":  (201,  200,      200,   200,  200, 200),
    "lobby_manager":         (201,  200,      200,   200,  200, 200),
    "supervisor":            (403,  403,      403,   403,  200, 200),
    "staff_of_other_hall":   (403,  403,      403,   403,  403, 403),
}

CASES = [
    pytest.param(who, action, expected[i], id=f"{who}-{action}")
    for who, expected in MATRIX.items()
    for i, action in enumerate(ACTIONS)
]


@pytest.mark.parametrize("who,action,expected", CASES)
def test_each_caller_gets_exactly_this_status(world, api, who, action, expected):
    response = ACTIONS[action](world, api, world.tokens[who])
    assert response.status_code == expected, response.content
    if expected in (401, 403):
        assert response.json()["error"] in ("unauthorized", "forbidden")


def test_a_refused_action_changes_nothing(world, api):
    ticket = world.issue()
    api.post(f"/windows/{world.window.pk}/call-next/", token=world.tokens["staff_of_other_window"])
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    world.window.refresh_from_db()
    assert world.window.state == "open"


DISPLAY_CALLS = [("call-next", None), ("call", {"number": "A001"}), ("recall", None)]


@pytest.mark.parametrize("display", ["hall_screen", "window_display"])
@pytest.mark.parametrize("endpoint,body", DISPLAY_CALLS, ids=[e for e, _ in DISPLAY_CALLS])
def test_a_display_device_can_never_call_numbers(world, api, display, endpoint, body):
    world.issue()
    if endpoint == "recall":
        actions.call_next(world.window)
    calls_before = world.hall.events.filter(type="ticket.called").count()
    # The window display is bound to this very window, and still may not call it.
    response = api.post(f"/windows/{world.window.pk}/{endpoint}/", body, token=world.tokens[display])
    assert response.status_code == 403
    assert response.json() == {"error": "forbidden", "message": "设备不能操作窗口"}
    assert world.hall.events.filter(type="ticket.called").count() == calls_before
