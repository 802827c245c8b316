import pytest

from devices.voice.text import (
    DEFAULT_TEMPLATE,
    MissingTokenError,
    announcement_text,
    clip_slug,
    spoken_number,
    spoken_window,
    tokens,
)


@pytest.mark.parametrize(
    "number, spoken",
    [
        ("A001", "A零零一"),
        ("A1000", "A一零零零"),
        ("B010", "B零一零"),
        ("a12", "A一二"),
        ("Ａ００３", "A零零三"),  # full-width input from a copy-pasted service list
        ("007", "零零七"),
    ],
)
def test_it_reads_ticket_numbers_digit_by_digit_and_letters_as_letters(number, spoken):
    assert spoken_number(number) == spoken


@pytest.mark.parametrize(
    "window, spoken",
    [
        ("3", "三"),
        (3, "三"),
        ("10", "十"),
        ("12", "十二"),
        ("20", "二十"),
        ("99", "九十九"),
        ("03", "三"),
        ("100", "一百"),
        ("105", "一百零五"),
        ("110", "一百一十"),
        ("125", "一百二十五"),
    ],
)
def test_it_reads_window_numbers_as_natural_numbers(window, spoken):
    assert spoken_window(window) == spoken


@pytest.mark.parametrize("window, spoken", [("A3", "A三"), ("0", "零"), ("1000", "一零零零")])
def test_window_names_that_are_not_numbers_1_to_999_are_read_digit_by_digit(window, spoken):
    assert spoken_window(window) == spoken


def test_the_default_template_announces_number_and_window():
    assert DEFAULT_TEMPLATE == "请{number}号到{window}号窗口办理"
    assert announcement_text(DEFAULT_TEMPLATE, number="A001", window="3") == "请A零零一号到三号窗口办理"


def test_an_empty_template_means_the_default():
    assert announcement_text("", number="A001", window="12") == "请A零零一号到十二号窗口办理"


def test_a_recall_is_prefixed_with_zaici_hujiao():
    text = announcement_text(DEFAULT_TEMPLATE, number="A001", window="12", recall=True)
    assert text == "再次呼叫，请A零零一号到十二号窗口办理"


def test_a_recall_template_replaces_the_prefix():
    text = announcement_text(
        DEFAULT_TEMPLATE, number="C020", window="5", recall=True, recall_template="{number}号请到{window}号窗口"
    )
    assert text == "C零二零号请到五号窗口"


def test_a_hall_template_may_name_the_service():
    text = announcement_text("请{number}号到{window}号窗口办理{service}", number="D7", window="1", service="护照")
    assert text == "请D七号到一号窗口办理护照"


def test_an_unknown_placeholder_is_a_clear_error():
    with pytest.raises(ValueError, match=r"only \{number\}, \{window\} and \{service\}"):
        announcement_text("请{ticket}号", number="A001", window="3")


def test_tokens_take_the_longest_phrase_the_pack_has():
    text = announcement_text(DEFAULT_TEMPLATE, number="A001", window="12", recall=True)
    assert tokens(text) == ["再次呼叫", "请", "A", "零", "零", "一", "号", "到", "十", "二", "号窗口办理"]


def test_tokens_fall_back_to_shorter_phrases_when_the_long_one_is_missing():
    vocab = {"请", "号", "到", "窗口", "办理", "三", "A", "零", "一"}
    assert tokens("请A001号到3号窗口办理", vocab) == ["请", "A", "零", "零", "一", "号", "到", "三", "号", "窗口", "办理"]


def test_tokens_read_ascii_digits_and_lowercase_letters_and_skip_punctuation():
    assert tokens("再次呼叫，请a01号。") == ["再次呼叫", "请", "A", "零", "一", "号"]


def test_a_missing_token_names_every_character_the_pack_lacks():
    with pytest.raises(MissingTokenError) as err:
        tokens("请A001号到3号窗口办理护照")
    assert err.value.missing == [(13, "护"), (14, "照")]
    assert "护照" in str(err.value)


def test_clip_file_names_are_ascii():
    assert [clip_slug(t) for t in ["零", "九", "A", "请", "号窗口办理", "护照"]] == [
        "d0", "d9", "A", "qing", "hao-chuang-kou-ban-li", "xe68aa4e785a7",
    ]
