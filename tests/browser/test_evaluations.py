"""好差评 in real browsers against a real daphne: the window's tablet pad asks the reasons of a bad
rating, and the citizen's phone rates from the ticket's tracking page; both open a case (工单)."""

import re

import pytest
import requests

from .test_hall_flow import PHONE, page_for

pytestmark = pytest.mark.browser

PAD = {"width": 1280, "height": 800}


def token_for(server, username):
    return re.search(r"hsu_\S+", server.manage("issue_token", "--user", username)).group(0)


def serve_one(server, staff):
    """A number taken at the kiosk, called and finished at window 1 through the API."""
    api = server.base + "/api/v1"
    kiosk = {"Authorization": f"Bearer {server.tokens['demo-kiosk-1']}"}
    ticket = requests.post(f"{api}/halls/demo/tickets/", json={"service": "qy-sl"}, headers=kiosk, timeout=10)
    assert ticket.status_code == 201, ticket.text
    auth = {"Authorization": f"Bearer {staff}"}
    requests.post(f"{api}/windows/1/sign-in/", headers=auth, timeout=10)
    called = requests.post(f"{api}/windows/1/call-next/", headers=auth, timeout=10).json()["ticket"]
    assert called["id"] == ticket.json()["id"]
    assert requests.post(f"{api}/windows/1/finish/", json={"filing_number": "BJ-1"}, headers=auth,
                         timeout=10).status_code == 200
    return called


def cases(server, manager):
    r = requests.get(f"{server.base}/api/v1/halls/demo/cases/", headers={"Authorization": f"Bearer {manager}"},
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_a_bad_rating_on_the_pad_asks_why_and_a_phone_rates_from_the_tracking_page(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    staff, manager = token_for(server, "w01"), token_for(server, "lobby")

    # The tablet pad is up before the matter is finished: it is prompted live.
    pad = page_for(browser, server, PAD)
    pad.goto(f"/halls/demo/windows/1/pad/?token={server.tokens['demo-pad-1']}")
    expect(pad.locator("#pad-idle")).to_be_visible()
    first = serve_one(server, staff)
    expect(pad.locator("#pad-ask")).to_be_visible()
    expect(pad.locator("#pad-ticket")).to_contain_text(first["number"])
    pad.click('[data-level="1"]')
    expect(pad.locator("#pad-reasons")).to_be_visible()
    pad.click("#pad-submit")  # no reason picked: the pad says so and sends nothing
    expect(pad.locator("#pad-message")).to_contain_text("请至少选择一项原因")
    pad.locator('#reasons input[value="slow"]').check()
    pad.locator('#reasons input[value="notice"]').check()
    pad.fill("#pad-comment", "等了四十分钟，材料清单也没说清楚")
    pad.screenshot(path=f"{artifacts_dir}/pad-reasons.png")
    pad.click("#pad-submit")
    expect(pad.locator("#pad-thanks")).to_be_visible()
    [case] = cases(server, manager)
    assert (case["kind"], case["ticket"]["number"], case["evaluation"]["level"]) == ("bad_rating", first["number"], 1)
    assert case["evaluation"]["source"] == "tablet" and case["evaluation"]["reasons"] == ["slow", "notice"]
    assert case["evaluation"]["comment"] == "等了四十分钟，材料清单也没说清楚"

    # The next citizen leaves without rating and rates from the phone.
    second = serve_one(server, staff)
    phone = page_for(browser, server, PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/t/{second['id']}/")
    expect(phone.locator("#rate")).to_be_visible()
    expect(phone.locator("#rate-reasons")).to_be_hidden()
    phone.locator('input[name=level][value="2"]').check()
    expect(phone.locator("#rate-reasons")).to_be_visible()
    phone.locator('input[name=reasons][value="attitude"]').check()
    phone.fill("textarea[name=comment]", "态度不耐烦")
    phone.fill("input[name=contact_phone]", "13900000000")
    phone.screenshot(path=f"{artifacts_dir}/phone-rating.png")
    phone.click("#rate-submit")
    expect(phone.locator("#rate-thanks")).to_be_visible()
    expect(phone.locator("#rate")).to_be_hidden()
    phone.reload()
    expect(phone.locator("#rate-thanks")).to_contain_text("已评价")
    items = {c["ticket"]["number"]: c for c in cases(server, manager)}
    mine = items[second["number"]]
    assert (mine["evaluation"]["source"], mine["evaluation"]["level"], mine["contact"]["phone"]) == ("qr", 2, "13900000000")
    # The pad, pressed for the phone-rated visit, gets the first rating back, not a second one.
    r = requests.post(f"{server.base}/api/v1/windows/1/evaluations/", json={"level": 5, "ticket": second["id"]},
                      headers={"Authorization": f"Bearer {server.tokens['demo-pad-1']}"}, timeout=10)
    assert r.status_code == 200 and r.json()["level"] == 2 and r.json()["created"] is False
