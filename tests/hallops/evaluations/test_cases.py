"""工单: one workflow for four kinds, every step with who, when and a note, deadlines in working days."""

from datetime import date, datetime

import pytest

from hallops.core.actors import Actor
from hallops.core.errors import Conflict, Invalid
from hallops.core.models import Role
from hallops.evaluations import workflow as wf
from hallops.evaluations.cases import open_case, take_step
from hallops.evaluations.models import Case, CaseKind, CaseStatus, RegionPolicy
from hallops.evaluations.ratings import rate, record_evaluation
from tests.factories import make_staff
from tests.hallops.core.helpers import SHANGHAI, Clock, event_types, last_seq, open_window

from .helpers import served


@pytest.fixture
def window(hall, service_a, clock):
    return open_window(hall, [service_a], clock)


@pytest.fixture
def manager(hall):
    return Actor(user=make_staff(hall, role=Role.LOBBY_MANAGER, name="值班长"))


@pytest.fixture
def supervisor(hall):
    return Actor(user=make_staff(hall, role=Role.SUPERVISOR, name="督查"))


@pytest.fixture
def bad_case(hall, service_a, window, clock):
    served(hall, service_a, window, clock)
    record_evaluation(window, 1, now=clock.tick())
    return Case.objects.get()


def test_it_a_bad_rating_is_verified_rectified_answered_called_back_and_closed(hall, bad_case, manager, clock):
    before = last_seq(hall)
    case = take_step(bad_case, "verify", verdict="valid", note="调看录像，属实", actor=manager, now=clock.tick())
    assert case.status == CaseStatus.VERIFIED
    case = take_step(case, "rectify", note="批评教育，加强业务培训", actor=manager, now=clock.tick())
    case = take_step(case, "feedback", note="电话告知整改情况", actor=manager, now=clock.tick())
    case = take_step(case, "follow_up", result="reached", satisfaction=4, actor=manager, now=clock.tick())
    case = take_step(case, "close", actor=manager, now=clock.tick())
    case.refresh_from_db()
    assert (case.status, case.satisfaction, case.verdict) == (CaseStatus.CLOSED, 4, "valid")
    assert case.rectified_on == case.followed_up_on == case.closed_on == clock().date()
    steps = list(case.steps.values_list("step", "by_id", "note"))
    assert [s[0] for s in steps] == ["accept", "verify", "rectify", "feedback", "follow_up", "close"]
    assert all(by == manager.user.pk for _, by, _ in steps[1:])
    assert steps[2][2] == "批评教育，加强业务培训"
    assert event_types(hall, before) == ["case.step"] * 5


def test_an_appeal_whose_review_excludes_the_rating(hall, bad_case, manager, supervisor, clock):
    case = take_step(bad_case, "verify", verdict="malicious", note="录像显示群众未办理即评价", actor=manager,
                     now=clock.tick())
    assert case.status == CaseStatus.DISPUTED
    case = take_step(case, "appeal", note="申请剔除恶意差评", actor=manager, now=clock.tick())
    assert case.status == CaseStatus.APPEALED
    case = take_step(case, "review", decision="exclude", note="复核属实，予以剔除", actor=supervisor, now=clock.tick())
    assert case.status == CaseStatus.EXCLUDED and case.evaluation.excluded
    case = take_step(case, "close", actor=supervisor, now=clock.tick())
    assert case.status == CaseStatus.CLOSED


def test_a_review_that_upholds_the_rating_sends_the_case_to_rectification(hall, bad_case, manager, supervisor, clock):
    take_step(bad_case, "verify", verdict="mistaken", note="群众误按", actor=manager, now=clock.tick())
    take_step(bad_case, "appeal", note="申诉", actor=manager, now=clock.tick())
    case = take_step(bad_case, "review", decision="uphold", note="证据不足，维持", actor=supervisor, now=clock.tick())
    assert (case.status, case.verdict, case.evaluation.excluded) == (CaseStatus.VERIFIED, "valid", False)
    assert wf.allowed_steps(case.status) == ("rectify",)


@pytest.mark.parametrize("step", ["rectify", "feedback", "follow_up", "close", "appeal", "review"])
def test_a_step_out_of_order_is_a_conflict_that_names_the_step_allowed(hall, bad_case, manager, clock, step):
    before = last_seq(hall)
    with pytest.raises(Conflict) as err:
        take_step(bad_case, step, note="x", verdict="valid", decision="uphold", result="reached", satisfaction=5,
                  actor=manager, now=clock.tick())
    assert err.value.code == "step_out_of_order" and err.value.status == 409
    assert err.value.details == {"status": "accepted", "allowed": ["verify"]}
    bad_case.refresh_from_db()
    assert bad_case.status == CaseStatus.ACCEPTED and bad_case.steps.count() == 1 and last_seq(hall) == before


def test_a_closed_case_takes_no_more_steps(hall, bad_case, manager, clock):
    for step, kw in [("verify", {"verdict": "valid"}), ("rectify", {}), ("feedback", {}),
                     ("follow_up", {"result": "unreachable"}), ("close", {})]:
        take_step(bad_case, step, note="n", actor=manager, now=clock.tick(), **kw)
    with pytest.raises(Conflict) as err:
        take_step(bad_case, "close", actor=manager, now=clock.tick())
    assert err.value.details["allowed"] == []


def test_steps_check_what_they_record(hall, bad_case, manager, clock):
    with pytest.raises(Invalid) as err:
        take_step(bad_case, "verify", verdict="valid", note="  ", actor=manager, now=clock.tick())
    assert err.value.code == "note_required"
    with pytest.raises(Invalid) as err:
        take_step(bad_case, "verify", verdict="maybe", note="n", actor=manager, now=clock.tick())
    assert err.value.code == "invalid_verdict"
    with pytest.raises(Invalid) as err:
        take_step(bad_case, "escalate", note="n", actor=manager, now=clock.tick())
    assert err.value.code == "invalid_step"
    take_step(bad_case, "verify", verdict="valid", note="n", actor=manager, now=clock.tick())
    take_step(bad_case, "rectify", note="n", actor=manager, now=clock.tick())
    take_step(bad_case, "feedback", note="n", actor=manager, now=clock.tick())
    with pytest.raises(Invalid) as err:
        take_step(bad_case, "follow_up", result="reached", satisfaction=9, actor=manager, now=clock.tick())
    assert err.value.code == "invalid_satisfaction"


def test_a_complaint_is_not_appealed(hall, manager, clock):
    case = open_case(hall, CaseKind.UNRESOLVED, description="营业执照变更办不成", actor=manager, now=clock.tick())
    with pytest.raises(Invalid) as err:
        take_step(case, "verify", verdict="malicious", note="n", actor=manager, now=clock.tick())
    assert err.value.code == "invalid_verdict"


def test_a_hotline_case_needs_its_external_number_once(hall, manager, clock):
    with pytest.raises(Invalid) as err:
        open_case(hall, CaseKind.HOTLINE, description="投诉", actor=manager, now=clock.tick())
    assert err.value.code == "external_number_required"
    open_case(hall, CaseKind.HOTLINE, external_number="12345-2025-0001", actor=manager, now=clock.tick())
    with pytest.raises(Conflict) as err:
        open_case(hall, CaseKind.HOTLINE, external_number="12345-2025-0001", actor=manager, now=clock.tick())
    assert err.value.code == "duplicate_external_number"
    assert Case.objects.count() == 1


def test_bad_rating_cases_are_opened_by_ratings_only(hall, manager, clock):
    with pytest.raises(Invalid) as err:
        open_case(hall, CaseKind.BAD_RATING, actor=manager, now=clock.tick())
    assert err.value.code == "kind_not_allowed"


# --- Deadlines ---------------------------------------------------------------------------------

FRIDAY = Clock(datetime(2025, 3, 7, 10, 0, tzinfo=SHANGHAI))


@pytest.mark.parametrize("kind, due", [
    (CaseKind.BAD_RATING, date(2025, 3, 28)),  # 15 working days after Friday 7 March
    (CaseKind.ASSISTED, date(2025, 3, 12)),  # 3
])
def test_deadlines_default_to_the_national_practice_in_working_days(hall, manager, kind, due):
    case = _bad_case_at(hall, FRIDAY) if kind == CaseKind.BAD_RATING else open_case(hall, kind, actor=manager,
                                                                                      now=FRIDAY())
    assert (case.due, case.follow_up_due) == (due, date(2025, 3, 10))  # 回访: the next working day (Monday)


def _bad_case_at(hall, clock):
    from tests.factories import make_service

    service = make_service(hall, prefix="Z")
    window = open_window(hall, [service], clock)
    ticket = served(hall, service, window, clock)
    rate(ticket, 1, source="qr", reasons=["attitude"], now=clock())
    return Case.objects.get(ticket=ticket)


def test_a_region_sets_its_own_deadlines_and_the_longest_prefix_wins(hall, manager):
    hall.region_code = "433101000000"
    hall.save()
    RegionPolicy.objects.create(region_prefix="43", assisted_days=5, follow_up_days=2)
    RegionPolicy.objects.create(region_prefix="4331", assisted_days=2)
    RegionPolicy.objects.create(region_prefix="44", assisted_days=9)
    case = open_case(hall, CaseKind.ASSISTED, actor=manager, now=FRIDAY())
    assert (case.due, case.follow_up_due) == (date(2025, 3, 11), date(2025, 3, 10))


# --- Overdue -----------------------------------------------------------------------------------

def test_overdue_is_one_rule_for_python_and_the_database(hall, manager, clock):
    case = open_case(hall, CaseKind.ASSISTED, actor=manager, now=FRIDAY())  # due 12 March, follow-up 10 March
    cases = Case.objects.filter(pk=case.pk)
    for today, overdue in [(date(2025, 3, 10), False), (date(2025, 3, 11), True), (date(2025, 3, 13), True)]:
        assert wf.is_overdue(case, today) is overdue
        assert cases.filter(wf.overdue_q(today)).exists() is overdue


def test_deadlines_run_on_the_working_day_calendar_across_national_day(hall):
    """A bad rating on 30 September 2025: 国庆 1–8 October is off, Saturday 11 October is a 调休 working day."""
    case = _bad_case_at(hall, Clock(datetime(2025, 9, 30, 15, 0, tzinfo=SHANGHAI)))
    assert case.follow_up_due == date(2025, 10, 9)
    assert case.due == date(2025, 10, 28)  # 9, 10, 11 (调休), 13–17, 20–24, 27, 28


def test_a_countys_own_holiday_moves_its_halls_deadlines(hall, manager):
    from hallops.core.models import CalendarDay

    hall.region_code = "433101000000"
    hall.save()
    CalendarDay.objects.create(region_code="433100000000", date=date(2025, 3, 10), working=False, note="州庆")
    case = open_case(hall, CaseKind.ASSISTED, actor=manager, now=FRIDAY())
    assert (case.follow_up_due, case.due) == (date(2025, 3, 11), date(2025, 3, 13))
