#!/usr/bin/env bash
# Restore a dump made by pg_backup.sh into an EMPTY database, then check it is a working hallops
# database (every migration applied). Usage: DATABASE_URL=postgres://.../new_db scripts/pg_restore.sh FILE
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the (empty) database to restore into}"
file=${1:?dump file}
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$file"
here=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$here/.venv/bin/python}
"$py" "$here/manage.py" migrate --check >/dev/null
echo "restored $file"
