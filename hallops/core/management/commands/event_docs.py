"""event_docs: rewrite the event table of docs/realtime.md from the event schemas.

    .venv/bin/python manage.py event_docs          # rewrite
    .venv/bin/python manage.py event_docs --check  # exit 1 when the doc is stale (the suite checks too)
"""

from django.core.management.base import BaseCommand, CommandError

from hallops.core import event_docs


class Command(BaseCommand):
    help = "Rewrite the event table of docs/realtime.md from hallops/core/event_schema.py."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report whether the doc is up to date")

    def handle(self, *args, **opts):
        current = event_docs.DOC.read_text(encoding="utf-8")
        wanted = event_docs.updated(current)
        if opts["check"]:
            if wanted != current:
                raise CommandError(f"{event_docs.DOC} is stale: run manage.py event_docs")
            self.stdout.write("up to date")
            return
        if wanted != current:
            event_docs.DOC.write_text(wanted, encoding="utf-8")
        self.stdout.write(f"wrote {event_docs.DOC}")
