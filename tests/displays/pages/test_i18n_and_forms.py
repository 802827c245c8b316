"""Pages speak Chinese by default, English after set_language; their forms carry CSRF tokens."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_are_in_chinese_by_default(ph, login):
    body = login(ph.staff1).get(f"/halls/xicheng/console/{ph.w1.pk}/").content.decode()
    assert 'lang="zh-CN"' in body
    assert "叫号" in body and "办结" in body and "连接已断开，正在重连…" in body


def test_set_language_switches_a_page_to_english(ph, login):
    c = login(ph.staff1)
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    body = c.get(f"/halls/xicheng/console/{ph.w1.pk}/").content.decode()
    assert 'lang="en"' in body
    assert "Call next" in body and "Connection lost, reconnecting…" in body
    assert "办结" not in body


def test_the_strings_a_page_script_shows_are_translated_too(ph, client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = client.get(f"/halls/xicheng/kiosk/?token={ph.tokens['kiosk']}")
    assert r.context["config"]["text"]["quota_used_up"] == "No numbers left today"


def test_every_page_offers_the_language_switch(ph, client):
    body = client.get(f"/halls/xicheng/screen/?token={ph.tokens['hall_screen']}").content.decode()
    assert 'action="/i18n/setlang/"' in body and 'value="en"' in body


def test_login_and_language_forms_refuse_posts_without_csrf(ph):
    c = Client(enforce_csrf_checks=True)
    page = c.get("/accounts/login/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    assert c.post("/accounts/login/", {"username": "staff1", "password": "pw-12345678"}).status_code == 403
    assert c.post("/i18n/setlang/", {"language": "en"}).status_code == 403


def test_logging_in_with_the_form_and_its_csrf_token(ph):
    c = Client(enforce_csrf_checks=True)
    c.get("/accounts/login/")
    token = c.cookies["csrftoken"].value
    r = c.post("/accounts/login/", {"username": "staff1", "password": "pw-12345678", "csrfmiddlewaretoken": token,
                                    "next": "/halls/xicheng/console/"})
    assert r.status_code == 302 and r["Location"] == "/halls/xicheng/console/"
    assert c.get("/halls/xicheng/console/").status_code == 200


def test_logout_is_a_csrf_protected_post(ph, login):
    c = Client(enforce_csrf_checks=True)
    c.force_login(ph.staff1)
    assert c.post("/accounts/logout/").status_code == 403
    body = c.get("/").content.decode()
    assert 'action="/accounts/logout/"' in body and "csrfmiddlewaretoken" in body
