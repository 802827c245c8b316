"""The reads that every issue and every call make stay index ranges however long the history grows.

PostgreSQL only: its planner is asked to avoid sequential scans, bitmap scans and sorts, so a plan
that still has to sort the tickets (or read all of a matter's) shows that no index serves the read;
with a fitting index the plan is a bounded index range whatever the number of rows.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hallops.core import actions, order
from hallops.core.clock import local_day
from hallops.core.estimates import handle_seconds
from hallops.core.models import Ticket, TicketStatus, WindowState
from hallops.core.read.position import position
from tests.factories import make_hall, make_service, make_window

from .helpers import MONDAY_9

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="query plans are PostgreSQL's; run with DATABASE_URL=postgres://…")


def plan_of(sql, params=()):
    with connection.cursor() as cur:
        for knob in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cur.execute(f"SET LOCAL {knob} = off")
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        return cur.fetchone()[0][0]["Plan"]


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def ticket_scans(plan):
    return [n["Node Type"] for n in nodes(plan) if n.get("Relation Name") == "core_ticket"]


@pytest.fixture
def hall(db):
    return make_hall("plans", enforce_hours=False)


def test_the_rolling_handling_time_reads_the_latest_finished_tickets_from_an_index(hall):
    services = [make_service(hall, code=f"s{i}", prefix="AB"[i]) for i in range(2)]
    with CaptureQueriesContext(connection) as captured:
        handle_seconds(services)
    plan = plan_of(captured.captured_queries[-1]["sql"])

    assert not [n for n in nodes(plan) if n["Node Type"] in ("Sort", "Incremental Sort")]
    assert set(ticket_scans(plan)) <= {"Index Scan", "Index Scan Backward", "Index Only Scan"}


def test_choosing_the_next_ticket_reads_each_queue_head_from_an_index(hall):
    service = make_service(hall, code="a", prefix="A")
    window = make_window(hall, "1", services=[service])
    now = timezone.now()
    params = order.probe_params(window.pk, local_day(now), order.Bounds.of(hall, now))

    claim = [order.first_free_params(window.pk, local_day(now), order.Bounds.of(hall, now), depth) for depth in (1, 4)]
    for sql, args in ((order.probe_sql(), params),  # the heads (SQLite's probe)
                      # the claim's: the first few of each queue, the first free one locked
                      *((f"WITH {order.first_free_ctes(depth, 'c.id')} SELECT * FROM pick", claim[k])
                        for k, depth in enumerate((1, 4)))):
        scans = ticket_scans(plan_of(sql, args))

        assert scans and set(scans) <= {"Index Scan", "Index Scan Backward", "Index Only Scan"}


def test_the_place_in_line_reads_no_ticket_of_the_day_it_does_not_need(hall):
    # Thousands of the day's tickets are done or cancelled and the statistics are stale (never
    # analysed here): the count once went through the (hall, day, number) index and read them all,
    # 30-110 ms a statement under 8 kiosks (hallops.core.read.position).
    now = MONDAY_9
    services = [make_service(hall, code=f"s{i}", prefix="AB"[i]) for i in range(2)]
    window = make_window(hall, "1", services=services, state=WindowState.OPEN)
    make_window(hall, "2", services=services, state=WindowState.OPEN)
    Ticket.objects.bulk_create([
        Ticket(hall=hall, service=services[k % 2], day=local_day(now), number=f"X{k:05d}", rank=2,
               status=TicketStatus.CANCELLED, queue_at=now, issued_at=now) for k in range(3000)])
    for s in services:
        actions.issue_ticket(hall, s, now=now)
    ticket = actions.issue_ticket(hall, services[0], now=now).ticket
    actions.call_next(window, now=now)
    with CaptureQueriesContext(connection) as captured:
        position(ticket, hall=hall, now=now)
    count = next(q["sql"] for q in captured.captured_queries if "ROW_NUMBER" in q["sql"])
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + count)
        plan = cur.fetchone()[0][0]["Plan"]

    scans = [n for n in nodes(plan) if n.get("Relation Name") == "core_ticket"]
    assert scans and "Seq Scan" not in {n["Node Type"] for n in scans}
    used = {n.get("Index Name") for n in nodes(plan)} - {None}
    assert not used & {"number_once_per_hall_day", "ticket_hall_day_status"}, used
