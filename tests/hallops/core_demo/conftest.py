from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings

from hallops.core.management.commands.load_demo import load_demo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday, so the fixed-time appointments and opening hours are those of a working day.
MONDAY_10 = datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI)
PASSWORD = "hallops-demo"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Logging in checks the demo password; PBKDF2 would cost ~0.4 s per check.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def _demo_loaded_once(django_db_setup, django_db_blocker):
    """The demo halls loaded once per module inside a transaction that is rolled back at its end.

    Each test's own transaction nests inside as a savepoint, so what a test changes is undone after
    it while the load itself (~1 s) is paid once per module, not per test.
    """
    # The same fast hasher as the tests' (settings is function-scoped, so set it here by hand).
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo(now=MONDAY_10)
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded_once, db):
    """The demo halls as loaded on a Monday at 10:00, with opening hours enforced."""
    return _demo_loaded_once
