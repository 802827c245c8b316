"""What checking an event payload against its schema costs per recorded event.

    .venv/bin/python bench/events.py

Times hallops.core.event_schema.check on the two largest payloads (ticket.called, ticket.transferred)
and the smallest (tickets.expired), and hallops.core.announcement.render (run once per call).
Nothing touches a database; prints a table.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallops.settings")

import django  # noqa: E402

django.setup()

from hallops.core import announcement, event_schema  # noqa: E402

TICKET = {"id": "0b1e6a43-1c55-4f0e-9d0e-6f1d0f4f7a11", "number": "A001", "service": "a", "service_name": "社保",
          "priority": "normal", "channel": "kiosk", "status": "called", "issued_at": "2025-03-03T09:00:00+08:00",
          "called_at": "2025-03-03T09:05:00+08:00", "started_at": None, "finished_at": None,
          "window": {"id": 1, "number": "1", "name": "综合窗口"}, "recall_count": 0, "transferred_from": None}
WINDOW = {"id": 1, "number": "1", "name": "综合窗口", "kind": "general", "zone": None, "state": "serving",
          "state_since": "2025-03-03T09:05:00+08:00", "pause_reason": "", "stand_in": "",
          "staff": {"id": 3, "name": "张三", "staff_no": "0003", "title": "", "photo": None}}
CASES = {
    "ticket.called": {"ticket": TICKET, "number": "A001", "service": {"code": "a", "name": "社保"},
                      "window": {"id": 1, "number": "1", "name": "综合窗口"}, "recall_count": 0,
                      "designated": False, "announcement": "请A001号到1号窗口办理"},
    "ticket.transferred": {"from": TICKET, "ticket": TICKET, "to_window": WINDOW},
    "tickets.expired": {"count": 3, "before": "2025-03-03"},
}


def per_call_us(fn, n=20000):
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(runs)


def main():
    print(f"| what | µs per call (median of 5 × 20000) |\n|---|---|")
    for type_name, payload in CASES.items():
        print(f"| check {type_name} | {per_call_us(lambda: event_schema.check(type_name, payload)):.1f} |")
    template = "请{number}号到{window}号窗口办理{service}"
    print(f"| announcement.render | "
          f"{per_call_us(lambda: announcement.render(template, number='A001', window='1', service='社保')):.1f} |")


if __name__ == "__main__":
    main()
