"""Production settings refuse the built-in SECRET_KEY; the embedded demo keeps it (issue 11, item 16)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432/hallops_never_connected"


def start(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HALLOPS_") and k not in ("DATABASE_URL", "REDIS_URL")}
    clean.update(env, DJANGO_SETTINGS_MODULE="hallops.settings")
    # `manage.py check` loads the settings as daphne and every command do; no database is touched.
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_production_without_a_secret_key_refuses_to_start():
    result = start(DATABASE_URL=PG)
    assert result.returncode != 0
    assert "HALLOPS_SECRET_KEY" in result.stderr


def test_production_with_the_built_in_key_spelled_out_refuses_too():
    result = start(DATABASE_URL=PG, HALLOPS_SECRET_KEY="hallops-insecure-dev-key-change-me")
    assert result.returncode != 0 and "HALLOPS_SECRET_KEY" in result.stderr


def test_production_with_its_own_key_starts():
    result = start(DATABASE_URL=PG, HALLOPS_SECRET_KEY="a-long-random-production-key-" + "k" * 20)
    assert result.returncode == 0, result.stderr


def test_the_embedded_demo_and_a_debug_run_keep_the_built_in_key():
    assert start().returncode == 0  # SQLite: make demo
    assert start(DATABASE_URL=PG, HALLOPS_DEBUG="1").returncode == 0


def test_hot_statements_are_prepared_on_postgresql_unless_turned_off():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('prepare_threshold'))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HALLOPS_") and k not in ("DATABASE_URL",)}

    def threshold(**env):
        out = subprocess.run([sys.executable, "manage.py", "shell", "-c", show], cwd=ROOT, capture_output=True, text=True,
                             env={**clean, "DATABASE_URL": PG, "HALLOPS_DEBUG": "1", **env})
        assert out.returncode == 0, out.stderr
        return out.stdout.strip().splitlines()[-1]

    assert threshold() == str(2**31 - 1)  # only where hallops.core.prepared.cursor asks
    assert threshold(HALLOPS_DB_PREPARE="0") == "None"
