import string

import pytest

from devices.voice import VoicePack
from devices.voice.espeak import EspeakError, build_default_pack, check_letter, check_mandarin, synthesize, verify_phonemes
from devices.voice.text import TOKEN_PINYIN

from .conftest import requires_espeak, requires_sox, wav_info

pytestmark = requires_espeak


@pytest.mark.parametrize("token, pinyin", sorted(TOKEN_PINYIN.items()))
def test_every_pinyin_of_the_default_pack_is_read_as_mandarin_with_its_tones(token, pinyin):
    spoken = check_mandarin(pinyin)
    assert spoken.count("_|") == len(pinyin.split())


def test_qing3_comes_out_as_a_third_tone_mandarin_syllable():
    assert check_mandarin("qing3") == "tS;h'i214N_|"


def test_an_english_reading_of_pinyin_is_caught():
    with pytest.raises(EspeakError, match="not read as 1 Mandarin syllable"):
        check_mandarin("qing3", voice="en")


def test_a_syllable_read_with_another_tone_is_caught():
    verify_phonemes("ling2 yi1", "l'i35N_| j'i55_|")
    with pytest.raises(EspeakError, match="tone contour 51"):
        verify_phonemes("ling2 yi1", "l'i51N_| j'i55_|")


def test_a_third_tone_may_change_by_sandhi():
    assert check_mandarin("kou3 ban4") == "kh'ou21_| p'a51n_|"


@pytest.mark.parametrize("letter", string.ascii_uppercase)
def test_capital_letters_are_read_as_letter_names(letter):
    assert check_letter(letter)


def test_synthesize_writes_a_mono_22k_wav(tmp_path):
    out = synthesize("ling2", tmp_path / "ling.wav")
    rate, channels, width, seconds = wav_info(out)
    assert (rate, channels, width) == (22050, 1, 2)
    assert seconds > 0.2


@requires_sox
def test_the_default_pack_builder_makes_a_pack_of_checked_clips(tmp_path):
    report = build_default_pack(tmp_path / "pack", tokens=("请", "零", "A", "号窗口办理"), allow_missing=True)
    pack = VoicePack.load(tmp_path / "pack")
    assert set(pack.clips) == {"请", "零", "A", "号窗口办理"}
    assert pack.clips["号窗口办理"] == "hao-chuang-kou-ban-li.ogg"
    assert 0.2 < report.durations["请"] < 1.5
    assert report.durations["号窗口办理"] > 3 * report.durations["请"]
