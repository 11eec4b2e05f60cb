"""Where a sendmsg's time goes, layer by layer, timed in-process (no sockets).

Per call, on the server CPU: the core alone (:meth:`Gateway.handle` on a ready
:class:`ApiRequest`), the whole app as a WSGI callable (the API adapter in plain WSGI in front
of Flask, which API requests never reach: query decoding, the lock, the core, the reply), the
bare Flask route, and a raw WSGI callable. With the server's CPU per request over a socket
(from the throughput suite) this splits one request into core, adapter, and server loop
(reading HTTP, sockets, threads).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from .config import Config
from .machine import pin_self, unpin_self
from .payloads import BENCH_SCENARIO, CREDENTIALS, sendmsg_query, stub_path
from .serve import build_app
from .stats import Report, difference

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

SECTION = "per-request breakdown"
SOCKET = "ours/fake.1.keepalive.cpu"
SOCKET_BARE = "ours/bare.1.keepalive.cpu"


def time_per_call(call: Callable[[], object], seconds: float, batches: int = 10) -> float:
    """CPU seconds per ``call()``: the fastest of ``batches`` batches filling ``seconds``.

    Thread CPU time, not wall time, and the fastest batch: on a shared machine, other
    processes preempt this one, and that is not the cost of the call.
    """
    for _ in range(20):
        call()
    size = 10
    start = time.thread_time()
    while time.thread_time() - start < seconds / batches / 4:
        for _ in range(size):
            call()
        size *= 2
    best = float("inf")
    for _ in range(batches):
        start = time.thread_time()
        for _ in range(size):
            call()
        best = min(best, (time.thread_time() - start) / size)
    return best


def wsgi_caller(app: WSGIApplication, path: str, query: str) -> Callable[[], object]:
    """A function making one ``GET path?query`` WSGI call to ``app``; it returns the body."""
    from werkzeug.test import EnvironBuilder

    template: dict[str, Any] = EnvironBuilder(path=path, query_string=query).get_environ()

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return None

    def call() -> object:
        environ = dict(template, **{"wsgi.input": io.BytesIO(b"")})
        result: Iterable[bytes] = app(environ, start_response)
        body = b"".join(result)
        close = getattr(result, "close", None)
        if close is not None:
            close()
        return body

    return call


def _core_caller() -> tuple[Callable[[], object], Callable[[], object]]:
    """(the core alone, the adapter's parameter decoding + the core) for sendmsg x1."""
    import time as clock

    from fake_clickatell.core.commands import Params
    from fake_clickatell.core.gateway import Gateway
    from fake_clickatell.core.request import ApiRequest

    gateway = Gateway(BENCH_SCENARIO, time_source=clock.time)
    auth = gateway.handle(ApiRequest("auth", Params(parse_qsl(urlencode(CREDENTIALS)))))
    query = sendmsg_query(auth.body.removeprefix("OK: "), 1)

    def params() -> Params:
        return Params(parse_qsl(query, keep_blank_values=True, encoding="latin-1"))

    request = ApiRequest("sendmsg", params(), "GET", "/http/sendmsg", "127.0.0.1")

    def core() -> object:
        return gateway.handle(request)

    def decoded() -> object:
        return gateway.handle(ApiRequest("sendmsg", params(), "GET", "/http/sendmsg"))

    return core, decoded


def _app_caller() -> Callable[[], object]:
    """The fake's app as a WSGI callable, answering sendmsg x1 with a session."""
    from fake_clickatell import create_app

    app = create_app(BENCH_SCENARIO)
    reply = app.test_client().get("/http/auth?" + urlencode(CREDENTIALS)).get_data(as_text=True)
    return wsgi_caller(app, "/http/sendmsg", sendmsg_query(reply.removeprefix("OK: "), 1))


def run(report: Report, config: Config) -> None:
    """Time each layer once per round, on the server CPU."""
    report.section(SECTION, "µs per sendmsg x1 in-process; baseline: server CPU per request")
    labels = {
        "breakdown.core": "core: Gateway.handle",
        "breakdown.params": "core + decoding the query string",
        "breakdown.app": "whole app (WSGI call: adapter + core)",
        "breakdown.flask": "adapter (app - core)",
        "breakdown.server": "server loop + sockets (socket - app)",
        "breakdown.bare": "bare Flask route (WSGI call)",
        "breakdown.raw": "raw WSGI callable",
        "breakdown.bare_server": "server loop, bare route (socket - bare app)",
    }
    for key, label in labels.items():
        report.metric(key, label, "µs")
    for key in ("core", "params", "app", "flask", "server"):
        report.row(SECTION, f"breakdown.{key}", SOCKET)
    for key in ("bare", "raw", "bare_server"):
        report.row(SECTION, f"breakdown.{key}", SOCKET_BARE)
    core, decoded = _core_caller()
    callers = {
        "breakdown.core": core,
        "breakdown.params": decoded,
        "breakdown.app": _app_caller(),
        "breakdown.bare": wsgi_caller(build_app("bare"), stub_path(1), sendmsg_query("0", 1)),
        "breakdown.raw": wsgi_caller(build_app("raw"), stub_path(1), sendmsg_query("0", 1)),
    }
    pin_self(config.pinning.server_cpu)
    try:
        for _ in range(config.rounds):
            for key, call in callers.items():
                seconds = time_per_call(call, config.breakdown_time)
                report.add(key, labels[key], "µs", seconds * 1e6)
    finally:
        unpin_self()
    metrics = report.metrics
    metrics["breakdown.flask"].samples = difference(
        metrics["breakdown.app"].samples, metrics["breakdown.core"].samples
    )
    for derived, socket_key, app_key in (
        ("breakdown.server", SOCKET, "breakdown.app"),
        ("breakdown.bare_server", SOCKET_BARE, "breakdown.bare"),
    ):
        measured = metrics.get(socket_key)
        if measured is None or measured.summary() is None:
            reason = measured.skipped if measured and measured.skipped else "no socket numbers"
            metrics[derived].skipped = reason
        else:
            metrics[derived].samples = difference(measured.samples, metrics[app_key].samples)
