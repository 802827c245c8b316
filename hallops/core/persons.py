"""A citizen's phone and ID number: checked, masked for staff, and keyed for the booking limits.

Only the masked forms and keyed hashes are stored. The hash is an HMAC with the deployment's
secret key: a bare SHA-256 of an 11-digit phone number is reversed by trying all of them.
"""

import re

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .errors import Invalid

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_ID = re.compile(r"^\d{17}[\dX]$")
# GB 11643-1999: weights of the first 17 digits and the check character for the sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_phone(raw: str) -> str:
    phone = re.sub(r"[\s-]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        raise Invalid(_("请填写11位手机号码"), code="invalid_phone")
    return phone


def normalize_id_number(raw: str) -> str:
    number = re.sub(r"\s", "", raw or "").upper()
    if not _ID.match(number) or _CHECK[sum(int(d) * w for d, w in zip(number, _WEIGHTS)) % 11] != number[-1]:
        raise Invalid(_("身份证号码有误"), code="invalid_id_number")
    return number


def person_hash(kind: str, value: str) -> str:
    return salted_hmac(f"hallops.persons.{kind}", value, algorithm="sha256").hexdigest()


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def mask_id_number(number: str) -> str:
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"
