"""The JSON admin API under ``/__admin/`` (Flask): watch the fake and drive it.

Messages, the request journal, accounts, errors, reset, the clock, the scenario, rules,
callbacks and inbound messages. Each view takes the app's lock around the gateway, so an admin
call never sees a request half done.
"""

from __future__ import annotations

import json
import math
import traceback
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from .api import TEXT_PLAIN, log_line
from .core.clock import ClockError
from .core.gateway import InboundError
from .core.journal import mask_query
from .scenario import ScenarioError, load_scenario_text
from .server import MAX_BODY
from .state import FakeState, ServerError, get_state


def _state() -> FakeState:
    return get_state(current_app)


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type=TEXT_PLAIN)


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")


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
        last = state.gateway.outbox.last_id  # pushes up to it come from before the reset
        return _json({"reset": True, "clock": state.gateway.clock_json(), "last_push_id": last})


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
        last = state.gateway.outbox.last_id
    return _json(
        {"loaded": scenario.source, "accounts": len(scenario.accounts), "last_push_id": last}
    )


# -- errors and logging ----------------------------------------------------------------------


def _http_error(error: HTTPException) -> Response:
    code = error.code or 500
    return _text(f"{code} {error.name}", status=code)


def _unexpected_error(error: Exception) -> Response:
    """A bug in the fake: keep it for the test that caused it (the admin API answers 500)."""
    state = _state()
    query = request.query_string.decode("latin-1")
    masked = f"{request.path}?{mask_query(query)}"
    state.errors.append(ServerError(request.method, masked, error, traceback.format_exc()))
    if state.log is not None:
        state.log(f"internal error on {request.method} {request.path}: {error!r}")
    return _json({"error": f"internal error: {error!r}"}, status=500)


def _log_request(response: Response) -> Response:
    state = _state()
    if state.log is not None:
        body = response.get_data(as_text=True) if response.content_type == TEXT_PLAIN else ""
        query = request.query_string.decode("latin-1")
        log_line(
            state.log,
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
