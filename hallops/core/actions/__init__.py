"""The queue engine: plain functions, each one transaction that records its hall event.

Callers (API views, consumers, commands, the device hub) authorize first, then call these.
"""

from .alerts import acknowledge_alert
from .booking import book, cancel_booking, lift_block, mark_no_shows
from .calls import call_next, call_number, finish, recall, requeue, skip, start, transfer, transfer_targets
from .filing import set_filing
from .priorities import change_priority, kiosk_priorities
from .tickets import IssueResult, cancel_ticket, check_in, close_day, issue_ticket
from .windows import close_window, open_window, pause_window, resume_window, sign_in, sign_out

__all__ = [
    "IssueResult", "acknowledge_alert", "book", "call_next", "call_number", "cancel_booking", "cancel_ticket", "change_priority",
    "check_in", "close_day", "close_window", "finish", "issue_ticket", "kiosk_priorities", "lift_block",
    "mark_no_shows", "open_window", "pause_window", "recall", "requeue",
    "resume_window", "set_filing", "sign_in", "sign_out", "skip", "start", "transfer", "transfer_targets",
]
