"""hallops.loops: a long-running command stops on SIGTERM and gives the process its handlers back."""

import os
import signal
import threading

from hallops.loops import stop_on_signals


def test_sigterm_sets_the_stop_event_instead_of_killing_the_process():
    with stop_on_signals() as stop:
        assert not stop.is_set()
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(2)


def test_the_previous_handlers_are_restored_afterwards():
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with stop_on_signals():
        assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
    assert {s: signal.getsignal(s) for s in before} == before


def test_they_are_restored_when_the_loop_fails_too():
    before = signal.getsignal(signal.SIGINT)
    try:
        with stop_on_signals():
            raise RuntimeError("the loop broke")
    except RuntimeError:
        pass
    assert signal.getsignal(signal.SIGINT) is before


def test_off_the_main_thread_no_handler_is_touched_and_the_event_still_stops_the_loop():
    before = signal.getsignal(signal.SIGTERM)
    seen = {}

    def run():
        with stop_on_signals() as stop:
            seen["handler"] = signal.getsignal(signal.SIGTERM)
            stop.set()
            seen["stopped"] = stop.is_set()

    t = threading.Thread(target=run)
    t.start()
    t.join(5)
    assert seen == {"handler": before, "stopped": True}
