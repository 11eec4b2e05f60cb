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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ..codes import Err
from ..commands import InvalidCommand, Params
from ..json_input import READERS, describe, entry_text, journal_value, parse_document
from ..routing import Route

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
    if not query:
        return {}, []  # most sends have none: no parsing
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
    for name, value in document.items():
        shown[name] = journal_value(value)
    given = RestInput(route, fields, malformed, token, unauthorized, version)
    return given, Params(shown.items())


def option_params(fields: Mapping[str, Any]) -> Params:
    """The message options of a send as the HTTP API's parameters (:class:`InvalidCommand`
    for a value of the wrong kind); ``null`` is an absent field."""
    pairs = []
    for name, (kind, http_name) in FIELDS.items():
        value = fields.get(name)
        if value is not None:
            pairs.append((http_name, READERS[kind](name, value)))
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
    return [entry_text(item) for item in value]


def recipients_seen(value: object) -> list[str]:
    """The ``to`` entries scenario rules see (none when ``to`` is not a list)."""
    return [entry_text(item) for item in value] if isinstance(value, list) else []
