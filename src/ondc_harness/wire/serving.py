"""Run an ASGI app on a real port in a background thread, for the inbound server and the
embedded reference participants.

Start-up is awaited on an event set by the app's lifespan, never by polling; the socket is bound
before the thread starts so port 0 ("any free port") is resolved synchronously.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Any

import uvicorn

STARTUP_TIMEOUT_S = 10.0


class _SignallingServer(uvicorn.Server):
    """uvicorn's server, setting a thread event once start-up has finished (or failed)."""

    def __init__(self, config: uvicorn.Config, done: threading.Event) -> None:
        super().__init__(config)
        self._done = done

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self._done.set()


class ServerThread:
    """A uvicorn server for ``app`` on ``host:port`` (port 0 picks a free one)."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, name: str = "server"):
        self.app = app
        self.host = host
        self.name = name
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only when the
        # protocol says TCP.  Without it uvicorn's two writes (head, body) meet Nagle and the
        # peer's delayed ACK: every answer on a kept-alive connection took 40 ms longer.
        self._socket = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=2,
            h11_max_incomplete_event_size=64 * 1024,
        )
        self._started = threading.Event()
        self._server = _SignallingServer(config, self._started)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> str:
        """Start serving; return the base URL once the server accepts connections."""
        self._thread = threading.Thread(target=self._run, name=f"ondc-{self.name}", daemon=True)
        self._thread.start()
        if not self._started.wait(STARTUP_TIMEOUT_S):
            raise RuntimeError(f"{self.name} did not start within {STARTUP_TIMEOUT_S}s: "
                               f"{self._error!r}")
        if self._error is not None or not self._server.started:
            raise RuntimeError(f"{self.name} failed to start: {self._error!r}")
        return self.base_url

    def _run(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # surfaced by start()
            self._error = exc
        finally:
            self._started.set()

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._socket.close()

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
