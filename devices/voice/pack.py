"""Voice packs: one short audio clip per token, and a manifest.

A pack is a folder::

    manifest.json   {"name": "...", "format": "ogg", "sample_rate": 22050,
                     "clips": {"请": "qing.ogg", "零": "d0.ogg", "A": "A.ogg", ...}}
    qing.ogg d0.ogg A.ogg ...

All clips of a pack share one format and sample rate, mono, 16 bit, silence
trimmed, so a hall screen can play them back to back and ``render`` can join them
without resampling. WAV clips are read with the stdlib; any other format goes
through sox.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from .text import DIGITS, LETTERS, REQUIRED_TOKENS, clip_slug, spoken_number, tokens

DEFAULT_PACK_DIR = Path(__file__).resolve().parents[2] / "displays" / "static" / "voice" / "default"
DEFAULT_SAMPLE_RATE = 22050
DEFAULT_FORMAT = "ogg"
DEFAULT_GAP = 0.08  # seconds of silence between clips: 号 and 到 must not run together
AUDIO_SUFFIXES = (".wav", ".ogg", ".flac", ".aiff", ".aif", ".au", ".mp3", ".opus")
MAPPING_FILE = "mapping.json"

# sox effects for a recording: peak-normalise first so the silence threshold is
# relative to the speaker's level, trim silence at both ends, normalise again.
_TRIM = ["silence", "1", "0.02", "1%", "reverse", "silence", "1", "0.02", "1%", "reverse"]
_NORMALISE = ["gain", "-n", "-3", *_TRIM, "gain", "-n", "-1"]


class VoicePackError(ValueError):
    """A pack or a set of recordings is unusable; the message says what to fix."""


class MissingRecordingsError(VoicePackError):
    def __init__(self, src: Path, missing: list[str]):
        self.missing = missing
        super().__init__(
            f"{src}: no recording for {len(missing)} required token(s): {' '.join(missing)}. "
            "Record each as <token>.wav (digits as 0.wav..9.wav, letters as A.wav..Z.wav) "
            f"or name the files in {MAPPING_FILE}"
        )


def _sox() -> str:
    path = shutil.which("sox")
    if not path:
        raise VoicePackError("sox is not installed (apt-get install sox libsox-fmt-all)")
    return path


def _run_sox(args: list[str]) -> bytes:
    proc = subprocess.run([_sox(), *args], capture_output=True, timeout=60)
    if proc.returncode != 0:
        raise VoicePackError(f"sox {' '.join(args)} failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


@dataclass(frozen=True)
class PCM:
    sample_rate: int
    channels: int
    sample_width: int
    frames: bytes

    @property
    def duration(self) -> float:
        return len(self.frames) / (self.sample_rate * self.channels * self.sample_width)


def _read_wav_bytes(data: bytes) -> PCM:
    with wave.open(io.BytesIO(data)) as w:
        return PCM(w.getframerate(), w.getnchannels(), w.getsampwidth(), w.readframes(w.getnframes()))


def read_pcm(path: str | Path) -> PCM:
    """Decode a clip: WAV with the stdlib, anything else through sox."""
    path = Path(path)
    if path.suffix.lower() == ".wav":
        return _read_wav_bytes(path.read_bytes())
    return _read_wav_bytes(_run_sox([str(path), "-t", "wav", "-b", "16", "-"]))


def audio_duration(path: str | Path) -> float:
    return read_pcm(path).duration


@dataclass
class VoicePack:
    folder: Path
    name: str
    format: str
    sample_rate: int
    clips: dict[str, str]
    _pcm_cache: dict[str, PCM] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, folder: str | Path = DEFAULT_PACK_DIR) -> "VoicePack":
        folder = Path(folder)
        manifest = folder / "manifest.json"
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            pack = cls(folder, data["name"], data["format"], int(data["sample_rate"]), dict(data["clips"]))
        except FileNotFoundError:
            raise VoicePackError(f"{folder} is not a voice pack: no manifest.json") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise VoicePackError(f"{manifest}: bad manifest ({exc!r})") from None
        absent = [f for f in pack.clips.values() if not (folder / f).is_file()]
        if absent:
            raise VoicePackError(f"{folder}: manifest names clips that are not there: {absent}")
        return pack

    def tokens(self, text: str) -> list[str]:
        return tokens(text, self.clips)

    def clips_for(self, text: str) -> list[Path]:
        return [self.folder / self.clips[t] for t in self.tokens(text)]

    def clip_urls(self, url_prefix: str, text: str) -> list[str]:
        prefix = url_prefix.rstrip("/")
        return [f"{prefix}/{quote(self.clips[t])}" for t in self.tokens(text)]

    def missing(self, required=REQUIRED_TOKENS) -> list[str]:
        return [t for t in required if t not in self.clips]

    def _pcm(self, token: str) -> PCM:
        if token not in self._pcm_cache:
            self._pcm_cache[token] = read_pcm(self.folder / self.clips[token])
        return self._pcm_cache[token]

    def render(self, text: str, gap: float = DEFAULT_GAP) -> bytes:
        """The whole announcement as one WAV file (mono, the pack's rate, 16 bit)."""
        parts = [self._pcm(t) for t in self.tokens(text)]
        shapes = {(p.sample_rate, p.channels, p.sample_width) for p in parts}
        if len(shapes) > 1:
            raise VoicePackError(f"{self.folder}: clips differ in rate/channels/width {sorted(shapes)}; rebuild the pack")
        rate, channels, width = shapes.pop() if shapes else (self.sample_rate, 1, 2)
        silence = b"\x00" * (round(gap * rate) * channels * width)
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(width)
            w.setframerate(rate)
            w.writeframes(silence.join(p.frames for p in parts))
        return buf.getvalue()


@lru_cache(maxsize=8)
def _cached_pack(folder: str, manifest_mtime_ns: int) -> VoicePack:
    return VoicePack.load(folder)


def clip_urls(pack_folder_url_prefix: str, text: str, pack_folder: str | Path = DEFAULT_PACK_DIR) -> list[str]:
    """The clip URLs a hall screen plays in order for ``text``.

    The server sends this list with each call, so the page's JavaScript knows no
    reading rule: e.g. clip_urls("/static/voice/default/", text). The pack is
    cached until its manifest changes, so a rebuilt pack needs no restart.
    """
    folder = Path(pack_folder).resolve()
    try:
        mtime = (folder / "manifest.json").stat().st_mtime_ns
    except FileNotFoundError:
        raise VoicePackError(f"{folder} is not a voice pack: no manifest.json") from None
    return _cached_pack(str(folder), mtime).clip_urls(pack_folder_url_prefix, text)


# --- building a pack from a hall's own recordings ---------------------------------


def _token_for_stem(stem: str) -> str:
    # 0.wav..9.wav are the digits, a.wav is A; longer names are the phrase itself.
    return spoken_number(stem) if len(stem) == 1 and stem.isascii() else stem


def find_recordings(src: str | Path) -> dict[str, Path]:
    """token -> recording file in ``src``: mapping.json {token: file} wins over file names."""
    src = Path(src)
    if not src.is_dir():
        raise VoicePackError(f"{src} is not a folder of recordings")
    found: dict[str, Path] = {}
    for path in sorted(src.iterdir()):
        if path.is_file() and path.suffix.lower() in AUDIO_SUFFIXES:
            token = _token_for_stem(path.stem)
            if token in found:
                raise VoicePackError(f"{src}: two recordings for {token!r}: {found[token].name} and {path.name}")
            found[token] = path
    mapping = src / MAPPING_FILE
    if mapping.is_file():
        try:
            entries = json.loads(mapping.read_text(encoding="utf-8"))
            if not isinstance(entries, dict):
                raise ValueError("expected an object {token: file}")
        except ValueError as exc:
            raise VoicePackError(f"{mapping}: {exc}") from None
        for token, name in entries.items():
            if not (src / name).is_file():
                raise VoicePackError(f"{mapping}: {token!r} names {name!r}, which is not in {src}")
            found = {t: p for t, p in found.items() if p.name != name}
            found[_token_for_stem(token)] = src / name
    return found


@dataclass
class PackBuildReport:
    dest: Path
    clips: dict[str, str]
    durations: dict[str, float]
    missing: list[str]

    def __str__(self) -> str:
        total = sum(self.durations.values())
        lines = [f"{self.dest}: {len(self.clips)} clips, {total:.1f} s of audio"]
        if self.missing:
            lines.append(f"missing required tokens: {' '.join(self.missing)}")
        return "\n".join(lines)


def build_pack_from_recordings(
    src_folder: str | Path,
    dest_folder: str | Path,
    *,
    name: str | None = None,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    format: str = DEFAULT_FORMAT,
    required=REQUIRED_TOKENS,
    allow_missing: bool = False,
) -> PackBuildReport:
    """Normalise a hall's recordings into a voice pack; the one entry point for tools.

    Each recording is mixed to mono, resampled to ``sample_rate``, trimmed of
    silence at both ends and peak-normalised (sox). Raises MissingRecordingsError
    listing every required token without a recording unless ``allow_missing``.
    Clips in ``dest_folder`` that the new manifest does not name are removed.
    """
    src, dest = Path(src_folder), Path(dest_folder)
    if dest.resolve() == src.resolve():
        raise VoicePackError(f"{dest}: build the pack into another folder than the recordings")
    recordings = find_recordings(src)
    missing = [t for t in required if t not in recordings]
    if missing and not allow_missing:
        raise MissingRecordingsError(src, missing)
    if not recordings:
        raise VoicePackError(f"{src}: no recordings ({', '.join(AUDIO_SUFFIXES)})")
    format = format.lstrip(".").lower()
    dest.mkdir(parents=True, exist_ok=True)
    clips: dict[str, str] = {}
    durations: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for token, path in recordings.items():
            filename = f"{clip_slug(token)}.{format}"
            staged = Path(tmp) / filename
            _run_sox([str(path), "-c", "1", "-b", "16", "-r", str(sample_rate), str(staged), *_NORMALISE])
            duration = audio_duration(staged)
            if duration < 0.05:
                raise VoicePackError(f"{path}: nothing left after trimming silence; is the recording silent?")
            clips[token], durations[token] = filename, round(duration, 3)
        # Replace the pack only once every clip converted, so a failed build leaves the old one intact.
        for old in dest.iterdir():
            if old.is_file() and old.suffix.lower() in AUDIO_SUFFIXES and old.name not in clips.values():
                old.unlink()
        for filename in clips.values():
            shutil.move(str(Path(tmp) / filename), dest / filename)
    manifest = {
        "name": name or dest.name,
        "format": format,
        "sample_rate": sample_rate,
        "clips": dict(sorted(clips.items(), key=lambda kv: _order(kv[0]))),
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return PackBuildReport(dest, manifest["clips"], durations, missing)


def _order(token: str) -> tuple:
    if token in DIGITS:
        return (0, DIGITS.index(token))
    if token in LETTERS:
        return (1, token)
    return (2, len(token), token)
