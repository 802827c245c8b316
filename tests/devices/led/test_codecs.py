"""Both LED codecs, through the interface the line uses (and the side the display uses)."""

import pytest

from devices.led import ReplyKind, get_codec
from devices.led.generic import FRAMING

CODECS = ["hallops-generic", "modbus-rtu"]


@pytest.fixture(params=CODECS)
def codec(request):
    return get_codec(request.param)


def test_a_show_round_trips_text_blink_and_line(codec):
    frame = codec.encode_show(7, "请A012号到3号窗口办理", blink=True, line=1)
    cmd = codec.decode_command(bytearray(frame))
    assert (cmd.address, cmd.op, cmd.text, cmd.blink, cmd.line) == (7, "show", "请A012号到3号窗口办理", True, 1)


def test_clear_and_query_round_trip(codec):
    assert codec.decode_command(bytearray(codec.encode_clear(4))).op == "clear"
    q = codec.decode_command(bytearray(codec.encode_query(4)))
    assert (q.address, q.op) == (4, "query")


def test_text_is_sent_in_gbk(codec):
    frame = codec.encode_show(1, "窗口")
    assert "窗口".encode("gbk") in frame


def test_characters_gbk_cannot_encode_become_a_visible_box(codec):
    cmd = codec.decode_command(bytearray(codec.encode_show(1, "A001😀号")))
    assert cmd.text == "A001□号"


def test_ack_nak_and_status_replies_carry_the_address(codec):
    cmd = codec.decode_command(bytearray(codec.encode_show(9, "x")))
    ack = codec.decode_reply(bytearray(codec.encode_ack(cmd)))
    nak = codec.decode_reply(bytearray(codec.encode_nak(cmd, 3)))
    status = codec.decode_reply(bytearray(codec.encode_status(9, "x")))
    assert (ack.address, ack.kind) == (9, ReplyKind.ACK)
    assert (nak.address, nak.kind, nak.code, nak.ok) == (9, ReplyKind.NAK, 3, False)
    assert (status.address, status.kind) == (9, ReplyKind.STATUS)


def test_a_reply_split_byte_by_byte_is_decoded_once_complete(codec):
    cmd = codec.decode_command(bytearray(codec.encode_show(5, "x")))
    wire, buf, got = codec.encode_ack(cmd), bytearray(), []
    for b in wire:
        buf.append(b)
        reply = codec.decode_reply(buf)
        if reply:
            got.append((len(buf), reply))
    assert [(n, r.address, r.kind) for n, r in got] == [(0, 5, ReplyKind.ACK)]


def test_leading_noise_is_skipped_and_two_replies_come_out_in_order(codec):
    c1 = codec.decode_command(bytearray(codec.encode_show(1, "a")))
    c2 = codec.decode_command(bytearray(codec.encode_show(2, "b")))
    buf = bytearray(b"\x00\xff\xaa\x13garbage" + codec.encode_ack(c1) + b"\x55" + codec.encode_ack(c2))
    assert codec.decode_reply(buf).address == 1
    assert codec.decode_reply(buf).address == 2
    assert codec.decode_reply(buf) is None and buf == bytearray()


def test_a_reply_with_a_bad_checksum_is_rejected_and_the_next_good_one_found(codec):
    cmd = codec.decode_command(bytearray(codec.encode_show(3, "a")))
    bad = bytearray(codec.encode_ack(cmd))
    bad[-2] ^= 0x01
    buf = bad + codec.encode_nak(cmd, 2)
    reply = codec.decode_reply(buf)
    assert (reply.kind, reply.code) == (ReplyKind.NAK, 2)


def test_garbage_never_raises(codec):
    import random

    rng = random.Random(7)
    for _ in range(200):
        buf = bytearray(rng.randbytes(rng.randrange(0, 300)))
        codec.decode_reply(buf)
        codec.decode_command(buf)


def test_our_own_echoed_frames_are_not_taken_for_replies(codec):
    # RS-485 adapters with local echo hand our own frame back before the answer.
    frame = codec.encode_show(6, "a")
    cmd = codec.decode_command(bytearray(frame))
    buf = bytearray(frame + codec.encode_ack(cmd))
    reply = codec.decode_reply(buf)
    assert (reply.address, reply.kind) == (6, ReplyKind.ACK)


def test_generic_show_frame_layout_is_as_documented():
    frame = get_codec("hallops-generic").encode_show(0x12, "A1", blink=True, line=2)
    payload = b"\x01\x02A1"
    body = bytes([0x12, 0x01, 0x00, 0x04, 0xFC]) + payload
    x = 0
    for b in body:
        x ^= b
    assert frame == b"\xaa\x55" + body + bytes([x, 0x0D])


def test_generic_rejects_a_frame_whose_length_check_byte_does_not_match():
    frame = bytearray(FRAMING.build(1, 0x06))
    frame[6] ^= 0x01
    assert get_codec("hallops-generic").decode_reply(frame) is None


def test_long_text_is_cut_at_a_character_boundary(codec):
    cmd = codec.decode_command(bytearray(codec.encode_show(1, "窗" * 1000)))
    assert 0 < len(cmd.text) < 1000 and set(cmd.text) == {"窗"}



def test_the_documented_example_frame_is_what_the_codec_sends():
    frame = get_codec("hallops-generic").encode_show(0x12, "A1", blink=True, line=2)
    assert frame.hex(" ").upper() == "AA 55 12 01 00 04 FC 01 02 41 31 98 0D"
