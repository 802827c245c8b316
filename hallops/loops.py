"""Long-running management commands stop cleanly on SIGTERM and SIGINT.

As healthchecks' ``sendalerts``: the signal only sets a flag, the loop checks it between rounds, and
the command restores what it changed (a virtual gateway's devices go offline) before it exits. The
previous handlers are put back afterwards, so a command run in-process (``call_command`` in a test)
leaves pytest's own Ctrl-C handling as it found it.
"""

import contextlib
import signal
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_on_signals(signals=SIGNALS):
    """Yields an Event set by SIGTERM/SIGINT; the earlier handlers are restored on exit."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # only the main thread may set handlers; the caller stops this loop through the event
        return
    previous = {s: signal.getsignal(s) for s in signals}
    for s in signals:
        signal.signal(s, lambda signum, frame: stop.set())
    try:
        yield stop
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
