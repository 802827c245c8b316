"""Fill empty English msgstr in locale/en from a JSON object {msgid: msgstr} on stdin, then compile.

Usage: python scripts/fill_catalogue.py < translations.json
"""

import json
import pathlib
import re
import subprocess
import sys

PO = pathlib.Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main():
    wanted = json.load(sys.stdin)
    text = PO.read_text(encoding="utf-8")
    for msgid, msgstr in wanted.items():
        if isinstance(msgstr, list):  # plural forms: msgstr[0], msgstr[1]
            pattern = re.compile(r'(\nmsgid "' + re.escape(escape(msgid)) + r'"\nmsgid_plural "[^\n]*"\n)'
                                 r'msgstr\[0\] ""\nmsgstr\[1\] ""\n')
            forms = "".join(f'msgstr[{i}] "{escape(m)}"\n' for i, m in enumerate(msgstr))
            text, n = pattern.subn(lambda m: m.group(1) + forms, text)
            if not n:
                print(f"not found or already translated: {msgid}", file=sys.stderr)
            continue
        pattern = re.compile(r'(\nmsgid "' + re.escape(escape(msgid)) + r'"\n)msgstr ""\n')
        text, n = pattern.subn(lambda m: m.group(1) + 'msgstr "' + escape(msgstr) + '"\n', text)
        if not n:
            print(f"not found or already translated: {msgid}", file=sys.stderr)
    PO.write_text(text, encoding="utf-8")
    subprocess.run(["msgfmt", "--check-format", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)


if __name__ == "__main__":
    main()
