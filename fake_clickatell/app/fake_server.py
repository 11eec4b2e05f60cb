""":class:`FakeServer`: the fake Clickatell served from a background thread of this process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..core.scenario_model import DEFAULT_SCENARIO, Scenario
from ..server.http_server import WSGIServer
from ..server.wire import Limits
from .access import AdminAccess, is_loopback
from .factory import create_app
from .runtime import runtime_of

if TYPE_CHECKING:
    from flask import Flask


class FakeServer:
    """The fake Clickatell in a background thread on 127.0.0.1 (port 0 picks a free port).

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with FakeServer() as fake:
            httpx.get(fake.url + "/http/auth", params={...})

    On any address but loopback, the admin API needs a token: ``admin_token``, or a new one
    (:attr:`admin_token` tells it). ``admin_hosts`` are names it answers to besides loopback
    names and addresses; ``limits`` bound connections and requests (:class:`Limits`).
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        app: Flask | None = None,
        log: Callable[[str], None] | None = None,
        admin_token: str | None = None,
        admin_hosts: Iterable[str] = (),
        limits: Limits | None = None,
    ) -> None:
        self._owns_app = app is None
        self.app = app or create_app(scenario or DEFAULT_SCENARIO, log=log)
        runtime = runtime_of(self.app)
        if admin_token is not None or admin_hosts or not is_loopback(host):
            runtime.access = AdminAccess.for_bind(host, admin_token, admin_hosts)
        self._limits = limits
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
    def admin_token(self) -> str | None:
        """The token the admin API asks for (``None``: none, on loopback)."""
        return runtime_of(self.app).access.token

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
        self._server = WSGIServer(self.app, self._host, self._port, limits=self._limits)
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
