"""What anyone may read without credentials: halls, their matters, and a ticket by its UUID."""

from decimal import Decimal

from hallops.core import actions
from hallops.core.models import Department, WindowState
from tests.factories import make_hall, make_service, make_window

ALWAYS = {str(d): [["00:00", "24:00"]] for d in range(7)}


def test_halls_list_names_each_hall_with_its_place_and_hours(world, api):
    world.hall.address = "西城区金融大街 1 号"
    world.hall.latitude, world.hall.longitude = Decimal("39.915123"), Decimal("116.360456")
    world.hall.enforce_hours, world.hall.opening_hours = True, ALWAYS
    world.hall.save()
    make_hall("closedhall", enforce_hours=True, opening_hours={})

    response = api.get("/halls/")

    assert response.status_code == 200
    by_code = {h["code"]: h for h in response.json()}
    assert by_code["xicheng"] == {
        "code": "xicheng", "name": "西城区政务服务中心", "address": "西城区金融大街 1 号",
        "latitude": 39.915123, "longitude": 116.360456, "open_now": True, "opening_hours": ALWAYS,
    }
    assert by_code["closedhall"]["open_now"] is False
    assert by_code["dongcheng"]["latitude"] is None


def test_services_list_shows_queue_quota_and_whether_the_matter_is_served_now(world, api):
    dept = Department.objects.create(code="amr", name="市场监管局")
    world.service.department, world.service.daily_quota, world.service.bookable = dept, 10, True
    world.service.materials = "营业执照申请书；身份证"
    world.service.save()
    unserved = make_service(world.hall, code="passport", prefix="C", name="出入境")
    make_window(world.hall, number="9", services=[unserved])  # closed: nobody serves it now
    world.issue()
    world.issue()

    response = api.get("/halls/xicheng/services/")

    assert response.status_code == 200
    rows = {s["code"]: s for s in response.json()}
    assert rows["biz-reg"] == {
        "code": "biz-reg", "name": "企业开办", "zone": "natural", "zone_name": "自然人服务区",
        "department": "市场监管局", "prefix": "A", "waiting": 2,
        # 2 waiting × 10 min configured handling time ÷ 2 open windows
        "estimated_wait_s": 600, "open_windows": 2, "open": True, "bookable": True,
        "materials": "营业执照申请书；身份证", "guide": "", "kind": "immediate", "expected_minutes": 10,
        "daily_quota": 10, "remaining_quota": 8,
    }
    assert rows["tax"]["remaining_quota"] is None
    assert rows["passport"]["open"] is False and rows["passport"]["open_windows"] == 0


def test_no_matter_is_open_while_the_hall_does_not_issue_numbers(world, api):
    world.hall.enforce_hours, world.hall.opening_hours = True, {}
    world.hall.save()
    assert [s["open"] for s in api.get("/halls/xicheng/services/").json()] == [False, False]


def test_a_matter_whose_windows_are_all_paused_is_not_open(world, api):
    for w in (world.window, world.other_window):
        actions.pause_window(w)
    rows = {s["code"]: s for s in api.get("/halls/xicheng/services/").json()}
    assert rows["biz-reg"]["open"] is False
    assert world.window.__class__.objects.get(pk=world.window.pk).state == WindowState.PAUSED


def test_tracking_a_waiting_ticket_shows_people_ahead_and_the_wait(world, api):
    # Window 2 is busy with A001 (10 minutes a matter); the idle window 1 calls A002, then
    # window 2 calls A003 when it is done with A001.
    world.issue()
    world.issue()
    mine = world.issue()
    actions.call_next(world.other_window)

    response = api.get(f"/tickets/{mine.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": str(mine.pk), "number": "A003", "service": "biz-reg", "service_name": "企业开办",
        "status": "waiting", "window": None, "ahead": 1, "estimated_wait_s": 600,
        "issued_at": mine.issued_at.isoformat(), "called_at": None,
    }


def test_tracking_a_called_ticket_says_which_window_to_go_to(world, api):
    ticket = world.issue()
    actions.call_next(world.window)

    body = api.get(f"/tickets/{ticket.pk}/").json()

    assert body["status"] == "called"
    assert body["window"] == {"id": world.window.pk, "number": "1", "name": "综合窗口1"}
    assert body["ahead"] is None and body["estimated_wait_s"] is None
    assert body["called_at"] is not None


def test_tracking_follows_a_transferred_ticket_to_its_new_matter(world, api):
    ticket = world.issue()
    actions.call_next(world.window)
    moved = actions.transfer(world.window, service=world.other_service)

    body = api.get(f"/tickets/{ticket.pk}/").json()

    assert body["id"] == str(moved.pk)
    assert (body["number"], body["service"], body["status"]) == ("A001", "tax", "waiting")
