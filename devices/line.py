"""One worker thread per serial bus: window displays and evaluation pads by address.

RS-485 is half duplex and shared, so everything on a bus goes through one
:class:`SerialLine`: a queue of commands sent one frame at a time with a
turnaround gap, retries on timeout or NAK, per-address health, and the *desired
state* of every display so that a display which missed a frame (off, cable,
NAK) is brought back to what it should show as soon as it answers again.
Pads are polled in the gaps; each key press reaches ``on_press`` once.

Behaviour in detail: docs/devices/serial.md. One file on purpose (~500 lines): the
queue, the wire, desired states and health are one state machine on one thread
under one lock, and splitting it would spread that invariant over modules.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from devices.backoff import Backoff
from devices.led.codec import LedCodec, Reply, ReplyKind, get_codec
from devices.pad.codec import LEVELS, PadCodec, get_pad_codec
from devices.transport import TransportError, open_serial

log = logging.getLogger(__name__)

# A pad re-sends a press whose acknowledgement it missed within a poll or two; the
# same counter long after that is a new press (the counter wrapped, or the pad rebooted).
DEDUP_WINDOW_S = 30.0
WRITE_TIMEOUT_S = 1.0  # for one frame to leave the port (see _open_port)


@dataclass
class AddressHealth:
    address: int
    kind: str  # "display" | "pad"
    online: bool | None = None  # None: not heard from yet
    last_ok: float | None = None  # time.time() of the last good reply
    consecutive_failures: int = 0
    last_error: str | None = None
    in_sync: bool = True  # display: shows its desired state as far as the line knows


@dataclass
class LineHealth:
    url: str
    state: str = "closed"  # "closed" | "open" | "failed"
    frames_sent: int = 0
    retries: int = 0
    errors: int = 0  # failed exchanges (after retries) and port failures
    last_error: str | None = None
    addresses: dict[int, AddressHealth] = field(default_factory=dict)


@dataclass(frozen=True)
class HealthChange:
    url: str
    address: int | None  # None: the line itself
    field: str  # "online" | "state"
    old: object
    new: object
    error: str | None
    at: float


@dataclass(frozen=True)
class PadPress:
    address: int
    level: int  # 5 非常满意 .. 1 非常不满意
    counter: int
    received_at: float
    ticket_number: str | None = None  # the last ticket prompted on this pad

    @property
    def label(self) -> str:
        return LEVELS[self.level]


@dataclass
class _Job:
    kind: str  # "display" | "pad" | "probe" | "poll"
    address: int
    frame: bytes = b""
    version: int = 0
    requeued: int = 0
    seq: int = 0  # commands only: wait_idle waits for the last one queued


class PortFailure(Exception):
    pass


class SerialLine:
    def __init__(
        self,
        url: str,
        codec: LedCodec | PadCodec | str,
        *,
        pad_codec: PadCodec | str | None = None,
        gap_s: float = 0.05,
        timeout_s: float = 0.3,
        retries: int = 2,
        probe_interval_s: float = 1.0,
        reopen_backoff_s: tuple[float, float] = (0.1, 5.0),
        on_health=None,
        on_press=None,
    ):
        self.url = url if "://" in url else f"serial://{url}"  # a bare pty/tty path
        if isinstance(codec, str):
            codec = get_pad_codec(codec) if codec.endswith("-pad") else get_codec(codec)
        if isinstance(pad_codec, str):
            pad_codec = get_pad_codec(pad_codec)
        self.led: LedCodec | None = None if isinstance(codec, PadCodec) else codec
        self.pad: PadCodec | None = codec if isinstance(codec, PadCodec) else pad_codec
        self.gap_s, self.timeout_s, self.retries = gap_s, timeout_s, retries
        self.probe_interval_s = probe_interval_s
        self.backoff_min, self.backoff_max = reopen_backoff_s
        self.on_health, self.on_press = on_health, on_press

        self._cond = threading.Condition()
        self._queue: deque[_Job] = deque()
        self._queued_seq = self._done_seq = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._port = None
        self._rx = bytearray()
        self._last_io = 0.0
        self._reopen = Backoff(self.backoff_min, self.backoff_max)
        self._reopen_at = 0.0
        self._ever_open = False
        self._line = LineHealth(self.url)
        self._desired: dict[int, tuple] = {}
        self._version: dict[int, int] = {}
        self._probe_due: dict[int, float] = {}  # displays out of sync, next probe time
        self._pad_due: dict[int, float] = {}
        self._poll_interval = 0.5
        self._pad_ack: dict[int, int] = {}
        self._pad_last: dict[int, tuple[int, float]] = {}
        self._pad_ticket: dict[int, str] = {}

    # -- public API -------------------------------------------------------------
    def start(self) -> "SerialLine":
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=f"serial line {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout)
        self._close_port()
        self._set_state("closed", None)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def show(self, address: int, text: str, blink: bool = False, line: int = 0) -> None:
        self._want(address, ("show", text, blink, line))

    def clear(self, address: int) -> None:
        self._want(address, ("clear",))

    def prompt(self, address: int, ticket_number: str) -> None:
        """Light "请评价" on the pad for the ticket just served."""
        self._need_pad()
        with self._cond:
            self._pad_ticket[address] = str(ticket_number)
            self._entry(address, "pad")
            self._enqueue(_Job("pad", address, self.pad.encode_prompt(address, ticket_number)))

    def reset_pad(self, address: int) -> None:
        self._need_pad()
        with self._cond:
            self._pad_ticket.pop(address, None)
            self._enqueue(_Job("pad", address, self.pad.encode_reset(address)))

    def poll_pads(self, addresses, interval: float = 0.5) -> None:
        """Poll these pad addresses every ``interval`` seconds (offline ones less often)."""
        self._need_pad()
        with self._cond:
            self._poll_interval = interval
            now = time.monotonic()
            self._pad_due = {a: self._pad_due.get(a, now) for a in addresses}
            for a in addresses:
                self._entry(a, "pad")
            self._cond.notify_all()

    def health(self) -> LineHealth:
        with self._cond:
            return copy.deepcopy(self._line)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every command queued so far has been tried; False on timeout.

        Background probes and pad polls do not count: with pads polled the line is
        never quiet, but it is idle as far as the caller's commands go.
        """
        with self._cond:
            target = self._queued_seq
            return self._cond.wait_for(lambda: self._done_seq >= target, timeout)

    def desired(self, address: int) -> tuple | None:
        with self._cond:
            return self._desired.get(address)

    # -- queueing ---------------------------------------------------------------
    def _need_pad(self):
        if self.pad is None:
            raise RuntimeError(f"{self.url}: no pad codec on this line")

    def _want(self, address: int, state: tuple) -> None:
        if self.led is None:
            raise RuntimeError(f"{self.url}: no LED codec on this line")
        with self._cond:
            self._desired[address] = state
            self._version[address] = version = self._version.get(address, 0) + 1
            self._entry(address, "display")
            self._enqueue(_Job("display", address, self._frame_for(address), version))

    def _frame_for(self, address: int) -> bytes:
        state = self._desired[address]
        if state[0] == "show":
            return self.led.encode_show(address, state[1], blink=state[2], line=state[3])
        return self.led.encode_clear(address)

    def _entry(self, address: int, kind: str) -> AddressHealth:
        h = self._line.addresses.get(address)
        if h is None:
            h = self._line.addresses[address] = AddressHealth(address, kind)
        return h

    def _enqueue(self, job: _Job, front: bool = False) -> None:
        if not job.seq:
            self._queued_seq += 1
            job.seq = self._queued_seq
        (self._queue.appendleft if front else self._queue.append)(job)
        self._cond.notify_all()

    def _next_job(self) -> _Job | None:
        with self._cond:
            while not self._stopping:
                if self._queue:
                    return self._queue.popleft()
                now = time.monotonic()
                due = [(t, "probe", a) for a, t in self._probe_due.items()]
                due += [(t, "poll", a) for a, t in self._pad_due.items()]
                if due:
                    t, kind, address = min(due)
                    if t <= now:
                        return _Job(kind, address)
                    self._cond.wait(min(t - now, 0.5))
                else:
                    self._cond.wait(0.5)
            return None

    # -- worker -----------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping:
            if self._port is None and not self._open_port():
                with self._cond:
                    self._cond.wait(max(0.0, self._reopen_at - time.monotonic()))
                continue
            job = self._next_job()
            if job is None:
                break
            requeued = False
            try:
                self._execute(job)
            except PortFailure as exc:
                self._port_failed(str(exc))
                if job.kind in ("display", "pad") and job.requeued < 3:
                    job.requeued += 1
                    requeued = True
                    with self._cond:
                        self._enqueue(job, front=True)
            except Exception:  # a bug in a codec or callback must not end the line
                log.exception("%s: job %s failed", self.url, job)
            finally:
                with self._cond:
                    if job.seq and not requeued:
                        self._done_seq = max(self._done_seq, job.seq)
                    self._cond.notify_all()

    def _execute(self, job: _Job) -> None:
        if job.kind == "display":
            self._deliver(job.address, job.frame, job.version)
        elif job.kind == "probe":
            self._probe(job.address)
        elif job.kind == "poll":
            self._poll(job.address)
        else:
            h = self._line.addresses[job.address]
            reply, error, answered = self._exchange(self.pad, job.frame, job.address, self._attempts(h))
            self._record(job.address, reply, error, answered)

    def _attempts(self, h: AddressHealth) -> int:
        # An address known to be off gets one try: retrying it would stall the whole bus;
        # the periodic probe brings it back.
        return 1 if h.online is False else self.retries + 1

    def _deliver(self, address: int, frame: bytes, version: int) -> bool:
        if not self.led.expects_reply:
            self._exchange(self.led, frame, address, 1, expect=False)
            return True
        h = self._line.addresses[address]
        reply, error, answered = self._exchange(self.led, frame, address, self._attempts(h))
        self._record(address, reply, error, answered)
        with self._cond:
            current = version == self._version.get(address)
            if reply is not None and current:
                self._probe_due.pop(address, None)
                h.in_sync = True
            elif reply is None:
                h.in_sync = False
                self._probe_due[address] = time.monotonic() + self.probe_interval_s
        return reply is not None

    def _probe(self, address: int) -> None:
        reply, error, answered = self._exchange(self.led, self.led.encode_query(address), address, 1)
        if reply is None:
            self._record(address, None, error, answered)
            with self._cond:
                self._probe_due[address] = time.monotonic() + self.probe_interval_s
            return
        self._record(address, reply, None, True)
        with self._cond:
            if address not in self._desired:
                self._probe_due.pop(address, None)
                return
            frame, version = self._frame_for(address), self._version[address]
        self._deliver(address, frame, version)

    def _poll(self, address: int) -> None:
        h = self._line.addresses[address]
        ack = self._pad_ack.get(address)
        reply, error, _ = self._exchange(self.pad, self.pad.encode_poll(address, ack), address, 1)
        now = time.monotonic()
        if reply is None:
            with self._cond:
                h.consecutive_failures += 1
                h.last_error = error
            if h.online is not False and h.consecutive_failures > self.retries:
                self._set_online(h, False, error)
        else:
            self._record(address, reply, None, True)
            self._pad_ack.pop(address, None)  # the pad heard the poll carrying it
            if reply.kind is ReplyKind.PRESS:
                self._pad_ack[address] = reply.counter
                last = self._pad_last.get(address)
                self._pad_last[address] = (reply.counter, now)
                if last is None or last[0] != reply.counter or now - last[1] > DEDUP_WINDOW_S:
                    press = PadPress(address, reply.level, reply.counter, time.time(), self._pad_ticket.get(address))
                    self._call(self.on_press, press)
        with self._cond:
            if address in self._pad_due:
                wait = self._poll_interval if h.online is not False else self.probe_interval_s
                self._pad_due[address] = now + wait

    def _record(self, address: int, reply: Reply | None, error: str | None, answered: bool) -> None:
        h = self._line.addresses[address]
        if reply is not None:
            with self._cond:
                h.consecutive_failures, h.last_ok = 0, time.time()
            self._set_online(h, True, None)
            return
        with self._cond:
            h.consecutive_failures += 1
            h.last_error = error
            self._line.errors += 1
            self._line.last_error = f"address {address}: {error}"
        # A NAK proves the device is there; only silence takes it offline.
        self._set_online(h, True if answered else False, error)

    # -- the wire ---------------------------------------------------------------
    def _exchange(self, codec, frame: bytes, address: int, attempts: int, expect: bool = True):
        """Send ``frame`` up to ``attempts`` times; (reply, error, answered_at_all)."""
        error, answered = "timeout", False
        for attempt in range(attempts):
            if attempt:
                with self._cond:
                    self._line.retries += 1
            self._write(frame)
            if not expect:
                return None, None, False
            reply = self._await_reply(codec, address)
            if reply is None:
                error = "timeout"
            elif reply.kind is ReplyKind.NAK:
                error, answered = f"NAK {reply.code}", True
            else:
                return reply, None, True
        return None, error, answered

    def _write(self, frame: bytes) -> None:
        # RS-485 turnaround: the device needs time to release the bus before we drive it.
        pause = self._last_io + self.gap_s - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        try:
            self._rx.clear()  # anything left is a late answer to an exchange we gave up on
            self._port.reset_input_buffer()
            self._port.write(frame)
            self._port.flush()
        except Exception as exc:
            raise PortFailure(f"write failed: {exc}") from exc
        self._last_io = time.monotonic()
        with self._cond:
            self._line.frames_sent += 1

    def _await_reply(self, codec, address: int) -> Reply | None:
        deadline = time.monotonic() + self.timeout_s
        while True:
            reply = codec.decode_reply(self._rx)
            if reply is not None:
                if reply.address == address:
                    return reply
                continue  # a late reply from someone else
            if time.monotonic() >= deadline:
                return None
            try:
                data = self._port.read(self._port.in_waiting or 1)
            except Exception as exc:
                raise PortFailure(f"read failed: {exc}") from exc
            if data:
                self._last_io = time.monotonic()
                self._rx += data

    def _open_port(self) -> bool:
        if time.monotonic() < self._reopen_at:
            return False
        try:
            # Reads poll (20 ms); a write must wait for the frame to leave: a 256-byte frame takes
            # ~0.27 s at 9600 baud, and a loaded pty stalls for tens of ms (20 ms failed writes).
            port = open_serial(self.url, timeout=min(0.02, self.timeout_s), write_timeout=WRITE_TIMEOUT_S)
        except (TransportError, OSError, ValueError) as exc:
            self._port_failed(f"open failed: {exc}")
            return False
        self._port = port
        self._reopen.reset()
        self._rx.clear()
        reopened = self._ever_open
        self._ever_open = True
        if reopened:
            # Frames may have been lost while the port was down and displays may have
            # been power-cycled with it: check every display against its desired state.
            with self._cond:
                now = time.monotonic()
                for address in self._desired:
                    self._probe_due[address] = now
                    self._line.addresses[address].in_sync = False
        self._set_state("open", None)
        return True

    def _port_failed(self, error: str) -> None:
        self._close_port()
        with self._cond:
            self._line.errors += 1
            self._line.last_error = error
            self._reopen_at = time.monotonic() + self._reopen.next()
        log.warning("%s: %s", self.url, error)
        self._set_state("failed", error)

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:
                pass

    # -- health events ----------------------------------------------------------
    def _set_state(self, state: str, error: str | None) -> None:
        with self._cond:
            old, self._line.state = self._line.state, state
        if old != state:
            self._call(self.on_health, HealthChange(self.url, None, "state", old, state, error, time.time()))

    def _set_online(self, h: AddressHealth, online: bool, error: str | None) -> None:
        with self._cond:
            old, h.online = h.online, online
        if old != online:
            self._call(self.on_health, HealthChange(self.url, h.address, "online", old, online, error, time.time()))

    def _call(self, callback, arg) -> None:
        if callback is None:
            return
        try:
            callback(arg)
        except Exception:
            log.exception("%s: callback %r failed", self.url, callback)
