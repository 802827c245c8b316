#!/usr/bin/env bash
# During a rebase or merge that stops on locale/en: take the other side's catalogue, add back this
# side's translations, rescan the source and recompile. Then `git add locale` and continue.
set -euo pipefail
cd "$(dirname "$0")/.."
po=locale/en/LC_MESSAGES/django.po
mine=$(mktemp)
theirs_ref=$(git rev-parse -q --verify REBASE_HEAD || git rev-parse -q --verify MERGE_HEAD || git rev-parse -q --verify CHERRY_PICK_HEAD)
git show "$theirs_ref:$po" > "$mine"
git show "HEAD:$po" > "$po"
python3 scripts/carry_translations.py "$mine" > "$mine.json"
./scripts/update_catalogue.sh >/dev/null
python3 scripts/fill_catalogue.py < "$mine.json" 2>/dev/null || true
./scripts/update_catalogue.sh
msgfmt --check-format -o locale/en/LC_MESSAGES/django.mo "$po"
rm -f "$mine" "$mine.json"
