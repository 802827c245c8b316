"""Hall screen sockets for bench/bench_screens.py: in the bench's own process, or in worker processes.

The bench asks a pool of screens two things: "has every screen received these called numbers?"
(the paced run waits on it before the next call) and, once a run is over, "when did each screen
receive each number?". Both pools answer with the same client code, so that comparing them compares
only where the clients run:

  InProcessScreens  the sockets live in the bench's asyncio loop (the historical layout);
  WorkerScreens     N processes of this script (`python bench/screen_clients.py`), each started in
                    a session and process group of its own and optionally pinned to CPUs, each
                    holding a contiguous share of the screens. They speak JSON lines: the bench
                    writes the configuration and then commands ("dump", "close") to a worker's
                    stdin; the worker writes {"ready"}, {"complete": number} when all of its
                    screens have that number, and at a dump one {"screen", "arrived"} line per
                    screen, then {"dumped"}.

Arrival times are time.perf_counter() taken in whichever process holds the socket. On Linux that is
CLOCK_MONOTONIC, one clock for the whole machine, so a worker's arrival time and the bench's send
time of the same call are directly comparable.
"""

import asyncio
import json
import os
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect

CALLED = '"ticket.called"'
CONNECT_CONCURRENCY = 25  # sockets being opened at once, summed over all processes
DUMP_LINE_LIMIT = 16 * 1024 * 1024


def parse_cpus(text):
    """'1', '0,1' or '0-1' → {0, 1}."""
    cpus = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def _tasks(pid):
    """Every thread of pid and of its descendants. A thread inherits the affinity of the thread
    that creates it, so pinning all existing threads also covers the ones started later."""
    tids = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        tids.append(int(tid))
        try:
            children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
        except OSError:  # thread gone meanwhile, or a kernel without CONFIG_PROC_CHILDREN
            children = []
        for child in children:
            tids += _tasks(int(child))
    return tids


def pin(pid, cpus):
    """sched_setaffinity on pid, all its threads and children (sched_setaffinity(pid) alone sets
    only the thread whose id is pid); returns the CPUs any of them may now run on, read back."""
    allowed = set()
    for tid in _tasks(pid):
        try:
            os.sched_setaffinity(tid, cpus)
            allowed |= os.sched_getaffinity(tid)
        except ProcessLookupError:  # a thread that ended between listing and pinning
            pass
    return sorted(allowed)


class Screen:
    """One hall screen socket; records when each called number arrived."""

    def __init__(self, url, token, on_first):
        self.url, self.token, self.on_first = url, token, on_first
        self.arrived = {}  # number -> perf_counter()
        self.ws = None
        self.task = None

    async def open(self):
        self.ws = await connect(self.url, additional_headers={"Authorization": f"Bearer {self.token}"},
                                max_queue=None, ping_interval=None, open_timeout=60)
        first = json.loads(await self.ws.recv())
        assert first["type"] == "snapshot", first
        self.task = asyncio.ensure_future(self._read())

    async def _read(self):
        try:
            async for raw in self.ws:
                if CALLED in raw:  # parse only what we measure: the client's CPU is part of the figure
                    now = time.perf_counter()
                    number = json.loads(raw)["number"]
                    if number not in self.arrived:
                        self.arrived[number] = now
                        self.on_first(number)
        except Exception:
            pass

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            self.task.cancel()


class ScreenGroup:
    """Screens first … first+count-1 of the hall; screen i connects to urls[i % len(urls)], so each
    group spreads over every daphne. Calls on_complete(number) once all its screens have it —
    counting per number instead of scanning every screen keeps the waiting cheap for the client."""

    def __init__(self, urls, token, first, count, on_complete):
        self.on_complete = on_complete
        self.counts = {}
        self.screens = {i: Screen(urls[i % len(urls)], token, self._arrived) for i in range(first, first + count)}

    def _arrived(self, number):
        self.counts[number] = self.counts.get(number, 0) + 1
        if self.counts[number] == len(self.screens):
            self.on_complete(number)

    async def open(self, concurrency):
        gate = asyncio.Semaphore(concurrency)

        async def one(s):
            async with gate:
                await s.open()

        await asyncio.gather(*(one(s) for s in self.screens.values()))

    async def close(self):
        for s in self.screens.values():
            await s.close()


class _Pool:
    """What the bench sees: wait for numbers to reach every screen; collect arrivals."""

    def __init__(self, parts):
        self.parts = parts  # groups that must report a number complete
        self.done = {}  # number -> groups complete
        self.changed = asyncio.Event()
        self.failed = None

    def _complete(self, number):
        self.done[number] = self.done.get(number, 0) + 1
        self.changed.set()

    async def wait(self, numbers, timeout=30):
        deadline = time.perf_counter() + timeout
        while True:
            if self.failed:
                raise RuntimeError(self.failed)
            if all(self.done.get(n, 0) >= self.parts for n in numbers):
                return True
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            self.changed.clear()  # no await since the check above, so no completion slips between
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                pass


class InProcessScreens(_Pool):
    def __init__(self, urls, token, n):
        super().__init__(1)
        self.group = ScreenGroup(urls, token, 0, n, self._complete)
        self.info = {"client_procs": 0, "pid": os.getpid()}

    async def open(self):
        await self.group.open(CONNECT_CONCURRENCY)

    async def arrivals(self):
        """{screen: {number: perf_counter}}"""
        return {i: dict(s.arrived) for i, s in self.group.screens.items()}

    async def close(self):
        await self.group.close()

    @property
    def pids(self):
        return []  # the screens live in this process


class WorkerScreens(_Pool):
    def __init__(self, urls, token, n, procs, cpus=None):
        procs = max(1, min(procs, n))
        super().__init__(procs)
        self.config = [{"urls": urls, "token": token, "first": sum(self._share(n, procs, j) for j in range(k)),
                        "count": self._share(n, procs, k), "cpus": sorted(cpus) if cpus else None,
                        "concurrency": max(1, CONNECT_CONCURRENCY // procs)} for k in range(procs)]
        self.procs, self.readers, self.inbox, self.info = [], [], [], {"client_procs": procs, "workers": []}
        self.closing = False

    @property
    def pids(self):
        return [p.pid for p in self.procs]

    @staticmethod
    def _share(n, procs, k):
        return n // procs + (1 if k < n % procs else 0)

    async def open(self):
        for config in self.config:
            # A session of its own: the workers are not in the bench's process group, so neither
            # the terminal's signals nor anything done to that group reaches them; they exit when
            # the bench closes their stdin or goes away.
            p = await asyncio.create_subprocess_exec(
                sys.executable, str(Path(__file__).resolve()), stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, start_new_session=True, limit=DUMP_LINE_LIMIT)
            p.stdin.write((json.dumps(config) + "\n").encode())
            self.procs.append(p)
            self.inbox.append(asyncio.Queue())
            self.readers.append(asyncio.ensure_future(self._read(len(self.procs) - 1)))
        for k in range(len(self.procs)):
            self.info["workers"].append(await self._expect(k, "ready"))

    async def _read(self, k):
        p = self.procs[k]
        while line := await p.stdout.readline():
            msg = json.loads(line)
            if "complete" in msg:
                self._complete(msg["complete"])
            else:
                await self.inbox[k].put(msg)
        if not self.closing:
            self.failed = f"screen worker {p.pid} exited early (code {await p.wait()})"
            self.changed.set()
        await self.inbox[k].put(None)

    async def _expect(self, k, key=None):
        msg = await self.inbox[k].get()
        if msg is None or (key is not None and key not in msg):
            raise RuntimeError(f"screen worker {self.procs[k].pid}: expected {key!r}, got {msg!r} ({self.failed})")
        return msg

    async def arrivals(self):
        for p in self.procs:
            p.stdin.write(b'{"cmd": "dump"}\n')
        out = {}
        for k in range(len(self.procs)):
            while "dumped" not in (msg := await self._expect(k)):
                out[msg["screen"]] = msg["arrived"]
        return out

    async def close(self):
        self.closing = True
        for p in self.procs:
            if p.returncode is None:
                p.stdin.write(b'{"cmd": "close"}\n')
                p.stdin.close()
        for p in self.procs:
            try:
                await asyncio.wait_for(p.wait(), 30)
            except TimeoutError:
                p.kill()
                await p.wait()
        await asyncio.gather(*self.readers, return_exceptions=True)


def open_pool(urls, token, n, client_procs, cpus=None):
    return (WorkerScreens(urls, token, n, client_procs, cpus) if client_procs
            else InProcessScreens(urls, token, n))


async def worker():
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader(limit=DUMP_LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    config = json.loads(await commands.readline())
    if config["cpus"]:
        pin(os.getpid(), set(config["cpus"]))

    def send(msg):  # small, blocking writes; the bench reads every worker's stdout all the time
        sys.stdout.write(json.dumps(msg, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    group = ScreenGroup(config["urls"], config["token"], config["first"], config["count"],
                        lambda number: send({"complete": number}))
    await group.open(config["concurrency"])
    send({"ready": len(group.screens), "pid": os.getpid(), "pgid": os.getpgid(0),
          "cpus": sorted(os.sched_getaffinity(0))})
    while line := await commands.readline():  # EOF: the bench is gone or done
        cmd = json.loads(line)["cmd"]
        if cmd == "dump":
            for i, s in group.screens.items():
                send({"screen": i, "arrived": s.arrived})
            send({"dumped": len(group.screens)})
        elif cmd == "close":
            break
    await group.close()


if __name__ == "__main__":
    asyncio.run(worker())
