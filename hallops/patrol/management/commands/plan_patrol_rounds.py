"""plan_patrol_rounds: the day's patrol rounds at random times within opening hours (cron, daily)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hallops.core.models import Hall
from hallops.patrol.rounds import mark_missed, plan_rounds, rounds_per_day


class Command(BaseCommand):
    help = "生成当日巡查轮次（每天不少于2次，开放时间内随机时刻），轮流分配给督查人员。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--hall", help="hall code (default: every hall)")
        parser.add_argument("--count", type=int, default=None,
                            help="rounds per day (at least 2; default settings.PATROL_ROUNDS_PER_DAY)")
        parser.add_argument("--seed", type=int, default=None, help="random seed (tests, reproducible plans)")
        parser.add_argument("--replace", action="store_true", help="replace the day's rounds not yet started")

    def handle(self, *args, **opts):
        try:
            day = date.fromisoformat(opts["date"]) if opts["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD")
        halls = Hall.objects.all()
        if opts["hall"]:
            halls = halls.filter(code=opts["hall"])
            if not halls.exists():
                raise CommandError(f"no hall {opts['hall']!r}")
        count = opts["count"] or rounds_per_day()
        for hall in halls:
            missed = mark_missed(hall)
            rounds = plan_rounds(hall, day, count=count, seed=opts["seed"], replace=opts["replace"])
            times = ", ".join(
                f"{timezone.localtime(r.scheduled_at):%H:%M} {r.assigned_to.username if r.assigned_to else '未分配'}"
                for r in rounds) or "当日不开放"
            self.stdout.write(f"{hall.code} {day}: {times}" + (f"（{missed} 轮标记为未巡查）" if missed else ""))
