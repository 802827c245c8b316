"""The case workflow as data: which step may follow which status, and what it leads to.

accepted → verify (valid → verified; mistaken/malicious → disputed → appeal → appealed → review:
uphold → verified, exclude → excluded → close) → rectify → feedback → follow_up → close.
One table, so the API, the pages and the docs agree on the order.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import CaseKind, CaseStatus

VERIFY, APPEAL, REVIEW, RECTIFY, FEEDBACK, FOLLOW_UP, CLOSE = (
    "verify", "appeal", "review", "rectify", "feedback", "follow_up", "close")
ACCEPT = "accept"  # the first step row, written when a case is opened
STEPS = (VERIFY, APPEAL, REVIEW, RECTIFY, FEEDBACK, FOLLOW_UP, CLOSE)

STEP_LABELS = {
    ACCEPT: _("受理"), VERIFY: _("核实"), APPEAL: _("申诉"), REVIEW: _("复核"), RECTIFY: _("整改"),
    FEEDBACK: _("反馈"), FOLLOW_UP: _("回访"), CLOSE: _("办结"),
}

# status -> the steps allowed from it
NEXT = {
    CaseStatus.ACCEPTED: (VERIFY,),
    CaseStatus.DISPUTED: (APPEAL,),
    CaseStatus.APPEALED: (REVIEW,),
    CaseStatus.VERIFIED: (RECTIFY,),
    CaseStatus.RECTIFIED: (FEEDBACK,),
    CaseStatus.ANSWERED: (FOLLOW_UP,),
    CaseStatus.FOLLOWED_UP: (CLOSE,),
    CaseStatus.EXCLUDED: (CLOSE,),
    CaseStatus.CLOSED: (),
}

VALID, MISTAKEN, MALICIOUS = "valid", "mistaken", "malicious"
VERDICTS = {VALID: _("属实"), MISTAKEN: _("误评"), MALICIOUS: _("恶意评价")}
UPHOLD, EXCLUDE = "uphold", "exclude"
DECISIONS = {UPHOLD: _("维持差评"), EXCLUDE: _("剔除差评")}
REACHED, UNREACHABLE = "reached", "unreachable"
RESULTS = {REACHED: _("已联系"), UNREACHABLE: _("无法联系")}

# Steps whose note is the record of what was done; a blank one is refused.
NOTE_REQUIRED = {VERIFY, APPEAL, REVIEW, RECTIFY, FEEDBACK}


def allowed_steps(status) -> tuple:
    return NEXT.get(status, ())


def verdicts_for(kind) -> tuple:
    """Only a rating can be found mistaken or malicious and appealed; a complaint is verified as valid."""
    return (VALID, MISTAKEN, MALICIOUS) if kind == CaseKind.BAD_RATING else (VALID,)


# --- Overdue: one definition, as a Python test and as a query filter ------------------------------

def is_overdue(case, today) -> bool:
    """Still open past its deadline, or past the follow-up deadline without a follow-up."""
    if case.status == CaseStatus.CLOSED:
        return False
    if today > case.due:
        return True
    return case.status != CaseStatus.EXCLUDED and case.followed_up_on is None and today > case.follow_up_due


def overdue_q(today, prefix="") -> Q:
    p = prefix
    return ~Q(**{f"{p}status": CaseStatus.CLOSED}) & (
        Q(**{f"{p}due__lt": today})
        | (~Q(**{f"{p}status": CaseStatus.EXCLUDED}) & Q(**{f"{p}followed_up_on__isnull": True,
                                                            f"{p}follow_up_due__lt": today}))
    )


def late_q(prefix="") -> Q:
    """Closed, but after a deadline (counted as overdue in the monthly figures)."""
    from django.db.models import F

    p = prefix
    return Q(**{f"{p}status": CaseStatus.CLOSED}) & (
        Q(**{f"{p}closed_on__gt": F(f"{p}due")}) | Q(**{f"{p}followed_up_on__gt": F(f"{p}follow_up_due")})
    )
