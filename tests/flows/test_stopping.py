"""Stop signals, sent for real to this process: the first asks to stop, a repeat within a second
is the same request, a later one interrupts; the handlers are put back after."""

from __future__ import annotations

import logging
import os
import signal
import time

import pytest

from winnow.flows.stopping import REPEAT_WINDOW_S, RunInterrupted, Stop, add_stop_listener, stop_on_signals


def test_the_first_signal_asks_to_stop_and_the_handlers_are_put_back(caplog):
    before = signal.getsignal(signal.SIGTERM)
    called, heard = [], []
    remove = add_stop_listener(heard.append)
    try:
        with caplog.at_level(logging.WARNING), stop_on_signals(logging.getLogger("test-run")) as stop:
            stop.on_request(lambda: called.append("crawl stopped"))
            os.kill(os.getpid(), signal.SIGTERM)
            assert stop.asked.wait(2)
            assert (stop.requested, stop.signal_number, called, heard) == (
                True,
                signal.SIGTERM,
                ["crawl stopped"],
                [signal.SIGTERM],
            )
            deadline = time.monotonic() + 2
            while "SIGTERM: stopping" not in caplog.text and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        remove()
    assert "SIGTERM: stopping; what was fetched is loaded first" in caplog.text
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_repeat_within_a_second_is_the_same_request_a_later_one_interrupts():
    stop = Stop()
    stop.request(signal.SIGTERM)
    stop.request(signal.SIGTERM)  # `timeout` signals the process and then its group
    assert stop.signal_number == signal.SIGTERM
    stop._asked_at -= REPEAT_WINDOW_S
    with pytest.raises(RunInterrupted) as interrupted:
        stop.request(signal.SIGINT)
    assert interrupted.value.signal_number == signal.SIGINT


def test_a_callback_added_after_the_request_runs_at_once():
    stop, called = Stop(), []
    stop.request(signal.SIGINT)
    forget = stop.on_request(lambda: called.append(1))
    forget()
    assert called == [1]


def test_sigint_is_a_stop_request_too():
    with stop_on_signals(logging.getLogger("test-run")) as stop:
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt while the run's handler is in place
        assert stop.asked.wait(2) and stop.signal_number == signal.SIGINT
