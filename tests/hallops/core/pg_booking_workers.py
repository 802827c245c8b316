"""Worker functions for the PostgreSQL booking race, importable by 'spawn' child processes."""

import threading

from .pg_workers import init as _init

_barrier = {}


def init(db_url, barrier):
    _init(db_url, {})
    _barrier["all"] = barrier


def build(capacity):
    from datetime import date, time

    from hallops.core.models import SlotTemplate
    from tests.factories import make_hall, make_service

    hall = make_hall(code="race")
    service = make_service(hall, code="bk", prefix="K", bookable=True)
    SlotTemplate.objects.create(service=service, weekday=date(2025, 4, 2).weekday(), start=time(9),
                                end=time(9, 30), capacity=capacity)
    return {"hall": hall.pk, "service": service.pk}


def race(hall_id, service_id, phones):
    """Each phone books from its own thread (own connection) once every client in every process is ready."""
    from django.db import connection

    from hallops.core.errors import Conflict
    from hallops.core.models import Hall, Service
    from tests.hallops.core.booking_helpers import at, book

    from datetime import date

    hall = Hall.objects.get(pk=hall_id)
    service = Service.objects.select_related("hall").get(pk=service_id)
    results = {}

    def client(phone):
        try:
            _barrier["all"].wait(60)
            results[phone] = book(hall, service, at(date(2025, 4, 2), 9), phone=phone).code
        except Conflict as e:
            results[phone] = e.code
        except Exception as e:  # noqa: BLE001 - returned to the test, which shows it
            results[phone] = f"{type(e).__name__}: {e}"
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results
