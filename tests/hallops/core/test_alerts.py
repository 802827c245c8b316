"""Dashboard alerts are a pure function of the hall's thresholds and its live load."""

from datetime import datetime, timedelta, timezone

from hallops.core.alerts import hall_alerts
from hallops.core.models import Hall

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def hall():
    return Hall(code="h", name="h", long_wait_alert_minutes=30, idle_alert_minutes=5, pause_alert_minutes=20)


def window(number, state, minutes_ago, services=("biz",), current=None):
    return {"id": int(number), "number": number, "name": f"综合窗口{number}", "state": state,
            "state_since": (NOW - timedelta(minutes=minutes_ago)).isoformat(), "services": list(services),
            "current_ticket": current}


def service(code, waiting, longest_min):
    return {"code": code, "name": {"biz": "营业执照", "tax": "税务登记"}[code], "waiting": waiting,
            "longest_wait_s": longest_min * 60}


def load(windows=(), services=(), devices=()):
    return {"at": NOW.isoformat(), "windows": list(windows), "services": list(services), "devices": list(devices)}


def test_a_quiet_hall_has_no_alerts():
    assert hall_alerts(hall(), load([window("1", "serving", 50, current={"number": "A001"})],
                                    [service("biz", 2, 10)])) == []


def test_a_matter_whose_longest_wait_passes_the_bound_is_flagged_and_critical_past_twice_the_bound():
    alerts = hall_alerts(hall(), load(services=[service("biz", 3, 31), service("tax", 1, 61), service("tax", 0, 99)]))
    assert [(a["kind"], a["service"]["code"], a["severity"]) for a in alerts] == [
        ("long_wait", "biz", "warning"), ("long_wait", "tax", "critical")]
    assert alerts[0]["message"] == "营业执照有群众已等候31分钟"
    assert alerts[0]["since"] == (NOW - timedelta(minutes=31)).isoformat()


def test_an_idle_window_is_flagged_only_while_its_matters_have_people_waiting():
    idle = window("1", "open", 6)
    assert hall_alerts(hall(), load([idle], [service("biz", 0, 0)])) == []
    assert hall_alerts(hall(), load([window("1", "open", 4)], [service("biz", 2, 3)])) == []
    assert hall_alerts(hall(), load([window("1", "open", 6, services=("tax",))], [service("biz", 2, 3)])) == []
    alerts = hall_alerts(hall(), load([idle], [service("biz", 2, 3)]))
    assert [(a["kind"], a["window"]["number"], a["message"]) for a in alerts] == [
        ("window_idle", "1", "1号窗口空闲6分钟，但其事项有群众等候")]


def test_a_window_paused_too_long_is_flagged():
    alerts = hall_alerts(hall(), load([window("1", "paused", 19), window("2", "paused", 21)]))
    assert [(a["kind"], a["window"]["number"]) for a in alerts] == [("window_paused", "2")]
    assert alerts[0]["since"] == (NOW - timedelta(minutes=21)).isoformat()


def test_an_enabled_device_silent_for_two_heartbeats_is_offline():
    def device(name, seconds_ago, online=False, enabled=True):
        return {"id": 1, "kind": "printer", "name": name, "label": name, "window": None, "enabled": enabled,
                "online": online, "heartbeat_s": 30, "last_seen": (NOW - timedelta(seconds=seconds_ago)).isoformat()}

    alerts = hall_alerts(hall(), load(devices=[
        device("打印机1", 61), device("打印机2", 59), device("打印机3", 600, online=True),
        device("打印机4", 600, enabled=False),
        {"id": 5, "kind": "kiosk", "name": "未接入", "label": "未接入", "enabled": True, "online": False,
         "last_seen": None},
    ]))
    assert [(a["kind"], a["device"]["name"], a["message"]) for a in alerts] == [
        ("device_offline", "打印机1", "设备打印机1离线")]


def test_a_printer_out_of_paper_is_a_fault_at_once_even_while_it_still_answers():
    def device(name, problem, online=True, enabled=True):
        return {"id": 1, "kind": "printer", "name": name, "label": name, "window": None, "enabled": enabled,
                "online": online, "heartbeat_s": 30, "last_seen": NOW.isoformat(), "status": {"problem": problem}}

    alerts = hall_alerts(hall(), load(devices=[
        device("打印机1", "paper_out"), device("打印机2", "cover_open"), device("打印机3", None),
        device("打印机4", "paper_out", enabled=False), device("打印机5", "offline", online=False),
    ]))
    assert [(a["kind"], a["severity"], a["device"]["name"], a["problem"]) for a in alerts] == [
        ("device_fault", "critical", "打印机1", "paper_out"), ("device_fault", "warning", "打印机2", "cover_open")]
    assert alerts[0]["message"] == "设备打印机1故障：缺纸"


def test_every_alert_has_a_key_a_start_and_a_duration():
    alerts = hall_alerts(hall(), load([window("2", "paused", 21)], [service("biz", 3, 31)]))
    assert [(a["key"], a["duration_s"], a["acknowledged"]) for a in alerts] == [
        (f"long_wait:biz:{(NOW - timedelta(minutes=31)).isoformat()}", 31 * 60, None),
        (f"window_paused:2:{(NOW - timedelta(minutes=21)).isoformat()}", 21 * 60, None),
    ]


def test_a_device_alert_names_the_device_as_people_call_it():
    device = {"id": 7, "kind": "evaluation_pad", "name": "demo-pad-1", "label": "1号窗口评价器", "window": None,
              "enabled": True, "online": False, "heartbeat_s": 30,
              "last_seen": (NOW - timedelta(minutes=5)).isoformat()}
    assert hall_alerts(hall(), load(devices=[device]))[0]["message"] == "设备1号窗口评价器离线"
