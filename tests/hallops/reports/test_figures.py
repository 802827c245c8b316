"""Report figures against a day computed by hand."""

import io
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from hallops.core.models import Appointment, Evaluation, HallEvent, Role, Ticket, TicketStatus
from hallops.reports.figures import p90, report
from hallops.reports.periods import period
from tests.factories import make_hall, make_service, make_staff, make_window, token_for

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2025, 4, 14)
NOON = datetime(2025, 4, 14, 12, 0, tzinfo=SH)


def at(hh, mm):
    return datetime(2025, 4, 14, hh, mm, tzinfo=SH)


def ticket(hall, service, number, status, issued, called=None, started=None, finished=None, window=None,
           staff=None, transferred_from=None, queue=None):
    return Ticket.objects.create(hall=hall, service=service, day=DAY, number=number, status=status,
                                 issued_at=issued, queue_at=queue or issued, called_at=called, started_at=started,
                                 finished_at=finished, window=window, staff=staff, transferred_from=transferred_from)


@pytest.fixture
def day(db):
    hall = make_hall("rep")
    a = make_service(hall, code="a", prefix="A", name="营业执照", committed_minutes=15)
    b = make_service(hall, code="b", prefix="B", name="税务")
    w1 = make_window(hall, number="1", services=[a, b])
    w10 = make_window(hall, number="10", services=[b])
    wang = make_staff(hall, username="wang", name="王小明")
    D, S, X, C, T = (TicketStatus.DONE, TicketStatus.SKIPPED, TicketStatus.CANCELLED, TicketStatus.CALLED,
                     TicketStatus.TRANSFERRED)
    a1 = ticket(hall, a, "A001", D, at(9, 0), at(9, 10), at(9, 11), at(9, 21), w1, wang)
    a2 = ticket(hall, a, "A002", D, at(9, 5), at(9, 25), at(9, 26), at(9, 46), w1, wang)
    for t, level in ((a1, 5), (a2, 1)):  # one 非常满意, one 非常不满意 for matter A at window 1
        Evaluation.objects.create(ticket=t, hall=hall, window=w1, staff=wang, service=a, level=level,
                                  created_at=t.finished_at)
    Appointment.objects.create(hall=hall, service=b, code="NS0001", day=DAY, slot_start=at(10, 0),
                               slot_end=at(10, 30), status="no_show")
    ticket(hall, a, "A003", S, at(9, 20), at(9, 50), window=w1, staff=wang)
    ticket(hall, b, "B001", X, at(9, 30))
    ticket(hall, b, "B002", D, at(9, 40), at(9, 45), at(9, 45), at(9, 50), w10)
    a4 = ticket(hall, a, "A004", T, at(10, 0), at(10, 5), window=w1, staff=wang)
    ticket(hall, b, "A004", D, at(10, 0), at(10, 20), at(10, 20), at(10, 30), w10, transferred_from=a4,
           queue=at(10, 10))
    events = [(w1, "open", at(9, 0)), (w10, "open", at(9, 30)), (w1, "closed", at(11, 0))]
    for seq, (w, state, when) in enumerate(events, start=1):
        HallEvent.objects.create(hall=hall, seq=seq, type="window.state", created_at=when,
                                 payload={"window": {"id": w.pk, "number": w.number, "state": state}})
    return hall


def test_p90_is_the_nearest_rank():
    assert p90([300, 600, 1200, 1800]) == 1800
    assert p90(list(range(1, 11))) == 9
    assert p90([]) is None


def test_by_matter(day):
    rows = {r["key"]: r for r in report(day, period("day", DAY), "service", NOON)["rows"]}
    assert rows["a"] == {
        "key": "a", "name": "营业执照", "issued": 4, "served": 2, "skipped": 1, "cancelled": 0,
        "wait_mean_s": 975, "wait_p90_s": 1800, "wait_max_s": 1800,  # 600, 1200, 1800, 300
        "handle_mean_s": 900, "handle_p90_s": 1200, "on_time_rate": 0.5,  # 600 within 15 min, 1200 not
        # both finished visits rated: 评价率 100 %, one good one bad; the bad one's case is still open
        "rating_rate": 100.0, "good_rate": 50.0, "bad_rate": 50.0, "rectify_rate": 0.0, "follow_up_rate": 0.0,
        "no_shows": 0,
    }
    assert rows["b"] == {
        "key": "b", "name": "税务", "issued": 2, "served": 2, "skipped": 0, "cancelled": 1,
        "wait_mean_s": 300, "wait_p90_s": 300, "wait_max_s": 300,  # the transfer's second wait is not a visit's
        "handle_mean_s": 450, "handle_p90_s": 600, "on_time_rate": None,
        "rating_rate": 0.0, "good_rate": None, "bad_rate": None, "rectify_rate": None, "follow_up_rate": None,
        "no_shows": 1,
    }


def test_by_window_with_utilisation_in_numeric_order(day):
    rows = report(day, period("day", DAY), "window", NOON)["rows"]
    assert [r["key"] for r in rows] == ["1", "10"]
    w1, w10 = rows
    assert (w1["open_s"], w1["busy_s"], w1["idle_s"], w1["utilisation"]) == (7200, 1920, 5280, 0.2667)
    assert (w10["open_s"], w10["busy_s"], w10["utilisation"]) == (9000, 900, 0.1)  # still open at noon


def test_by_staff_and_hall(day):
    staff = report(day, period("day", DAY), "staff", NOON)["rows"]
    assert [(r["key"], r["name"], r["served"]) for r in staff] == [("wang", "王小明", 2)]
    hall = report(day, period("day", DAY), "hall", NOON)["rows"]
    assert (hall[0]["issued"], hall[0]["served"], hall[0]["cancelled"]) == (6, 4, 1)


def test_a_week_and_a_month_take_in_the_day(day):
    assert report(day, period("week", DAY + timedelta(days=3)), "hall", NOON)["rows"][0]["issued"] == 6
    month = report(day, period("month", DAY), "hall", NOON)
    assert (month["from"], month["to"], month["rows"][0]["issued"]) == ("2025-04-01", "2025-04-30", 6)
    assert report(day, period("day", DAY + timedelta(days=1)), "hall", NOON)["rows"] == []


@pytest.mark.parametrize("extra", [0, 38])
def test_a_report_reads_in_a_fixed_number_of_statements(day, extra, django_assert_num_queries):
    for i in range(extra):
        s = make_service(day, code=f"m{i}", prefix="M")
        ticket(day, s, f"M{i:03d}", TicketStatus.WAITING, at(9, 0), window=make_window(day, number=f"9{i:02d}", services=[s]))
    with django_assert_num_queries(4):
        report(day, period("day", DAY), "window", NOON)


# --- exports through the API -----------------------------------------------------------------------

def _get(client, day, **params):
    token = token_for(user=make_staff(day, username=f"m{uuid.uuid4().hex[:8]}", role=Role.LOBBY_MANAGER))
    return client.get("/api/v1/halls/rep/reports/", params, headers={"Authorization": f"Bearer {token}"})


def test_the_xlsx_opens_with_chinese_headers_and_the_figures(day, client):
    response = _get(client, day, date="2025-04-14", by="window", format="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编码", "名称", "取号数", "办结数") and rows[0][-1] == "窗口利用率"
    assert rows[1][0] == "1" and rows[1][2:4] == (4, 2)  # A001–A004 called there; A001, A002 finished
    assert rows[1][-1] == pytest.approx(0.2667, abs=0.0001)


def test_the_csv_has_a_bom_for_excel_and_the_same_rows(day, client):
    response = _get(client, day, date="2025-04-14", by="service", format="csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff编码,名称,取号数")
    assert text.splitlines()[1].startswith("a,营业执照,4,2,1,0,975,1800,1800,900,1200,0.5")


def test_bad_parameters_get_a_code(day, client):
    assert _get(client, day, period="year").json()["error"] == "bad_period"
    assert _get(client, day, date="14/04/2025").json()["error"] == "bad_date"
    assert _get(client, day, by="colour").json()["error"] == "bad_grouping"
