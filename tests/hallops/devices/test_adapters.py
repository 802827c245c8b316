"""hallops.devices.adapters: which core state change queues which device command, in the same transaction."""

import asyncio
import base64

import pytest
from django.db import transaction

from hallops.devices.models import CommandStatus, DeviceCommand
from devices.printer import decode_text, extract_qr_payloads
from hallops.core import actions, events
from hallops.core.actors import Actor
from hallops.core.models import DeviceKind
from hallops.core.read.tickets import track_url
from hallops.devices import adapters, hub
from tests.factories import make_device, make_hall, make_service, open_window_with_staff


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def hall(db):
    hall = make_hall(name="示范区政务服务中心")
    service = make_service(hall, code="sb", prefix="A", name="社保卡补办", materials="1. 身份证原件")
    window, staff = open_window_with_staff(hall, [service], number="3")
    gateway = make_device(hall, DeviceKind.GATEWAY)
    display = make_device(hall, DeviceKind.WINDOW_DISPLAY, window=window, url="virtual://d3", gateway=gateway)
    pad = make_device(hall, DeviceKind.EVALUATION_PAD, window=window, url="virtual://p3", gateway=gateway)
    printer = make_device(hall, DeviceKind.PRINTER, url="virtual://pr1", gateway=gateway)
    kiosk = make_device(hall, DeviceKind.KIOSK, options={"printer": printer.name})
    hall.t = dict(service=service, window=window, staff=staff, display=display, pad=pad, printer=printer,
                  kiosk=kiosk, gateway=gateway)
    return hall


def open_commands(device):
    return list(DeviceCommand.objects.filter(device=device).exclude(status=CommandStatus.SUPERSEDED)
                .order_by("order").values_list("kind", "payload"))


def test_a_call_shows_the_number_and_window_on_the_window_display(hall):
    t = hall.t
    actions.issue_ticket(hall, t["service"])
    actions.call_next(t["window"], actor=Actor(user=t["staff"]))
    assert open_commands(t["display"])[-1] == ("show", {"text": "A001 请到3号窗口", "blink": False})


def test_a_recall_blinks(hall):
    t = hall.t
    actions.issue_ticket(hall, t["service"])
    actions.call_next(t["window"])
    actions.recall(t["window"])
    assert open_commands(t["display"]) == [("show", {"text": "A001 请到3号窗口", "blink": True})]


def test_a_newer_display_state_supersedes_one_not_yet_shown(hall):
    t = hall.t
    actions.issue_ticket(hall, t["service"])
    actions.call_next(t["window"])
    statuses = list(DeviceCommand.objects.filter(device=t["display"]).values_list("status", flat=True))
    assert statuses.count("pending") == 1  # the "window open" text died in the same transaction


def test_pausing_shows_paused_and_closing_clears(hall):
    t = hall.t
    actions.pause_window(t["window"])
    assert open_commands(t["display"]) == [("show", {"text": "暂停服务", "blink": False})]
    actions.resume_window(t["window"])
    actions.sign_out(t["window"])
    assert open_commands(t["display"]) == [("clear", {})]


def test_finishing_prompts_the_windows_evaluation_pad(hall):
    t = hall.t
    issued = actions.issue_ticket(hall, t["service"])
    actions.call_next(t["window"])
    actions.finish(t["window"])
    assert open_commands(t["pad"]) == [("prompt", {"ticket": str(issued.ticket.pk), "ticket_number": "A001"})]


def test_a_kiosk_issue_prints_the_ticket_on_its_printer(hall):
    t = hall.t
    result = actions.issue_ticket(hall, t["service"], actor=Actor(device=t["kiosk"]))
    (kind, payload), = open_commands(t["printer"])
    data = base64.b64decode(payload["data"])
    assert kind == "print" and payload["ticket"] == str(result.ticket.pk) and payload["kiosk"] == t["kiosk"].pk
    text = decode_text(data)
    assert "A001" in text and "示范区政务服务中心" in text and "社保卡补办" in text and "身份证原件" in text
    assert extract_qr_payloads(data) == [track_url(result.ticket)]


def test_a_printed_ticket_shows_the_halls_local_time_not_utc(hall):
    from datetime import datetime, timezone as tz

    t = hall.t
    at = datetime(2026, 3, 2, 17, 30, tzinfo=tz.utc)  # 01:30 on 3 March in Asia/Shanghai
    actions.issue_ticket(hall, t["service"], actor=Actor(device=t["kiosk"]), now=at)
    (_, payload), = open_commands(t["printer"])
    text = decode_text(base64.b64decode(payload["data"]))
    assert "2026-03-03 01:30" in text and "17:30" not in text


def test_the_printer_may_be_bound_from_its_own_options(hall):
    t = hall.t
    t["kiosk"].options = {}
    t["kiosk"].save()
    t["printer"].options = {"kiosk": t["kiosk"].name}
    t["printer"].save()
    actions.issue_ticket(hall, t["service"], actor=Actor(device=t["kiosk"]))
    assert [k for k, _ in open_commands(t["printer"])] == ["print"]


def test_a_printer_disabled_or_rebound_in_this_process_is_left_at_once(hall):
    t = hall.t
    kiosk = Actor(device=t["kiosk"])
    actions.issue_ticket(hall, t["service"], actor=kiosk)
    spare = make_device(hall, DeviceKind.PRINTER, url="virtual://pr2", gateway=t["gateway"])
    t["printer"].enabled = False
    t["printer"].save()
    actions.issue_ticket(hall, t["service"], actor=kiosk)
    assert len(open_commands(t["printer"])) == 1 and open_commands(spare) == []
    spare.options = {"kiosk": t["kiosk"].name}
    spare.save()
    actions.issue_ticket(hall, t["service"], actor=kiosk)
    assert len(open_commands(spare)) == 1


def test_a_kiosk_issue_reads_the_printers_once_while_their_binding_holds(hall):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = hall.t
    kiosk = Actor(device=t["kiosk"])

    def printer_reads():
        with CaptureQueriesContext(connection) as ctx:
            actions.issue_ticket(hall, t["service"], actor=kiosk)
        return sum(1 for q in ctx.captured_queries if q["sql"].startswith("SELECT") and "core_device" in q["sql"])

    assert printer_reads() == 1
    hub.set_health(t["printer"], True, {"online": True, "paper": "ok"})  # a health report is no rebinding
    assert printer_reads() == 0
    assert len(open_commands(t["printer"])) == 2


def test_staff_issuing_at_a_desk_prints_nothing(hall):
    t = hall.t
    actions.issue_ticket(hall, t["service"], actor=Actor(user=t["staff"]))
    assert open_commands(t["printer"]) == []


def test_a_rolled_back_call_leaves_no_command(hall):
    t = hall.t
    actions.issue_ticket(hall, t["service"])
    before = DeviceCommand.objects.count()

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with transaction.atomic():
            actions.call_next(t["window"])
            assert DeviceCommand.objects.count() > before  # queued inside the transaction...
            raise Boom
    assert DeviceCommand.objects.count() == before  # ...and gone with it


def test_devices_without_a_url_get_no_commands(hall):
    t = hall.t
    t["display"].url = ""  # a browser window screen follows the socket instead
    t["display"].save()
    actions.issue_ticket(hall, t["service"])
    actions.call_next(t["window"])
    assert open_commands(t["display"]) == []


def test_the_last_display_state_of_one_action_is_the_one_left_to_show(hall):
    t = hall.t
    window_id = t["window"].pk
    with transaction.atomic(), events.batch():
        adapters.queue_at_window(window_id, DeviceKind.WINDOW_DISPLAY, "show", {"text": "暂停服务", "blink": False})
        adapters.queue_at_window(window_id, DeviceKind.EVALUATION_PAD, "prompt", {"ticket": "x", "ticket_number": "A001"})
        adapters.queue_at_window(window_id, DeviceKind.WINDOW_DISPLAY, "clear", {})
    assert open_commands(t["display"]) == [("clear", {})]
    assert DeviceCommand.objects.filter(device=t["display"], status=CommandStatus.SUPERSEDED).count() == 1
    assert open_commands(t["pad"]) == [("prompt", {"ticket": "x", "ticket_number": "A001"})]


def test_commands_of_one_action_keep_the_order_they_were_queued_in(hall):
    t = hall.t
    t["pad"].window = None
    t["pad"].kind = DeviceKind.WINDOW_DISPLAY  # a second strip at the same window
    t["pad"].window = t["window"]
    t["pad"].save()
    actions.issue_ticket(hall, t["service"])
    actions.call_next(t["window"])
    actions.finish(t["window"])
    for device in (t["display"], t["pad"]):
        (kind, payload), = open_commands(device)
        assert payload["text"] == "3号窗口 欢迎办理"
    orders = list(DeviceCommand.objects.order_by("order").values_list("order", flat=True))
    assert len(set(orders)) == len(orders)


def _received(loop, layer, channel):
    async def every():
        got = []
        while True:
            try:
                got.append(await asyncio.wait_for(layer.receive(channel), 0.5))
            except TimeoutError:
                return got
    return loop.run_until_complete(every())


def test_the_gateway_hears_once_per_action_and_only_after_commit(hall, django_capture_on_commit_callbacks,
                                                                 channel_layer):
    t = hall.t
    layer, loop = channel_layer, channel_layer.loop
    channel = loop.run_until_complete(layer.new_channel())
    loop.run_until_complete(layer.group_add(hub.gateway_group(t["gateway"].pk), channel))
    actions.issue_ticket(hall, t["service"])
    actions.call_next(t["window"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.finish(t["window"])  # the strip's text and the pad's prompt, one gateway
    assert _received(loop, layer, channel) == []  # not before commit
    for callback in callbacks:
        callback()
    assert _received(loop, layer, channel) == [{"type": "gateway.commands"}]
