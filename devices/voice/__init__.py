"""Voice announcements (语音播报) for hall screens: the text, and packs of recorded clips.

Plain Python, no Django: the server builds the text and the clip URLs, the hall
screen page speaks them. See docs/devices/voice.md.
"""

from .pack import (
    DEFAULT_GAP,
    DEFAULT_PACK_DIR,
    MissingRecordingsError,
    PackBuildReport,
    VoicePack,
    VoicePackError,
    build_pack_from_recordings,
    clip_urls,
)
from .text import (
    DEFAULT_TEMPLATE,
    RECALL_PREFIX,
    REQUIRED_TOKENS,
    STANDARD_TOKENS,
    MissingTokenError,
    announcement_text,
    spoken_number,
    spoken_window,
    tokens,
)

__all__ = [
    "DEFAULT_GAP",
    "DEFAULT_PACK_DIR",
    "DEFAULT_TEMPLATE",
    "RECALL_PREFIX",
    "REQUIRED_TOKENS",
    "STANDARD_TOKENS",
    "MissingRecordingsError",
    "MissingTokenError",
    "PackBuildReport",
    "VoicePack",
    "VoicePackError",
    "announcement_text",
    "build_pack_from_recordings",
    "clip_urls",
    "spoken_number",
    "spoken_window",
    "tokens",
]
