import subprocess
import sys
from pathlib import Path

from .conftest import requires_sox, wav_info

ROOT = Path(__file__).resolve().parents[3]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "devices.voice", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


@requires_sox
def test_say_renders_raw_text_with_the_default_pack(tmp_path):
    result = cli("say", "请A001号到3号窗口办理", tmp_path / "out.wav")
    assert result.returncode == 0, result.stderr
    rate, channels, _, seconds = wav_info(tmp_path / "out.wav")
    assert (rate, channels) == (22050, 1) and 3 < seconds < 8


@requires_sox
def test_say_with_number_and_window_uses_the_hall_reading(tmp_path):
    result = cli("say", "--number", "A001", "--window", "12", "--recall", tmp_path / "out.wav")
    assert result.returncode == 0, result.stderr
    assert "再次呼叫，请A零零一号到十二号窗口办理" in result.stdout


def test_tokens_of_text_the_pack_cannot_say_fail_with_the_reason():
    result = cli("tokens", "请A001号到3号窗口办理护照")
    assert result.returncode == 1
    assert "no clip for '护照'" in result.stderr


@requires_sox
def test_build_pack_reports_missing_recordings(tmp_path):
    subprocess.run(["sox", "-n", "-r", "16000", tmp_path / "请.wav", "synth", "0.3", "sine", "440"], check=True)
    result = cli("build-pack", tmp_path, tmp_path / "pack")
    assert result.returncode == 1
    assert "no recording for 42 required token(s): 零 一" in result.stderr
