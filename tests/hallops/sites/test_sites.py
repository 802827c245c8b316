"""Several sites under one district and the public map: where can I do this matter now, soonest?"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hallops.core import actions
from hallops.core.models import DeviceKind, WindowState
from hallops.sites.figures import all_sites, sites_for
from hallops.sites.models import District
from tests.factories import make_device, make_hall, make_service, make_window

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2025, 4, 14, 10, 0, tzinfo=SH)
NATIONAL_DAY = datetime(2025, 10, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def district(db):
    District.objects.create(code="430102", name="示范区")
    centre = make_hall("centre", name="区政务服务中心", region_code="430102000000", enforce_hours=True,
                       latitude="30.572815", longitude="114.279210")
    street = make_hall("street", name="城东街道便民服务中心", region_code="430102001000", enforce_hours=True,
                       latitude="30.580342", longitude="114.301877")
    far = make_hall("far", name="外区中心", region_code="430103000000", enforce_hours=True)
    for hall in (centre, street, far):
        s = make_service(hall, code="sb", prefix="A", name="社保参保登记", expected_minutes=10)
        make_window(hall, number="1", services=[s], state=WindowState.OPEN)
    make_service(centre, code="biz", prefix="B", name="企业开办")
    make_device(centre, DeviceKind.KIOSK)
    make_device(centre, DeviceKind.KIOSK)
    for _ in range(3):
        actions.issue_ticket(centre, centre.services.get(code="sb"), now=MONDAY_10)
    actions.issue_ticket(street, street.services.get(code="sb"), now=MONDAY_10)
    return centre, street, far


def test_every_site_with_its_district_hours_and_self_service(district):
    sites = {s["code"]: s for s in all_sites(MONDAY_10)}
    centre = sites["centre"]
    assert centre["district"] == {"code": "430102", "name": "示范区"}
    assert sites["street"]["district"]["code"] == "430102"
    assert centre["open_now"] and centre["hours_today"] == ["08:30–12:00", "13:30–17:30"]
    assert centre["self_service"] == 2 and sites["street"]["self_service"] == 0
    assert {m["code"]: m["waiting"] for m in centre["services"]} == {"sb": 3, "biz": 0}


def test_the_shortest_wait_for_a_matter_comes_first_and_matches_the_halls_own_estimate(district):
    from hallops.core.read.services import catalogue

    rows = sites_for("sb", MONDAY_10)
    assert [r["code"] for r in rows] == ["far", "street", "centre"]  # 0, 1 and 3 waiting, one window each
    centre_own = {c["code"]: c for c in catalogue(district[0], MONDAY_10)}["sb"]
    assert rows[2]["estimated_wait_s"] == centre_own["estimated_wait_s"] == 3 * 600
    assert rows[2]["estimated_wait_min"] == 30
    assert sites_for("biz", MONDAY_10)[0]["code"] == "centre" and len(sites_for("biz", MONDAY_10)) == 1
    assert [r["code"] for r in sites_for("sb", MONDAY_10, district="430102")] == ["street", "centre"]


def test_a_closed_site_sinks_below_every_open_one(district):
    district[2].windows.update(state=WindowState.CLOSED)
    assert [r["code"] for r in sites_for("sb", MONDAY_10)] == ["street", "centre", "far"]
    assert all(not r["open_now"] for r in sites_for("sb", NATIONAL_DAY))
    assert all(r["hours_today"] == [] for r in sites_for("sb", NATIONAL_DAY))


@pytest.mark.parametrize("extra", [0, 20])
def test_the_map_reads_in_a_fixed_number_of_statements(district, extra, django_assert_num_queries):
    for i in range(extra):
        hall = make_hall(f"x{i}")
        make_window(hall, number="1", services=[make_service(hall, code="sb", prefix="A")])
    with django_assert_num_queries(7):
        sites_for("sb", MONDAY_10)


def test_the_api_is_public_and_filters_by_matter(district, client):
    response = client.get("/api/v1/sites/", {"service": "sb"})
    assert response.status_code == 200
    assert {r["code"] for r in response.json()} == {"centre", "street", "far"}
    assert set(response.json()[0]) >= {"open_now", "waiting", "estimated_wait_s"}
    assert len(client.get("/api/v1/sites/").json()) == 3


def test_the_page_draws_the_sites_without_internet(district, client):
    page = client.get("/sites/", {"service": "sb"}).content.decode()
    assert '<svg id="site-map"' in page and 'data-site="centre"' in page and "http" not in page.split("<main")[1]
    assert "外区中心" in page
