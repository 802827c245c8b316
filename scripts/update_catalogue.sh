#!/usr/bin/env bash
# Brings locale/en/LC_MESSAGES/django.po up to date with the source the way tests/test_i18n.py scans it
# (hallops, displays, devices only), leaving new msgstr empty for a translator, then lists them.
# Then: python3 scripts/fill_catalogue.py < translations.json (fills them and compiles the .mo).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in hallops displays devices locale; do
  rsync -a --exclude __pycache__ --exclude '*.pyc' --exclude static --exclude fixtures "$d" "$tmp/"
done
cp manage.py "$tmp/"
(cd "$tmp" && "$OLDPWD/.venv/bin/python" manage.py makemessages -l en --no-obsolete --verbosity 0)
# msgmerge guesses translations of new strings from similar ones; a guess is not a translation.
msgattrib --clear-fuzzy --empty --clear-previous -o "$tmp/clean.po" "$tmp/locale/en/LC_MESSAGES/django.po"
# Sorted by msgid, with file names but no line numbers: adding a string touches only its own lines, so
# branches that each add strings merge cleanly.
msgcat --sort-output --add-location=file --no-wrap -o locale/en/LC_MESSAGES/django.po "$tmp/clean.po"
sed -i '/^"POT-Creation-Date: /d' locale/en/LC_MESSAGES/django.po
echo "untranslated:"
msgattrib --untranslated --no-obsolete locale/en/LC_MESSAGES/django.po | grep '^msgid' | tail -n +2 || true
