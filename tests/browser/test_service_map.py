"""A citizen on a phone plans the trip: every site on the map, then where a matter can be done soonest."""

import pytest
import requests

from .test_hall_flow import page_for, shot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_it_shows_every_site_and_the_best_one_for_a_matter(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    sites = requests.get(f"{server.base}/api/v1/sites/", timeout=10).json()
    shared = set.intersection(*({m["code"] for m in s["services"]} for s in sites))
    assert len(sites) >= 2 and shared
    code = sorted(shared)[0]
    page = page_for(browser, server, PHONE)
    page.goto("/sites/")
    expect(page.locator("#site-map .site-dot")).to_have_count(len(sites))
    expect(page.locator("#sites li.site")).to_have_count(len(sites))
    page.select_option("select[name=service]", code)
    page.wait_for_url(f"**service={code}")
    expect(page.locator("#best")).to_contain_text("同区通办")
    first = page.locator("#sites li.site").first
    expect(first).to_have_attribute("data-site", requests.get(
        f"{server.base}/api/v1/sites/", params={"service": code}, timeout=10).json()[0]["code"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    shot(page, artifacts_dir, "service-map")
