"""The hallops-pad codec: poll, prompt, reset; idle and press replies."""

import pytest

from devices.led import ReplyKind
from devices.pad import LEVELS, get_pad_codec
from devices.pad.codec import FRAMING

PAD = get_pad_codec("hallops-pad")


def test_the_five_levels_are_the_national_evaluation_scale():
    assert LEVELS == {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def test_a_press_carries_level_counter_and_address():
    reply = PAD.decode_reply(bytearray(PAD.encode_press(12, 5, 200)))
    assert (reply.address, reply.kind, reply.level, reply.counter) == (12, ReplyKind.PRESS, 5, 200)


def test_nothing_to_report_is_an_idle_reply():
    assert PAD.decode_reply(bytearray(PAD.encode_idle(3))).kind is ReplyKind.IDLE


def test_a_poll_may_acknowledge_a_press_counter_including_zero():
    assert PAD.decode_command(bytearray(PAD.encode_poll(3))).ack is None
    assert PAD.decode_command(bytearray(PAD.encode_poll(3, ack=0))).ack == 0
    assert PAD.decode_command(bytearray(PAD.encode_poll(3, ack=255))).ack == 255


def test_prompt_carries_the_ticket_number_and_reset_none():
    cmd = PAD.decode_command(bytearray(PAD.encode_prompt(4, "A012")))
    assert (cmd.op, cmd.text) == ("prompt", "A012")
    assert PAD.decode_command(bytearray(PAD.encode_reset(4))).op == "reset"


def test_pad_frames_are_not_taken_for_led_frames_on_a_shared_bus():
    from devices.led import get_codec

    led = get_codec("hallops-generic")
    assert led.decode_reply(bytearray(PAD.encode_press(1, 5, 1))) is None
    assert PAD.decode_reply(bytearray(led.encode_status(1, "x"))) is None


def test_a_press_split_byte_by_byte_after_noise_arrives_once():
    buf, got = bytearray(), []
    for b in b"\xa5\x00\x5a" + PAD.encode_press(2, 3, 9):
        buf.append(b)
        r = PAD.decode_reply(buf)
        if r:
            got.append((r.level, r.counter))
    assert got == [(3, 9)]


def test_a_press_with_a_level_outside_the_scale_is_not_a_rating():
    reply = PAD.decode_reply(bytearray(FRAMING.build(2, 0x91, b"\x07\x01")))
    assert reply.kind is ReplyKind.NAK


def test_levels_outside_the_scale_cannot_be_encoded():
    with pytest.raises(ValueError):
        PAD.encode_press(1, 6, 0)


def test_unknown_pad_codec_names_fail_clearly():
    with pytest.raises(KeyError):
        get_pad_codec("no-such-pad")
