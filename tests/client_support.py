"""Support for the reference client's tests: a fresh fake per use, in-process or over a socket.

Hypothesis runs a test body once per example and does not reset function-scoped fixtures in
between, so property tests build a :class:`Fake` inside the body (a few milliseconds in-process).
The part arithmetic here is written out again on purpose, independently of ``core.encoding``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import settings

from fake_clickatell import FakeServer, Scenario, create_app
from fake_clickatell.client import AsyncClickatellClient, ClickatellClient
from fake_clickatell.client.http import Method
from fake_clickatell.core.gateway import Gateway
from fake_clickatell.core.request import ApiRequest, Outcome

from .support import frozen

BASE_URL = "http://fake.localhost"  # a loopback name: the admin API answers to it
CREDENTIALS: dict[str, Any] = {"api_id": "3442105", "user": "demo", "password": "secret"}


def examples(share: float) -> settings:
    """``share`` of the active profile's max_examples, for tests whose examples cost more.

    Read when the test module is imported, after tests/conftest.py has loaded the profile.
    """
    return settings(max_examples=max(5, round(settings().max_examples * share)))


# -- independent length arithmetic ----------------------------------------------------------

#: The GSM 03.38 escape table (each costs two septets), spelled out apart from core.encoding.
ESCAPED = frozenset("\f^{}\\[~]|\u20ac")


def septets(text: str) -> int:
    """GSM-7 septets: escape-table characters count two, anything else one."""
    return sum(2 if ch in ESCAPED else 1 for ch in text)


def ucs2_units(text: str) -> int:
    """UTF-16 code units: a character beyond U+FFFF is a surrogate pair."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def expected_parts(text: str, unicode: bool) -> int:
    """SMS parts: 160 septets (70 units) alone, else parts of 153 (67) filled in turn, a
    character never split between two (an escape pair, a surrogate pair)."""
    size = ucs2_units if unicode else septets
    single, per_part = (70, 67) if unicode else (160, 153)
    if size(text) <= single:
        return 1
    parts, room = 1, per_part
    for ch in text:
        if size(ch) > room:
            parts, room = parts + 1, per_part
        room -= size(ch)
    return parts


# -- a fake to talk to -----------------------------------------------------------------------


class RecordingGateway(Gateway):
    """A gateway that keeps every outcome: the reply it meant and the body it rendered."""

    def __init__(self, scenario: Scenario) -> None:
        self.outcomes: list[Outcome] = []
        super().__init__(scenario, time_source=time.time)

    def handle(self, request: ApiRequest) -> Outcome:
        outcome = super().handle(request)
        self.outcomes.append(outcome)
        return outcome


class RecordingTransport(httpx.BaseTransport):
    """Passes requests on and keeps every body the client received."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.bodies: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.bodies.append(response.text)
        return response


class Fake:
    """One fresh fake (frozen clock at T0 unless the scenario says otherwise), in-process by
    default or on a real socket, with clients bound to it and its admin API at hand."""

    def __init__(self, scenario: Scenario | None = None, *, socket: bool = False) -> None:
        self.gateway = RecordingGateway(scenario if scenario is not None else frozen())
        self.app = create_app(gateway=self.gateway)
        self.server = FakeServer(app=self.app).start() if socket else None
        self.base_url = self.server.url if self.server is not None else BASE_URL
        self._transports: list[RecordingTransport] = []
        self._admin = httpx.Client(
            base_url=self.base_url,
            transport=self._transport(),
            verify=False,  # plain HTTP
        )
        self._clients: list[ClickatellClient] = []

    def _transport(self) -> httpx.BaseTransport | None:
        return None if self.server is not None else httpx.WSGITransport(app=self.app)

    def client(self, method: Method = "POST", **kwargs: Any) -> ClickatellClient:
        """A client on this fake whose keep-alive reads the fake's virtual clock."""
        inner = self._transport()
        transport = RecordingTransport(inner) if inner is not None else None
        if transport is not None:
            self._transports.append(transport)
        options: dict[str, Any] = {**CREDENTIALS, "clock": self.gateway.now, **kwargs}
        client = ClickatellClient(self.base_url, transport=transport, method=method, **options)
        self._clients.append(client)
        return client

    def async_client(self, method: Method = "POST", **kwargs: Any) -> AsyncClickatellClient:
        """An async client on this fake's socket (httpx has no async WSGI transport)."""
        assert self.server is not None, "the async client needs Fake(socket=True)"
        options: dict[str, Any] = {**CREDENTIALS, "clock": self.gateway.now, **kwargs}
        return AsyncClickatellClient(self.base_url, method=method, **options)

    def received(self) -> list[str]:
        """Every body the in-process clients received, in order (clients used one at a time)."""
        return [body for transport in self._transports for body in transport.bodies]

    def admin(self, path: str, method: str = "GET", payload: object = None) -> Any:
        response = self._admin.request(method, f"/__admin/{path}", json=payload)
        assert response.status_code == 200, response.text
        return response.json()

    def messages(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.admin("messages")["messages"]
        return result

    def balance(self) -> Decimal:
        """The balance of the clients' account, as the admin API shows it."""
        (account,) = self.admin("accounts")["accounts"]
        return Decimal(account["balance"])

    def commands(self) -> list[str]:
        """The API commands the fake received, in order."""
        return [entry["command"] for entry in self.admin("requests")["requests"]]

    def advance(self, seconds: float) -> None:
        self.admin("clock", "POST", {"advance": seconds})

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._admin.close()
        if self.server is not None:
            self.server.stop()


@contextmanager
def fake(scenario: Scenario | None = None, *, socket: bool = False) -> Iterator[Fake]:
    """A :class:`Fake` for the length of a ``with`` block."""
    made = Fake(scenario, socket=socket)
    try:
        yield made
    finally:
        made.close()


def open_mode(balance: int | Decimal = 100) -> Scenario:
    """Open mode (any credentials) with this starting balance, frozen at T0."""
    return frozen(Scenario(default_balance=Decimal(balance)))
