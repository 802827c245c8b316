import shutil
import subprocess
import wave
from pathlib import Path

import pytest

requires_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not on PATH (apt-get install sox)")
requires_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not on PATH (apt-get install espeak-ng)"
)


def sox(*args) -> None:
    subprocess.run(["sox", *map(str, args)], check=True, capture_output=True)


def write_wav(path: Path, frames: bytes, rate: int = 16000, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def wav_info(data_or_path) -> tuple[int, int, int, float]:
    """(rate, channels, sample width, seconds) of a WAV file or WAV bytes."""
    import io

    src = io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else str(data_or_path)
    with wave.open(src) as w:
        return w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes() / w.getframerate()
