"""load_demo: the demo halls from fixtures/demo_hall.json, loaded idempotently.

Every row is keyed by its natural key (hall code, zone/service code per hall, window number per
hall, username, device name, appointment code) and written the way update_or_create would, so running
the command again changes values but never adds rows. Tickets, events and evaluations are history
and are never touched.
"""

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hallops.core import actions
from hallops.core.clock import local_day
from hallops.core.errors import HallopsError
from hallops.core.models import (
    ApiToken, Appointment, Department, Device, DeviceKind, Hall, Role, Service, SlotTemplate, StaffProfile, Ticket,
    Window, WindowService, Zone,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_hall.json"
DEFAULT_PASSWORD = "hallops-demo"
TOKENS_FILE = Path(settings.BASE_DIR) / "var" / "demo-tokens.json"
# Browser devices that need a token to connect; the gateway drives everything with a URL.
TOKEN_KINDS = (DeviceKind.KIOSK, DeviceKind.HALL_SCREEN, DeviceKind.GATEWAY)
PAGES = {DeviceKind.KIOSK: "kiosk", DeviceKind.HALL_SCREEN: "hall-screen"}  # URL names in displays/urls.py
ACTOR = "system:load_demo"
SLOT_MINUTES = 30


@dataclass
class DemoSummary:
    halls: list = field(default_factory=list)
    users: list = field(default_factory=list)  # (username, display name, role, hall code)
    appointments: list = field(default_factory=list)  # (code, hall code, service name, start, end, status)
    signed_in: list = field(default_factory=list)
    not_signed_in: list = field(default_factory=list)  # (hall, window, reason)
    tokens: list = field(default_factory=list)  # dicts written to var/demo-tokens.json


def _materials(items) -> str:
    if isinstance(items, str):
        return items
    return "\n".join(f"{i}. {m}" for i, m in enumerate(items, 1))


def _device_url(url: str) -> str:
    """Relative file paths (the demo videos) become file:// URLs under the repository root."""
    if not url or "://" in url or url.startswith("/"):
        return url
    path, _, query = url.partition("?")
    uri = (Path(settings.BASE_DIR) / path).resolve().as_uri()
    return f"{uri}?{query}" if query else uri


def _slot(spec: dict, now) -> tuple[datetime, datetime]:
    """A slot today: at a fixed local time, or relative to now so check-in can be tried at once."""
    local_now = timezone.localtime(now)
    tz = timezone.get_current_timezone()
    if "at" in spec:
        hh, mm = (int(x) for x in spec["at"].split(":"))
        start = timezone.make_aware(datetime.combine(local_now.date(), time(hh, mm)), tz)
        return start, start + timedelta(minutes=SLOT_MINUTES)
    base = local_now.replace(minute=local_now.minute - local_now.minute % 5, second=0, microsecond=0)
    start = base + timedelta(minutes=int(spec.get("in_minutes", 0)))
    end = start + timedelta(minutes=SLOT_MINUTES)
    # Late at night the slot would spill into tomorrow, where check-in refuses it: keep it today.
    day_end = timezone.make_aware(datetime.combine(local_now.date(), time(23, 59)), tz)
    if end > day_end:
        end = day_end
        start = min(start, end - timedelta(minutes=SLOT_MINUTES))
    return start, end


class _Rows:
    """The existing rows of one model by natural key; a row is written only when a value differs.

    The effect of update_or_create per row, with one SELECT per model instead of one per row and
    no write at all when the demo is reloaded unchanged. Values are given by attname (zone_id).
    """

    def __init__(self, queryset, key):
        self.model = queryset.model
        self.rows = {key(obj): obj for obj in queryset}

    def put(self, key, **values):
        obj = self.rows.get(key)
        if obj is None:
            obj = self.rows[key] = self.model.objects.create(**values)
            return obj
        changed = [f for f, v in values.items() if getattr(obj, f) != v]
        for f in changed:
            setattr(obj, f, values[f])
        if changed:
            obj.save(update_fields=changed)
        return obj

    def keys(self):
        return self.rows.keys()


def _users(specs, *, hall, password_hash, superuser=False):
    User = get_user_model()
    names = [s["username"] for s in specs]
    users = _Rows(User.objects.filter(username__in=names), key=lambda u: u.username)
    profiles = _Rows(StaffProfile.objects.filter(user__username__in=names).select_related("user"),
                     key=lambda p: p.user.username)
    for spec in specs:
        user = users.put(spec["username"], username=spec["username"], first_name=spec["display_name"],
                         is_active=True, is_staff=superuser, is_superuser=superuser, password=password_hash)
        profiles.put(spec["username"], user_id=user.pk, hall_id=hall.pk if hall else None,
                     role=spec.get("role", Role.WINDOW_STAFF), display_name=spec["display_name"],
                     staff_no=spec.get("staff_no", ""), title=spec.get("title", ""))
    return users.rows


def _appointment(hall, services, spec, now, summary):
    start, end = _slot(spec, now)
    today = local_day(now)
    appt = Appointment.objects.filter(code=spec["code"]).first()
    if appt is not None and local_day(appt.slot_start) == today and appt.status != Appointment.Status.BOOKED:
        # Already checked in (or cancelled) today during a demo: leave it, its ticket points at it.
        pass
    else:
        if appt is not None:
            # Yesterday's demo check-in keeps its ticket but lets go of the code, so it can be booked again.
            Ticket.objects.filter(appointment=appt).update(appointment=None)
        appt, _ = Appointment.objects.update_or_create(code=spec["code"], defaults={
            "hall": hall, "service": services[spec["service"]], "citizen_name": spec.get("citizen_name", ""),
            "citizen_phone": spec.get("citizen_phone", ""), "slot_start": start, "slot_end": end, "day": local_day(start),
            "status": Appointment.Status.BOOKED,
        })
    summary.appointments.append((appt.code, hall.code, appt.service.name, appt.slot_start, appt.slot_end,
                                 appt.get_status_display()))


# Half-hour 预约 slots on weekdays, mornings and afternoons, plus the lunch-time extended hours.
DEMO_SLOTS = [(f"{h:02d}:{m:02d}", f"{h + (m + 30) // 60:02d}:{(m + 30) % 60:02d}", 4)
              for h in (9, 10, 11, 14, 15, 16) for m in (0, 30)] + [("12:00", "12:30", 2)]


def _slot_templates(bookable):
    """Give demo matters that take bookings a week of slots; a matter that has any keeps its own."""
    have = set(SlotTemplate.objects.filter(service__in=bookable).values_list("service_id", flat=True))
    SlotTemplate.objects.bulk_create([
        SlotTemplate(service=sv, weekday=d, start=start, end=end, capacity=cap)
        for sv in bookable if sv.pk not in have for d in range(5) for start, end, cap in DEMO_SLOTS
    ])


def _hall(spec, *, departments, password_hash, always_open, now, summary):
    hall, _ = Hall.objects.update_or_create(code=spec["code"], defaults={
        "name": spec["name"], "address": spec.get("address", ""),
        "latitude": spec.get("latitude"), "longitude": spec.get("longitude"),
        "opening_hours": spec["opening_hours"], "appointment_hours": spec.get("appointment_hours", {}),
        "notice": spec.get("notice", ""), "enforce_hours": not always_open,
    })
    zones = _Rows(Zone.objects.filter(hall=hall), key=lambda z: z.code)
    for i, z in enumerate(spec["zones"]):
        zones.put(z["code"], hall_id=hall.pk, code=z["code"], name=z["name"], order=z.get("order", i))
    services = _Rows(Service.objects.filter(hall=hall), key=lambda s: s.code)
    for i, s in enumerate(spec["services"]):
        dept = departments.get(s.get("department"))
        services.put(
            s["code"], hall_id=hall.pk, code=s["code"], zone_id=zones.rows[s["zone"]].pk,
            department_id=dept.pk if dept else None, name=s["name"], prefix=s["prefix"],
            kind=s.get("kind", Service.Kind.IMMEDIATE), expected_minutes=s.get("expected_minutes", 10),
            daily_quota=s.get("daily_quota"), bookable=s.get("bookable", False),
            materials=_materials(s.get("materials", "")), guide=s.get("guide", ""), active=True, order=i,
        )
    services = services.rows
    _slot_templates([sv for sv in services.values() if sv.bookable])
    users = _users(spec.get("staff", []), hall=hall, password_hash=password_hash)
    for st in spec.get("staff", []):
        summary.users.append((st["username"], st["display_name"], st.get("role", Role.WINDOW_STAFF), hall.code))
    windows = _Rows(Window.objects.filter(hall=hall), key=lambda w: w.number)
    links = _Rows(WindowService.objects.filter(window__hall=hall), key=lambda ws: (ws.window_id, ws.service_id))
    wanted = set()
    for w in spec["windows"]:
        window = windows.put(w["number"], hall_id=hall.pk, number=w["number"], zone_id=zones.rows[w["zone"]].pk,
                             name=w["name"], kind=w["kind"])
        # The fixture is the window's whole list, in order of preference.
        for pref, code in enumerate(w["services"]):
            key = (window.pk, services[code].pk)
            wanted.add(key)
            links.put(key, window_id=window.pk, service_id=services[code].pk, preference=pref)
    stale = [links.rows[k].pk for k in links.keys() - wanted]
    if stale:
        WindowService.objects.filter(pk__in=stale).delete()
    windows = windows.rows
    names = [d["name"] for d in spec.get("devices", [])]
    devices = _Rows(Device.objects.filter(name__in=names), key=lambda d: d.name)
    for d in spec.get("devices", []):
        window = windows.get(d.get("window"))
        devices.put(d["name"], name=d["name"], hall_id=hall.pk, kind=d["kind"],
                    window_id=window.pk if window else None, url=_device_url(d.get("url", "")),
                    options=d.get("options", {}), enabled=True)
    for d in spec.get("devices", []):
        gateway = devices.rows.get(d.get("gateway"))
        devices.put(d["name"], gateway_id=gateway.pk if gateway else None)
    devices = devices.rows
    for a in spec.get("appointments", []):
        _appointment(hall, services, a, now, summary)
    summary.halls.append({
        "hall": hall, "zones": len(zones.rows), "services": len(services), "windows": len(windows),
        "departments": len({s.department_id for s in services.values() if s.department_id}),
        "devices": len(devices), "staff": len(users),
    })
    return hall, windows, users, {w["number"]: w.get("staff") for w in spec["windows"]}


def _sign_in_staff(hall, windows, users, seats, summary, now):
    """Put each window's own staff member at it, so the demo hall is open and callable at once."""
    for number, username in seats.items():
        if not username:
            continue
        window, user = windows[number], users[username]
        if window.staff_id == user.pk:
            summary.signed_in.append((hall.code, number, username))
            continue
        try:
            actions.sign_in(window, user, actor=ACTOR, now=now)
        except HallopsError as e:
            # Someone else is at the window mid-demo, or the user is busy elsewhere: leave it as it is.
            summary.not_signed_in.append((hall.code, number, str(e)))
        else:
            summary.signed_in.append((hall.code, number, username))


def _page_url(device, token) -> str:
    """The device's page with its token, for kiosks and hall screens; "" where there is none."""
    name = PAGES.get(device.kind)
    if name is None:
        return ""
    try:
        path = reverse(name, kwargs={"hall": device.hall.code})
    except NoReverseMatch:  # the hall pages are not mounted in this deployment
        return ""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}?{urlencode({'token': token})}"


def _issue_tokens(halls, summary):
    for hall in halls:
        for device in Device.objects.filter(hall=hall, kind__in=TOKEN_KINDS).order_by("kind", "name"):
            # Tokens are stored hashed and shown once; old ones are revoked so only the printed one works.
            ApiToken.objects.filter(device=device, revoked=False).update(revoked=True)
            token = ApiToken.issue(device=device)
            summary.tokens.append({
                "hall": hall.code, "device": device.name, "kind": device.kind, "token": token,
                "url": _page_url(device, token),
            })


def _write_tokens(tokens, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"base_url": settings.PUBLIC_BASE_URL, "generated_at": timezone.now().isoformat(), "devices": tokens}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # bearer secrets: owner only
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False, indent=2)


def load_demo(path=FIXTURE, *, password=DEFAULT_PASSWORD, always_open=False, sign_in=True, tokens=False,
              now=None) -> DemoSummary:
    """Load (or reload) the demo halls; returns what was loaded. Raw device tokens only when tokens=True."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    now = now or timezone.now()
    summary = DemoSummary()
    # One hash for all demo users: they share the password anyway, and PBKDF2 costs ~0.4 s a user.
    password_hash = make_password(password)
    with transaction.atomic():
        departments = {}
        for d in data["departments"]:
            departments[d["code"]], _ = Department.objects.update_or_create(code=d["code"],
                                                                            defaults={"name": d["name"]})
        admin = {"role": Role.ADMIN, **data["admin"]}
        _users([admin], hall=None, password_hash=password_hash, superuser=True)
        summary.users.append((admin["username"], admin["display_name"], Role.ADMIN, ""))
        loaded = []
        for spec in data["halls"]:
            hall, windows, users, seats = _hall(spec, departments=departments, password_hash=password_hash,
                                                always_open=always_open, now=now, summary=summary)
            loaded.append((hall, windows, users, seats))
        if sign_in:
            for hall, windows, users, seats in loaded:
                _sign_in_staff(hall, windows, users, seats, summary, now)
        if tokens:
            _issue_tokens([h for h, *_ in loaded], summary)
        from hallops.patrol.demo import load_demo_patrol  # the patrol app's cameras, regions and lunch rota

        for hall, *_ in loaded:
            load_demo_patrol(hall)
    return summary


class Command(BaseCommand):
    help = "加载示范大厅（可重复执行）：大厅、专区、事项、窗口、人员、设备与当日预约。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD,
                            help=f"password of every demo user (default {DEFAULT_PASSWORD!r})")
        parser.add_argument("--always-open", action="store_true",
                            help="do not enforce opening hours, so numbers can be taken at night")
        parser.add_argument("--tokens", action="store_true",
                            help=f"issue device tokens for kiosks, hall screens and gateways; print them and "
                                 f"write {TOKENS_FILE.relative_to(settings.BASE_DIR)}")
        parser.add_argument("--tokens-file", default=str(TOKENS_FILE), help="where --tokens writes the tokens")
        parser.add_argument("--no-sign-in", action="store_true",
                            help="leave windows closed instead of signing each window's staff in")
        parser.add_argument("--fixture", default=str(FIXTURE), help="demo data file (JSON)")

    def handle(self, *args, **opts):
        if not Path(opts["fixture"]).is_file():
            raise CommandError(f"demo data not found: {opts['fixture']}")
        summary = load_demo(opts["fixture"], password=opts["password"], always_open=opts["always_open"],
                            sign_in=not opts["no_sign_in"], tokens=opts["tokens"])
        out = self.stdout
        for h in summary.halls:
            hall = h["hall"]
            hours = "不限时（--always-open）" if not hall.enforce_hours else "按开放时间"
            out.write(self.style.SUCCESS(f"{hall.name} [{hall.code}]") +
                      f"  专区 {h['zones']}  事项 {h['services']}  部门 {h['departments']}  窗口 {h['windows']}"
                      f"  人员 {h['staff']}  设备 {h['devices']}  取号：{hours}")
        out.write(f"\n登录（密码 {opts['password']}）:")
        for username, name, role, hall_code in summary.users:
            out.write(f"  {username:<11} {name}  {Role(role).label}  {hall_code or '全部大厅'}")
        out.write("\n今日预约（取号机“预约签到”输入预约码）:")
        for code, hall_code, service, start, end, status in summary.appointments:
            s, e = timezone.localtime(start), timezone.localtime(end)
            out.write(f"  {code}  {hall_code:<15} {service}  {s:%H:%M}–{e:%H:%M}  {status}")
        out.write(f"\n已签到窗口: {len(summary.signed_in)}")
        for hall_code, number, reason in summary.not_signed_in:
            out.write(self.style.WARNING(f"  {hall_code} {number}号窗口未签到: {reason}"))
        if summary.tokens:
            tokens_file = Path(opts["tokens_file"])
            _write_tokens(summary.tokens, tokens_file)
            out.write("\n设备令牌（仅显示一次，旧令牌已吊销）:")
            for t in summary.tokens:
                out.write(f"  {t['hall']:<15} {t['device']:<24} {t['token']}")
                if t["url"]:
                    out.write(f"  {'':<15} {'':<24} {t['url']}")
            out.write(f"  已写入 {tokens_file}")
