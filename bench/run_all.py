"""Run every benchmark in turn (`make bench`); each writes bench/results/*.json and prints its table.

They start their own servers on loopback, need PostgreSQL and Redis for the core and screens
benches, and take several minutes together. See docs/performance.md for what each measures.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ["bench_core.py"],
    ["bench_screens.py", "--screens", "500", "--calls", "30", "--windows", "4", "--rate-calls", "4",
     "--memory", "1000", "--layer", "core", "--split"],
    ["bench_printer.py", "--jobs", "1000"],
    ["bench_serial.py"],
    ["bench_cameras.py"],
    ["voice.py"],
    ["events.py"],
]


def main():
    failed = []
    for args in BENCHES:
        print(f"\n=== {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], cwd=HERE.parent).returncode:
            failed.append(args[0])
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
