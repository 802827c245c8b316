"""Bearer tokens never reach a log: not daphne's access log, not Django's or hallops' own records.

Device pages and sockets may carry a token as `?token=` (a screen PC's browser or an LED controller
cannot always send a header); whatever line mentions one is written with `[redacted]` in its place.
Installed by settings.LOGGING (RedactTokens filter on every handler) and hallops/asgi.py (daphne's
access log, which is written straight to a stream, not through logging).
"""

import logging
import re

from daphne.access import AccessLogGenerator

REDACTED = "[redacted]"
_PATTERNS = [
    # ?token=… / &access_token=… in a URL or a query string, also %-encoded
    (re.compile(r"((?:\b|_)token(?:=|%3D))[^&\s\"';]+", re.IGNORECASE), r"\1" + REDACTED),
    # Authorization: Bearer …
    (re.compile(r"(\bbearer\s+)\S+", re.IGNORECASE), r"\1" + REDACTED),
    # a hallops token anywhere else (hsd_… device, hsu_… staff; see ApiToken.issue)
    (re.compile(r"\bhs[du]_[A-Za-z0-9_\-]{6,}"), REDACTED),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactTokens(logging.Filter):
    """A logging filter for handlers: formats the record once, redacted, and keeps it."""

    def filter(self, record):
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RedactingAccessLog(AccessLogGenerator):
    """daphne's NCSA access log with tokens in paths redacted."""

    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        super().write_entry(host, date, redact(request), status=status, length=length, ident=ident, user=user)


def install_in_daphne():
    """When daphne's command line is serving us, make it build the redacting access log.

    daphne.cli creates its AccessLogGenerator after it has imported the application, by this
    module-level name, so replacing the name here is enough; nothing else of daphne changes.
    """
    import sys

    cli = sys.modules.get("daphne.cli")
    if cli is not None:
        cli.AccessLogGenerator = RedactingAccessLog
