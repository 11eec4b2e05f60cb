"""Test support: a harness that drives one fake app in-process or over a real socket."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

from flask import Flask

from fake_clickatell import FakeServer, Scenario
from fake_clickatell.app import runtime_of
from fake_clickatell.core.gateway import Gateway
from fake_clickatell.core.scenario_model import AccountSpec, ClockSpec

#: A fixed virtual start time, so tests never depend on the wall clock.
T0 = 1_800_000_000.0

TRANSPORTS = ("wsgi", "socket")


def frozen(scenario: Scenario | None = None, **changes: Any) -> Scenario:
    """``scenario`` (default: open mode) with a frozen clock at T0 and a fixed seed."""
    base = scenario or Scenario()
    return replace(base, clock=ClockSpec(start=T0, frozen=True), seed=base.seed or 1234, **changes)


STRICT = frozen(
    Scenario(
        accounts=(
            AccountSpec("3442105", "demo", "secret", balance=Decimal("12.5")),
            AccountSpec("3442105", "other", "secret2"),
            AccountSpec("777", "ice", "cold", frozen=True),
        )
    )
)


class Harness:
    """Drives one fake app, in-process or over a real socket, and reads its admin API."""

    def __init__(self, app: Flask, transport: str, server: FakeServer | None = None) -> None:
        self.app = app
        self.transport = transport
        self.server = server
        self._client = app.test_client()
        self._conn: http.client.HTTPConnection | None = None
        if server is not None:
            self._conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

    @property
    def gateway(self) -> Gateway:
        return runtime_of(self.app).gateway

    def raw(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        """Send one request as given; returns (status, body bytes, headers)."""
        headers = dict(headers or {})
        if self._conn is None:
            response = self._client.open(target, method=method, data=body, headers=headers)
            return response.status_code, response.get_data(), dict(response.headers)
        self._conn.request(method, target, body=body, headers=headers)
        reply = self._conn.getresponse()
        data = reply.read()
        return reply.status, data, dict(reply.getheaders())

    def call(self, command: str, method: str = "GET", **params: Any) -> str:
        """Call ``/http/<command>`` with form-encoded params; the body (HTTP 200 asserted)."""
        query = urlencode({k: v for k, v in params.items() if v is not None})
        if method == "GET":
            status, body, headers = self.raw("GET", f"/http/{command}?{query}")
        else:
            status, body, headers = self.raw(
                method,
                f"/http/{command}",
                query.encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
        assert status == 200, (status, body)
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        return body.decode("utf-8")

    def auth(self, api_id: str = "1", user: str = "u", password: str = "p") -> str:
        body = self.call("auth", api_id=api_id, user=user, password=password)
        assert body.startswith("OK: "), body
        return body[4:]

    def admin(self, path: str, method: str = "GET", payload: object = None) -> Any:
        body = None if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, data, _ = self.raw(method, f"/__admin/{path}", body, headers)
        assert status == 200, (status, data)
        return json.loads(data)

    def messages(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.admin("messages")["messages"]
        return result

    def advance(self, seconds: float) -> None:
        self.admin("clock", "POST", {"advance": seconds})

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


#: The ``make_fake`` fixture: build a fresh fake from a scenario (frozen clock by default).
MakeFake = Callable[..., Harness]


@dataclass(frozen=True)
class Received:
    """One request a :class:`Receiver` got."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """An HTTP server on 127.0.0.1 standing in for an app's callback or MO endpoint.

    It records every request and answers the scripted statuses in turn (then 200). ``gate``,
    when set, holds each reply until the test releases it.
    """

    def __init__(self, statuses: Iterable[int] = ()) -> None:
        self.statuses = list(statuses)
        self.requests: list[Received] = []
        self.gate: threading.Event | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append(Received(self.command, path, query, headers, body))
                if receiver.gate is not None:
                    receiver.gate.wait(30)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            do_GET = do_POST = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.gate is not None:
            self.gate.set()
        self._server.shutdown()
        self._server.server_close()


def clock_json(now: float, frozen: bool = True) -> dict[str, Any]:
    """The admin API's clock JSON at ``now``."""
    from fake_clickatell.core.clock import iso_time

    return {"now": now, "now_iso": iso_time(now), "frozen": frozen}


def step(status: str, time: float) -> dict[str, Any]:
    """One entry of a message's ``status_history`` as the admin API shows it."""
    from fake_clickatell.core.clock import iso_time

    return {"status": status, "time": time, "time_iso": iso_time(time)}
