"""Backends that drive a fake of this process directly, through its runtime.

:class:`LocalBackend` serves it from a thread on a local port (apps reach it by URL);
:class:`InProcessBackend` serves no port at all: the intercept mode answers the apps' requests
to Clickatell's hosts from it in-process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..app.errors import RecordedError
from ..app.factory import create_wsgi_app
from ..app.fake_server import FakeServer
from ..app.runtime import Runtime, runtime_of
from .scenarios import DEFAULT_LOADED, LoadedScenario

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from flask import Flask


class RuntimeBackend:
    """What both backends share: every admin operation is a call to the fake's runtime."""

    url: str

    def __init__(self, runtime: Runtime) -> None:
        self.current: LoadedScenario | None = None
        self._runtime = runtime

    def reset(self) -> int:
        return self._runtime.reset()

    def load(self, loaded: LoadedScenario) -> int:
        floor = self._runtime.load(loaded.scenario)
        self.current = loaded
        return floor

    def clock(
        self, *, advance: float | None = None, set: float | None = None, freeze: bool | None = None
    ) -> dict[str, Any]:
        return self._runtime.move_clock(advance=advance, set=set, freeze=freeze)

    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self._runtime.messages()["messages"]
        return messages

    def journal(self) -> dict[str, Any]:
        return self._runtime.journal()

    def accounts(self) -> list[dict[str, Any]]:
        accounts: list[dict[str, Any]] = self._runtime.accounts()["accounts"]
        return accounts

    def rules(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = self._runtime.rules()["rules"]
        return rules

    def enable_rule(self, key: str, enabled: bool) -> None:
        if not self._runtime.set_rule_enabled(key, enabled):
            raise LookupError(f"no rule named {key!r}")

    def errors(self) -> list[RecordedError]:
        return self._runtime.errors

    def pushes(self, *, flush: bool = False) -> list[dict[str, Any]]:
        if flush:
            self._runtime.flush_pushes()
        pushes: list[dict[str, Any]] = self._runtime.pushes()["pushes"]
        return pushes

    def send_mo(self, payload: Mapping[str, str]) -> list[str]:
        return self._runtime.inject_mo(
            to=payload["to"],
            sender=payload["from"],
            text=payload["text"],
            api_id=payload.get("api_id"),
            user=payload.get("user"),
            network=payload.get("network", ""),
        )

    def close(self) -> None:
        """Stop sending pushes."""
        self._runtime.close()


class LocalBackend(RuntimeBackend):
    """A fake in a background thread of this process, driven through its runtime."""

    def __init__(self, server: FakeServer) -> None:
        super().__init__(runtime_of(server.app))
        self.server = server
        self.url = server.url

    @classmethod
    def start(
        cls, host: str = "127.0.0.1", port: int = 0, loaded: LoadedScenario = DEFAULT_LOADED
    ) -> LocalBackend:
        """Start a :class:`~fake_clickatell.FakeServer` on ``host``:``port`` (0: a free one)."""
        backend = cls(FakeServer(loaded.scenario, host=host, port=port).start())
        backend.current = loaded
        return backend

    @property
    def app(self) -> Flask:
        """The Flask app (for ``httpx.WSGITransport`` or Flask's test client)."""
        return self.server.app

    def close(self) -> None:
        self.server.stop()


#: Where an app calls Clickatell: what the in-process fake's handle calls its URL.
CLICKATELL_URL = "https://api.clickatell.com"


class InProcessBackend(RuntimeBackend):
    """A fake with no server at all: its WSGI app answers requests handed to it in-process."""

    def __init__(self, app: WSGIApplication, runtime: Runtime, url: str = CLICKATELL_URL) -> None:
        super().__init__(runtime)
        self.app = app
        self.url = url

    @classmethod
    def start(cls, loaded: LoadedScenario = DEFAULT_LOADED) -> InProcessBackend:
        """A fresh fake running ``loaded``, with no port."""
        app = create_wsgi_app(loaded.scenario)
        backend = cls(app, app.runtime)
        backend.current = loaded
        return backend
