"""The phone page's cancel and alert, and the hall screen's snapshot: a grid of windows with their
numbers, one recent-call row per ticket (issue 12, items 9 and 10)."""

from django.test import Client

from displays import snapshots
from hallops.core import actions
from hallops.core.models import HallEvent, Ticket


def test_a_citizen_cancels_their_number_from_the_phone_with_the_form_and_its_csrf_token(ph):
    t = actions.issue_ticket(ph.hall, ph.a).ticket
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/t/{t.pk}/")
    body = page.content.decode()
    assert "取消排队" in body and "快到您了" in body  # nobody ahead: the call is near
    assert browser.post(f"/t/{t.pk}/cancel/").status_code == 403  # no CSRF token, nothing happens
    assert Ticket.objects.get(pk=t.pk).status == "waiting"
    token = page.cookies["csrftoken"].value
    done = browser.post(f"/t/{t.pk}/cancel/", {"csrfmiddlewaretoken": token})
    assert done.status_code == 302 and done["Location"] == f"/t/{t.pk}/"
    assert Ticket.objects.get(pk=t.pk).status == "cancelled"
    assert HallEvent.objects.get(type="ticket.cancelled").actor == "citizen:track"
    again = browser.post(f"/t/{t.pk}/cancel/", {"csrfmiddlewaretoken": token})
    assert again.status_code == 409 and "只能取消等候中的号" in again.content.decode()


def test_the_track_page_words_a_zero_wait_as_every_page_does(ph, client):
    t = actions.issue_ticket(ph.hall, ph.a).ticket
    body = client.get(f"/t/{t.pk}/").content.decode()
    assert "无需等候" in body and "约 0 分钟" not in body


def test_the_hall_screen_snapshot_has_each_window_number_and_one_row_per_ticket(ph):
    actions.issue_ticket(ph.hall, ph.a)
    actions.issue_ticket(ph.hall, ph.a)
    first = actions.call_next(ph.w1)
    actions.start(ph.w1)
    actions.finish(ph.w1)
    second = actions.call_next(ph.w1)
    actions.recall(ph.w1)
    actions.recall(ph.w1)
    snap = snapshots.hall_display(ph.hall)
    assert [c["number"] for c in snap["calls"]] == [second.number, first.number]
    assert snap["calls"][0]["recall_count"] == 2  # the latest announcement of the ticket
    board = {w["number"]: (w["state"], w["current"]) for w in snap["windows"]}
    assert board == {"1": ("serving", second.number), "2": ("closed", None)}
    assert snap["hall"]["announce_times"] == 2
