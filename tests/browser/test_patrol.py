"""A supervisor in a real browser against a real daphne: sees a candidate off-post detection on the
timeline, confirms it, and publishes a notice (通报) that lists it with its evidence."""

import os

import pytest

pytestmark = pytest.mark.browser

DESK = {"width": 1440, "height": 900}
WAIT = 15_000

# Run inside the server's environment (manage.py shell): one candidate detection on window 1's
# camera, with a picture of the empty seat from the demo video as its evidence.
SETUP = r"""
import cv2
from datetime import timedelta
from django.utils import timezone
from hallops.core.models import Hall
from hallops.patrol import frames
from hallops.patrol.models import Camera, Detection
hall = Hall.objects.get(code="demo")
camera = Camera.objects.get(hall=hall, window__number="1")
cap = cv2.VideoCapture(camera.url.split("?")[0].replace("file://", ""))
cap.set(cv2.CAP_PROP_POS_FRAMES, 30)  # 15 s in: the seat is empty
ok, image = cap.read()
now = timezone.now()
det = Detection.objects.create(hall=hall, camera=camera, window=camera.window, kind="off_post",
    started_at=now - timedelta(minutes=7), raised_at=now - timedelta(minutes=5), cleared_at=now,
    duration_s=420, details={"staff_id": camera.window.staff_id})
frames.save_snapshot(hall.pk, frames.encode_jpeg(image), camera=camera, detection=det, phase="after")
print(det.pk)
"""


def test_a_supervisor_confirms_a_candidate_and_publishes_a_notice_listing_it(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    server.manage("load_demo_patrol")
    det_id = server.manage("shell", "-c", SETUP).strip().splitlines()[-1]

    ctx = browser.new_context(viewport=DESK, locale="zh-CN", base_url=server.base)
    ctx.set_default_timeout(WAIT)
    page = ctx.new_page()
    page.goto("/accounts/login/?next=/patrol/demo/timeline/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", "hallops-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/patrol/demo/timeline/")

    item = page.locator(f"#d{det_id}")
    expect(item).to_contain_text("离岗")
    expect(item).to_contain_text("待确认")
    expect(item.locator(".thumbs img")).to_have_js_property("complete", True)
    assert item.locator(".thumbs img").evaluate("img => img.naturalWidth") > 0  # the evidence is served
    item.locator("input[name=note]").fill("离岗7分钟，未报备")
    item.locator("button[value=confirm]").click()
    expect(page.locator(f"#d{det_id}")).to_contain_text("已确认")

    page.goto("/patrol/demo/notices/new/")
    pick = page.locator("label.pick", has_text="离岗7分钟，未报备")
    expect(pick).to_be_visible()
    page.fill("input[name=title]", "关于1号窗口离岗的通报")
    page.fill("textarea[name=body]", "经视频巡查核实，现通报如下。")
    page.click("button[type=submit]")
    page.wait_for_url("**/patrol/demo/notices/*/")
    notice = page.locator("article.notice")
    expect(notice).to_contain_text("-第1期")
    expect(notice.locator("tr.finding-row")).to_have_count(1)
    expect(notice.locator("tr.finding-row")).to_contain_text("离岗7分钟，未报备")
    expect(notice.locator("tr.finding-row")).to_contain_text("1号")
    expect(notice.locator("img.evidence")).to_have_js_property("complete", True)
    assert notice.locator("img.evidence").evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=os.path.join(artifacts_dir, "patrol-notice.png"), full_page=True)

    page.goto("/patrol/demo/")
    expect(page.locator("figure.cam").first).to_be_visible()
    page.wait_for_function("() => [...document.querySelectorAll('img.snap')].some(i => i.naturalWidth > 0)")
    page.screenshot(path=os.path.join(artifacts_dir, "patrol-grid.png"))
    ctx.close()
