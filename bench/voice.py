"""Voice announcement costs on the server side, with the shipped default pack.

    .venv/bin/python bench/voice.py

Measures: announcement_text + clip_urls per call (what the server adds to every call
it pushes to a hall screen), VoicePack.render of a recall announcement with cold and
warm clip caches (decoding OGG through sox), and a full build_pack_from_recordings of
43 recordings. Prints a table; nothing is written.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.voice import (  # noqa: E402
    DEFAULT_PACK_DIR, REQUIRED_TOKENS, VoicePack, announcement_text, build_pack_from_recordings, clip_urls,
)
from devices.voice.text import DIGITS  # noqa: E402


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1 if len(samples) >= 100 else -1]


def main():
    text = announcement_text(number="A1234", window="12", recall=True)
    rows = []

    def per_call():
        clip_urls("/static/voice/default/", announcement_text(number="B0042", window="37"))

    rows.append(("announcement_text + clip_urls", *timed(per_call, 5000)))
    rows.append(("render, cold clip cache (sox decode)", *timed(lambda: VoicePack.load(DEFAULT_PACK_DIR).render(text), 10)))
    pack = VoicePack.load(DEFAULT_PACK_DIR)
    pack.render(text)
    rows.append(("render, warm clip cache", *timed(lambda: pack.render(text), 200)))

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "rec"
        src.mkdir()
        for token in REQUIRED_TOKENS:
            stem = str(DIGITS.index(token)) if token in DIGITS else token
            subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", str(src / f"{stem}.wav"),
                            "synth", "0.4", "sine", "440", "pad", "0.3", "0.3"], check=True)
        rows.append(("build_pack_from_recordings, 43 clips, ogg",
                     *timed(lambda: build_pack_from_recordings(src, Path(tmp) / "pack"), 3)))

    print(f"{'operation':45} {'median':>10} {'p99/max':>10}")
    for name, median, worst in rows:
        print(f"{name:45} {median * 1000:>8.3f}ms {worst * 1000:>8.3f}ms")


if __name__ == "__main__":
    main()
