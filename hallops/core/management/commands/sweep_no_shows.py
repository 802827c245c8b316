"""sweep_no_shows: mark bookings not checked in by their slot's end plus grace as no-shows (爽约),
and block repeat no-shows from booking online. Meant for cron every few minutes during the day:

    */10 7-21 * * *  cd /srv/hallops && .venv/bin/python manage.py sweep_no_shows

close_day does the same after midnight, so a missed sweep only delays a no-show to the day end.
Running it any time, or twice, is harmless.
"""

from django.core.management.base import BaseCommand

from hallops.core import actions
from hallops.core.management.per_hall import add_hall_option, run_per_hall

ACTOR = "system:sweep_no_shows"


class Command(BaseCommand):
    help = "标记爽约预约（时段结束加宽限期仍未签到），多次爽约者限制网上预约。"

    def add_arguments(self, parser):
        add_hall_option(parser)

    def handle(self, *args, **opts):
        # One transaction per hall (inside the action): one hall's failure does not hold back the others.
        run_per_hall(self, opts["hall"], lambda hall: actions.mark_no_shows(hall, actor=ACTOR),
                     each="{code}: 爽约 {n} 个", failed_each="{code}: 爽约标记失败：{error}",
                     done="完成：{halls} 个大厅，共标记爽约 {total} 个", failed_all="no-show sweep failed for: {halls}")
