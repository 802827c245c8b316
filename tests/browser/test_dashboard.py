"""The lobby manager's day on the dashboard: windows in numeric order, a pause through a dialog with a
reason from the list, the alert it raises acknowledged with the manager's name, devices filtered."""

import pytest

from .test_hall_flow import DESK, login, page_for, shot

pytestmark = pytest.mark.browser


def test_it_pauses_through_a_dialog_and_acknowledges_the_alert(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    # Alert on any pause at once, so the test need not wait twenty minutes.
    server.manage("shell", "-c", "from hallops.core.models import Hall; Hall.objects.filter(code='demo')"
                                 ".update(pause_alert_minutes=0)")
    page = page_for(browser, server, DESK)
    page.on("dialog", lambda d: pytest.fail(f"a browser prompt appeared: {d.message}"))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, "lobby", "/halls/demo/dashboard/")
    tile = page.locator('.tile-win[data-window="2"]')
    try:
        expect(tile).to_have_attribute("data-state", "open", timeout=15_000)
    finally:
        assert errors == []
    numbers = page.locator(".tile-win").evaluate_all("ts => ts.map(t => t.dataset.window)")
    assert numbers == sorted(numbers, key=lambda n: (len(n), n)) and "10" in numbers
    tile.locator("button", has_text="暂停").click()
    dialog = page.locator("dialog.dash-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=reason]").select_option("业务培训")
    dialog.locator("button[value=ok]").click()
    expect(tile).to_have_attribute("data-state", "paused")
    expect(tile).to_contain_text("业务培训")
    alert = page.locator("#alerts li.alert", has_text="2号窗口已暂停")
    expect(alert).to_be_visible()
    expect(alert.locator(".alert-since")).to_contain_text("起")
    alert.locator("button.ack").click()
    expect(alert.locator(".alert-ack")).to_contain_text("已确认")
    page.fill("#dev-filter", "评价器")
    expect(page.locator("#devices li[data-kind]").first).to_contain_text("评价器")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, artifacts_dir, "dashboard")
    tile.locator("button", has_text="恢复").click()
    expect(tile).to_have_attribute("data-state", "open")
