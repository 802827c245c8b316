"""Regenerate the default voice pack in displays/static/voice/default/ with espeak-ng.

    .venv/bin/python scripts/build_default_voice_pack.py [DEST]

Needs espeak-ng and sox. Every clip's phonemes are checked to be Mandarin first
(see devices/voice/espeak.py), then the clips go through the same normalisation
as a hall's own recordings.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.voice.espeak import build_default_pack  # noqa: E402
from devices.voice.pack import DEFAULT_PACK_DIR  # noqa: E402


def main(argv: list[str]) -> int:
    dest = Path(argv[0]) if argv else DEFAULT_PACK_DIR
    report = build_default_pack(dest)
    print(report)
    for token, seconds in report.durations.items():
        print(f"  {token}\t{report.clips[token]}\t{seconds:.2f} s")
    size = sum(f.stat().st_size for f in dest.iterdir() if f.is_file())
    print(f"pack size: {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
