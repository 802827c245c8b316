"""Tickets per second through one EscPosPrinter to the TCP printer stand-in.

Each job is what the kiosk gateway does: open a connection, DLE EOT 1/2/4,
send the ticket, DLE EOT 1/2/4 again, close.  Also times the layout alone and
the PNG preview.

    .venv/bin/python bench/bench_printer.py [--jobs 500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.printer import EscPosPrinter, TicketContent, preview_png, render_ticket  # noqa: E402
from devices.printer.standin import PrinterStandIn  # noqa: E402


def sample(i: int) -> TicketContent:
    return TicketContent(
        hall_name="荆州经开区政务服务中心",
        number=f"A{i % 1000:03d}",
        service_name="个体工商户设立登记",
        ahead=i % 40,
        estimated_wait_s=60 * (i % 40),
        issued_at=datetime(2025, 3, 4, 9, 0, tzinfo=timezone(timedelta(hours=8))) + timedelta(seconds=i),
        track_url=f"https://hall.example.cn/t/{i:08x}",
        materials="1. 经营者身份证原件\n2. 经营场所使用证明（房产证或租赁合同）\n3. 个体工商户登记（备案）申请书",
        citizen_name="张三明",
        citizen_id="110101199001011234",
        window_hint="法人服务区 3-8 号综窗",
    )


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=500)
    ap.add_argument("--previews", type=int, default=50)
    args = ap.parse_args()

    t0 = time.perf_counter()
    tickets = [render_ticket(sample(i), 58) for i in range(args.jobs)]
    render_s = time.perf_counter() - t0
    print(f"render_ticket (58 mm): {args.jobs / render_s:8.0f} tickets/s, {len(tickets[0])} bytes each")

    with PrinterStandIn() as standin:
        printer = EscPosPrinter(standin.url, paper_mm=58)
        latencies = []
        t0 = time.perf_counter()
        for i, data in enumerate(tickets):
            s = time.perf_counter()
            result = printer.print_job(f"bench-{i}", data)
            latencies.append(time.perf_counter() - s)
            assert result.ok, result.error
        total = time.perf_counter() - t0
        assert len(standin.printed_bytes()) == sum(map(len, tickets))
        print(
            f"print_job over TCP:    {args.jobs / total:8.0f} tickets/s "
            f"(p50 {1000 * statistics.median(latencies):.2f} ms, p95 {1000 * pct(latencies, 95):.2f} ms, "
            f"max {1000 * max(latencies):.2f} ms)"
        )

        # With the render included: the kiosk's full cost per ticket, minus the network.
        t0 = time.perf_counter()
        for i in range(args.jobs):
            printer.print_job(f"bench2-{i}", render_ticket(sample(i), 58))
        total = time.perf_counter() - t0
        print(f"render + print_job:    {args.jobs / total:8.0f} tickets/s")

        standin.silent = True
        s = time.perf_counter()
        status = printer.status()
        print(f"silent printer status: {1000 * (time.perf_counter() - s):8.0f} ms -> online={status.online} "
              f"paper={status.paper} (read_timeout {printer.read_timeout} s)")

    t0 = time.perf_counter()
    for i in range(args.previews):
        preview_png(tickets[i], 58)
    print(f"preview_png (58 mm):   {args.previews / (time.perf_counter() - t0):8.1f} previews/s")


if __name__ == "__main__":
    main()
