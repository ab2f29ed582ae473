"""A Ctrl-C that CPython drops inside a finalizer is delivered again (interrupts.CtrlCGuard).

Each test sends itself a real SIGINT (the tests run in the main thread, where Python handles
signals) and waits on an event with a deadline, never on a clock.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from ondc_harness.interrupts import CtrlCGuard

DEADLINE_S = 10.0

# The swallowed KeyboardInterrupt is reported by pytest as an unraisable exception: expected.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class SwallowsCtrlC:
    """Presses Ctrl-C from inside ``__del__``: the KeyboardInterrupt is raised in the finalizer,
    where CPython prints "Exception ignored" and carries on."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10_000):  # bytecodes for the interpreter to run the handler in
            pass


@pytest.fixture
def default_sigint() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _lose_a_ctrl_c_in_a_finalizer() -> None:
    SwallowsCtrlC()  # dropped at once: __del__ runs here


@pytest.mark.usefixtures("default_sigint")
def test_without_the_guard_python_loses_the_ctrl_c() -> None:
    """The defect the guard exists for (if this ever fails, CPython fixed it)."""
    _lose_a_ctrl_c_in_a_finalizer()
    assert threading.Event().wait(0.5) is False  # no KeyboardInterrupt came


@pytest.mark.usefixtures("default_sigint")
def test_the_guard_delivers_a_lost_ctrl_c_again() -> None:
    guard = CtrlCGuard.install(redeliver_after_s=0.2)
    assert guard is not None
    try:
        _lose_a_ctrl_c_in_a_finalizer()
        with pytest.raises(KeyboardInterrupt):
            threading.Event().wait(DEADLINE_S)
        assert guard.redelivered == 1
    finally:
        guard.uninstall()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.usefixtures("default_sigint")
def test_a_ctrl_c_pytest_saw_is_not_sent_again() -> None:
    guard = CtrlCGuard.install(redeliver_after_s=0.2)
    assert guard is not None
    try:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            threading.Event().wait(DEADLINE_S)
        guard.pytest_keyboard_interrupt()
        assert threading.Event().wait(0.6) is False
        assert guard.redelivered == 0
    finally:
        guard.uninstall()


@pytest.mark.usefixtures("default_sigint")
def test_redelivery_is_bounded() -> None:
    guard = CtrlCGuard.install(redeliver_after_s=0.05, max_redeliveries=2)
    assert guard is not None
    try:
        for expected in (1, 2):
            _lose_a_ctrl_c_in_a_finalizer()  # the first press, then each re-delivery, lost
            with pytest.raises(KeyboardInterrupt):
                threading.Event().wait(DEADLINE_S)
            assert guard.redelivered == expected
        _lose_a_ctrl_c_in_a_finalizer()
        assert threading.Event().wait(0.5) is False
        assert guard.redelivered == 2
    finally:
        guard.uninstall()


def test_a_handler_of_someone_else_is_left_alone() -> None:
    previous = signal.getsignal(signal.SIGINT)

    def mine(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, mine)
    try:
        assert CtrlCGuard.install() is None
        assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("default_sigint")
def test_no_guard_outside_the_main_thread() -> None:
    result: list[CtrlCGuard | None] = []
    worker = threading.Thread(target=lambda: result.append(CtrlCGuard.install()))
    worker.start()
    worker.join(DEADLINE_S)
    assert result == [None]
