"""The hall's announcement template: checked where it is edited, and filling it in never fails a call."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from devices.voice import text as voice_text
from hallops.core import actions, announcement
from hallops.core.models import Hall, HallEvent

from .helpers import issue, open_window


def test_the_three_documented_placeholders_are_allowed():
    assert announcement.problems("请{number}号到{window}号窗口办理{service}") == []
    assert announcement.problems(announcement.DEFAULT_TEMPLATE) == []


@pytest.mark.parametrize("template, says", [
    ("请{ticket}号到{window}号窗口", "{ticket}"),
    ("请{number}号到{window号窗口", "花括号"),
    ("请{number}号}", "花括号"),
    ("请{number:>5}号", "格式"),
    ("请{number!r}号", "格式"),
    ("请{0}号{number}", "{0}"),
    ("请到{window}号窗口", "{number}"),
])
def test_a_template_that_cannot_be_filled_in_is_named_with_its_fault(template, says):
    wrong = announcement.problems(template)
    assert wrong and says in " ".join(wrong)


@given(st.text(max_size=40))
def test_filling_in_any_template_never_raises_and_always_says_the_number(template):
    text = announcement.render(template, number="A001", window="3", service="社保")
    assert "A001" in text


def test_the_voice_driver_fills_in_exactly_the_placeholders_the_core_allows():
    assert set(voice_text.PLACEHOLDERS) == set(announcement.PLACEHOLDERS)
    every = "".join("{%s}" % p for p in announcement.PLACEHOLDERS) + "{number}"
    assert announcement.problems(every) == []
    voice_text.announcement_text(every, number="A001", window="3", service="社保")  # does not raise


def test_a_hall_with_the_service_in_its_template_calls_and_announces_the_service(hall, service_a, clock):
    hall.announcement_template = "请{number}号到{window}号窗口办理{service}"
    hall.full_clean()
    hall.save()
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    ticket = actions.call_next(window, now=clock.tick())
    called = HallEvent.objects.get(hall=hall, type="ticket.called")
    assert ticket.number == "A001"
    assert called.payload["announcement"] == f"请A001号到{window.number}号窗口办理社保"


def test_a_bad_template_saved_before_it_was_checked_falls_back_to_the_default(hall, service_a, clock):
    Hall.objects.filter(pk=hall.pk).update(announcement_template="请{ticket}号")  # as an old row could be
    window = open_window(hall, [service_a], clock)
    issue(hall, service_a, clock)
    actions.call_next(window, now=clock.tick())
    called = HallEvent.objects.get(hall=hall, type="ticket.called")
    assert called.payload["announcement"] == f"请A001号到{window.number}号窗口办理"


def test_the_model_refuses_a_bad_template(hall):
    hall.announcement_template = "请{ticket}号"
    with pytest.raises(ValidationError) as refused:
        hall.full_clean()
    assert "announcement_template" in refused.value.message_dict


def test_the_admin_form_refuses_a_bad_template_and_names_the_placeholders(hall):
    model_admin = admin.site._registry[Hall]
    form_class = model_admin.get_form(RequestFactory().get("/"), hall)
    data = {f: v for f, v in form_class(instance=hall).initial.items() if v is not None}
    data.update(opening_hours='{"0": [["08:30", "12:00"]]}', appointment_hours="{}",
                announcement_template="请{ticket}号到{window}号窗口")
    form = form_class(data=data, instance=hall)
    assert not form.is_valid()
    assert "{ticket}" in " ".join(form.errors["announcement_template"])
    assert "{service}" in str(form_class.base_fields["announcement_template"].help_text)
    data["announcement_template"] = "请{number}号到{window}号窗口办理{service}"
    form = form_class(data=data, instance=hall)
    assert form.is_valid(), form.errors
