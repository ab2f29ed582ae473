"""Ctrl-C is never lost: a SIGINT that CPython swallows is delivered again.

CPython turns SIGINT into ``KeyboardInterrupt`` in the main thread, at the next bytecode it
runs.  If that bytecode belongs to a finalizer (a ``__del__``, a weakref callback, a generator
being closed by the garbage collector — httpx and sockets have them), the exception cannot
propagate: CPython prints "Exception ignored in ..." and goes on.  For the harness that means a
user's Ctrl-C, or CI's, can vanish while a step waits the whole ttl for a callback that will
never come.

:class:`CtrlCGuard` notes every SIGINT and raises ``KeyboardInterrupt`` as Python would; if the
interrupt has not reached pytest (``pytest_keyboard_interrupt``) shortly after, it sends SIGINT
again, a bounded number of times.  It is only installed when SIGINT still has Python's default
handler, so a handler of the user's (or an outer pytest run's) is left alone.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

REDELIVER_AFTER_S = 1.0
"""How long a noted Ctrl-C may go unseen by pytest before it is sent again."""

MAX_REDELIVERIES = 5


class CtrlCGuard:
    """SIGINT handler that re-sends a Ctrl-C the interpreter dropped.  See the module doc."""

    def __init__(self, redeliver_after_s: float = REDELIVER_AFTER_S,
                 max_redeliveries: int = MAX_REDELIVERIES) -> None:
        self.redeliver_after_s = redeliver_after_s
        self.max_redeliveries = max_redeliveries
        self.redelivered = 0
        self._lock = threading.Lock()
        self._pending = False
        self._timer: threading.Timer | None = None
        self._installed = False

    @classmethod
    def install(cls, redeliver_after_s: float = REDELIVER_AFTER_S,
                max_redeliveries: int = MAX_REDELIVERIES) -> CtrlCGuard | None:
        """A guard handling SIGINT from now on, or None when it cannot or should not: not in
        the main thread, or SIGINT already has a handler other than Python's default."""
        if threading.current_thread() is not threading.main_thread():
            return None
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return None
        guard = cls(redeliver_after_s, max_redeliveries)
        signal.signal(signal.SIGINT, guard._on_sigint)
        guard._installed = True
        return guard

    def uninstall(self) -> None:
        """Give SIGINT back to Python's default handler and stop any pending re-delivery."""
        self.seen()
        if self._installed and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self._installed = False

    def seen(self) -> None:
        """The interrupt reached its destination (pytest saw it): nothing to re-deliver."""
        with self._lock:
            self._pending = False
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def pytest_keyboard_interrupt(self) -> None:
        """pytest hook (the guard is registered as a plugin while a harness session runs)."""
        self.seen()

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        with self._lock:
            self._pending = True
            if self._timer is None and self.redelivered < self.max_redeliveries:
                self._timer = threading.Timer(self.redeliver_after_s, self._redeliver)
                self._timer.daemon = True
                self._timer.start()
        raise KeyboardInterrupt

    def _redeliver(self) -> None:
        with self._lock:
            self._timer = None
            if not self._pending or not self._installed:
                return
            self.redelivered += 1
        os.kill(os.getpid(), signal.SIGINT)
