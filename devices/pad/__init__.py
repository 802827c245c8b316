"""Evaluation pads (评价器) polled on an RS-485 line.

Public API: the pad codec (``get_pad_codec``, ``PadCodec``, ``HallopsPadCodec``),
the five levels (``LEVELS``) and ``PadSimulator``. Polling and press
de-duplication live in ``devices.line.SerialLine.poll_pads``.
"""

from .codec import LEVELS, HallopsPadCodec, PadCodec, get_pad_codec, register_pad_codec
from .simulator import PadSimulator

__all__ = ["LEVELS", "HallopsPadCodec", "PadCodec", "PadSimulator", "get_pad_codec", "register_pad_codec"]
