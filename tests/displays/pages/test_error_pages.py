"""404 and 500 pages in Chinese, in the hall's style (item 18 of issue 12)."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_missing_page_is_chinese_and_styled(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到这个页面" in body and "返回首页" in body and "hallops.css" in body
    assert "Not Found" not in body


@pytest.mark.django_db
def test_a_missing_page_in_english_after_the_language_switch(client, settings):
    settings.DEBUG = False
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/no/such/page/").content.decode()
    assert "Page not found" in body


@pytest.mark.django_db
def test_a_server_error_is_a_chinese_page_in_the_hall_style(settings):
    from django.urls import path

    settings.DEBUG = False

    def boom(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("boom/", boom)]})
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器出错了" in body and "hallops.css" in body and "Server Error (500)" not in body
