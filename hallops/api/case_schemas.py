"""Request and response shapes of 好差评 and cases (工单): see docs/evaluations.md."""

from typing import Annotated, Literal

from ninja import Field, Schema

from .schemas import Timestamp

Level = Annotated[int, Field(ge=1, le=5)]
ShortCode = Annotated[str, Field(max_length=40)]


class Ref(Schema):
    id: int
    number: str
    name: str


class TicketRef(Schema):
    id: str
    number: str
    day: str


class Named(Schema):
    code: str
    name: str


class Person(Schema):
    username: str
    name: str


class StepOut(Schema):
    step: str = Field(description="accept, verify, appeal, review, rectify, feedback, follow_up or close")
    label: str
    by: Person | None
    at: Timestamp
    note: str
    data: dict = Field(description="what the step decided: verdict, decision, result, satisfaction")
    picture: str | None = Field(description="URL of the 整改 picture")


class RatingOut(Schema):
    level: int
    source: str
    reasons: list[str]
    comment: str
    excluded: bool
    rated_at: Timestamp


class Contact(Schema):
    name: str
    phone: str


class CaseOut(Schema):
    id: int
    kind: Literal["bad_rating", "unresolved", "hotline", "assisted"]
    kind_label: str
    status: str
    status_label: str
    opened_at: Timestamp
    follow_up_due: str = Field(description="回访 deadline, a local date (inclusive)")
    due: str = Field(description="整改 / 办结 deadline, a local date (inclusive)")
    overdue: bool
    ticket: TicketRef | None
    window: Ref | None
    department: Named | None
    service: Named | None
    staff: Person | None
    external_number: str
    description: str
    evaluation: RatingOut | None
    verdict: str
    satisfaction: int | None
    next_steps: list[str]
    steps: list[StepOut]
    contact: Contact | None = Field(None, description="the citizen to call back; lobby managers and supervisors only")


class CaseList(Schema):
    items: list[CaseOut]
    count: int = Field(description="cases matching the filters, on every page")
    page: int = Field(description="this page (1 is the newest cases); a page past the last gives the last")
    pages: int
    per_page: int


class CaseIn(Schema):
    kind: Literal["unresolved", "hotline", "assisted"] = Field(description="办不成事, 12345 转办 or 帮办代办")
    description: str = Field("", max_length=2000)
    external_number: str = Field("", max_length=64, description="the 12345 hotline's own number (required for hotline)")
    ticket: str | None = Field(None, description="the visit it concerns (ticket id)")
    window: int | None = None
    service: str | None = Field(None, max_length=60, description="matter code")
    department: str | None = Field(None, max_length=40, description="department code")
    contact_name: str = Field("", max_length=40)
    contact_phone: str = Field("", max_length=20)


class StepIn(Schema):
    step: str = Field(max_length=20, description="verify | appeal | review | rectify | feedback | follow_up | close")
    note: str = Field("", max_length=2000)
    verdict: str | None = Field(None, max_length=20, description="verify: valid | mistaken | malicious")
    decision: str | None = Field(None, max_length=20, description="review: uphold | exclude")
    result: str | None = Field(None, max_length=20, description="follow_up: reached | unreachable")
    satisfaction: int | None = Field(None, description="follow_up: 1–5 when reached")
    picture: str | None = Field(None, max_length=8_000_000, description="rectify: a picture as a data: URL (base64)")


class TicketRatingIn(Schema):
    source: Literal["qr", "paper"] = Field(description="qr: the citizen's phone (public); paper: typed in by staff")
    level: Level = Field(description="5 非常满意 … 1 非常不满意")
    reasons: Annotated[list[ShortCode], Field(max_length=20)] = []
    comment: str = Field("", max_length=500)
    indicators: Annotated[dict[ShortCode, int], Field(max_length=30)] = {}
    contact_name: str = Field("", max_length=40, description="optional, for the follow-up call only")
    contact_phone: str = Field("", max_length=20, description="optional, for the follow-up call only")


class TicketRatingOut(Schema):
    id: int
    ticket: str
    number: str
    level: int
    bad: bool
    source: str
    created_at: Timestamp
    case: int | None = Field(description="the case a bad rating opened")


class FilingIn(Schema):
    filing_number: str | None = Field(None, max_length=64, description="办件编号")
    applicant_type: Literal["natural", "legal"] | None = None


class FilingOut(Schema):
    ticket: str
    number: str
    filing_number: str
    applicant_type: str


class OptionsOut(Schema):
    levels: list[dict]
    reasons: list[Named]
    indicators: dict | None


class FigureRow(Schema):
    key: int | str | None
    label: str
    served: int
    rated: int
    good: int
    bad: int
    rectified: int
    followed_up: int
    cases: int
    overdue: int
    rating_rate: float | None = Field(description="评价率 %")
    good_rate: float | None = Field(description="好评率 % (levels 3–5)")
    bad_rate: float | None = Field(description="差评率 % (levels 1–2)")
    rectify_rate: float | None = Field(description="整改率 %")
    follow_up_rate: float | None = Field(description="回访率 %")
    rank: int | None = None


class FiguresOut(Schema):
    by: str
    from_: str = Field(alias="from")
    to: str
    rows: list[FigureRow]
    total: FigureRow


class ExportRow(Schema):
    """One line of the provincial export (jsonl); csv has the same columns in this order."""

    region_code: str = Field(description="the hall's 12-digit 行政区划 code")
    matter_code: str = Field(description="事项编码 (implementation list code)")
    matter_version: str = Field(description="事项版本号")
    filing_number: str = Field(description="办件编号")
    channel: str = Field(description="评价渠道: PJQ window pad, EWM QR code, ZZ paper form")
    applicant_type: str = Field(description="natural (自然人) | legal (法人) | empty when not recorded")
    staff_login: str = Field(description="login of the rated staff member")
    level: int = Field(description="5 非常满意 … 1 非常不满意")
    rated_at: Timestamp
