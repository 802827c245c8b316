#!/usr/bin/env bash
# Back up the hall database: a compressed custom-format dump, named by date, keeping the last N.
# Usage: DATABASE_URL=postgres://... scripts/pg_backup.sh [DIR] [KEEP]   (cron: daily after close_day)
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the hall database}"
dir=${1:-/var/backups/hallops}
keep=${2:-30}
mkdir -p "$dir"
file="$dir/hallops-$(date +%Y%m%d-%H%M%S).dump"
# --format=custom: compressed, restorable table by table, and pg_restore can list it to verify it.
pg_dump --format=custom --no-owner --no-privileges --file="$file.part" "$DATABASE_URL"
pg_restore --list "$file.part" >/dev/null   # a dump that cannot be listed is not a backup
mv "$file.part" "$file"
ls -1t "$dir"/hallops-*.dump | tail -n +"$((keep + 1))" | xargs -r rm --
echo "$file"
