"""Django's PostgreSQL backend with the pool's connection check that costs no round trip.

Django gives its pool psycopg_pool's ``check_connection`` (an empty query before every checkout)
when CONN_HEALTH_CHECKS is on, and refuses a ``check`` of our own beside it; so the pool it builds
gets hallops.dbcheck.check instead, once. tests/hallops/test_database_pool.py holds both halves:
a healthy connection is handed out without a query, a killed one is replaced.
"""

from django.db.backends.postgresql import base

from hallops.dbcheck import check


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        if pool is not None and self.settings_dict["CONN_HEALTH_CHECKS"] and pool._check is not check:
            pool._check = check  # psycopg_pool 3.2+ keeps the check callable here
        return pool
