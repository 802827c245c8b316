"""A window's working day over HTTP: sign in, call, recall, skip, call a number, start, transfer,
finish, pause, resume, close, sign out, and the evaluation pad's rating."""

import pytest

from hallops.core import actions
from hallops.core.events import last_seq
from hallops.core.models import DeviceKind, Evaluation, Role, TicketStatus
from tests.factories import make_device, make_staff, make_window, token_for


@pytest.fixture
def staff(world):
    return world.tokens["staff_of_this_window"]


def post(api, world, action, token, body=None):
    return api.post(f"/windows/{world.window.pk}/{action}/", body, token=token)


def test_call_next_answers_null_when_nobody_waits(world, api, staff):
    response = post(api, world, "call-next", staff)
    assert response.status_code == 200
    assert response.json() == {"ticket": None}


def test_a_ticket_goes_through_call_recall_skip_requeue_call_start_finish(world, api, staff):
    ticket = world.issue()

    called = post(api, world, "call-next", staff)
    assert called.status_code == 200
    t = called.json()["ticket"]
    assert (t["id"], t["number"], t["status"]) == (str(ticket.pk), "A001", "called")
    assert t["window"] == {"id": world.window.pk, "number": "1", "name": "综合窗口1"}

    assert post(api, world, "recall", staff).json()["ticket"]["recall_count"] == 1
    assert post(api, world, "skip", staff).json()["ticket"]["status"] == "skipped"
    assert api.post(f"/tickets/{ticket.pk}/requeue/", token=staff).json()["ticket"]["status"] == "waiting"

    called = post(api, world, "call", staff, {"number": "a001"})
    assert called.json()["ticket"]["status"] == "called"
    started = post(api, world, "start", staff).json()["ticket"]
    assert started["status"] == "serving" and started["started_at"]
    finished = post(api, world, "finish", staff)
    assert finished.status_code == 200
    assert finished.json()["ticket"]["status"] == "done"


def test_calling_next_while_a_called_ticket_is_pending_is_a_conflict(world, api, staff):
    world.issue()
    world.issue()
    post(api, world, "call-next", staff)
    response = post(api, world, "call-next", staff)
    assert response.status_code == 409
    assert response.json()["error"] == "ticket_in_progress"


def test_calling_a_number_that_does_not_exist_today_is_404(world, api, staff):
    response = post(api, world, "call", staff, {"number": "Z999"})
    assert (response.status_code, response.json()["error"]) == (404, "ticket_not_found")


def test_transfer_to_another_matter_and_window_replies_with_the_new_waiting_ticket(world, api, staff):
    world.issue()
    actions.call_next(world.window)

    response = post(api, world, "transfer", staff, {"service": "tax", "window": world.other_window.pk})

    assert response.status_code == 200
    moved = response.json()["ticket"]
    assert (moved["number"], moved["service"], moved["status"]) == ("A001", "tax", "waiting")
    assert moved["transferred_from"] is not None


@pytest.mark.parametrize("body,error", [
    ({}, "transfer_target_required"),
    ({"service": "nope"}, "service_not_found"),
    ({"window": 987654}, "window_not_found"),
])
def test_a_transfer_without_a_valid_target_is_422(world, api, staff, body, error):
    world.issue()
    actions.call_next(world.window)
    response = post(api, world, "transfer", staff, body)
    assert (response.status_code, response.json()["error"]) == (422, error)


def test_a_window_pauses_with_a_reason_and_stand_in_then_resumes_closes_and_opens(world, api, staff):
    paused = post(api, world, "pause", staff, {"reason": "取材料", "stand_in": "李四"})
    assert paused.status_code == 200
    w = paused.json()["window"]
    assert (w["state"], w["pause_reason"], w["stand_in"]) == ("paused", "取材料", "李四")
    assert w["staff"] == {"id": world.staff.pk, "name": "王小明", "staff_no": "0101", "title": "", "photo": None}

    assert post(api, world, "resume", staff).json()["window"]["state"] == "open"
    assert post(api, world, "close", staff).json()["window"]["state"] == "closed"
    assert post(api, world, "open", staff).json()["window"]["state"] == "open"


def test_pause_needs_no_body(world, api, staff):
    response = post(api, world, "pause", staff)
    assert response.status_code == 200
    assert response.json()["window"]["pause_reason"] == ""


def test_pausing_a_paused_window_is_a_conflict(world, api, staff):
    post(api, world, "pause", staff)
    response = post(api, world, "pause", staff)
    assert (response.status_code, response.json()["error"]) == (409, "window_not_open")


def test_staff_sign_themselves_in_and_out(world, api):
    window = make_window(world.hall, number="7", services=[world.service])
    newcomer = make_staff(world.hall, username="sun", name="孙")
    token = token_for(user=newcomer)

    signed = api.post(f"/windows/{window.pk}/sign-in/", token=token)
    assert signed.status_code == 200
    assert (signed.json()["window"]["state"], signed.json()["window"]["staff"]["name"]) == ("open", "孙")

    out = api.post(f"/windows/{window.pk}/sign-out/", token=token)
    assert out.status_code == 200
    assert (out.json()["window"]["state"], out.json()["window"]["staff"]) == ("closed", None)


def test_a_lobby_manager_signs_someone_else_in_but_window_staff_cannot(world, api):
    window = make_window(world.hall, number="8", services=[world.service])
    make_staff(world.hall, username="sun", name="孙")

    refused = api.post(f"/windows/{window.pk}/sign-in/", {"user": "sun"}, token=world.tokens["staff_of_other_window"])
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    unknown = api.post(f"/windows/{window.pk}/sign-in/", {"user": "ghost"}, token=world.tokens["staff_of_other_window"])
    assert unknown.status_code == 403  # no hint whether the username exists

    signed = api.post(f"/windows/{window.pk}/sign-in/", {"user": "sun"}, token=world.tokens["lobby_manager"])
    assert signed.status_code == 200
    assert signed.json()["window"]["staff"]["name"] == "孙"
    unknown = api.post(f"/windows/{window.pk}/sign-in/", {"user": "ghost"}, token=world.tokens["lobby_manager"])
    assert (unknown.status_code, unknown.json()["error"]) == (422, "user_not_found")


def test_a_lobby_manager_cannot_sign_in_a_supervisor_at_a_window(world, api):
    make_staff(world.hall, username="zhou", role=Role.SUPERVISOR)
    window = make_window(world.hall, number="8")
    response = api.post(f"/windows/{window.pk}/sign-in/", {"user": "zhou"}, token=world.tokens["lobby_manager"])
    assert (response.status_code, response.json()["error"]) == (422, "not_window_staff")


def test_the_window_view_shows_the_current_ticket_and_its_waiting_list_in_call_order(world, api, staff):
    first = world.issue()
    world.issue(world.other_service)  # B001: this window's second matter
    world.issue(priority="elderly")  # A002: statutory priority comes first
    actions.call_next(world.other_window)  # the elderly citizen goes to window 2

    actions.call_next(world.window)  # window 1 takes A001
    response = api.get(f"/windows/{world.window.pk}/", token=staff)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == world.window.pk and body["state"] == "serving"
    assert body["services"] == ["biz-reg", "tax"]
    assert body["current_ticket"]["id"] == str(first.pk)
    assert [(w["number"], w["service"]) for w in body["waiting"]] == [("B001", "tax")]
    assert body["waiting_count"] == 1
    assert body["waiting"][0]["waited_s"] >= 0


def test_the_window_view_puts_preferred_matters_first(world, api, staff):
    world.issue(world.other_service)  # B001 issued first
    world.issue()  # A001, but window 1 prefers biz-reg
    body = api.get(f"/windows/{world.window.pk}/", token=staff).json()
    assert [w["number"] for w in body["waiting"]] == ["A001", "B001"]
    assert post(api, world, "call-next", staff).json()["ticket"]["number"] == "A001"


def test_the_pad_rates_the_ticket_just_finished_once(world, api, staff):
    ticket = world.issue()
    actions.call_next(world.window)
    actions.finish(world.window)
    pad = world.tokens["pad"]

    first = api.post(f"/windows/{world.window.pk}/evaluations/", {"level": 2, "indicators": {"efficiency": 2}}, token=pad)
    assert first.status_code == 201
    body = first.json()
    assert (body["ticket"], body["number"], body["level"], body["bad"], body["created"]) == \
        (str(ticket.pk), "A001", 2, True, True)

    repeat = api.post(f"/windows/{world.window.pk}/evaluations/", {"level": 5, "ticket": str(ticket.pk)}, token=pad)
    assert repeat.status_code == 200
    assert (repeat.json()["level"], repeat.json()["created"]) == (2, False)
    assert Evaluation.objects.get().indicators == {"efficiency": 2}


@pytest.mark.parametrize("who", ["staff_of_this_window", "lobby_manager", "kiosk", "anonymous"])
def test_only_the_pad_of_the_window_rates_it(world, api, who):
    world.issue()
    actions.call_next(world.window)
    actions.finish(world.window)
    response = api.post(f"/windows/{world.window.pk}/evaluations/", {"level": 5}, token=world.tokens[who])
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert not Evaluation.objects.exists()


def test_a_pad_of_another_window_cannot_rate_this_one(world, api):
    world.issue()
    actions.call_next(world.window)
    actions.finish(world.window)
    other_pad = token_for(device=make_device(world.hall, DeviceKind.EVALUATION_PAD, window=world.other_window))
    response = api.post(f"/windows/{world.window.pk}/evaluations/", {"level": 5}, token=other_pad)
    assert response.status_code == 403


def test_rating_before_anything_was_finished_is_a_conflict(world, api):
    response = api.post(f"/windows/{world.window.pk}/evaluations/", {"level": 4}, token=world.tokens["pad"])
    assert (response.status_code, response.json()["error"]) == (409, "nothing_to_rate")


@pytest.mark.parametrize("level", [0, 6, "five", None])
def test_a_rating_outside_1_to_5_is_422(world, api, level):
    response = api.post(f"/windows/{world.window.pk}/evaluations/", {"level": level}, token=world.tokens["pad"])
    assert (response.status_code, response.json()["error"]) == (422, "validation_error")


def test_staff_signed_out_a_moment_ago_are_refused_and_nothing_is_called(world, api, staff):
    # The check runs on the window's row as the action locks it: who is signed in there now.
    ticket = world.issue()
    actions.sign_out(world.window)
    seq = last_seq(world.hall.pk)

    refused = post(api, world, "call-next", staff)

    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
    assert last_seq(world.hall.pk) == seq
