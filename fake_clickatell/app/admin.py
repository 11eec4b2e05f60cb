"""The JSON admin API under ``/__admin/`` (Flask): watch the fake and drive it.

Messages, the request journal, accounts, errors, reset, the clock, the scenario, rules,
callbacks and inbound messages. Each view validates its input and calls one
:class:`~.runtime.Runtime` operation, which is atomic: an admin call never sees a request half
done.
"""

from __future__ import annotations

import json
import math
import traceback
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from ..core.clock import ClockError
from ..core.gateway import InboundError
from ..core.request import TEXT_PLAIN
from ..scenario import ScenarioError, load_scenario_text
from ..server.wire import MAX_BODY
from .request_log import log_line
from .runtime import Runtime, runtime_of


def _runtime() -> Runtime:
    return runtime_of(current_app)


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type=TEXT_PLAIN)


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")


def _admin_messages() -> Response:
    return _json({"messages": _runtime().messages()})


def _admin_requests() -> Response:
    return _json(_runtime().journal())


def _admin_accounts() -> Response:
    return _json({"accounts": _runtime().accounts()})


def _admin_errors() -> Response:
    return _json({"errors": [error.to_json() for error in _runtime().errors]})


def _admin_reset() -> Response:
    runtime = _runtime()
    last = runtime.reset()  # pushes not yet delivered are dropped, and listed so
    return _json({"reset": True, "clock": runtime.clock(), "last_push_id": last})


def _bad_request(message: str) -> Response:
    return _json({"error": message}, status=400)


def _admin_clock() -> Response:
    runtime = _runtime()
    if request.method == "GET":
        return _json(runtime.clock())
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
    try:
        return _json(
            runtime.move_clock(
                advance=payload.get("advance"), set=payload.get("set"), freeze=payload.get("freeze")
            )
        )
    except ClockError as error:
        return _bad_request(str(error))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _admin_callbacks() -> Response:
    return _json(_runtime().pushes())


def _admin_flush_callbacks() -> Response:
    """Send every push due now and answer when done: tests need no sleeping."""
    runtime = _runtime()
    flushed = runtime.flush_pushes()
    return _json({"flushed": flushed, **runtime.pushes()})


def _admin_mo() -> Response:
    runtime = _runtime()
    if request.method == "GET":
        return _json({"inbound": runtime.inbound()})
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
    try:
        ids = runtime.inject_mo(
            to=values["to"] or "",
            sender=values["from"] or "",
            text=values["text"] or "",
            api_id=values["api_id"],
            user=values["user"],
        )
    except InboundError as error:
        return _bad_request(str(error))
    return _json({"moMsgIds": ids})


def _admin_rules() -> Response:
    return _json(_runtime().rules())


def _admin_rule(key: str) -> Response:
    runtime = _runtime()
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or set(payload) != {"enabled"}:
        return _bad_request('expected {"enabled": true} or {"enabled": false}')
    if not isinstance(payload["enabled"], bool):
        return _bad_request("enabled: expected true or false")
    if not runtime.set_rule_enabled(key, payload["enabled"]):
        return _json({"error": f"no rule named {key!r}"}, status=404)
    return _json(runtime.rules())


def _admin_scenario() -> Response:
    runtime = _runtime()
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
    last = runtime.load(scenario)
    return _json(
        {"loaded": scenario.source, "accounts": len(scenario.accounts), "last_push_id": last}
    )


# -- errors and logging ----------------------------------------------------------------------


def _http_error(error: HTTPException) -> Response:
    code = error.code or 500
    return _text(f"{code} {error.name}", status=code)


def _unexpected_error(error: Exception) -> Response:
    """A bug in the fake: keep it for the test that caused it (the admin API answers 500)."""
    _runtime().record_error(
        error,
        traceback.format_exc(),
        method=request.method,
        path=request.path,
        query=request.query_string.decode("latin-1"),
    )
    return _json({"error": f"internal error: {error!r}"}, status=500)


def _log_request(response: Response) -> Response:
    log = _runtime().log
    if log is not None:
        body = response.get_data(as_text=True) if response.content_type == TEXT_PLAIN else ""
        query = request.query_string.decode("latin-1")
        log_line(
            log,
            request.remote_addr,
            request.method,
            request.path,
            query,
            response.status_code,
            body,
        )
    return response


def register(app: Flask) -> None:
    """Serve the admin API (and plain-text 404/405s for every other path) from ``app``."""
    routes: list[tuple[str, Callable[..., Response], list[str]]] = [
        ("/messages", _admin_messages, ["GET"]),
        ("/requests", _admin_requests, ["GET"]),
        ("/accounts", _admin_accounts, ["GET"]),
        ("/errors", _admin_errors, ["GET"]),
        ("/reset", _admin_reset, ["POST"]),
        ("/clock", _admin_clock, ["GET", "POST"]),
        ("/scenario", _admin_scenario, ["PUT"]),
        ("/callbacks", _admin_callbacks, ["GET"]),
        ("/callbacks/flush", _admin_flush_callbacks, ["POST"]),
        ("/mo", _admin_mo, ["GET", "POST"]),
        ("/rules", _admin_rules, ["GET"]),
        ("/rules/<path:key>", _admin_rule, ["POST"]),
    ]
    for rule, view, methods in routes:
        app.add_url_rule("/__admin" + rule, view.__name__, view, methods=methods)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_log_request)
