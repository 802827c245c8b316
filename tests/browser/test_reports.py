"""A lobby manager reads today's report in the browser, sees the chart, and takes the Excel file home."""

import io

import pytest
import requests
from openpyxl import load_workbook

from .test_hall_flow import DESK, login, page_for, shot

pytestmark = pytest.mark.browser


def test_it_shows_todays_report_with_a_chart_and_an_excel_export(server, browser, artifacts_dir):
    from playwright.sync_api import expect

    code = requests.get(f"{server.base}/api/v1/halls/demo/services/", timeout=10).json()[0]["code"]
    for _ in range(2):
        r = requests.post(f"{server.base}/api/v1/halls/demo/tickets/", json={"service": code}, timeout=10,
                          headers={"Authorization": f"Bearer {server.tokens['demo-kiosk-1']}"})
        assert r.status_code == 201, r.text
    page = page_for(browser, server, DESK, accept_downloads=True)
    login(page, "lobby", "/halls/demo/reports/")
    expect(page.locator("#report-table tbody tr")).to_have_count(1)
    expect(page.locator("#report-table tbody tr td").nth(2)).to_have_text("2")
    expect(page.locator("#report-chart")).to_have_attribute("data-drawn", "1")
    shot(page, artifacts_dir, "reports")
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert header[:3] == ("编码", "名称", "取号数") and first[0] == code and first[2] == 2
