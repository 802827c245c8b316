"""Command line for voice packs, no Django needed.

    python -m devices.voice build-pack SRC DEST [--rate 22050] [--format ogg] [--allow-missing]
    python -m devices.voice say "请A001号到3号窗口办理" out.wav [--pack DIR] [--gap 0.08]
    python -m devices.voice say --number A001 --window 12 [--recall] out.wav
    python -m devices.voice tokens "请A001号到3号窗口办理" [--pack DIR]

Raw text reads every digit on its own ("3号窗口" -> 三, "12号窗口" -> 一二); give
--number/--window to get the hall reading (十二号窗口).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .pack import DEFAULT_FORMAT, DEFAULT_GAP, DEFAULT_PACK_DIR, DEFAULT_SAMPLE_RATE, VoicePack, VoicePackError, build_pack_from_recordings
from .text import DEFAULT_TEMPLATE, MissingTokenError, announcement_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.voice", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build-pack", help="normalise a hall's recordings into a voice pack")
    build.add_argument("src")
    build.add_argument("dest")
    build.add_argument("--name")
    build.add_argument("--rate", type=int, default=DEFAULT_SAMPLE_RATE)
    build.add_argument("--format", default=DEFAULT_FORMAT, help="ogg (default) or wav")
    build.add_argument("--allow-missing", action="store_true", help="build even if required tokens are missing")

    say = sub.add_parser("say", help="render an announcement to a WAV file")
    say.add_argument("args", nargs="+", metavar="[TEXT] OUT.wav")
    say.add_argument("--number")
    say.add_argument("--window")
    say.add_argument("--template", default=DEFAULT_TEMPLATE)
    say.add_argument("--recall", action="store_true")
    say.add_argument("--pack", default=str(DEFAULT_PACK_DIR))
    say.add_argument("--gap", type=float, default=DEFAULT_GAP)

    tok = sub.add_parser("tokens", help="show the clips a text is cut into")
    tok.add_argument("text")
    tok.add_argument("--pack", default=str(DEFAULT_PACK_DIR))

    args = parser.parse_args(argv)
    try:
        if args.command == "build-pack":
            print(build_pack_from_recordings(
                args.src, args.dest, name=args.name, sample_rate=args.rate,
                format=args.format, allow_missing=args.allow_missing,
            ))
        elif args.command == "say":
            if args.number and args.window:
                if len(args.args) != 1:
                    parser.error("say --number N --window W takes only OUT.wav")
                text = announcement_text(args.template, number=args.number, window=args.window, recall=args.recall)
            elif len(args.args) == 2:
                text = args.args[0]
            else:
                parser.error('say needs "TEXT" OUT.wav, or --number and --window with OUT.wav')
            Path(args.args[-1]).write_bytes(VoicePack.load(args.pack).render(text, gap=args.gap))
            print(f"{args.args[-1]}: {text}")
        elif args.command == "tokens":
            print(" | ".join(VoicePack.load(args.pack).tokens(args.text)))
    except (VoicePackError, MissingTokenError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
