import pytest

from tests.factories import make_hall, make_service

from .helpers import Clock


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hall(db):
    return make_hall()


@pytest.fixture
def service_a(hall):
    return make_service(hall, code="a", prefix="A", name="社保")


@pytest.fixture
def service_b(hall):
    return make_service(hall, code="b", prefix="B", name="医保")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # make_staff sets a password; the default PBKDF2 would cost ~0.3 s per window opened.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
