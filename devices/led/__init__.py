"""LED window displays (窗口条屏) and hall screens on serial buses.

Public API: codecs by name (``get_codec``), the codec interface for vendors
(``LedCodec``, ``register_codec``), and the simulator used by tests and the demo.
The line worker that drives a bus is ``devices.line.SerialLine``.
"""

from .codec import Command, LedCodec, Reply, ReplyKind, available_codecs, get_codec, register_codec
from .framing import encode_gbk
from .generic import GenericCodec
from .modbus import ModbusCodec, crc16_modbus
from .simulator import DisplaySimulator, SerialPeer, Shown

__all__ = [
    "Command",
    "DisplaySimulator",
    "GenericCodec",
    "LedCodec",
    "ModbusCodec",
    "Reply",
    "ReplyKind",
    "SerialPeer",
    "Shown",
    "available_codecs",
    "crc16_modbus",
    "encode_gbk",
    "get_codec",
    "register_codec",
]
