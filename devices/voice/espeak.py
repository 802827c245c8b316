"""The default voice pack, spoken by espeak-ng offline.

Debian 12's espeak-ng ``cmn`` voice misreads Chinese characters, so the clips are
made from pinyin with tone numbers through the ``cmn-latn-pinyin`` voice
("qing3" -> tS;h'i214N). Nobody can listen in CI, so ``check_mandarin`` reads the
phonemes back (``espeak-ng -x``) and insists on one Mandarin syllable with the
asked tone contour per pinyin syllable; an English reading of "qing3" comes out
as "k'IN Tr'i:" with no tone contour at all. Letters are fed as capitals, which
the same voice reads as Chinese-style letter names ("A" -> 'ei51), as halls do.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .pack import DEFAULT_PACK_DIR, PackBuildReport, build_pack_from_recordings
from .text import LETTERS, STANDARD_TOKENS, TOKEN_PINYIN

VOICE = "cmn-latn-pinyin"
SPEED = 160  # words per minute; espeak's 175 rushes multi-syllable phrases
# Tone contours espeak-ng writes for each pinyin tone; a third tone changes by
# sandhi before another syllable (half-third 21, or 35 before a third tone).
TONE_CONTOURS = {"1": {"55"}, "2": {"35"}, "3": {"214", "21", "35"}, "4": {"51", "53"}}
_CONTOUR = re.compile(r"\d{2,3}")


class EspeakError(RuntimeError):
    pass


def _espeak() -> str:
    path = shutil.which("espeak-ng")
    if not path:
        raise EspeakError("espeak-ng is not installed (apt-get install espeak-ng)")
    return path


def phonemes(text: str, voice: str = VOICE) -> str:
    proc = subprocess.run(
        [_espeak(), "-q", "-v", voice, "-x", text], capture_output=True, text=True, timeout=30
    )
    if proc.returncode != 0:
        raise EspeakError(f"espeak-ng -v {voice} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def check_mandarin(pinyin: str, voice: str = VOICE) -> str:
    """Phonemes of ``pinyin``; raises EspeakError unless each syllable came out Mandarin with its tone."""
    return verify_phonemes(pinyin, phonemes(pinyin, voice), voice)


def verify_phonemes(pinyin: str, spoken: str, voice: str = VOICE) -> str:
    syllables = pinyin.split()
    contours = [_CONTOUR.findall(s) for s in spoken.split("_|") if s.strip()]
    if len(contours) != len(syllables) or any(len(c) != 1 for c in contours):
        raise EspeakError(f"{pinyin!r} is not read as {len(syllables)} Mandarin syllable(s) by {voice}: {spoken!r}")
    for syllable, (contour,) in zip(syllables, contours):
        tone = syllable[-1]
        if tone in TONE_CONTOURS and contour not in TONE_CONTOURS[tone]:
            raise EspeakError(f"{syllable!r} came out with tone contour {contour} in {spoken!r}")
    return spoken


def check_letter(letter: str, voice: str = VOICE) -> str:
    """A capital letter must be read as a (Chinese-style) letter name, not left silent."""
    spoken = phonemes(letter, voice)
    if not _CONTOUR.search(spoken):
        raise EspeakError(f"{letter!r} is not read as a letter name by {voice}: {spoken!r}")
    return spoken


def espeak_input(token: str) -> str:
    """What espeak-ng is fed for a standard token: pinyin, or the capital letter."""
    if token in LETTERS:
        return token
    try:
        return TOKEN_PINYIN[token]
    except KeyError:
        raise EspeakError(f"no pinyin for {token!r}; add it to devices.voice.text.PHRASE_PINYIN") from None


def synthesize(text: str, out_wav: str | Path, *, voice: str = VOICE, speed: int = SPEED) -> Path:
    out_wav = Path(out_wav)
    proc = subprocess.run(
        [_espeak(), "-v", voice, "-s", str(speed), "-w", str(out_wav), text],
        capture_output=True, text=True, timeout=30,
    )
    if proc.returncode != 0 or not out_wav.is_file():
        raise EspeakError(f"espeak-ng could not write {out_wav}: {proc.stderr.strip()}")
    return out_wav


def build_default_pack(
    dest: str | Path = DEFAULT_PACK_DIR, *, tokens=STANDARD_TOKENS, speed: int = SPEED, **build_options
) -> PackBuildReport:
    """Speak every standard token with espeak-ng, checked, then build a pack like any hall's recordings."""
    with tempfile.TemporaryDirectory() as tmp:
        mapping = {}
        for i, token in enumerate(tokens):
            text = espeak_input(token)
            if token in LETTERS:
                check_letter(text)
            else:
                check_mandarin(text)
            mapping[token] = synthesize(text, Path(tmp) / f"{i:03d}.wav", speed=speed).name
        (Path(tmp) / "mapping.json").write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
        return build_pack_from_recordings(tmp, dest, name="default (espeak-ng cmn-latn-pinyin)", **build_options)
