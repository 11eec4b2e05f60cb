"""The Flask adapter: HTTP in -> :class:`ApiRequest` -> gateway -> reply -> HTTP out.

Everything protocol-shaped happens in :mod:`fake_clickatell.core`; this module only turns
requests into parameters (byte-exact, first occurrence wins), serialises access to the gateway
with one lock, and serves the JSON admin API under ``/__admin/``.
"""

from __future__ import annotations

import json
import math
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import BaseConverter

from .core.clock import ClockError
from .core.commands import Params
from .core.config import DEFAULT_SCENARIO, Fault, Scenario
from .core.gateway import ApiRequest, Gateway, InboundError, resolve_command
from .core.journal import mask_params
from .dispatch import Dispatcher
from .scenario import ScenarioError, load_scenario_text
from .server import ENVIRON_FAULT, ENVIRON_SOCKET, MAX_BODY

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

TEXT_PLAIN = "text/plain; charset=utf-8"
_FORM = "application/x-www-form-urlencoded"
_API_PREFIXES = ("/http/", "/http_batch/", "/utils/", "/mms/")
_EXTENSION = "fake_clickatell"


@dataclass(frozen=True, slots=True)
class ServerError:
    """An exception raised while handling a request, kept so a test can re-raise it."""

    method: str
    path: str
    error: BaseException
    traceback: str

    def to_json(self) -> dict[str, str]:
        """A JSON-ready view (the admin API's shape)."""
        return {
            "method": self.method,
            "path": self.path,
            "error": repr(self.error),
            "traceback": self.traceback,
        }


@dataclass
class FakeState:
    """What one app owns: its gateway, the lock that makes each request atomic, its errors,
    and the dispatcher that sends its pushes."""

    gateway: Gateway
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[ServerError] = field(default_factory=list)
    log: Callable[[str], None] | None = None
    sleep: Callable[[float], None] = time.sleep
    dispatcher: Dispatcher = field(init=False)

    def __post_init__(self) -> None:
        self.dispatcher = Dispatcher(self)

    def poke(self) -> None:
        """Wake the dispatcher when pushes are waiting (call with the lock held)."""
        if len(self.gateway.outbox):
            self.dispatcher.wake()


def get_state(app: Flask) -> FakeState:
    """The :class:`FakeState` of an app made by :func:`create_app`."""
    state: FakeState = app.extensions[_EXTENSION]
    return state


def create_app(
    scenario: Scenario = DEFAULT_SCENARIO,
    *,
    gateway: Gateway | None = None,
    time_source: Callable[[], float] = time.time,
    log: Callable[[str], None] | None = None,
    allowed_hosts: Iterable[str] = (),
) -> Flask:
    """A Flask app serving a fresh fake (or ``gateway``), configured by ``scenario``.

    ``allowed_hosts`` widens where callbacks and MO pushes may go (loopback always may).
    """
    app = Flask("fake_clickatell")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    # No redirects, ever: "/http//auth" or "/__admin/clock/" are answered, not bounced with a 308.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    if gateway is None:
        gateway = Gateway(scenario, time_source=time_source, allowed_hosts=allowed_hosts)
    state = FakeState(gateway, log=log)
    app.extensions[_EXTENSION] = state

    # Every method reaches the API views: anything but a form POST reads the query string only.
    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE"]
    app.url_map.converters["rest"] = _RestOfPath
    prefix = "/<any(http, http_batch, utils, mms):prefix>"
    for rule in (prefix, prefix + "/<rest:command>"):
        app.add_url_rule(rule, rule, _api_view, methods=methods)

    app.add_url_rule("/__admin/messages", "admin_messages", _admin_messages)
    app.add_url_rule("/__admin/requests", "admin_requests", _admin_requests)
    app.add_url_rule("/__admin/accounts", "admin_accounts", _admin_accounts)
    app.add_url_rule("/__admin/errors", "admin_errors", _admin_errors)
    app.add_url_rule("/__admin/reset", "admin_reset", _admin_reset, methods=["POST"])
    app.add_url_rule("/__admin/clock", "admin_clock", _admin_clock, methods=["GET", "POST"])
    app.add_url_rule("/__admin/scenario", "admin_scenario", _admin_scenario, methods=["PUT"])
    app.add_url_rule("/__admin/callbacks", "admin_callbacks", _admin_callbacks)
    app.add_url_rule(
        "/__admin/callbacks/flush", "admin_flush", _admin_flush_callbacks, methods=["POST"]
    )
    app.add_url_rule("/__admin/mo", "admin_mo", _admin_mo, methods=["GET", "POST"])
    app.add_url_rule("/__admin/rules", "admin_rules", _admin_rules)
    app.add_url_rule("/__admin/rules/<key>", "admin_rule", _admin_rule, methods=["POST"])

    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_log_request)
    app.wsgi_app = _InProcessFaults(app.wsgi_app)  # type: ignore[method-assign]
    return app


class TransportFault(ConnectionError):
    """A scenario's transport fault (reset, empty, truncate, hang) raised to an in-process
    caller, who has no socket to break: a client on ``httpx.WSGITransport`` or Flask's test
    client sees it as an exception.
    """

    def __init__(self, fault: Fault) -> None:
        super().__init__(f"scripted transport fault: {fault.value}")
        self.fault = fault


class _InProcessFaults:
    """WSGI middleware: with no socket to break, a fault becomes a :class:`TransportFault`."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        result = self.app(environ, start_response)
        outcome = environ.get(ENVIRON_FAULT)
        if outcome is not None and ENVIRON_SOCKET not in environ:
            close = getattr(result, "close", None)
            if close is not None:
                close()
            raise TransportFault(outcome.fault)
        return result


class _RestOfPath(BaseConverter):
    """Whatever follows the prefix, empty or with more slashes (``/http//auth``)."""

    regex = ".*"
    part_isolating = False


def _state() -> FakeState:
    from flask import current_app

    return get_state(current_app)


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type=TEXT_PLAIN)


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")


# -- the API ---------------------------------------------------------------------------------


def request_params() -> Params:
    """The request's parameters, values decoded byte-for-byte as ISO-8859-1.

    The query string always counts; a POST's form body counts when it is
    ``application/x-www-form-urlencoded`` (reference Part A §2). Raises werkzeug's
    ``RequestEntityTooLarge`` for a body over :data:`MAX_BODY`.
    """
    pairs = parse_qsl(
        request.query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1"
    )
    if request.method == "POST" and request.mimetype == _FORM:
        body = request.get_data(cache=False)
        pairs += parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    return Params(pairs)


def _api_view(prefix: str, command: str = "") -> Response:
    state = _state()
    try:
        params, oversized = request_params(), False
    except RequestEntityTooLarge:
        params, oversized = Params(), True
    api_request = ApiRequest(
        command=resolve_command(prefix, command),
        params=params,
        method=request.method,
        path=request.path,
        client_ip=request.remote_addr or "",
        oversized=oversized,
    )
    with state.lock:
        outcome = state.gateway.handle(api_request)
        state.poke()
    if outcome.latency:
        state.sleep(outcome.latency)  # a scripted slow network: real time, outside the lock
    body: str | bytes = outcome.body
    if outcome.fault is Fault.GARBAGE:
        body = outcome.body.encode("latin-1")  # a 200 whose body is random bytes
    elif outcome.fault is not None:
        request.environ[ENVIRON_FAULT] = outcome  # the server breaks the reply on the socket
    return Response(body, status=outcome.status, content_type=outcome.content_type)


# -- the admin API ---------------------------------------------------------------------------


def _admin_messages() -> Response:
    state = _state()
    with state.lock:
        return _json({"messages": state.gateway.messages_json()})


def _admin_requests() -> Response:
    state = _state()
    with state.lock:
        return _json(state.gateway.journal_json())


def _admin_accounts() -> Response:
    state = _state()
    with state.lock:
        return _json({"accounts": state.gateway.accounts_json()})


def _admin_errors() -> Response:
    state = _state()
    with state.lock:
        errors = [error.to_json() for error in state.errors]
    return _json({"errors": errors})


def _admin_reset() -> Response:
    state = _state()
    with state.lock:
        state.gateway.reset()  # pushes not yet delivered are dropped, and journaled so
        state.errors.clear()
        return _json({"reset": True, "clock": state.gateway.clock_json()})


def _bad_request(message: str) -> Response:
    return _json({"error": message}, status=400)


def _admin_clock() -> Response:
    state = _state()
    if request.method == "GET":
        with state.lock:
            return _json(state.gateway.clock_json())
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not payload:
        return _bad_request('expected a JSON object: {"advance": s}, {"set": t} or {"freeze": b}')
    unknown = set(payload) - {"advance", "set", "freeze"}
    if unknown:
        return _bad_request(f"unknown keys: {', '.join(sorted(unknown))}")
    if "freeze" in payload and not isinstance(payload["freeze"], bool):
        return _bad_request("freeze: expected true or false")
    for key in ("set", "advance"):
        if key in payload and not _is_number(payload[key]):
            return _bad_request(f"{key}: expected a finite number, got {payload[key]!r}")
    if payload.get("advance", 0) < 0:
        return _bad_request("advance: the clock only moves forward")
    with state.lock:
        gateway = state.gateway
        try:
            if "freeze" in payload:
                gateway.freeze_clock(payload["freeze"])
            if "set" in payload:
                gateway.set_clock(payload["set"])
            if "advance" in payload:
                gateway.advance_clock(payload["advance"])
        except ClockError as error:
            return _bad_request(str(error))
        state.poke()
        return _json(gateway.clock_json())


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _admin_callbacks() -> Response:
    state = _state()
    with state.lock:
        return _json(state.gateway.pushes_json())


def _admin_flush_callbacks() -> Response:
    """Send every push due now and answer when done: tests need no sleeping."""
    state = _state()
    flushed = state.dispatcher.flush()
    with state.lock:
        return _json({"flushed": flushed, **state.gateway.pushes_json()})


def _admin_mo() -> Response:
    state = _state()
    if request.method == "GET":
        with state.lock:
            return _json({"inbound": [part.to_json() for part in state.gateway.inbound]})
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _bad_request('expected a JSON object: {"to": ..., "from": ..., "text": ...}')
    unknown = set(payload) - {"to", "from", "text", "api_id", "user"}
    if unknown:
        return _bad_request(f"unknown keys: {', '.join(sorted(unknown))}")
    values = {key: payload.get(key) for key in ("to", "from", "text", "api_id", "user")}
    for key, value in values.items():
        if value is not None and not isinstance(value, str):
            return _bad_request(f"{key}: expected a string")
    with state.lock:
        try:
            ids = state.gateway.inject_mo(
                to=values["to"] or "",
                sender=values["from"] or "",
                text=values["text"] or "",
                api_id=values["api_id"],
                user=values["user"],
            )
        except InboundError as error:
            return _bad_request(str(error))
        state.poke()
        return _json({"moMsgIds": ids})


def _admin_rules() -> Response:
    state = _state()
    with state.lock:
        return _json(state.gateway.rules.to_json())


def _admin_rule(key: str) -> Response:
    state = _state()
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or set(payload) != {"enabled"}:
        return _bad_request('expected {"enabled": true} or {"enabled": false}')
    if not isinstance(payload["enabled"], bool):
        return _bad_request("enabled: expected true or false")
    with state.lock:
        if not state.gateway.rules.set_enabled(key, payload["enabled"]):
            return _json({"error": f"no rule named {key!r}"}, status=404)
        return _json(state.gateway.rules.to_json())


def _admin_scenario() -> Response:
    state = _state()
    if (request.content_length or 0) > MAX_BODY:
        return _bad_request(f"scenario larger than {MAX_BODY} bytes")
    try:
        text = request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        return _bad_request("the scenario must be UTF-8 text")
    try:
        scenario = load_scenario_text(text, source="<PUT /__admin/scenario>")
    except ScenarioError as error:
        return _bad_request(str(error))
    with state.lock:
        state.gateway.load(scenario)
        state.errors.clear()
    return _json({"loaded": scenario.source, "accounts": len(scenario.accounts)})


# -- errors and logging ----------------------------------------------------------------------


def _http_error(error: HTTPException) -> Response:
    code = error.code or 500
    return _text(f"{code} {error.name}", status=code)


def _unexpected_error(error: Exception) -> Response:
    """A bug in the fake: keep it for the test that caused it, answer inside the grammar."""
    state = _state()
    state.errors.append(
        ServerError(request.method, request.full_path, error, traceback.format_exc())
    )
    if state.log is not None:
        state.log(f"internal error on {request.method} {request.path}: {error!r}")
    if request.path.startswith(_API_PREFIXES) or request.path == "/http":
        return _text("ERR: 901, Internal error")
    return _json({"error": f"internal error: {error!r}"}, status=500)


def _log_request(response: Response) -> Response:
    state = _state()
    if state.log is not None:
        pairs = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
        query = urlencode(mask_params(dict(pairs)), safe="*")
        target = request.path + (f"?{query}" if query else "")
        body = response.get_data(as_text=True) if response.content_type == TEXT_PLAIN else ""
        preview = body.replace("\n", " | ")
        if len(preview) > 120:
            preview = preview[:117] + "..."
        state.log(
            f'{request.remote_addr} "{request.method} {target}" {response.status_code} {preview}'
        )
    return response
