import json
import struct

import pytest

from devices.voice import VoicePack, VoicePackError, clip_urls
from devices.voice.pack import DEFAULT_PACK_DIR, audio_duration

from .conftest import requires_sox, wav_info, write_wav

RATE = 16000


def constant_clip(value: int, seconds: float) -> bytes:
    return struct.pack("<h", value) * round(seconds * RATE)


@pytest.fixture
def marked_pack(tmp_path):
    """A WAV pack whose clips hold one constant sample value each, so order can be read back."""
    spec = {"请": (100, 0.30), "A": (200, 0.20), "零": (300, 0.25), "一": (400, 0.15), "号": (500, 0.10)}
    clips = {}
    for i, (token, (value, seconds)) in enumerate(spec.items()):
        write_wav(tmp_path / f"c{i}.wav", constant_clip(value, seconds), RATE)
        clips[token] = f"c{i}.wav"
    manifest = {"name": "marked", "format": "wav", "sample_rate": RATE, "clips": clips}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return VoicePack.load(tmp_path), spec


def samples(wav_bytes: bytes) -> list[int]:
    import io
    import wave

    with wave.open(io.BytesIO(wav_bytes)) as w:
        frames = w.readframes(w.getnframes())
    return list(struct.unpack(f"<{len(frames) // 2}h", frames))


def runs(values: list[int]) -> list[tuple[int, int]]:
    """(value, length) of each run of equal samples."""
    out = []
    for v in values:
        if out and out[-1][0] == v:
            out[-1] = (v, out[-1][1] + 1)
        else:
            out.append((v, 1))
    return out


def test_clips_for_lists_the_clip_files_in_speaking_order(marked_pack):
    pack, _ = marked_pack
    assert [p.name for p in pack.clips_for("请A01号")] == ["c0.wav", "c1.wav", "c2.wav", "c3.wav", "c4.wav"]


def test_render_joins_the_clips_in_order_with_silent_gaps(marked_pack):
    pack, spec = marked_pack
    out = pack.render("请A001号", gap=0.05)
    gap = round(0.05 * RATE)
    order = ["请", "A", "零", "零", "一", "号"]
    expected = []
    for i, token in enumerate(order):
        value, seconds = spec[token]
        if i:
            expected.append((0, gap))
        expected.append((value, round(seconds * RATE)))
    assert runs(samples(out)) == expected


def test_render_length_is_the_clips_plus_the_gaps(marked_pack):
    pack, spec = marked_pack
    rate, channels, width, seconds = wav_info(pack.render("请A001号", gap=0.08))
    clip_total = sum(spec[t][1] for t in ["请", "A", "零", "零", "一", "号"])
    assert (rate, channels, width) == (RATE, 1, 2)
    assert seconds == pytest.approx(clip_total + 5 * 0.08, abs=1 / RATE * 6)


def test_render_refuses_clips_of_different_rates(tmp_path):
    write_wav(tmp_path / "a.wav", constant_clip(1, 0.1), 16000)
    write_wav(tmp_path / "b.wav", constant_clip(1, 0.1), 22050)
    manifest = {"name": "mixed", "format": "wav", "sample_rate": 16000, "clips": {"A": "a.wav", "B": "b.wav"}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(VoicePackError, match="differ in rate"):
        VoicePack.load(tmp_path).render("AB")


def test_loading_a_pack_whose_manifest_names_a_missing_clip_fails(tmp_path):
    manifest = {"name": "broken", "format": "wav", "sample_rate": 16000, "clips": {"A": "gone.wav"}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(VoicePackError, match="gone.wav"):
        VoicePack.load(tmp_path)


def test_loading_a_folder_without_manifest_says_so(tmp_path):
    with pytest.raises(VoicePackError, match="no manifest.json"):
        VoicePack.load(tmp_path)


def test_clip_urls_are_the_pack_url_prefix_and_clip_names_in_order():
    urls = clip_urls("/static/voice/default/", "再次呼叫，请A001号到十二号窗口办理")
    assert urls == [
        "/static/voice/default/zai-ci-hu-jiao.ogg",
        "/static/voice/default/qing.ogg",
        "/static/voice/default/A.ogg",
        "/static/voice/default/d0.ogg",
        "/static/voice/default/d0.ogg",
        "/static/voice/default/d1.ogg",
        "/static/voice/default/hao.ogg",
        "/static/voice/default/dao.ogg",
        "/static/voice/default/shi.ogg",
        "/static/voice/default/d2.ogg",
        "/static/voice/default/hao-chuang-kou-ban-li.ogg",
    ]
    assert json.loads(json.dumps(urls)) == urls


def test_clip_urls_of_another_pack(marked_pack):
    pack, _ = marked_pack
    assert clip_urls("https://hall.example/voice/marked", "请A1", pack.folder) == [
        "https://hall.example/voice/marked/c0.wav",
        "https://hall.example/voice/marked/c1.wav",
        "https://hall.example/voice/marked/c3.wav",
    ]


@requires_sox
def test_render_decodes_the_compressed_default_pack_into_one_wav():
    pack = VoicePack.load(DEFAULT_PACK_DIR)
    text = "请A零零一号到三号窗口办理"
    rate, channels, width, seconds = wav_info(pack.render(text, gap=0.1))
    clip_total = sum(audio_duration(p) for p in pack.clips_for(text))
    assert (rate, channels, width) == (pack.sample_rate, 1, 2)
    assert seconds == pytest.approx(clip_total + 0.1 * (len(pack.tokens(text)) - 1), abs=0.005)


def test_clip_urls_follow_a_rebuilt_pack_without_a_restart(marked_pack):
    pack, _ = marked_pack
    assert clip_urls("/v", "号", pack.folder) == ["/v/c4.wav"]
    manifest = json.loads((pack.folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["clips"]["号"] = "c0.wav"
    (pack.folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    import os

    os.utime(pack.folder / "manifest.json", ns=(0, 10**18))  # a distinct mtime even on coarse clocks
    assert clip_urls("/v", "号", pack.folder) == ["/v/c0.wav"]
