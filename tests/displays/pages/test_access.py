"""Who may open which page: the same rules as the sockets, checked when the page renders."""

import pytest

from hallops.core import actions

pytestmark = pytest.mark.django_db


def test_the_console_opens_for_window_staff_of_the_hall(ph, login):
    c = login(ph.staff1)
    assert c.get("/halls/xicheng/console/").status_code == 200
    assert c.get(f"/halls/xicheng/console/{ph.w1.pk}/").status_code == 200


def test_staff_may_open_a_console_of_a_window_they_have_not_signed_in_at_to_sign_in(ph, login):
    assert login(ph.staff2).get(f"/halls/xicheng/console/{ph.w2.pk}/").status_code == 200


def test_the_console_sends_anonymous_people_to_login(ph, client):
    r = client.get(f"/halls/xicheng/console/{ph.w1.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", ["supervisor", "other_staff"])
def test_the_console_refuses_supervisors_and_staff_of_other_halls(ph, login, who):
    c = login(getattr(ph, who))
    assert c.get("/halls/xicheng/console/").status_code == 403
    assert c.get(f"/halls/xicheng/console/{ph.w1.pk}/").status_code == 403


def test_the_console_refuses_device_tokens(ph, client):
    assert client.get(f"/halls/xicheng/console/?token={ph.tokens['kiosk']}").status_code == 302  # login first


@pytest.mark.parametrize("who", ["manager", "supervisor"])
def test_the_dashboard_opens_for_lobby_managers_and_supervisors(ph, login, who):
    c = login(getattr(ph, who))
    r = c.get("/halls/xicheng/dashboard/")
    assert r.status_code == 200
    assert r.context["config"]["can_manage"] is (who == "manager")


@pytest.mark.parametrize("who", ["staff1", "other_staff"])
def test_the_dashboard_refuses_window_staff_and_other_halls(ph, login, who):
    c = login(getattr(ph, who))
    assert c.get("/halls/xicheng/dashboard/").status_code == 403
    assert c.get("/halls/xicheng/dashboard/series.json").status_code == 403


def test_the_dashboard_sends_anonymous_people_to_login(ph, client):
    assert client.get("/halls/xicheng/dashboard/").status_code == 302
    assert client.get("/halls/xicheng/dashboard/series.json").status_code == 302


@pytest.mark.parametrize("path, good, bad", [
    ("/halls/xicheng/kiosk/", "kiosk", "hall_screen"),
    ("/halls/xicheng/screen/", "hall_screen", "kiosk"),
    ("/halls/xicheng/screen/", "hall_screen", "other_screen"),
    ("/halls/xicheng/windows/{w1}/screen/", "w1_display", "w2_display"),
    ("/halls/xicheng/windows/{w1}/pad/", "w1_pad", "w2_pad"),
    ("/halls/xicheng/windows/{w1}/pad/", "w1_pad", "w1_display"),
])
def test_device_pages_need_a_token_of_the_right_device(ph, client, path, good, bad):
    path = path.format(w1=ph.w1.pk)
    assert client.get(f"{path}?token={ph.tokens[good]}").status_code == 200
    assert client.get(f"{path}?token={ph.tokens[bad]}").status_code == 403
    assert client.get(f"{path}?token=hsd_not-a-token").status_code == 403


def test_a_device_page_without_a_token_sends_people_to_login(ph, client):
    r = client.get("/halls/xicheng/kiosk/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_a_device_page_reloads_without_the_token_in_the_address(ph, client):
    path = "/halls/xicheng/kiosk/"
    first = client.get(f"{path}?token={ph.tokens['kiosk']}")
    cookie = first.cookies["hallops_device"]
    assert cookie["httponly"] and cookie["path"] == path
    assert client.get(path).status_code == 200  # the page cookie, not the URL


def test_staff_of_the_hall_may_open_the_hall_screen_and_window_screens_but_not_the_kiosk(ph, login):
    c = login(ph.staff2)
    assert c.get("/halls/xicheng/screen/").status_code == 200
    assert c.get(f"/halls/xicheng/windows/{ph.w1.pk}/screen/").status_code == 200
    assert c.get("/halls/xicheng/kiosk/").status_code == 403
    assert c.get(f"/halls/xicheng/windows/{ph.w1.pk}/pad/").status_code == 403


def test_a_window_of_another_hall_is_not_found(ph, client):
    assert client.get(f"/halls/haidian/windows/{ph.w1.pk}/screen/?token={ph.tokens['w1_display']}").status_code == 404


def test_ticket_tracking_is_public_and_its_qr_code_is_svg(ph, client):
    t = actions.issue_ticket(ph.hall, ph.a).ticket
    r = client.get(f"/t/{t.pk}/")
    assert r.status_code == 200
    assert "A001" in r.content.decode()
    qr = client.get(f"/t/{t.pk}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content and b'xmlns="http://www.w3.org/2000/svg"' in qr.content


def test_an_unknown_ticket_is_not_found(client, db):
    assert client.get("/t/8b1b2c5e-0000-4000-8000-000000000000/").status_code == 404


def test_the_landing_page_lists_the_halls(ph, client):
    body = client.get("/").content.decode()
    assert "西城区政务服务中心" in body and "/halls/xicheng/console/" in body


def test_the_announcement_gives_the_spoken_text_and_the_voice_clips(ph, client):
    r = client.get("/halls/xicheng/announce/?number=A001&window=1&recall=0",
                   HTTP_AUTHORIZATION=f"Bearer {ph.tokens['hall_screen']}")
    assert r.status_code == 200
    data = r.json()
    assert data["text"] == "请A零零一号到一号窗口办理"
    assert data["clips"][0].endswith("/static/voice/default/qing.ogg")
    recall = client.get("/halls/xicheng/announce/?number=A001&window=1&recall=1",
                        HTTP_AUTHORIZATION=f"Bearer {ph.tokens['hall_screen']}").json()
    assert recall["text"].startswith("再次呼叫")


def test_the_announcement_is_for_hall_screens_only(ph, client):
    r = client.get("/halls/xicheng/announce/?number=A001&window=1", HTTP_AUTHORIZATION=f"Bearer {ph.tokens['kiosk']}")
    assert r.status_code == 403
    r = client.get("/halls/xicheng/announce/?number=A001&window=99", HTTP_AUTHORIZATION=f"Bearer {ph.tokens['hall_screen']}")
    assert r.status_code == 404


def test_the_announcement_of_a_hall_with_a_broken_old_template_is_the_default_not_a_500(ph, client):
    from hallops.core.models import Hall

    Hall.objects.filter(code="xicheng").update(announcement_template="请{ticket}号")  # saved before the check
    r = client.get("/halls/xicheng/announce/?number=A001&window=1&recall=0",
                   HTTP_AUTHORIZATION=f"Bearer {ph.tokens['hall_screen']}")
    assert r.status_code == 200 and r.json()["text"] == "请A零零一号到一号窗口办理"
