"""A legacy REST request read: headers, JSON body, query-string fallback, as the API took them.

Clients of the REST API disagree on the details, so the fake reads what each of them sends:

* A body is parsed as JSON whatever ``Content-Type`` says, on the methods that carry one
  (POST); bodies on GET and DELETE are ignored (PyPI ``clickatell`` sends ``{}`` with them).
  A body that is not a JSON object (XML included) is ``100 Data malformed``; an empty one is
  no fields at all.
* Known fields may also come from the query string; the body wins (PyPI ``clickatell`` sends
  every field in both, DHIS2 puts ``maxMessageParts`` in the query). In the query, ``to`` may
  repeat and may hold comma-separated numbers.
* Flags take ``true``/``false``, ``0``/``1``, ``"0"``/``"1"`` and ``"true"``/``"false"``;
  numbers may be JSON numbers or digit strings (Clickatell's Java sample sends every option as
  a string); ``to`` entries may be strings or integers; ``null`` is an absent field.

The options are then checked by the same code as the HTTP API's (:mod:`..commands`), under
their HTTP names (:data:`FIELDS`); a reason that names an HTTP parameter is told with the REST
field's name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from ..codes import Err
from ..commands import InvalidCommand, Params
from .routes import Route

#: REST field -> (how its value is read, the HTTP parameter that means the same).
FIELDS: Mapping[str, tuple[str, str]] = {
    "from": ("string", "from"),
    "clientMessageId": ("string", "climsgid"),
    "callback": ("integer", "callback"),
    "maxMessageParts": ("integer", "concat"),
    "userPriorityQueue": ("integer", "queue"),
    "validityPeriod": ("integer", "validity"),
    "maxCredits": ("number", "max_credits"),
    "mo": ("flag", "mo"),
    "escalate": ("flag", "escalate"),
    "unicode": ("flag", "unicode"),
    "binary": ("flag", "binary"),
    "scheduledDeliveryTime": ("time", "scheduled_time"),
    "userDataHeader": ("string", "udh"),
}
#: HTTP parameter -> the REST field, for telling reasons in the REST API's words.
_REST_NAMES = {http: rest for rest, (_, http) in FIELDS.items()}
#: Fields the query string may carry (the body wins).
QUERY_FIELDS = frozenset({*FIELDS, "to", "text", "clientMessageId"})

_TRUE = frozenset({"1", "true"})
_FALSE = frozenset({"0", "false"})
#: A \u escape of a UTF-16 surrogate: only then can a parsed string hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass(frozen=True, slots=True)
class RestInput:
    """A REST request as its handlers read it."""

    route: Route
    #: Body fields over the known query fields.
    fields: Mapping[str, Any]
    #: Why the body is not a JSON object (``None``: it is, or there was none to read).
    malformed: str | None
    #: The bearer token; ``None`` with ``unauthorized`` saying why there is none.
    token: str | None
    unauthorized: str | None
    #: The ``X-Version`` header as sent (``None``: absent).
    version: str | None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


#: Made once: ``json.loads`` with an option builds a decoder per call.
_DECODE = json.JSONDecoder(parse_constant=_reject_constant).decode


def parse_document(body: bytes) -> tuple[dict[str, Any], str | None]:
    """The JSON object a body holds (``{}`` for none), or ``{}`` and why it is malformed."""
    if not body.strip():
        return {}, None
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return {}, f"the body is not UTF-8 ({error.reason} at byte {error.start})"
    try:
        value = _DECODE(text)
    except RecursionError:
        return {}, "the body is not JSON: nested too deep"
    except ValueError as error:
        return {}, f"the body is not JSON: {error}"
    if not isinstance(value, dict):
        return {}, f"the body is JSON {describe(value)}, not an object"
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return {}, "the body is not JSON text: a string holds a lone UTF-16 surrogate"
    return value, None


def describe(value: object) -> str:
    """A JSON value as a reason quotes it: compact, cut when long."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= 40 else text[:40] + "..."


def bearer_token(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The token of ``Authorization: Bearer <token>`` (scheme in any case), or why none."""
    value = headers.get("authorization")
    if value is None:
        return None, "no Authorization header (Authorization: Bearer <token>)"
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None, "the Authorization header is not 'Bearer <token>'"
    token = token.strip()
    if not token:
        return None, "the Authorization header has no token after Bearer"
    return token, None


def query_fields(query: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The known fields of a query string (first wins; every ``to`` kept), and every pair."""
    pairs = parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace")
    fields: dict[str, Any] = {}
    numbers: list[str] = []
    for name, value in pairs:
        if name == "to":
            numbers.extend(entry.strip() for entry in value.split(",") if entry.strip())
        elif name in QUERY_FIELDS:
            fields.setdefault(name, value)
    if numbers:
        fields["to"] = numbers
    return fields, pairs


def read(
    route: Route, method: str, headers: Mapping[str, str], query: str, body: bytes
) -> tuple[RestInput, Params]:
    """The request's input, and the parameters the journal shows (query, then body fields)."""
    fields, pairs = query_fields(query)
    malformed = None
    document: dict[str, Any] = {}
    if method == "POST":
        document, malformed = parse_document(body)
        fields.update(document)
    token, unauthorized = bearer_token(headers)
    version = headers.get("x-version")
    shown: dict[str, str] = {}
    for name, value in pairs:
        shown.setdefault(name, value)  # a name given twice keeps its first value, as in HTTP
    shown.update((name, journal_value(value)) for name, value in document.items())
    given = RestInput(route, fields, malformed, token, unauthorized, version)
    return given, Params(shown.items())


def journal_value(value: object) -> str:
    """A field as the journal and rules see it: a string as it is, a list of numbers
    comma-separated (as ``to`` is in the HTTP API), anything else as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(
        isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool))
        for item in value
    ):
        return ",".join(map(str, value))
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# -- values -> the HTTP API's parameters -----------------------------------------------------


def _string(name: str, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    expected = f"{name}: expected a string, got {describe(value)}"
    raise InvalidCommand(Err.INVALID_PARAMETERS, expected)


def _integer(name: str, value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value  # checked as the HTTP parameter is: digits in range
    raise InvalidCommand(
        Err.INVALID_PARAMETERS, f"{name}: expected a whole number, got {describe(value)}"
    )


def _number(name: str, value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    expected = f"{name}: expected a number, got {describe(value)}"
    raise InvalidCommand(Err.INVALID_PARAMETERS, expected)


def _flag(name: str, value: object) -> str:
    text = str(value).lower() if isinstance(value, str | bool | int) else None
    if text in _TRUE:
        return "1"
    if text in _FALSE:
        return "0"
    raise InvalidCommand(
        Err.INVALID_PARAMETERS,
        f"{name}: expected true, false, 0 or 1 (or one of them as a string), got {describe(value)}",
    )


def _time(name: str, value: object) -> str:
    """Unix seconds (a number or digits), or ISO 8601 with ``Z``, ``+hh:mm`` or ``+hhmm``."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str):
        if value.isascii() and value.isdigit():
            return value
        try:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None and "T" in value:
                return str(max(0, int(parsed.timestamp())))
        except (ValueError, OverflowError):  # not ISO 8601, or past year 9999 in UTC
            pass
    raise InvalidCommand(
        Err.INVALID_DELIVERY_TIME,
        f"{name}: expected unix seconds or an ISO 8601 time with Z or an offset"
        f" (2015-01-01T13:00:00Z), got {describe(value)}",
    )


_READERS: Mapping[str, Callable[[str, object], str]] = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "flag": _flag,
    "time": _time,
}


def option_params(fields: Mapping[str, Any]) -> Params:
    """The message options of a send as the HTTP API's parameters (:class:`InvalidCommand`
    for a value of the wrong kind); ``null`` is an absent field."""
    pairs = []
    for name, (kind, http_name) in FIELDS.items():
        value = fields.get(name)
        if value is not None:
            pairs.append((http_name, _READERS[kind](name, value)))
    return Params(pairs)


def in_rest_words(reason: str) -> str:
    """A reason from the shared checks, naming the REST field where it names an HTTP one."""
    name, colon, rest = reason.partition(":")
    rest_name = _REST_NAMES.get(name)
    return f"{rest_name}{colon}{rest}" if colon and rest_name else reason


def recipients(value: object) -> list[str]:
    """The ``to`` entries as given: strings as they are, integers in digits, anything else as
    its JSON text (no number: 105 for that entry). Not a list: 101."""
    if not isinstance(value, list):
        given = "missing" if value is None else f"expected a JSON array, got {describe(value)}"
        raise InvalidCommand(Err.INVALID_PARAMETERS, f"to: {given}")
    if not value:
        raise InvalidCommand(Err.INVALID_PARAMETERS, "to: an empty array (no recipient)")
    return [_entry(item) for item in value]


def recipients_seen(value: object) -> list[str]:
    """The ``to`` entries scenario rules see (none when ``to`` is not a list)."""
    return [_entry(item) for item in value] if isinstance(value, list) else []


def _entry(item: object) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, int) and not isinstance(item, bool):
        return str(item)
    return json.dumps(item, separators=(",", ":"), ensure_ascii=False)
