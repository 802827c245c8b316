"""预约 in real browsers against a real daphne: a citizen books on a phone, then checks in at the kiosk
with a scanner (keys typed and Enter) and gets an appointment number."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from .test_hall_flow import KIOSK, PHONE, login, page_for, shot

pytestmark = pytest.mark.browser

# The booked day has not come yet when the test runs: move the booking to start in ten minutes today,
# as if that morning had arrived (the server reads the real clock).
ARRIVE = """
from datetime import timedelta
from django.utils import timezone
from hallops.core.models import Appointment
now = timezone.now()
start = now + timedelta(minutes=10)
if timezone.localdate(start) != timezone.localdate(now):  # near midnight: a slot begun today, still open
    start = now - timedelta(minutes=5)
Appointment.objects.filter(code="{code}").update(slot_start=start, slot_end=start + timedelta(minutes=30),
                                                 day=timezone.localdate(start))
"""


def test_a_citizen_books_on_a_phone_and_checks_in_at_the_kiosk_with_a_scanner(server, browser, artifacts_dir):
    phone = page_for(browser, server, PHONE, is_mobile=True, has_touch=True)
    phone.goto("/halls/demo/book/")
    phone.click('[data-service="qy-sl"]')
    phone.locator("[data-day]").first.click()
    slot = phone.locator("button.slot:not([disabled])").first
    expect(slot).to_contain_text("余")
    slot.click()
    phone.fill("#f-name", "张三")
    phone.fill("#f-phone", "13812341234")
    shot(phone, artifacts_dir, "booking-form")
    phone.click("#f-submit")
    phone.wait_for_url(re.compile(r".*/b/[A-Z0-9]{8}/$"))
    code = phone.locator("#b-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code), code
    expect(phone.locator("text=138****1234")).to_be_visible()
    phone.wait_for_function("document.getElementById('b-qr').naturalWidth > 0")  # the QR loaded
    width = phone.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], width  # nothing sticks out on a phone
    shot(phone, artifacts_dir, "booking-done")

    # The same phone number cannot book the matter twice that day: the page says why.
    phone.goto("/halls/demo/book/")
    phone.click('[data-service="qy-sl"]')
    phone.locator("[data-day]").first.click()
    phone.locator("button.slot:not([disabled])").first.click()
    phone.fill("#f-name", "张三")
    phone.fill("#f-phone", "138 1234 1234")
    phone.click("#f-submit")
    expect(phone.locator("#book-message")).to_contain_text("已预约")

    server.manage("shell", "-c", ARRIVE.format(code=code))
    kiosk = page_for(browser, server, KIOSK)
    kiosk.goto(f"/halls/demo/kiosk/?token={server.tokens['demo-kiosk-1']}")
    expect(kiosk.locator("[data-zone]").first).to_be_visible()
    kiosk.keyboard.type(code.lower(), delay=5)  # a scanner is a keyboard: the code, then Enter
    kiosk.keyboard.press("Enter")
    number = kiosk.locator("#ticket-number")
    expect(number).to_have_text(re.compile(r"^[A-Z]{1,2}\d{3}$"))
    shot(kiosk, artifacts_dir, "kiosk-check-in")

    with urllib.request.urlopen(f"{server.base}/api/v1/appointments/{code}/") as r:
        assert json.load(r)["status"] == "checked_in"


BLOCK = """
from datetime import timedelta
from django.utils import timezone
from hallops.core import persons
from hallops.core.models import BookingBlock, Hall
now = timezone.now()
b = BookingBlock.objects.create(hall=Hall.objects.get(code="demo"), phone_hash=persons.person_hash("phone", "13900000077"),
                                phone_masked="139****0077", no_shows=3, created_at=now, until=now + timedelta(days=30))
print(b.pk)
"""


def test_a_blocked_citizen_is_told_and_a_lobby_manager_lifts_the_block_with_a_reason(server, browser):
    block_id = int(server.manage("shell", "-c", BLOCK).strip().splitlines()[-1])

    def try_booking():
        phone.goto("/halls/demo/book/")
        phone.click('[data-service="qy-sl"]')
        phone.locator("[data-day]").last.click()
        phone.locator("button.slot:not([disabled])").first.click()
        phone.fill("#f-name", "李四")
        phone.fill("#f-phone", "13900000077")
        phone.click("#f-submit")

    phone = page_for(browser, server, PHONE, is_mobile=True, has_touch=True)
    try_booking()
    expect(phone.locator("#book-message")).to_contain_text("不能网上预约")

    lobby = page_for(browser, server, {"width": 1440, "height": 900})
    login(lobby, "lobby", "/halls/demo/dashboard/")
    row = lobby.locator(f'[data-block="{block_id}"]')
    expect(row).to_contain_text("139****0077")
    lobby.once("dialog", lambda d: d.accept("本人住院，提供了证明"))
    row.locator("button").click()
    expect(row).to_have_count(0)

    try_booking()
    phone.wait_for_url(re.compile(r".*/b/[A-Z0-9]{8}/$"))
