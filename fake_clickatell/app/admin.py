"""The JSON admin API under ``/__admin/`` (Flask): watch the fake and drive it.

Messages, the request journal, accounts, errors, reset, the clock, the scenario, rules,
callbacks and inbound messages. Each view validates its input (anything wrong: 400 with the
reason) and calls one :class:`~.runtime.Runtime` operation, which is atomic: an admin call
never sees a request half done. Listings come a page at a time (``?offset=&limit=``), built
under the lock and turned into JSON outside it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from .._version import __version__
from ..core.clock import MAX_TIME, ClockError
from ..core.codes import STATUSES
from ..core.gateway import PROTOCOLS, InboundError
from ..core.paging import DEFAULT_PAGE, MAX_OFFSET, MAX_PAGE
from ..core.request import TEXT_PLAIN
from ..core.views import MessageFilter, RequestFilter
from ..scenario import ScenarioError, load_scenario_text
from ..server.wire import MAX_BODY
from . import events, openapi
from .request_log import log_line
from .runtime import Runtime, runtime_of

_JSON = "application/json"


class _Invalid(Exception):
    """Input an admin view refuses: answered 400 with ``{"error": message}``."""


def _runtime() -> Runtime:
    return runtime_of(current_app)


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type=TEXT_PLAIN)


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type=_JSON)


def _bad_request(message: str) -> Response:
    return _json({"error": message}, status=400)


# -- input ---------------------------------------------------------------------------------------


def _page_args() -> tuple[int, int]:
    """``offset`` and ``limit`` of a listing (default: from 0, :data:`DEFAULT_PAGE` items)."""
    return _int_arg("offset", 0, 0, MAX_OFFSET), _int_arg("limit", DEFAULT_PAGE, 1, MAX_PAGE)


def _int_arg(name: str, default: int, low: int, high: int | None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    bound = f"from {low} to {high}" if high is not None else f">= {low}"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise _Invalid(f"{name}: expected a whole number {bound}, got {raw[:40]!r}")
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise _Invalid(f"{name}: expected a whole number {bound}, got {value}")
    return value


def _json_object(expected: str) -> dict[str, Any]:
    """The request's JSON object body; :class:`_Invalid` naming ``expected`` otherwise."""
    payload = request.get_json(silent=True)
    if isinstance(payload, dict) and payload:
        return payload
    if request.mimetype != _JSON and request.get_data(cache=True):
        raise _Invalid(f"expected a JSON object: {expected}; send it with 'Content-Type: {_JSON}'")
    raise _Invalid(f"expected a JSON object: {expected}")


def _only(payload: Mapping[str, Any], known: tuple[str, ...]) -> None:
    unknown = sorted(set(payload) - set(known))
    if unknown:
        raise _Invalid(f"unknown keys: {', '.join(unknown)} (known: {', '.join(known)})")


def _number(payload: Mapping[str, Any], key: str, low: float, high: float) -> float | None:
    """A finite number from ``low`` to ``high`` at ``key``, as a float (``None`` if absent)."""
    if key not in payload:
        return None
    value = payload[key]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _Invalid(f"{key}: expected a number, got {_short(value)}")
    try:
        number = float(value)  # an integer too large for a float raises here
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or not low <= number <= high:
        raise _Invalid(f"{key}: expected a finite number from {low:g} to {high:g}")
    return number


def _text_value(payload: Mapping[str, Any], key: str) -> str | None:
    """A non-empty string at ``key`` that UTF-8 can carry (no lone surrogates); ``None``
    when the key is absent."""
    if key not in payload:
        return None
    value = payload[key]
    if not isinstance(value, str) or not value:
        raise _Invalid(f"{key}: expected a non-empty string, got {_short(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Invalid(f"{key}: not valid text (a lone surrogate)") from None
    return value


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- views ---------------------------------------------------------------------------------------


def _admin_messages() -> Response:
    offset, limit = _page_args()
    args = request.args
    status = args.get("status")
    where = MessageFilter(
        to=args.get("to") or None,
        status=None if status is None else _status_arg(status),
        api_id=args.get("api_id") or None,
        climsgid=args.get("climsgid") or None,
        since=_time_arg("since"),
        api=_api_arg(args.get("api"), outside=False),
    )
    return _json(_runtime().messages(offset, limit, where))


def _admin_requests() -> Response:
    offset, limit = _page_args()
    args = request.args
    after_seq = _int_arg("after", 0, 0, MAX_OFFSET) if "after" in args else None
    status = args.get("status")
    where = RequestFilter(
        command=args.get("command"),  # "" (given empty): requests that reached no command
        path=args.get("path") or None,
        status=None if status is None else _http_status_arg(status),
        since=_time_arg("since"),
        api=_api_arg(args.get("api"), outside=True),  # "": requests outside every API
    )
    return _json(_runtime().journal(offset, limit, after_seq, where))


def _status_arg(raw: str) -> int:
    """A message status, three digits as the admin API writes them (``004``)."""
    if raw.isascii() and raw.isdigit() and len(raw) == 3 and int(raw) in STATUSES:
        return int(raw)
    known = ", ".join(f"{code:03d}" for code in STATUSES)
    raise _Invalid(f"status: expected a message status ({known}), got {raw[:40]!r}")


def _api_arg(raw: str | None, *, outside: bool) -> str | None:
    """An API's name (``http``, ``rest``); ``""`` too when ``outside`` (no API at all)."""
    if raw is None or raw in PROTOCOLS or (outside and raw == ""):
        return raw
    known = ", ".join(PROTOCOLS) + (", or empty" if outside else "")
    raise _Invalid(f"api: expected one of {known}, got {raw[:40]!r}")


def _http_status_arg(raw: str) -> int:
    """An HTTP status (``200``), or ``none`` (0) for requests that got no reply."""
    if raw.lower() == "none":
        return 0
    if raw.isascii() and raw.isdigit() and len(raw) == 3 and "100" <= raw <= "599":
        return int(raw)
    raise _Invalid(f"status: expected an HTTP status such as 200, or none, got {raw[:40]!r}")


#: An RFC 3339 date-time (what OpenAPI's ``date-time`` means).
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))"
)
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _time_arg(name: str) -> float | None:
    """A time given as unix seconds or an RFC 3339 date-time."""
    raw = request.args.get(name)
    if raw is None:
        return None
    value = _parse_time(raw)
    if value is None:
        raise _Invalid(
            f"{name}: expected unix seconds or a date-time such as 2027-01-15T08:00:00Z,"
            f" got {raw[:40]!r}"
        )
    return value


def _parse_time(raw: str) -> float | None:
    if _NUMBER.fullmatch(raw):
        number = float(raw)
        return number if math.isfinite(number) and number >= 0 else None
    match = _DATE_TIME.fullmatch(raw)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
    fraction = float(match[7]) if match[7] else 0.0
    offset = dt.timedelta(0)
    if match[9]:
        offset = dt.timedelta(hours=int(match[10]), minutes=int(match[11]))
        offset = -offset if match[9] == "-" else offset
    try:
        zone = dt.timezone(offset)
        moment = dt.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=zone)
    except ValueError:  # a day or hour out of range, an offset of a day or more
        return None
    # A leap second (:60) is the next second, as a unix time has none.
    return moment.timestamp() + fraction + (1 if second == 60 else 0)


def _admin_accounts() -> Response:
    offset, limit = _page_args()
    return _json(_runtime().accounts(offset, limit))


def _admin_errors() -> Response:
    return _json({"errors": [error.to_json() for error in _runtime().errors]})


def _admin_reset() -> Response:
    runtime = _runtime()
    which = request.args.get("scenario", "initial")
    if which not in ("initial", "current"):
        raise _Invalid(f"scenario: expected initial or current, got {which[:40]!r}")
    # Pushes not yet delivered are dropped, and stay listed as dropped.
    last = runtime.restore() if which == "initial" else runtime.reset()
    scenario = runtime.gateway.scenario.source
    return _json(
        {"reset": True, "scenario": scenario, "clock": runtime.clock(), "last_push_id": last}
    )


def _admin_health() -> Response:
    """Liveness and readiness: answers while the server can answer; takes no lock."""
    return _json({"status": "ok", "version": __version__})


def _admin_events() -> Response:
    """Server-sent events: ``change`` whenever the fake changes (:mod:`.events`)."""
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    stream = events.stream(_runtime().changes)
    return Response(stream, content_type="text/event-stream; charset=utf-8", headers=headers)


def _admin_openapi() -> Response:
    return _json(openapi.document())


def _admin_clock() -> Response:
    runtime = _runtime()
    if request.method == "GET":
        return _json(runtime.clock())
    payload = _json_object('{"advance": seconds}, {"set": unix_time} or {"freeze": true|false}')
    _only(payload, ("advance", "set", "freeze"))
    freeze = payload.get("freeze")
    if "freeze" in payload and not isinstance(freeze, bool):
        raise _Invalid("freeze: expected true or false")
    advance = _number(payload, "advance", 0, MAX_TIME)
    at = _number(payload, "set", 0, MAX_TIME)
    try:
        return _json(runtime.move_clock(advance=advance, set=at, freeze=freeze))
    except ClockError as error:
        raise _Invalid(str(error)) from None


def _admin_callbacks() -> Response:
    offset, limit = _page_args()
    return _json(_runtime().pushes(offset, limit))


def _admin_flush_callbacks() -> Response:
    """Send every push due now and answer when done: tests need no sleeping."""
    offset, limit = _page_args()
    runtime = _runtime()
    flushed = runtime.flush_pushes()
    return _json({"flushed": flushed, **runtime.pushes(offset, limit)})


_MO_KEYS = ("to", "from", "text", "api_id", "user", "network")


def _admin_mo() -> Response:
    runtime = _runtime()
    if request.method == "GET":
        offset, limit = _page_args()
        return _json(runtime.inbound(offset, limit))
    payload = _json_object('{"to": number, "from": handset, "text": ...}')
    _only(payload, _MO_KEYS)
    values = {key: _text_value(payload, key) for key in _MO_KEYS}
    missing = [key for key in ("to", "from", "text") if values[key] is None]
    if missing:
        raise _Invalid(f"missing: {', '.join(missing)}")
    try:
        ids = runtime.inject_mo(
            to=values["to"] or "",
            sender=values["from"] or "",
            text=values["text"] or "",
            api_id=values["api_id"],
            user=values["user"],
            network=values["network"] or "",
        )
    except InboundError as error:
        raise _Invalid(str(error)) from None
    return _json({"moMsgIds": ids})


def _admin_rules() -> Response:
    return _json(_runtime().rules())


def _admin_rule(key: str) -> Response:
    runtime = _runtime()
    payload = _json_object('{"enabled": true} or {"enabled": false}')
    _only(payload, ("enabled",))
    if not isinstance(payload.get("enabled"), bool):
        raise _Invalid("enabled: expected true or false")
    if not runtime.set_rule_enabled(key, payload["enabled"]):
        return _json({"error": f"no rule named {key!r}"}, status=404)
    return _json(runtime.rules())


def _admin_scenario() -> Response:
    runtime = _runtime()
    if (request.content_length or 0) > MAX_BODY:
        raise _Invalid(f"scenario larger than {MAX_BODY} bytes")
    try:
        text = request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        raise _Invalid("the scenario must be UTF-8 text") from None
    try:
        scenario = load_scenario_text(text, source="<PUT /__admin/scenario>")
    except ScenarioError as error:
        raise _Invalid(str(error)) from None
    last = runtime.load(scenario, trusted=False)
    return _json(
        {"loaded": scenario.source, "accounts": len(scenario.accounts), "last_push_id": last}
    )


# -- errors and logging --------------------------------------------------------------------------


def _invalid(error: _Invalid) -> Response:
    return _bad_request(str(error))


def _http_error(error: HTTPException) -> Response:
    code = error.code or 500
    response = _text(f"{code} {error.name}", status=code)
    allowed = getattr(error, "valid_methods", None)
    if allowed:  # a 405 says what the path does take (RFC 9110 §15.5.6)
        response.headers["Allow"] = ", ".join(allowed)
    return response


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
    if log is not None and request.blueprint != "ui":  # the web UI's own traffic: not logged
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
        ("/health", _admin_health, ["GET"]),
        ("/openapi.json", _admin_openapi, ["GET"]),
        ("/events", _admin_events, ["GET"]),
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
    app.register_error_handler(_Invalid, _invalid)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_log_request)
