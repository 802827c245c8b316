from hypothesis import given, settings
from hypothesis import strategies as st

from devices.printer.text import (
    REPLACEMENT,
    encode_text,
    mask_id,
    mask_name,
    printable,
    text_columns,
    wrap_columns,
    wrap_spans,
)

BREAK_WHITESPACE = set(" \t\u3000\n")


def test_a_chinese_character_takes_two_columns_and_ascii_one():
    assert text_columns("A023") == 4
    assert text_columns("前面还有") == 8
    assert text_columns("3-8 号综窗") == 10


def test_it_encodes_chinese_as_gb18030():
    assert encode_text("号票") == "号票".encode("gb18030")


def test_unencodable_characters_are_replaced_visibly_not_with_a_question_mark():
    data = encode_text("张\ud800明")
    assert data.decode("gb18030") == f"张{REPLACEMENT}明"
    assert b"?" not in data


def test_a_gbk_only_printer_gets_a_box_for_characters_outside_gbk():
    # 𠮷 (U+20BB7, a surname variant of 吉) and emoji need four-byte GB18030 codes.
    assert printable("𠮷星😀", charset="gbk") == f"{REPLACEMENT}星{REPLACEMENT}"
    assert printable("𠮷星", charset="gb18030") == "𠮷星"


def test_control_characters_in_text_never_reach_the_printer_as_commands():
    data = encode_text("办\x1b@理\x1dV\x00\t完")
    assert all(b >= 0x20 or b == 0x0A for b in data)
    assert data.decode("gb18030") == "办@理V 完"


def test_wrapping_keeps_latin_words_whole():
    assert wrap_columns("signed by the applicant", 10) == ["signed by", "the", "applicant"]


def test_wrapping_breaks_chinese_between_characters_at_the_column_width():
    lines = wrap_columns("经营场所使用证明房产证或租赁合同", 16)
    assert lines == ["经营场所使用证明", "房产证或租赁合同"]


def test_wrapping_does_not_start_a_line_with_closing_punctuation():
    lines = wrap_columns("经营场所使用证明，房产证", 16)
    assert lines == ["经营场所使用证", "明，房产证"]


def test_wrapping_keeps_blank_lines():
    assert wrap_columns("一\n\n二", 32) == ["一", "", "二"]


def test_a_word_longer_than_the_line_is_split_between_characters():
    assert wrap_columns("x" * 40, 32) == ["x" * 32, "x" * 8]


@settings(max_examples=250, deadline=None)
@given(st.text(max_size=300), st.sampled_from([32, 48, 16, 2, 3]))
def test_wrapped_lines_fit_the_width_and_reproduce_the_text(text, width):
    spans = wrap_spans(text, width)
    pos = 0
    for start, end in spans:
        assert start >= pos
        # Only break whitespace is dropped between lines.
        assert set(text[pos:start]) <= BREAK_WHITESPACE
        line = text[start:end]
        assert "\n" not in line
        assert text_columns(line) <= width
        pos = end
    assert set(text[pos:]) <= BREAK_WHITESPACE
    joined = "".join(text[a:b] for a, b in spans)
    assert [c for c in joined if c not in BREAK_WHITESPACE] == [c for c in text if c not in BREAK_WHITESPACE]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="gb18030"), max_size=200))
def test_wrapped_printable_text_never_exceeds_58mm_or_80mm(text):
    text = printable(text)
    for width in (32, 48):
        assert all(text_columns(line) <= width for line in wrap_columns(text, width))


def test_names_are_masked_keeping_first_and_last_character():
    assert mask_name("张三") == "张*"
    assert mask_name("张三明") == "张*明"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name("张") == "*"


def test_id_numbers_keep_only_the_region_prefix_and_last_four():
    assert mask_id("110101199001011234") == "110***********1234"
    assert mask_id("11010119900101123X") == "110***********123X"
    assert mask_id("E12345678") == "E******78"
    assert mask_id("1234") == "****"
