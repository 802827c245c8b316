"""run_patrol_agent: watch the enabled cameras and record patrol detections (its own process)."""

from django.core.management.base import BaseCommand, CommandError

from hallops.core.models import Hall
from hallops.loops import stop_on_signals
from hallops.patrol.runner import PatrolRunner


class Command(BaseCommand):
    help = "运行视频巡查：读取启用的摄像头，检测离岗、拥挤与摄像头故障，写入检测记录与大厅事件。"

    def add_arguments(self, parser):
        parser.add_argument("--hall", help="only this hall's cameras (hall code)")
        parser.add_argument("--once-seconds", type=float, default=None,
                            help="run for N seconds, then exit (tests, a quick check of the cameras)")

    def handle(self, *args, **opts):
        hall = None
        if opts["hall"]:
            hall = Hall.objects.filter(code=opts["hall"]).first()
            if hall is None:
                raise CommandError(f"no hall {opts['hall']!r}")
        runner = PatrolRunner.for_hall(hall)
        if not runner.cameras:
            self.stdout.write(self.style.WARNING("没有启用的摄像头"))
            return
        self.stdout.write(f"巡查摄像头 {len(runner.cameras)} 路: " +
                          ", ".join(c.name for c in runner.cameras.values()))
        with stop_on_signals() as stop, runner:
            runner.run(opts["once_seconds"], until=stop.is_set)
        counts = {}
        for det in runner.detections:
            counts[(det.kind, det.state)] = counts.get((det.kind, det.state), 0) + 1
        for (kind, state), n in sorted(counts.items()):
            self.stdout.write(f"  {kind} {state}: {n}")
