"""Print, as JSON for fill_catalogue.py, the translations another .po has (e.g. your side of a merge).

Usage: python scripts/carry_translations.py OTHER.po | python scripts/fill_catalogue.py
"""

import json
import re
import sys


def _text(escaped):
    return escaped.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def entries(text):
    """msgid -> msgstr, or -> [msgstr[0], msgstr[1]] for plural entries."""
    for block in text.split("\n\n"):
        mid = re.search(r'^msgid "(.*)"$', block, re.M)
        mstr = re.search(r'^msgstr "(.*)"$', block, re.M)
        plurals = re.findall(r'^msgstr\[\d\] "(.*)"$', block, re.M)
        if mid and mid.group(1) and plurals and all(plurals):
            yield _text(mid.group(1)), [_text(p) for p in plurals]
        elif mid and mstr and mid.group(1) and mstr.group(1):
            yield _text(mid.group(1)), _text(mstr.group(1))


if __name__ == "__main__":
    print(json.dumps(dict(entries(open(sys.argv[1], encoding="utf-8").read())), ensure_ascii=False))
