from tests.hallops.core.conftest import clock, fast_password_hashing, hall, service_a, service_b  # noqa: F401
