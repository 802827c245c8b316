import json
import struct

import pytest

from devices.voice import MissingRecordingsError, VoicePack, VoicePackError, build_pack_from_recordings
from devices.voice.pack import read_pcm
from devices.voice.text import DIGITS, REQUIRED_TOKENS

from .conftest import requires_espeak, requires_sox, sox, wav_info

pytestmark = requires_sox

FILE_STEM = {d: str(i) for i, d in enumerate(DIGITS)}  # halls name digit files 0.wav..9.wav


def record(folder, stem, *, seconds=0.3, lead=0.4, tail=0.3, volume=0.5, rate=44100, channels=2, ext="wav"):
    """A 'recording': a tone with silence before and after, as a hall's microphone would leave it."""
    path = folder / f"{stem}.{ext}"
    sox("-n", "-r", rate, "-c", channels, "-b", 16, path, "synth", seconds, "sine", 440, "vol", volume, "pad", lead, tail)
    return path


@pytest.fixture
def recordings(tmp_path):
    src = tmp_path / "recordings"
    src.mkdir()
    for token in REQUIRED_TOKENS:
        record(src, FILE_STEM.get(token, token))
    return src


def peak(path) -> float:
    pcm = read_pcm(path)
    values = struct.unpack(f"<{len(pcm.frames) // 2}h", pcm.frames)
    return max(abs(v) for v in values) / 32768


def test_recordings_become_mono_clips_at_the_pack_rate_with_silence_trimmed(recordings, tmp_path):
    report = build_pack_from_recordings(recordings, tmp_path / "pack", sample_rate=16000, format="wav")
    pack = VoicePack.load(tmp_path / "pack")
    assert (pack.format, pack.sample_rate) == ("wav", 16000)
    assert set(pack.clips) == set(REQUIRED_TOKENS)
    assert report.missing == []
    for token in ("零", "九", "A", "请", "号窗口办理"):
        rate, channels, width, seconds = wav_info(pack.folder / pack.clips[token])
        assert (rate, channels, width) == (16000, 1, 2)
        assert seconds == pytest.approx(0.3, abs=0.03)  # 0.7 s of silence gone
        assert report.durations[token] == pytest.approx(seconds, abs=0.001)


def test_quiet_recordings_are_normalised_to_a_common_level(recordings, tmp_path):
    record(recordings, "请", volume=0.05)
    record(recordings, "号", volume=0.9)
    build_pack_from_recordings(recordings, tmp_path / "pack", format="wav")
    pack = VoicePack.load(tmp_path / "pack")
    quiet, loud = peak(pack.folder / pack.clips["请"]), peak(pack.folder / pack.clips["号"])
    assert quiet == pytest.approx(0.89, abs=0.03)  # -1 dBFS
    assert loud == pytest.approx(quiet, abs=0.02)


def test_the_built_pack_renders_a_whole_announcement(recordings, tmp_path):
    build_pack_from_recordings(recordings, tmp_path / "pack", sample_rate=22050, format="ogg")
    pack = VoicePack.load(tmp_path / "pack")
    assert all(name.endswith(".ogg") for name in pack.clips.values())
    text = "再次呼叫，请A零零一号到十二号窗口办理"
    rate, channels, _, seconds = wav_info(pack.render(text, gap=0.1))
    assert (rate, channels) == (22050, 1)
    assert seconds == pytest.approx(11 * 0.3 + 10 * 0.1, abs=0.15)


def test_missing_recordings_are_all_named_and_nothing_is_written(recordings, tmp_path):
    (recordings / "7.wav").unlink()
    (recordings / "Q.wav").unlink()
    (recordings / "再次呼叫.wav").unlink()
    with pytest.raises(MissingRecordingsError) as err:
        build_pack_from_recordings(recordings, tmp_path / "pack")
    assert err.value.missing == ["七", "Q", "再次呼叫"]
    assert "七 Q 再次呼叫" in str(err.value)
    assert not (tmp_path / "pack").exists()


def test_a_partial_pack_can_be_built_on_purpose_and_reports_what_is_missing(recordings, tmp_path):
    (recordings / "Z.wav").unlink()
    report = build_pack_from_recordings(recordings, tmp_path / "pack", format="wav", allow_missing=True)
    assert report.missing == ["Z"]
    assert "missing required tokens: Z" in str(report)
    assert "Z" not in VoicePack.load(tmp_path / "pack").clips


def test_a_mapping_file_names_recordings_whose_file_names_are_not_tokens(recordings, tmp_path):
    (recordings / "请.wav").rename(recordings / "track01.wav")
    record(recordings, "track02", seconds=0.6)
    (recordings / "mapping.json").write_text(
        json.dumps({"请": "track01.wav", "护照": "track02.wav"}, ensure_ascii=False), encoding="utf-8"
    )
    build_pack_from_recordings(recordings, tmp_path / "pack", format="wav")
    pack = VoicePack.load(tmp_path / "pack")
    assert "track01" not in pack.clips and "track02" not in pack.clips
    assert pack.tokens("请A1号到一号窗口办理护照")[-1] == "护照"
    assert wav_info(pack.folder / pack.clips["护照"])[3] == pytest.approx(0.6, abs=0.03)


def test_a_silent_recording_is_refused(recordings, tmp_path):
    sox("-n", "-r", 16000, "-c", 1, recordings / "号.wav", "trim", 0, 1)
    with pytest.raises(VoicePackError, match="silent"):
        build_pack_from_recordings(recordings, tmp_path / "pack", format="wav")


def test_rebuilding_drops_clips_the_new_recordings_no_longer_have(recordings, tmp_path):
    record(recordings, "前往")
    build_pack_from_recordings(recordings, tmp_path / "pack", format="wav")
    assert (tmp_path / "pack" / "qian-wang.wav").exists()
    (recordings / "前往.wav").unlink()
    build_pack_from_recordings(recordings, tmp_path / "pack", format="wav")
    assert not (tmp_path / "pack" / "qian-wang.wav").exists()
    assert "前往" not in VoicePack.load(tmp_path / "pack").clips


def test_the_pack_cannot_be_built_over_its_recordings(recordings):
    with pytest.raises(VoicePackError, match="another folder"):
        build_pack_from_recordings(recordings, recordings)


@requires_espeak
def test_a_spoken_recording_at_another_rate_is_normalised(recordings, tmp_path):
    import subprocess

    spoken = tmp_path / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(spoken), "qing3"], check=True)
    sox(spoken, "-r", 48000, "-c", 2, recordings / "请.wav")  # as a phone app would save it
    build_pack_from_recordings(recordings, tmp_path / "pack", sample_rate=16000, format="wav")
    pack = VoicePack.load(tmp_path / "pack")
    rate, channels, _, seconds = wav_info(pack.folder / pack.clips["请"])
    assert (rate, channels) == (16000, 1)
    assert 0.2 < seconds < wav_info(spoken)[3]  # espeak's trailing silence is trimmed
