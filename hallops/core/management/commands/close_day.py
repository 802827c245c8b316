"""close_day: 日终 for every hall, meant for cron shortly after midnight.

    5 0 * * *  cd /srv/hallops && .venv/bin/python manage.py close_day

Unserved tickets of past days expire (nothing is deleted) and windows still open from a past day
close with their staff signed out. Running it twice, or during the day, is harmless: only past
days are touched.
"""

from django.core.management.base import BaseCommand, CommandError

from hallops.core import actions
from hallops.core.models import Hall

ACTOR = "system:close_day"


class Command(BaseCommand):
    help = "日终处理：作废往日未办理的号，关闭往日遗留的窗口（不删除任何记录）。"

    def add_arguments(self, parser):
        parser.add_argument("--hall", action="append", metavar="CODE",
                            help="only this hall (repeatable); default: every hall")

    def handle(self, *args, **opts):
        qs = Hall.objects.order_by("code")
        if opts["hall"]:
            qs = qs.filter(code__in=opts["hall"])
        halls = list(qs)
        if opts["hall"]:
            missing = set(opts["hall"]) - {h.code for h in halls}
            if missing:
                raise CommandError(f"unknown hall: {', '.join(sorted(missing))}")
        total, failed = 0, []
        for hall in halls:
            # One transaction per hall: a failure in one hall does not hold back the others' day end.
            try:
                expired = actions.close_day(hall, actor=ACTOR)
            except Exception as e:  # reported below; cron mails the output and sees the exit status
                failed.append(hall.code)
                self.stderr.write(f"{hall.code}: 日终失败：{e!r}")
                continue
            total += expired
            self.stdout.write(f"{hall.code}: 作废 {expired} 个号")
        self.stdout.write(f"日终完成：{len(halls) - len(failed)} 个大厅，共作废 {total} 个号")
        if failed:
            raise CommandError(f"day end failed for: {', '.join(failed)}")
