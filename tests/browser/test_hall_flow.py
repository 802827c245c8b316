"""One citizen through the hall in real browsers against a real daphne: kiosk → console → screens → phone,
the dashboard following a pause, and every page riding out a server restart."""

import os
import re

import pytest

pytestmark = pytest.mark.browser

KIOSK = {"width": 1080, "height": 1920}
SCREEN = {"width": 1920, "height": 1080}
DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT = 15_000


def page_for(browser, server, viewport, **kw):
    ctx = browser.new_context(viewport=viewport, locale="zh-CN", base_url=server.base, **kw)
    ctx.set_default_timeout(WAIT)
    return ctx.new_page()


def login(page, username, next_path):
    page.goto(f"/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "hallops-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def shot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, f"{name}.png"))


def no_overflow(page):
    """Device pages must fit their screen: nothing scrolls, nothing sticks out to the right."""
    sizes = page.evaluate("""() => ({sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
                                     w: innerWidth, h: innerHeight})""")
    assert sizes["sw"] <= sizes["w"] and sizes["sh"] <= sizes["h"], sizes


def test_a_citizen_is_called_and_every_page_follows(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    # The screens are up before anything happens: they must learn of the call live.
    screen = page_for(browser, server, SCREEN)
    screen.goto(f"/halls/demo/screen/?token={server.tokens['demo-hall-screen']}")
    expect(screen.locator("#waiting li").first).to_be_visible()
    assert "token=" not in screen.url  # kept in localStorage and a path cookie, not in the address bar

    window_screen = page_for(browser, server, SCREEN)
    window_screen.goto("/halls/demo/windows/1/screen/?token=" + server.tokens["demo-display-1"])
    expect(window_screen.locator("#staff-name")).to_have_text("李晓燕")

    lobby = page_for(browser, server, DESK)
    login(lobby, "lobby", "/halls/demo/dashboard/")
    tile = lobby.locator('.tile-win[data-window="1"]')
    expect(tile).to_have_attribute("data-state", "open")

    # 1. Kiosk: zone → matter → priority → take.
    kiosk = page_for(browser, server, KIOSK)
    kiosk.goto(f"/halls/demo/kiosk/?token={server.tokens['demo-kiosk-1']}")
    kiosk.click('[data-zone="legal"]')
    kiosk.click('[data-service="qy-sl"]')
    kiosk.click('[data-priority="elderly"]')
    expect(kiosk.locator('[data-priority="elderly"]')).to_have_attribute("aria-pressed", "true")
    shot(kiosk, artifacts_dir, "kiosk-priority")
    kiosk.click("#take")
    number_el = kiosk.locator("#ticket-number")
    expect(number_el).to_have_text(re.compile(r"^A\d{3}$"))
    number = number_el.inner_text()
    expect(kiosk.locator("#ticket-ahead")).to_contain_text("0")
    qr_src = kiosk.locator("#ticket-qr").get_attribute("src")
    ticket_id = re.match(r"/t/([0-9a-f-]+)/qr\.svg", qr_src).group(1)
    kiosk.wait_for_function("document.getElementById('ticket-qr').naturalWidth > 0")  # the SVG loaded
    no_overflow(kiosk)
    shot(kiosk, artifacts_dir, "kiosk-ticket")

    # The citizen's phone follows the ticket from its QR code.
    phone = page_for(browser, server, PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/t/{ticket_id}/")
    expect(phone.locator("#t-number")).to_have_text(number)
    expect(phone.locator("#t-ahead")).to_be_visible()

    # 2. Console: window staff logs in, opens window 1 (signed in by the demo, or signs in), calls.
    console = page_for(browser, server, DESK)
    login(console, "w01", "/halls/demo/console/")
    console.click('a[data-window="1"]')
    expect(console.locator("#win-state")).not_to_be_empty()
    if console.locator("#sign-in").is_visible():
        console.click("#sign-in")
        expect(console.locator("#sign-out")).to_be_visible()
    expect(console.locator("#queue")).to_contain_text(number)
    console.keyboard.press("F1")
    expect(console.locator("#cur-number")).to_have_text(number)
    shot(console, artifacts_dir, "console-called")

    # 3. Everyone sees the call.
    expect(screen.locator("#latest .num")).to_have_text(number)
    expect(screen.locator("#latest .to")).to_contain_text("1")
    no_overflow(screen)
    shot(screen, artifacts_dir, "hall-screen")
    expect(window_screen.locator("#cur-number")).to_have_text(number)
    no_overflow(window_screen)
    shot(window_screen, artifacts_dir, "window-screen")
    expect(phone.locator("#t-called")).to_be_visible()
    expect(phone.locator("#t-window")).to_contain_text("1")
    shot(phone, artifacts_dir, "tracking-called")
    expect(tile.locator(".tile-current")).to_have_text(number)

    # 4. Start, finish; then a pause the dashboard shows.
    console.keyboard.press("F4")
    expect(console.locator("#cur-detail")).to_contain_text("办理中")
    # 办件编号 and applicant type go with 办结; F5 works from the field, and the field empties after.
    console.locator("#filing select[name=applicant_type]").select_option("legal")
    console.locator("#filing input[name=filing_number]").fill("BJ-2026-0001")
    console.keyboard.press("F5")
    expect(console.locator("#cur-number")).to_have_text("—")
    expect(console.locator("#filing input[name=filing_number]")).to_have_value("")
    stored = server.manage("shell", "-c", "from hallops.core.models import Ticket; "
                           f"t = Ticket.objects.get(number='{number}', status='done'); "
                           "print(t.filing_number, t.applicant_type)")
    assert stored.split()[-2:] == ["BJ-2026-0001", "legal"]
    console.keyboard.press("F8")
    console.locator("#panel-pause input[name=stand_in]").fill("王建国")
    console.click("#panel-pause button[type=submit]")
    expect(console.locator("#win-state")).to_have_text("暂停服务")
    expect(tile).to_have_attribute("data-state", "paused")
    expect(window_screen.locator("#cur-number")).to_have_text("暂停服务")
    shot(lobby, artifacts_dir, "dashboard-paused")
    shot(window_screen, artifacts_dir, "window-screen-paused")
    console.keyboard.press("F8")
    expect(tile).to_have_attribute("data-state", "open")

    # 5. The server goes away and comes back: the banner shows, then the pages resume.
    server.stop()
    for page in (screen, console, lobby):
        expect(page.locator("#offline-banner")).to_be_visible()
    shot(screen, artifacts_dir, "hall-screen-offline")
    server.start()
    for page in (screen, console, lobby):
        expect(page.locator("#offline-banner")).to_be_hidden(timeout=25_000)
    console.keyboard.press("F1")  # nobody waits now; the server's answer proves the socket works again
    expect(console.locator("#console-message")).to_have_text("当前无人等候")
