"""The lobby manager follows the staffing advice on the dashboard: open the window it names in one
click, and try a number of windows before deciding."""

import pytest

from .test_hall_flow import DESK, login, page_for

pytestmark = pytest.mark.browser

SETUP = """
from hallops.core import actions
from hallops.core.models import Hall, WindowState
from hallops.staffing.groups import window_groups
hall = Hall.objects.get(code='demo')
group = max(window_groups(hall), key=lambda g: len(g.windows))
keep = group.windows[0]
for w in group.windows[1:]:
    if w.state != WindowState.CLOSED:
        w.state = WindowState.CLOSED
        w.save(update_fields=['state'])
for _ in range(40):
    actions.issue_ticket(hall, group.services[0])
print(group.key, group.windows[1].number)
"""


def test_it_opens_the_advised_window_in_one_click_and_tries_a_what_if(server, browser):
    from playwright.sync_api import expect

    key, number = server.manage("shell", "-c", SETUP).strip().splitlines()[-1].split()
    page = page_for(browser, server, DESK)
    login(page, "lobby", "/halls/demo/dashboard/")
    group = page.locator(f'#staffing li[data-group="{key}"]')
    expect(group).to_have_attribute("data-action", "open")
    expect(group.locator(".staff-advice")).to_contain_text("增开")
    tile = page.locator(f'.tile-win[data-window="{number}"]')
    expect(tile).to_have_attribute("data-state", "closed")
    group.locator(f'button.open-advised[data-window="{number}"]').click()
    expect(tile).to_have_attribute("data-state", "open")
    group.locator("input.what-if-n").fill("1")
    group.locator("button", has_text="试算").click()
    expect(group.locator(".what-if-out")).to_contain_text("1")
