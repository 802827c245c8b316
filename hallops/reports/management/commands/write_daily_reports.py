"""Write each hall's daily report files, for cron after close_day:

    manage.py write_daily_reports --dir /var/lib/hallops/reports [--date 2026-11-30] [--format xlsx]

One file per hall and grouping: {dir}/{hall}/{date}-{by}.{format}. Yesterday by default.
"""

from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hallops.core.models import Hall
from hallops.reports.export import to_csv, to_xlsx
from hallops.reports.figures import GROUPINGS, report
from hallops.reports.periods import period


class Command(BaseCommand):
    help = "Write each hall's daily report (every grouping) as XLSX or CSV files"

    def add_arguments(self, parser):
        parser.add_argument("--dir", required=True)
        parser.add_argument("--date", help="YYYY-MM-DD, the local day; default yesterday")
        parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
        parser.add_argument("--hall", help="only this hall (code)")

    def handle(self, *args, **opts):
        try:
            day = date.fromisoformat(opts["date"]) if opts["date"] else timezone.localdate() - timedelta(days=1)
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD")
        halls = Hall.objects.all()
        if opts["hall"]:
            halls = halls.filter(code=opts["hall"])
        render = to_xlsx if opts["format"] == "xlsx" else to_csv
        written = 0
        for hall in halls:
            target = Path(opts["dir"]) / hall.code
            target.mkdir(parents=True, exist_ok=True)
            for by in GROUPINGS:
                path = target / f"{day.isoformat()}-{by}.{opts['format']}"
                path.write_bytes(render(report(hall, period("day", day), by)))
                written += 1
        self.stdout.write(f"{written} files")
