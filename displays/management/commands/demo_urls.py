"""Print where to point a browser after `make demo`: every page of the demo hall, with tokens."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from hallops.core.models import ApiToken, Device, DeviceKind, Hall

TOKENS_FILE = Path(settings.BASE_DIR) / "var" / "demo-tokens.json"


class Command(BaseCommand):
    help = "打印示范大厅各页面的网址（含设备令牌）。"

    def add_arguments(self, parser):
        parser.add_argument("--base", default=settings.PUBLIC_BASE_URL)
        parser.add_argument("--hall", default="demo")

    def handle(self, *args, base, hall, **opts):
        base = base.rstrip("/")
        hall = Hall.objects.get(code=hall)
        devices = {}
        if TOKENS_FILE.exists():
            for d in json.loads(TOKENS_FILE.read_text(encoding="utf-8"))["devices"]:
                devices[d["device"]] = d["token"]

        def url(name, *args, token=None):
            u = base + reverse(name, args=[hall.code, *args])
            return f"{u}?token={token}" if token else u

        lines = [("首页 landing", base + "/")]
        for d in Device.objects.filter(hall=hall, kind=DeviceKind.KIOSK).order_by("name"):
            if d.name in devices:
                lines.append((f"取号机 kiosk ({d.name})", url("kiosk", token=devices[d.name])))
        for d in Device.objects.filter(hall=hall, kind=DeviceKind.HALL_SCREEN).order_by("name"):
            if d.name in devices:
                lines.append((f"综合屏 hall screen ({d.name})", url("hall-screen", token=devices[d.name])))
        window = hall.windows.order_by("number").first()
        if window is not None:
            # The LED strip and pad of window 1 are driven by the gateway; these are their browser stand-ins.
            for kind, page, label in ((DeviceKind.WINDOW_DISPLAY, "window-screen", "窗口屏 window screen"),
                                      (DeviceKind.EVALUATION_PAD, "pad", "评价器 evaluation pad")):
                device = Device.objects.filter(hall=hall, window=window, kind=kind).first()
                if device is not None:
                    ApiToken.objects.filter(device=device, revoked=False).update(revoked=True)
                    lines.append((f"{label} ({window.number}号)", url(page, window.pk, token=ApiToken.issue(device=device))))
        lines += [
            ("叫号终端 staff console (w01 … w14)", url("console-choose")),
            ("大厅值班 lobby dashboard (lobby)", url("dashboard")),
            ("视频巡查 patrol (supervisor)", f"{base}/patrol/{hall.code}/"),
            ("管理后台 admin (admin)", f"{base}/admin/"),
            ("API docs", f"{base}/api/v1/docs"),
        ]
        self.stdout.write(self.style.SUCCESS(f"\n{hall.name} — 示范大厅已就绪 (demo hall ready)"))
        for label, link in lines:
            self.stdout.write(f"  {label:<34} {link}")
        self.stdout.write("  登录密码 password: hallops-demo   (Ctrl-C 停止 / stop)\n")
