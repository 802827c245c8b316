"""sweep_no_shows: mark bookings not checked in by their slot's end plus grace as no-shows (爽约),
and block repeat no-shows from booking online. Meant for cron every few minutes during the day:

    */10 7-21 * * *  cd /srv/hallops && .venv/bin/python manage.py sweep_no_shows

close_day does the same after midnight, so a missed sweep only delays a no-show to the day end.
Running it any time, or twice, is harmless.
"""

from django.core.management.base import BaseCommand, CommandError

from hallops.core import actions
from hallops.core.models import Hall

ACTOR = "system:sweep_no_shows"


class Command(BaseCommand):
    help = "标记爽约预约（时段结束加宽限期仍未签到），多次爽约者限制网上预约。"

    def add_arguments(self, parser):
        parser.add_argument("--hall", action="append", metavar="CODE",
                            help="only this hall (repeatable); default: every hall")

    def handle(self, *args, **opts):
        qs = Hall.objects.order_by("code")
        if opts["hall"]:
            qs = qs.filter(code__in=opts["hall"])
        halls = list(qs)
        missing = set(opts["hall"] or ()) - {h.code for h in halls}
        if missing:
            raise CommandError(f"unknown hall: {', '.join(sorted(missing))}")
        total, failed = 0, []
        for hall in halls:
            # One transaction per hall: one hall's failure does not hold back the others.
            try:
                marked = actions.mark_no_shows(hall, actor=ACTOR)
            except Exception as e:  # reported below; cron mails the output and sees the exit status
                failed.append(hall.code)
                self.stderr.write(f"{hall.code}: 爽约标记失败：{e!r}")
                continue
            total += marked
            self.stdout.write(f"{hall.code}: 爽约 {marked} 个")
        self.stdout.write(f"完成：{len(halls) - len(failed)} 个大厅，共标记爽约 {total} 个")
        if failed:
            raise CommandError(f"no-show sweep failed for: {', '.join(failed)}")
