""":class:`FakeServer`: the fake Clickatell served from a background thread of this process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..core.scenario_model import DEFAULT_SCENARIO, Scenario
from ..server.http_server import WSGIServer
from .factory import create_app
from .runtime import runtime_of

if TYPE_CHECKING:
    from flask import Flask


class FakeServer:
    """The fake Clickatell in a background thread on 127.0.0.1 (port 0 picks a free port).

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with FakeServer() as fake:
            httpx.get(fake.url + "/http/auth", params={...})
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        app: Flask | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._owns_app = app is None
        self.app = app or create_app(scenario or DEFAULT_SCENARIO, log=log)
        self._host = host
        self._port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL (``http://127.0.0.1:PORT``); the API is under ``url + "/http"``."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        return self._server.url

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        return self._server.port

    def start(self) -> FakeServer:
        """Bind and start serving in a daemon thread; returns once connections are accepted."""
        if self._server is not None:
            return self
        self._server = WSGIServer(self.app, self._host, self._port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-clickatell-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection."""
        if self._server is None:
            return
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        if self._owns_app:
            runtime_of(self.app).close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
