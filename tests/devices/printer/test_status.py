import pytest

from devices.printer import PrinterStatus, parse_status, status_query

OK = 0x12  # fixed bits 1 and 4


def test_queries_are_dle_eot_n():
    assert status_query(1) == b"\x10\x04\x01"
    assert status_query(2) == b"\x10\x04\x02"
    assert status_query(4) == b"\x10\x04\x04"


def test_all_clear_means_online_with_paper():
    s = parse_status(OK, OK, OK)
    assert s == PrinterStatus(online=True, paper="ok", cover_open=False, error=False, detail="ready")
    assert s.can_print


def test_bit_3_of_printer_status_is_offline():
    assert parse_status(OK | 0x08, OK, OK).online is False


@pytest.mark.parametrize("bits", [0x04, 0x08, 0x0C])
def test_bits_2_and_3_of_the_paper_sensor_mean_near_end(bits):
    s = parse_status(OK, OK, OK | bits)
    assert s.paper == "low" and s.online and s.can_print


@pytest.mark.parametrize("bits", [0x20, 0x40, 0x60])
def test_bits_5_and_6_of_the_paper_sensor_mean_paper_end(bits):
    s = parse_status(OK, OK, OK | bits | 0x0C)
    assert s.paper == "out" and not s.can_print


def test_bit_2_of_offline_cause_is_cover_open():
    s = parse_status(OK | 0x08, OK | 0x04, OK)
    assert s.cover_open and not s.online and "cover open" in s.detail


def test_bit_5_of_offline_cause_is_paper_end_stop():
    assert parse_status(OK | 0x08, OK | 0x20, None).paper == "out"


def test_bit_6_of_offline_cause_is_an_error():
    s = parse_status(OK | 0x08, OK | 0x40, OK)
    assert s.error and "error" in s.detail


@pytest.mark.parametrize("bit", [0x01, 0x02, 0x10, 0x20, 0x40, 0x80])
def test_other_printer_status_bits_do_not_mean_offline(bit):
    assert parse_status(OK | bit, OK, OK).online is True


def test_no_reply_is_offline_and_unknown_not_plenty_of_paper():
    s = parse_status(None)
    assert (s.online, s.paper) == (False, "unknown") and not s.can_print


def test_a_missing_paper_reply_is_unknown():
    assert parse_status(OK, OK, None).paper == "unknown"


def test_a_reply_with_wrong_fixed_bits_is_read_but_flagged():
    s = parse_status(0x00, OK, OK)
    assert s.online and "nonstandard" in s.detail
