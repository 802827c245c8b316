"""A prepared query answers what its ORM queryset answers, for every value, compiled once per shape."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Q
from psycopg import _queries

from hallops.core import actions
from hallops.core.clock import local_day
from hallops.core.errors import NotFound
from hallops.core.models import Hall, Ticket, TicketStatus
from hallops.core.prepared import Prepared
from tests.factories import make_service

from .helpers import issue, open_window


def _tickets(hall_id, day, since, services):
    return (Ticket.objects.filter(hall_id=hall_id, day=day, queue_at__gte=since, service_id__in=services)
            .order_by("queue_at").values_list("number", "queue_at", "status"))


@pytest.fixture
def line(hall, service_a, service_b, clock):
    return [issue(hall, s, clock) for s in (service_a, service_b, service_a, service_b, service_a)]


def test_it_answers_what_the_queryset_answers_for_each_value(hall, service_a, service_b, line):
    prepared = Prepared(_tickets)
    day = line[0].day
    for since in (line[0].queue_at, line[2].queue_at, line[4].queue_at + timedelta(seconds=1)):
        for services in ([service_a.pk], [service_b.pk], [service_a.pk, service_b.pk]):
            want = list(_tickets(hall.pk, day, since, services))
            assert prepared.rows(hall_id=hall.pk, day=day, since=since, services=services) == want


def test_times_come_back_aware_and_equal_to_the_orm_s(hall, service_a, line):
    got = Prepared(_tickets).rows(hall_id=hall.pk, day=line[0].day, since=line[0].queue_at, services=[service_a.pk])
    assert [at for _n, at, _s in got] == [t.queue_at for t in line[::2]]
    assert all(at.tzinfo is not None for _n, at, _s in got)


def test_the_constants_of_the_query_stay_and_only_the_arguments_change(hall, service_a, service_b, line, clock):
    from hallops.core import actions

    from .helpers import open_window

    window = open_window(hall, [service_a], clock)
    actions.call_next(window, now=clock.tick())
    counts = Prepared(lambda hall_id: Ticket.objects.filter(hall_id=hall_id, status=TicketStatus.WAITING)
                      .values("service_id").annotate(n=Count("pk")).values_list("service_id", "n"))
    assert dict(counts.rows(hall_id=hall.pk)) == {service_a.pk: 2, service_b.pk: 2}
    assert counts.rows(hall_id=hall.pk + 1000) == []


def test_each_shape_compiles_once(hall, service_a, service_b, line, django_assert_num_queries):
    prepared = Prepared(_tickets)
    day, since = line[0].day, line[0].queue_at
    prepared.rows(hall_id=hall.pk, day=day, since=since, services=[service_a.pk])
    prepared.rows(hall_id=hall.pk, day=day, since=since, services=[service_a.pk, service_b.pk])
    assert len(prepared._compiled) == 2  # one per length of the list
    for services in ([service_b.pk], [service_b.pk, service_a.pk]):
        with django_assert_num_queries(1):
            prepared.rows(hall_id=hall.pk, day=day, since=since, services=services)
    assert len(prepared._compiled) == 2


def test_an_empty_list_on_its_own_reads_nothing(hall, line, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Prepared(_tickets).rows(hall_id=hall.pk, day=line[0].day, since=line[0].queue_at, services=[]) == []


def test_an_empty_list_in_one_branch_leaves_the_others(hall, service_a, line):
    prepared = Prepared(lambda hall_id, day, services, numbers: (
        Ticket.objects.filter(hall_id=hall_id, day=day).filter(Q(service_id__in=services) | Q(number__in=numbers))
        .order_by("number").values_list("number", flat=False)))
    got = prepared.rows(hall_id=hall.pk, day=local_day(line[0].issued_at), services=[service_a.pk], numbers=[])
    assert [n for (n,) in got] == sorted(t.number for t in line[::2])


def test_model_instances_are_whole_and_unsaved_changes_do_not_leak(hall):
    by_code = Prepared(lambda code: Hall.objects.filter(code=code).values_list(*Prepared.fields(Hall))[:1], model=Hall)
    found = by_code.first(code=hall.code)
    assert isinstance(found, Hall) and found.pk == hall.pk and found.name == hall.name
    assert found.opening_hours == hall.opening_hours and not found._state.adding
    assert by_code.first(code="no-such-hall") is None


def test_values_it_cannot_place_are_refused(hall):
    prepared = Prepared(lambda flag: Hall.objects.filter(enforce_hours=flag).values_list("pk"))
    with pytest.raises(TypeError, match="bool"):
        prepared.rows(flag=True)


def test_joined_rows_come_with_what_select_related_would_cache(hall, service_a, django_assert_num_queries):
    from django.db import transaction

    from hallops.core.actions.windows import locked_window
    from hallops.core.models import Window
    from tests.factories import make_staff, make_window

    with_card = make_window(hall, services=[service_a])
    with_card.staff = make_staff(hall, name="李四")
    with_card.save()
    no_card = make_window(hall, services=[service_a], zone=None)
    no_card.staff = make_staff(hall)
    no_card.staff.staff.delete()
    no_card.save()
    empty = make_window(hall, services=[service_a])
    with transaction.atomic(), django_assert_num_queries(3):
        a, b, c = (locked_window(w) for w in (with_card, no_card, empty))
    with django_assert_num_queries(0):
        assert (a.hall.code, a.zone.code, a.staff.staff.display_name) == (hall.code, with_card.zone.code, "李四")
        assert getattr(b.staff, "staff", None) is None and b.staff.pk == no_card.staff_id
        assert c.staff is None and c.hall.pk == hall.pk
    with transaction.atomic(), pytest.raises(NotFound):
        locked_window(Window(pk=empty.pk + 1000))


SHAPE = "\"number\" AS \"number\", \"core_ticket\".\"queue_at\" AS \"queue_at\""


def _prepared_on_server(fragment):
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return cur.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side preparation is PostgreSQL's")
def test_on_postgresql_a_hot_statement_is_prepared_once_and_reused(hall, service_a, line, django_assert_num_queries):
    prepared = Prepared(lambda hall_id, day: Ticket.objects.filter(hall_id=hall_id, day=day)
                        .order_by("number").values_list("number", "queue_at"))
    day = line[0].day
    before = _prepared_on_server(SHAPE)
    first = prepared.rows(hall_id=hall.pk, day=day)
    with django_assert_num_queries(1) as captured:
        again = prepared.rows(hall_id=hall.pk, day=day)
    assert first == again == [(t.number, t.queue_at) for t in sorted(line, key=lambda t: t.number)]
    assert _prepared_on_server(SHAPE) == before + 1
    assert str(hall.pk) in captured.captured_queries[0]["sql"]  # the log shows the values, not $1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side preparation is PostgreSQL's")
def test_with_preparation_off_statements_go_as_django_sends_them(hall, line):
    connection.ensure_connection()
    threshold, connection.connection.prepare_threshold = connection.connection.prepare_threshold, None
    try:
        prepared = Prepared(lambda code: Hall.objects.filter(code=code).values_list("name"))
        before = _prepared_on_server('"core_hall"."name"')
        assert prepared.rows(code=hall.code) == [(hall.name,)]
        assert _prepared_on_server('"core_hall"."name"') == before
    finally:
        connection.connection.prepare_threshold = threshold


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's conversion of %s is PostgreSQL's")
def test_on_postgresql_issuing_and_calling_convert_their_statements_once(hall, service_a, service_b, clock,
                                                                         monkeypatch):
    # Fourteen windows serving three matters: the place-in-line count then carries more than 50
    # values; and the claim that also finishes the window's ticket (下一位) is longer than 4 KB.
    # psycopg would convert both anew on every run.
    services = [service_a, service_b, make_service(hall, code="c", prefix="C")]
    windows = [open_window(hall, services, clock) for _ in range(14)]
    for _ in range(3):
        for s in services:
            issue(hall, s, clock)
    for _ in range(2):
        actions.call_next(windows[0], now=clock.tick())
        actions.start(windows[0], now=clock.tick())
    converted = []
    real = _queries._query2pg_nocache
    monkeypatch.setattr(_queries, "_query2pg_nocache",
                        lambda query, *rest: (converted.append(query), real(query, *rest))[1])
    issue(hall, service_b, clock)
    actions.call_next(windows[0], now=clock.tick())
    assert converted == []
