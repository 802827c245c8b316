"""The optional 整改 picture: checked to be a real image of sane size, stored under a random name."""

import base64
import binascii
import uuid
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from hallops.core.errors import Invalid

PICTURE_MAX = 5 * 1024 * 1024


def checked_picture(raw: bytes) -> ContentFile:
    if len(raw) > PICTURE_MAX:
        raise Invalid(_("图片不能超过 5 MB"), code="picture_too_large")
    try:
        with Image.open(BytesIO(raw)) as img:
            fmt = (img.format or "").lower()
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise Invalid(_("不是有效的图片"), code="invalid_picture") from None
    ext = {"jpeg": "jpg"}.get(fmt, fmt or "img")
    return ContentFile(raw, name=f"{uuid.uuid4().hex}.{ext}")


def from_data_url(data_url: str | None):
    """A data: URL (base64), as the API takes it; None when absent."""
    if not data_url:
        return None
    header, _sep, body = data_url.partition(",")
    if not header.startswith("data:image/") or ";base64" not in header:
        raise Invalid(_("图片须为 data:image/…;base64 格式"), code="invalid_picture")
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("图片须为 data:image/…;base64 格式"), code="invalid_picture") from None
    return checked_picture(raw)


def from_upload(upload):
    """A file from a page form (multipart), or None."""
    if not upload:
        return None
    if upload.size > PICTURE_MAX:
        raise Invalid(_("图片不能超过 5 MB"), code="picture_too_large")
    return checked_picture(upload.read())
