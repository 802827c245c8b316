"""Frames per second on one serial line, with the simulator answering every frame.

    .venv/bin/python bench/bench_serial.py [--frames 300]

Each frame is a full exchange: show command out, ACK back, decoded, health updated.
"pty" is a raw pty pair (no wire time); "115200"/"9600" make the simulator wait
the 8N1 wire time of the command and of its reply, which is what a real RS-485
bus costs; "socket" is a pyserial socket:// peer on localhost. Results go in
docs/performance/serial.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from devices.led import DisplaySimulator, get_codec  # noqa: E402
from devices.line import SerialLine  # noqa: E402
from devices.pad import PadSimulator, get_pad_codec  # noqa: E402

TEXT = "请A001号到3号窗口办理"


def run_displays(codec_name: str, transport: str, baudrate: int | None, gap_s: float, frames: int) -> float:
    codec = get_codec(codec_name)
    make = DisplaySimulator.on_tcp if transport == "socket" else DisplaySimulator.on_pty
    sim = make(codec, [1, 2, 3], baudrate=baudrate).start()
    line = SerialLine(sim.url, codec_name, gap_s=gap_s, timeout_s=0.5).start()
    try:
        line.show(1, "warm up")
        line.wait_idle(5)
        sent0 = line.health().frames_sent
        t0 = time.perf_counter()
        for k in range(frames):
            line.show(1 + k % 3, f"{TEXT}{k}")
        assert line.wait_idle(600), "line did not drain"
        elapsed = time.perf_counter() - t0
        h = line.health()
        assert h.frames_sent - sent0 == frames and h.retries == 0, h
        return frames / elapsed
    finally:
        line.stop()
        sim.stop()


def run_pads(gap_s: float, baudrate: int | None = None, seconds: float = 2.0) -> float:
    sim = PadSimulator.on_pty(get_pad_codec(), [1, 2, 3, 4], baudrate=baudrate).start()
    line = SerialLine(sim.url, "hallops-pad", gap_s=gap_s, timeout_s=0.5).start()
    try:
        line.poll_pads([1, 2, 3, 4], interval=0.0)
        time.sleep(0.2)
        n0, t0 = line.health().frames_sent, time.perf_counter()
        time.sleep(seconds)
        return (line.health().frames_sent - n0) / (time.perf_counter() - t0)
    finally:
        line.stop()
        sim.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args()
    rows = []
    for codec in ("hallops-generic", "modbus-rtu"):
        for transport, baud, gap, n in [
            ("pty", None, 0.0, args.frames),
            ("pty", None, 0.005, args.frames),
            ("socket", None, 0.0, args.frames),
            ("pty", 115200, 0.005, args.frames // 2),
            ("pty", 9600, 0.005, max(30, args.frames // 10)),
            ("pty", 9600, 0.05, max(20, args.frames // 15)),
        ]:
            fps = run_displays(codec, transport, baud, gap, n)
            rows.append((codec, transport, baud or "-", f"{gap * 1000:g} ms", f"{fps:8.1f}"))
            print(*rows[-1], sep=" | ", flush=True)
    for gap, baud in ((0.0, None), (0.005, None), (0.005, 9600)):
        fps = run_pads(gap, baud)
        rows.append(("hallops-pad polls", "pty", baud or "-", f"{gap * 1000:g} ms", f"{fps:8.1f}"))
        print(*rows[-1], sep=" | ", flush=True)
    print()
    print("| codec | transport | emulated baud | gap | frames/s |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")


if __name__ == "__main__":
    main()
