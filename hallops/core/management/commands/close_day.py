"""close_day: 日终 for every hall, meant for cron shortly after midnight.

    5 0 * * *  cd /srv/hallops && .venv/bin/python manage.py close_day

Unserved tickets of past days expire (nothing is deleted) and windows still open from a past day
close with their staff signed out. Running it twice, or during the day, is harmless: only past
days are touched.
"""

from django.core.management.base import BaseCommand

from hallops.core import actions
from hallops.core.management.per_hall import add_hall_option, run_per_hall

ACTOR = "system:close_day"


class Command(BaseCommand):
    help = "日终处理：作废往日未办理的号，关闭往日遗留的窗口（不删除任何记录）。"

    def add_arguments(self, parser):
        add_hall_option(parser)

    def handle(self, *args, **opts):
        # One transaction per hall (inside the action): one hall's failure does not hold back the others.
        run_per_hall(self, opts["hall"], lambda hall: actions.close_day(hall, actor=ACTOR),
                     each="{code}: 作废 {n} 个号", failed_each="{code}: 日终失败：{error}",
                     done="日终完成：{halls} 个大厅，共作废 {total} 个号", failed_all="day end failed for: {halls}")
