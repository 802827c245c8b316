"""The shape of a cron command that acts on every hall (close_day, sweep_no_shows): pick the halls
from --hall, run the action hall by hall so one hall's failure does not hold back the others, report
each and fail (non-zero exit, which cron mails) if any failed."""

from django.core.management.base import CommandError

from hallops.core.models import Hall


def add_hall_option(parser):
    parser.add_argument("--hall", action="append", metavar="CODE",
                        help="only this hall (repeatable); default: every hall")


def run_per_hall(command, codes, action, *, each, failed_each, done, failed_all) -> int:
    """`action(hall)` returns a count; `each`/`failed_each`/`done`/`failed_all` word the report
    ({code}, {n}, {error}, {halls}, {total}). Returns the total."""
    qs = Hall.objects.order_by("code")
    if codes:
        qs = qs.filter(code__in=codes)
    halls = list(qs)
    missing = set(codes or ()) - {h.code for h in halls}
    if missing:
        raise CommandError(f"unknown hall: {', '.join(sorted(missing))}")
    total, failed = 0, []
    for hall in halls:
        try:
            n = action(hall)
        except Exception as e:  # reported below; cron mails the output and sees the exit status
            failed.append(hall.code)
            command.stderr.write(failed_each.format(code=hall.code, error=repr(e)))
            continue
        total += n
        command.stdout.write(each.format(code=hall.code, n=n))
    command.stdout.write(done.format(halls=len(halls) - len(failed), total=total))
    if failed:
        raise CommandError(failed_all.format(halls=", ".join(failed)))
    return total
