"""好差评 from every channel, once per visit: pad/tablet, the citizen's phone (QR), a paper form."""

from datetime import timedelta

import pytest

from hallops.core.errors import Conflict, Invalid
from hallops.core.models import Evaluation, HallEvent
from hallops.evaluations.models import Case, CaseKind, IndicatorSet, RegionPolicy
from hallops.evaluations.ratings import AlreadyRated, rate, record_evaluation
from tests.factories import make_staff
from tests.hallops.core.helpers import event_types, last_seq, open_window

from .helpers import served

QR, PAPER, TABLET = Evaluation.Source.QR, Evaluation.Source.PAPER, Evaluation.Source.TABLET


@pytest.fixture
def window(hall, service_a, clock):
    return open_window(hall, [service_a], clock)


def test_it_a_citizen_rates_from_the_phone_after_leaving_the_window(hall, service_a, window, clock):
    ticket = served(hall, service_a, window, clock)
    e = rate(ticket, 5, source=QR, indicators={"overall": 5, "attitude": 4}, now=clock.tick(3600))
    assert (e.source, e.level, e.window_id, e.staff_id, e.service_id) == (QR, 5, window.pk, window.staff_id,
                                                                           service_a.pk)
    assert e.indicator_version == IndicatorSet.objects.get(active=True).version
    assert not Case.objects.exists()


def test_the_phone_may_rate_only_within_the_configured_period(hall, service_a, window, clock):
    RegionPolicy.objects.create(region_prefix="", qr_rating_hours=24)
    ticket = served(hall, service_a, window, clock)
    before = last_seq(hall)
    with pytest.raises(Conflict) as err:
        rate(ticket, 4, source=QR, now=ticket.finished_at + timedelta(hours=24, seconds=1))
    assert err.value.code == "rating_period_over" and "24" in err.value.message
    assert not Evaluation.objects.exists() and last_seq(hall) == before
    assert rate(ticket, 4, source=QR, now=ticket.finished_at + timedelta(hours=23, minutes=59)).level == 4


def test_the_first_rating_of_a_visit_counts_and_a_later_one_is_told_so(hall, service_a, window, clock):
    ticket = served(hall, service_a, window, clock)
    first, created = record_evaluation(window, 4, now=clock.tick())
    assert created
    for source in (QR, PAPER):
        with pytest.raises(AlreadyRated) as err:
            rate(ticket, 1, source=source, reasons=["attitude"], now=clock.tick())
        assert err.value.code == "already_rated" and err.value.status == 409 and err.value.evaluation == first
    # and the pad, pressed again after the phone, answers with the first rating
    again, created = record_evaluation(window, 1, now=clock.tick())
    assert (again.pk, again.level, created) == (first.pk, 4, False)
    assert Evaluation.objects.count() == 1 and not Case.objects.exists()


def test_a_paper_form_is_recorded_as_entered_by_staff_not_as_rated_by_them(hall, service_a, window, clock):
    ticket = served(hall, service_a, window, clock)
    clerk = make_staff(hall, name="录入员")
    e = rate(ticket, 2, source=PAPER, reasons=["slow", "notice"], comment="等了很久", entered_by=clerk,
             contact_phone="13800000000", now=clock.tick())
    assert e.entered_by == clerk and e.staff_id == window.staff_id != clerk.pk
    assert (e.reasons, e.comment, e.contact_phone) == (["slow", "notice"], "等了很久", "13800000000")


def test_a_bad_rating_opens_a_case_in_the_same_transaction(hall, service_a, window, clock):
    ticket = served(hall, service_a, window, clock)
    before = last_seq(hall)
    e = rate(ticket, 1, source=TABLET, reasons=["attitude"], now=clock.tick())
    case = Case.objects.get()
    assert (case.kind, case.status, case.evaluation, case.ticket, case.window, case.staff_id) == (
        CaseKind.BAD_RATING, "accepted", e, ticket, window, window.staff_id)
    assert event_types(hall, before) == ["evaluation.recorded", "case.opened"]
    assert HallEvent.objects.get(type="evaluation.recorded").payload["source"] == "tablet"


@pytest.mark.parametrize("source", [TABLET, QR, PAPER])
def test_a_bad_rating_on_a_screen_or_form_names_its_reasons(hall, service_a, window, clock, source):
    ticket = served(hall, service_a, window, clock)
    with pytest.raises(Invalid) as err:
        rate(ticket, 2, source=source, now=clock.tick())
    assert err.value.code == "reasons_required"
    with pytest.raises(Invalid) as err:
        rate(ticket, 2, source=source, reasons=["no-such-reason"], now=clock.tick())
    assert err.value.code == "invalid_reasons"
    assert not Evaluation.objects.exists() and not Case.objects.exists()


def test_a_five_key_pad_has_no_reasons_list_and_still_opens_a_case(hall, service_a, window, clock):
    served(hall, service_a, window, clock)
    e, created = record_evaluation(window, 1, now=clock.tick())
    assert created and e.reasons == [] and Case.objects.get().evaluation == e


def test_reasons_belong_to_bad_ratings_only(hall, service_a, window, clock):
    ticket = served(hall, service_a, window, clock)
    with pytest.raises(Invalid) as err:
        rate(ticket, 4, source=QR, reasons=["attitude"], now=clock.tick())
    assert err.value.code == "reasons_only_for_bad"


def test_indicators_come_from_the_active_versioned_set(hall, service_a, window, clock):
    ticket = served(hall, service_a, window, clock)
    IndicatorSet.objects.update(active=False)
    IndicatorSet.objects.create(version="2027", items=[{"code": "convenience", "label": "便利度"}], active=True)
    with pytest.raises(Invalid) as err:
        rate(ticket, 5, source=QR, indicators={"overall": 5}, now=clock.tick())
    assert err.value.code == "invalid_indicators"
    e = rate(ticket, 5, source=QR, indicators={"convenience": 4}, now=clock.tick())
    assert (e.indicator_version, e.indicators) == ("2027", {"convenience": 4})


def test_only_a_finished_visit_can_be_rated(hall, service_a, window, clock):
    from tests.hallops.core.helpers import issue

    waiting = issue(hall, service_a, clock)
    with pytest.raises(Conflict) as err:
        rate(waiting, 5, source=QR, now=clock.tick())
    assert err.value.code == "not_rateable"
