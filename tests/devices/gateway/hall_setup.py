"""Run in a subprocess against a throwaway SQLite file: migrate, build a small hall, print tokens as JSON.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python tests/devices/gateway/hall_setup.py PRINTER_URL DISPLAY_URL PAD_URL
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallops.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
call_command("migrate", verbosity=0)

from hallops.core.models import DeviceKind  # noqa: E402
from tests.factories import make_device, make_hall, make_service, open_window_with_staff, token_for  # noqa: E402

printer_url, display_url, pad_url = sys.argv[1:4]
hall = make_hall("gw", name="示范区政务服务中心")
service = make_service(hall, code="sb", prefix="A", name="社保卡补办", materials="身份证原件")
window, staff = open_window_with_staff(hall, [service], number="3")
gateway = make_device(hall, DeviceKind.GATEWAY, name="gw-1", heartbeat_s=2)
printer = make_device(hall, DeviceKind.PRINTER, name="gw-printer", url=printer_url, gateway=gateway, heartbeat_s=1)
kiosk = make_device(hall, DeviceKind.KIOSK, name="gw-kiosk", options={"printer": printer.name})
display = make_device(hall, DeviceKind.WINDOW_DISPLAY, window=window, name="gw-display", url=display_url,
                      gateway=gateway, options={"codec": "hallops-generic", "address": 1})
pad = make_device(hall, DeviceKind.EVALUATION_PAD, window=window, name="gw-pad", url=pad_url, gateway=gateway,
                  options={"address": 1})
print(json.dumps({
    "hall": hall.code, "window": window.pk, "gateway": token_for(device=gateway), "kiosk": token_for(device=kiosk),
    "staff": token_for(user=staff), "printer_id": printer.pk, "pad_id": pad.pk, "display_id": display.pk,
}))
