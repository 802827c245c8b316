"""The hall floor in Chromium, as citizens, window staff and the back row of the waiting area meet it
(issue 12): the kiosk for everyone (materials first, 长辈模式, its own language after the idle reset),
the hall screen read from 5 m, the console's words and confirmations, the phone's alerts and cancel.
Screenshots go to test-artifacts/."""

import re

import pytest

from .test_hall_flow import DESK, KIOSK, PHONE, SCREEN, login, no_overflow, page_for, shot

pytestmark = pytest.mark.browser


def kiosk_page(browser, server):
    kiosk = page_for(browser, server, KIOSK)
    kiosk.goto(f"/halls/demo/kiosk/?token={server.tokens['demo-kiosk-1']}")
    kiosk.locator('[data-zone="legal"]').wait_for()
    return kiosk


def open_console(browser, server):
    from playwright.sync_api import expect

    console = page_for(browser, server, DESK)
    login(console, "w01", "/halls/demo/console/")
    console.click('a[data-window="1"]')
    expect(console.locator("#win-state")).not_to_be_empty()  # the snapshot arrived: the socket is up
    if console.locator("#sign-in").is_visible():
        console.click("#sign-in")
        expect(console.locator("#sign-out")).to_be_visible()
    return console


def font_px(locator):
    return float(locator.evaluate("n => parseFloat(getComputedStyle(n).fontSize)"))


def test_the_kiosk_shows_what_to_bring_before_the_number_and_only_the_classes_the_hall_allows(server, browser,
                                                                                               artifacts_dir):
    from playwright.sync_api import expect

    kiosk = kiosk_page(browser, server)
    expect(kiosk.locator("#elderly-on")).to_be_visible()  # one touch from the home screen
    no_overflow(kiosk)
    shot(kiosk, artifacts_dir, "kiosk-home")
    kiosk.click('[data-zone="legal"]')
    kiosk.click('[data-service="qy-sl"]')
    # 一次性告知 and the guide, on screen before 取号.
    expect(kiosk.locator("#materials li").first).to_contain_text("公司登记（备案）申请书")
    assert kiosk.locator("#materials li").count() == 6
    expect(kiosk.locator("#guide")).to_contain_text("综合受理窗口")
    expect(kiosk.locator("#info-meta")).to_contain_text("约 30 分钟")
    offered = kiosk.locator("#priorities [data-priority]").evaluate_all("ns => ns.map(n => n.dataset.priority)")
    assert offered == ["normal", "elderly", "pregnant"]  # 军人/残疾人/绿色通道 need proof: staff set them
    expect(kiosk.locator("#take")).to_be_visible()
    no_overflow(kiosk)
    shot(kiosk, artifacts_dir, "kiosk-materials")


def test_elderly_mode_is_large_spoken_and_a_few_matters_at_a_time(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    kiosk = kiosk_page(browser, server)
    normal_px = font_px(kiosk.locator("body"))
    kiosk.click("#elderly-on")
    expect(kiosk.locator("body")).to_have_class(re.compile(r"\belderly\b"))
    assert font_px(kiosk.locator("body")) >= normal_px * 1.3
    assert kiosk.locator("body").get_attribute("data-spoken") == "请选择办事专区"
    no_overflow(kiosk)
    shot(kiosk, artifacts_dir, "kiosk-elderly-home")
    kiosk.click('[data-zone="natural"]')  # the zone with the most matters
    rows = kiosk.locator("#services [data-service]")
    assert rows.count() <= 4
    expect(kiosk.locator("#service-pager")).to_be_visible()
    expect(kiosk.locator("#page-label")).to_contain_text("第 1 /")
    assert kiosk.locator("body").get_attribute("data-spoken") == "请选择要办理的事项"
    first_page = rows.evaluate_all("ns => ns.map(n => n.dataset.service)")
    kiosk.click("#page-next")
    assert rows.evaluate_all("ns => ns.map(n => n.dataset.service)") != first_page
    no_overflow(kiosk)
    shot(kiosk, artifacts_dir, "kiosk-elderly-services")


def test_the_idle_reset_returns_the_kiosk_to_its_own_language(server, browser):
    from playwright.sync_api import expect

    server.manage("shell", "-c", "from hallops.core.models import Device; d = Device.objects.get(name='demo-kiosk-2'); "
                                 "d.options = {**d.options, 'language': 'zh-hans', 'idle_s': 2}; d.save()")
    token = server.manage("issue_token", "--device", "demo-kiosk-2").strip().split()[-1]
    kiosk = page_for(browser, server, KIOSK)
    kiosk.goto(f"/halls/demo/kiosk/?token={token}")
    switch = kiosk.locator(".device-head [data-lang-switch] button[value=en]")
    box = switch.bounding_box()
    assert box["height"] >= 60 and box["width"] >= 120  # large enough to find and to hit
    switch.click()
    expect(kiosk.locator("html")).to_have_attribute("lang", "en")
    kiosk.click('[data-zone="legal"]')
    # Nobody touches it: back home, and back in Chinese (the kiosk's setting), for the next citizen.
    expect(kiosk.locator("html")).to_have_attribute("lang", "zh-CN", timeout=15_000)
    expect(kiosk.locator("#step-zone")).to_be_visible()


def test_the_hall_screen_grid_recent_calls_and_announcements_read_from_the_back_row(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    screen = page_for(browser, server, SCREEN)
    screen.goto(f"/halls/demo/screen/?token={server.tokens['demo-hall-screen']}")
    expect(screen.locator("#waiting li").first).to_be_visible()
    kiosk = kiosk_page(browser, server)
    numbers = []
    for _ in range(2):
        kiosk.click('[data-zone="legal"]')
        kiosk.click('[data-service="qy-bg"]')
        kiosk.click("#take")
        expect(kiosk.locator("#ticket-number")).to_have_text(re.compile(r"^A\d{3}$"))
        numbers.append(kiosk.locator("#ticket-number").inner_text())
        kiosk.click("[data-home]")

    console = open_console(browser, server)
    console.keyboard.press("F1")
    expect(console.locator("#cur-number")).to_have_text(re.compile(r"^A\d{3}$"))
    first = console.locator("#cur-number").inner_text()
    expect(screen.locator("#latest .num")).to_have_text(first)
    expect(screen.locator('#board [data-window="1"] .w-cur')).to_have_text(first)
    # Announced twice (the hall's default), and a recall moves the row instead of adding one.
    expect(screen.locator("body")).to_have_attribute("data-announced", re.compile(rf"^\d+:{first}x2$"))
    console.keyboard.press("F4")
    expect(console.locator("#cur-detail")).to_contain_text("办理中")
    console.keyboard.press("F5")
    expect(console.locator("#cur-number")).to_have_text("—")
    console.keyboard.press("F1")
    expect(console.locator("#cur-number")).to_have_text(re.compile(r"^A\d{3}$"))
    second = console.locator("#cur-number").inner_text()
    assert second != first
    expect(screen.locator("#latest .num")).to_have_text(second)
    console.keyboard.press("F2")  # 重呼
    expect(screen.locator("#latest .badge")).to_be_visible()
    table = screen.locator("#calls td.num").evaluate_all("ns => ns.map(n => n.textContent)")
    assert second not in table and table.count(first) == 1
    expect(screen.locator('#board [data-window="1"] .w-cur')).to_have_text(second)

    # Readable at 5 m: every waiting line at least 40 px, and the page fits 1920x1080.
    sizes = screen.locator("#waiting li").evaluate_all(
        "ns => ns.map(n => [parseFloat(getComputedStyle(n).fontSize), n.getBoundingClientRect().bottom])")
    assert sizes and all(px >= 40 for px, _ in sizes) and all(bottom <= 1080 for _, bottom in sizes)
    assert font_px(screen.locator("#calls td.num").first) >= 40
    no_overflow(screen)
    # The language switch covers nothing, the scrolling notice least of all.
    switch = screen.locator("[data-lang-switch]").bounding_box()
    notice = screen.locator("footer.notice").bounding_box()
    assert switch["y"] + switch["height"] <= notice["y"]
    shot(screen, artifacts_dir, "hall-screen-floor")
    console.keyboard.press("F4")
    console.keyboard.press("F5")


def test_the_console_says_what_happened_and_asks_before_closing_or_signing_out(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    kiosk = kiosk_page(browser, server)
    kiosk.click('[data-zone="legal"]')
    kiosk.click('[data-service="qy-zx"]')
    kiosk.click("#take")
    expect(kiosk.locator("#ticket-number")).to_have_text(re.compile(r"^A\d{3}$"))

    console = open_console(browser, server)
    console.keyboard.press("F1")
    expect(console.locator("#cur-number")).to_have_text(re.compile(r"^A\d{3}$"))
    number = console.locator("#cur-number").inner_text()
    expect(console.locator("#console-message")).to_have_text(f"已叫号 {number}")
    expect(console.locator("#win-state")).to_have_text("已叫号")
    shot(console, artifacts_dir, "console-called-badge")
    console.keyboard.press("F4")
    expect(console.locator("#win-state")).to_have_text("办理中")
    expect(console.locator("#console-message")).to_have_text(f"开始办理 {number}")
    console.keyboard.press("F5")
    expect(console.locator("#console-message")).to_have_text(f"已办结 {number}")

    # F9 and F10 ask first; 取消 keeps the window open and the staff signed in.
    console.keyboard.press("F9")
    expect(console.locator("#confirm")).to_be_visible()
    expect(console.locator("#confirm-text")).to_contain_text("关闭窗口")
    shot(console, artifacts_dir, "console-confirm-close")
    console.click("#confirm-no")
    expect(console.locator("#confirm")).to_be_hidden()
    expect(console.locator("#win-state")).to_have_text("空闲")
    console.keyboard.press("F10")
    expect(console.locator("#confirm-text")).to_contain_text("签退")
    console.keyboard.press("Escape")
    expect(console.locator("#sign-out")).to_be_visible()

    # 报备短时离开: announced from the console, honoured by the patrol.
    console.click("#absence-open")
    console.select_option("#panel-absence select[name=minutes]", "10")
    console.fill("#panel-absence input[name=note]", "取档案")
    console.click("#panel-absence button[type=submit]")
    expect(console.locator("#console-message")).to_have_text("已报备短时离开 10 分钟")
    out = server.manage("shell", "-c", "from django.utils import timezone; from hallops.patrol.models import Suppression; "
                                       "now = timezone.now(); print(list(Suppression.objects.filter(window__hall__code="
                                       "'demo', window__number='1', starts_at__lte=now, ends_at__gt=now)"
                                       ".values_list('kind', 'note')))")
    assert "('short_absence', '取档案')" in out  # what window_presence reads for the off-post rule
    no_overflow(console)
    shot(console, artifacts_dir, "console")


def test_the_phone_alerts_when_the_call_is_near_and_lets_the_citizen_cancel(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    kiosk = kiosk_page(browser, server)
    kiosk.click('[data-zone="legal"]')
    kiosk.click('[data-service="qy-bg"]')
    kiosk.click("#take")
    expect(kiosk.locator("#ticket-number")).to_have_text(re.compile(r"^A\d{3}$"))
    ticket_id = re.match(r"/t/([0-9a-f-]+)/qr\.svg", kiosk.locator("#ticket-qr").get_attribute("src")).group(1)

    phone = page_for(browser, server, PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/t/{ticket_id}/")
    expect(phone.locator("#t-ahead")).to_be_visible()
    phone.click("#t-alerts")  # the tap that lets the page ring later (iOS), and asks for notifications
    expect(phone.locator("#t-alerts-on")).to_be_visible()
    # Few people ahead: the page says so in a banner and in its title, not only by vibrating.
    expect(phone.locator("#t-near")).to_be_visible()
    expect(phone.locator("#t-near")).to_contain_text("快到您了")
    assert phone.title().startswith("【快到了】")
    assert "near" in phone.locator("body").get_attribute("data-alerted")
    shot(phone, artifacts_dir, "tracking-near")
    phone.locator("#t-cancel summary").click()
    phone.click("#t-cancel-confirm")
    expect(phone.locator("#t-status")).to_have_text("已取消")
    expect(phone.locator("#t-waiting")).to_be_hidden()
    shot(phone, artifacts_dir, "tracking-cancelled")
