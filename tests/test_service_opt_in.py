"""The embedded run asks nothing of a local PostgreSQL or Redis unless told to (issue 12, item 19)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASKING = ("HALLOPS_TEST_SERVICES", "HALLOPS_REQUIRE_SERVICES", "HALLOPS_TEST_PG_URL", "HALLOPS_TEST_REDIS_URL")


def _run(tmp_path, **env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ASKING}
    env.update(env_extra)
    env["PYTHONPATH"] = str(ROOT)
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_pg(pg_url):\n    pass\n\ndef test_redis(redis_url):\n    pass\n")
    # The suite's own conftest and settings, loaded as a plugin, judge the probe.
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "-c", str(ROOT / "pytest.ini"),
         "--rootdir", str(tmp_path), "-p", "tests.conftest", str(probe)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_service_tests_skip_unless_asked(tmp_path):
    out = _run(tmp_path)
    assert "2 skipped" in out.stdout, out.stdout
    assert "opt-in: set HALLOPS_TEST_SERVICES=1" in out.stdout


def test_required_services_that_are_unreachable_fail(tmp_path):
    # Asked and required, but pointed at a port nothing listens on: a failure, not a skip.
    out = _run(tmp_path, HALLOPS_REQUIRE_SERVICES="1", HALLOPS_TEST_PG_URL="postgres://postgres@127.0.0.1:9/x",
               HALLOPS_TEST_REDIS_URL="redis://127.0.0.1:9/0")
    assert "2 errors" in out.stdout and "not reachable" in out.stdout, out.stdout
