"""load_demo_patrol: cameras for the demo halls' camera devices (run after load_demo)."""

from django.core.management.base import BaseCommand

from hallops.core.models import DeviceKind, Hall
from hallops.patrol.demo import load_demo_patrol


class Command(BaseCommand):
    help = "为示范大厅的摄像头设备建立视频巡查摄像头（区域与空座参考图取自示范视频）。"

    def handle(self, *args, **opts):
        halls = Hall.objects.filter(devices__kind=DeviceKind.CAMERA).distinct()
        for hall in halls:
            cameras = load_demo_patrol(hall)
            self.stdout.write(f"{hall.code}: " + ", ".join(f"{c.name} → {c.url}" for c in cameras))
        if not halls:
            self.stdout.write("没有摄像头设备（先运行 load_demo）")
