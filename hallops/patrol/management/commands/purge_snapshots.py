"""purge_snapshots: delete patrol pictures older than the retention (default 30 days)."""

from django.core.management.base import BaseCommand

from hallops.patrol.retention import purge_snapshots, retention_days


class Command(BaseCommand):
    help = "删除超过保存期限的巡查截图（文件与记录）；检测记录、巡查发现与通报的文字保留。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="keep this many days (default: settings.PATROL_RETENTION_DAYS or 30)")

    def handle(self, *args, **opts):
        days = opts["days"] if opts["days"] is not None else retention_days()
        rows, files = purge_snapshots(days)
        self.stdout.write(f"已删除 {rows} 张截图（{files} 个文件），保留 {days} 天")
