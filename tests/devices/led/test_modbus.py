"""Modbus RTU specifics: CRC vectors, register map, exceptions."""

from devices.led import ReplyKind, crc16_modbus, get_codec
from devices.led.modbus import ModbusCodec, with_crc


def test_crc_matches_the_read_holding_register_vector():
    assert with_crc(bytes.fromhex("010300000001"))[-2:] == bytes.fromhex("840A")


def test_crc_matches_the_standard_check_value():
    assert crc16_modbus(b"123456789") == 0x4B37


def test_crc_of_a_write_single_register_request():
    # 01 06 00 01 00 03 -> 98 0B, from the Modbus over serial line guide examples
    assert with_crc(bytes.fromhex("010600010003"))[-2:] == bytes.fromhex("980B")


def test_show_writes_control_length_and_text_registers_in_one_request():
    frame = get_codec("modbus-rtu").encode_show(1, "ABC", blink=True, line=2)
    assert frame[:7] == bytes.fromhex("01 10 0000 0004 08".replace(" ", ""))
    assert frame[7:15] == bytes.fromhex("0201" "0003" "4142" "4300")


def test_clear_sets_the_clear_bit():
    assert get_codec("modbus-rtu").encode_clear(3)[:11] == bytes.fromhex("0310000000020400020000")


def test_query_reads_control_and_length():
    assert get_codec("modbus-rtu").encode_query(1) == with_crc(bytes.fromhex("010300000002"))


def test_the_write_echo_is_an_ack_and_an_exception_is_a_nak_with_its_code():
    codec = get_codec("modbus-rtu")
    assert codec.decode_reply(bytearray(with_crc(bytes.fromhex("011000000004")))).kind is ReplyKind.ACK
    nak = codec.decode_reply(bytearray(with_crc(bytes.fromhex("019002"))))
    assert (nak.address, nak.kind, nak.code) == (1, ReplyKind.NAK, 2)


def test_a_vendor_text_offset_leaves_reserved_registers_zero():
    codec = ModbusCodec(text_offset=0x10)
    frame = codec.encode_show(1, "AB")
    assert frame[4:6] == (0x11).to_bytes(2, "big")
    assert frame[11:39] == bytes(28) and frame[39:41] == b"AB"
    assert codec.decode_command(bytearray(frame)).text == "AB"
