from dataclasses import replace
from datetime import datetime

import pytest

from devices.printer import REPLACEMENT, decode_text, extract_qr_payloads, render_ticket
from devices.printer.layout import CHINESE_ON, CUT, INIT, PAPER_COLUMNS, number_scale
from devices.printer.preview import Line, interpret
from devices.printer.text import text_columns


def gs_bang_sizes(data: bytes) -> list[int]:
    return [data[i + 2] for i in range(len(data) - 2) if data[i : i + 2] == b"\x1d!"]


def test_it_starts_with_init_then_chinese_mode_and_ends_with_a_cut(ticket):
    data = render_ticket(ticket, 58)
    assert data.startswith(INIT + CHINESE_ON)
    assert CUT in data[-12:]


def test_it_prints_the_number_hall_and_matter_in_gb18030(ticket):
    data = render_ticket(ticket, 58)
    assert "荆州经开区政务服务中心".encode("gb18030") in data
    lines = decode_text(data).splitlines()
    assert "A023" in lines
    assert "个体工商户设立登记" in lines
    assert "前面还有 3 人" in lines
    assert "预计等候 约 11 分钟" in lines
    assert "取号时间：2025-03-04 09:12:33" in lines
    assert "【优先】" in lines


def test_the_number_is_as_large_as_the_paper_allows(ticket):
    data = render_ticket(ticket, 58)
    number_line = next(i for i in interpret(data) if isinstance(i, Line) and "A023" in "".join(r.text for r in i.runs))
    run = number_line.runs[0]
    assert (run.width, run.height) == (8, 8)  # GS ! 0x77: 4 characters x 12 dots x 8 = 384 dots
    assert 0x77 in gs_bang_sizes(data)
    assert number_scale("VIP0123", 58) == 4
    assert number_scale("A0023", 80) == 8


def test_the_hall_name_is_centred(ticket):
    items = [i for i in interpret(render_ticket(ticket, 58)) if isinstance(i, Line) and i.runs]
    assert items[0].align == 1
    assert "".join(r.text for r in items[0].runs) == "荆州经开区政务服务中心"


def test_the_qr_code_carries_the_track_url_with_error_correction_m(ticket):
    data = render_ticket(ticket, 80)
    assert extract_qr_payloads(data) == ["https://hall.example.cn/t/8f3a2c"]
    assert b"\x1d(k\x03\x001E1" in data  # fn 169, level M ('1' = 49)
    assert b"\x1d(k\x04\x001A2\x00" in data  # model 2


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_no_printed_line_is_wider_than_the_paper(ticket, paper_mm):
    long = replace(
        ticket,
        hall_name="某某省某某市某某区行政审批服务局政务服务中心不动产登记分中心",
        service_name="不动产登记（国有建设用地使用权及房屋所有权首次登记）",
        materials=("申请人身份证明、不动产权属证书、Application form No.12345678901234567890123456789012345 " * 6),
    )
    columns = PAPER_COLUMNS[paper_mm]
    for item in interpret(render_ticket(long, paper_mm)):
        if isinstance(item, Line):
            assert sum(text_columns(r.text) * r.width for r in item.runs) <= columns


def test_the_materials_notice_is_printed_whole_across_wrapped_lines(ticket):
    text = decode_text(render_ticket(ticket, 58))
    assert "一次性告知" in text
    flat = text.replace("\n", "")
    assert "2. 经营场所使用证明（房产证或租赁合同）" in flat


def test_citizen_name_and_id_are_masked(ticket):
    data = render_ticket(ticket, 58)
    text = decode_text(data)
    assert "取号人：张*明" in text
    assert "证件号：110***********1234" in text
    assert "张三明".encode("gb18030") not in data
    assert b"110101199001011234" not in data


def test_unencodable_characters_are_replaced_visibly_on_the_ticket(ticket):
    data = render_ticket(replace(ticket, service_name="社保\ud800卡申领"), 58)
    assert f"社保{REPLACEMENT}卡申领" in decode_text(data)


def test_an_escape_in_a_matter_name_cannot_inject_a_command(ticket):
    data = render_ticket(replace(ticket, service_name="社保\x1dV\x00卡"), 58)
    assert data.count(b"\x1dV") == 1  # only the layout's own cut
    assert "社保V卡" in decode_text(data)


def test_optional_fields_may_be_absent(ticket):
    bare = replace(ticket, priority_label=None, citizen_name=None, citizen_id=None, window_hint=None, materials="")
    text = decode_text(render_ticket(bare, 58))
    assert "取号人" not in text and "证件号" not in text and "一次性告知" not in text


def test_issued_at_must_be_timezone_aware(ticket):
    with pytest.raises(ValueError):
        replace(ticket, issued_at=datetime(2025, 3, 4, 9, 0))


def test_only_58_and_80_mm_paper_is_known(ticket):
    with pytest.raises(ValueError):
        render_ticket(ticket, 76)


def test_a_zero_wait_reads_as_on_every_page(ticket):
    from dataclasses import replace

    lines = decode_text(render_ticket(replace(ticket, ahead=0, estimated_wait_s=0), 58)).splitlines()
    assert "无需等候" in lines and not any("约 0 分钟" in line for line in lines)
