import string
import subprocess
import sys
from pathlib import Path

import pytest

from devices.voice import DEFAULT_PACK_DIR, REQUIRED_TOKENS, VoicePack, announcement_text, spoken_number, spoken_window
from devices.voice.pack import audio_duration
from devices.voice.text import TOKEN_PINYIN

from .conftest import requires_sox


@pytest.fixture(scope="module")
def pack():
    return VoicePack.load(DEFAULT_PACK_DIR)


def test_the_default_pack_is_mono_22k_ogg_and_under_2_mb(pack):
    assert (pack.format, pack.sample_rate) == ("ogg", 22050)
    size = sum(f.stat().st_size for f in Path(DEFAULT_PACK_DIR).iterdir())
    assert size < 2 * 1024 * 1024


def test_the_default_pack_has_every_required_token(pack):
    assert pack.missing() == []
    assert set(REQUIRED_TOKENS) >= set(string.ascii_uppercase) | set("零一二三四五六七八九十百")


def test_the_default_pack_says_every_number_from_a000_to_z9999(pack):
    # Every digit string under one letter, and every letter with a spread of digits:
    # a number's clips are its letter's clip followed by its digits' clips.
    every_digits = [f"{n:03d}" for n in range(1000)] + [f"{n:04d}" for n in range(10000)]
    cases = [("A", d) for d in every_digits]
    cases += [(letter, d) for letter in string.ascii_uppercase for d in every_digits[::97]]
    for letter, digits in cases:
        text = announcement_text(number=letter + digits, window="3")
        assert pack.tokens(text) == ["请", letter, *spoken_number(digits), "号", "到", "三", "号窗口办理"]


@pytest.mark.parametrize("recall", [False, True])
def test_the_default_pack_says_windows_1_to_99(pack, recall):
    for window in range(1, 100):
        text = announcement_text(number="A001", window=str(window), recall=recall)
        expected = ["请", "A", "零", "零", "一", "号", "到", *spoken_window(window), "号窗口办理"]
        assert pack.tokens(text) == (["再次呼叫"] if recall else []) + expected


@requires_sox
@pytest.mark.parametrize("token", sorted(set(REQUIRED_TOKENS) | set(TOKEN_PINYIN)))
def test_each_default_clip_lasts_a_plausible_time(pack, token):
    syllables = len(TOKEN_PINYIN[token].split()) if token in TOKEN_PINYIN else 1
    seconds = audio_duration(pack.folder / pack.clips[token])
    assert 0.15 <= seconds <= 0.4 * syllables + 0.3


def test_the_voice_package_does_not_import_django():
    code = "import sys, devices.voice, devices.voice.espeak, devices.voice.__main__; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "False"
