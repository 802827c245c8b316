"""Loaded by pytest.ini (`-p tests.environment`) before Django's settings are read, so the settings
and every server a test starts (daphne, run_gateway) see the same test-only environment.

HALLOPS_SECRET_KEY: production settings (PostgreSQL, debug off) refuse the built-in key; a test run
on PostgreSQL is that shape, so it gets a key of its own that nothing outside tests uses.
"""

import os

os.environ.setdefault("HALLOPS_SECRET_KEY", "hallops-test-run-key-not-for-production-" + "x" * 16)
