"""Evaluation pads on a simulated RS-485 bus (see devices.led.simulator for transport)."""

from __future__ import annotations

from collections import defaultdict, deque

from devices.led.simulator import SerialPeer


class PadSimulator(SerialPeer):
    """Pads that queue key presses and report them when polled.

    ``lost_acks`` makes every press miss that many acknowledgements, so it is sent
    again with the same counter: the repeated transmission the line must drop.
    """

    def __init__(self, codec, addresses=None, *, counter_start: int = 0, lost_acks: int = 0, **kwargs):
        super().__init__(codec, addresses, **kwargs)
        self.lost_acks = lost_acks
        self.prompts: dict[int, str | None] = {}
        self.sent_presses: list[tuple[int, int, int]] = []  # (address, level, counter) per transmission
        self._counter: dict[int, int] = defaultdict(lambda: counter_start & 0xFF)
        self._pending: dict[int, deque] = defaultdict(deque)

    def press(self, address: int, level: int) -> int:
        """A visitor presses a key; returns the press counter the pad assigned."""
        with self._lock:
            counter = self._counter[address]
            self._counter[address] = (counter + 1) & 0xFF
            self._pending[address].append([level, counter, self.lost_acks])
            return counter

    def pending(self, address: int) -> int:
        with self._lock:
            return len(self._pending[address])

    def respond(self, cmd):
        if cmd.op == "poll":
            queue = self._pending[cmd.address]
            if cmd.ack is not None and queue and queue[0][1] == cmd.ack:
                if queue[0][2] > 0:
                    queue[0][2] -= 1  # this acknowledgement got lost on the wire
                else:
                    queue.popleft()
            if not queue:
                return self.codec.encode_idle(cmd.address)
            level, counter, _ = queue[0]
            self.sent_presses.append((cmd.address, level, counter))
            return self.codec.encode_press(cmd.address, level, counter)
        if cmd.op == "prompt":
            self.prompts[cmd.address] = cmd.text
        elif cmd.op == "reset":
            self.prompts[cmd.address] = None
        return self.codec.encode_ack(cmd)
