"""The local backend: a fake served from a thread of the test process, driven in-process."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..app.errors import RecordedError
from ..app.fake_server import FakeServer
from ..app.runtime import runtime_of
from .scenarios import DEFAULT_LOADED, LoadedScenario

if TYPE_CHECKING:
    from flask import Flask


class LocalBackend:
    """A fake in a background thread of this process, driven through its runtime."""

    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self.url = server.url
        self.current: LoadedScenario | None = None
        self._runtime = runtime_of(server.app)

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
        )

    def close(self) -> None:
        self.server.stop()
