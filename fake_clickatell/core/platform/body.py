"""A Platform request read: where its key is, and its fields, as each resource takes them.

* ``POST /messages`` (a REST integration): the key is the raw ``Authorization`` header; the
  body is JSON whatever ``Content-Type`` says (a body that is no JSON object is ``21``).
* ``/messages/http/send`` (an HTTP integration): every field is a query parameter (GET) or a
  form field (POST, form-encoded; the query's come first), the key among them as ``apiKey``.
  Values are UTF-8, ``+`` a space and ``%2B`` a plus; a name given twice keeps its first
  value. A body on GET is ignored (PyPI ``clickatell-platform`` sends a JSON copy of the
  parameters with it).
* ``/public-client/...``: the key is the ``Authorization`` header (or an ``apiKey``
  parameter), ``messageId`` a query parameter.

The journal shows the JSON body's fields, then the query's parameters (``apiKey`` masked).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ..commands import Params, split_recipients
from ..integrations.keys import header_key
from ..integrations.numbers import clean_listed_number, clean_number
from ..json_input import entry_text, journal_value, parse_document
from ..routing import Route
from .routes import HTTP_SEND, REST_SEND, SEND_KINDS

_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class PlatformInput:
    """A Platform request as its handlers read it."""

    route: Route
    #: The integration kind a send takes (``rest``, ``http``); ``None`` for other resources.
    kind: str | None
    #: The JSON body's fields (REST), or the parameters (first value of each name).
    fields: Mapping[str, Any]
    #: Why the body is not a JSON object (``None``: it is, or there was none to read).
    malformed: str | None
    #: The API key; ``None`` with ``unauthorized`` saying why there is none.
    key: str | None
    unauthorized: str | None


def _pairs(text: str) -> list[tuple[str, str]]:
    if not text:
        return []  # most sends have no query: no parsing
    return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace")


def _first(pairs: list[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def _param_key(fields: Mapping[str, Any]) -> tuple[str | None, str | None]:
    key = fields.get("apiKey")
    if isinstance(key, str) and key:
        return key, None
    return None, "no apiKey parameter (apiKey=<integration API key>)"


def _either_key(
    headers: Mapping[str, str], fields: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    key, why = header_key(headers)
    return (key, why) if key is not None else _param_key(fields)


Read = tuple[dict[str, Any], str | None, tuple[str | None, str | None], list[tuple[str, str]]]


def _rest_send(method: str, headers: Mapping[str, str], query: str, body: bytes) -> Read:
    document, malformed = parse_document(body)
    shown = [(name, journal_value(value)) for name, value in document.items()] + _pairs(query)
    return document, malformed, header_key(headers), shown


def _http_send(method: str, headers: Mapping[str, str], query: str, body: bytes) -> Read:
    pairs = _pairs(query)
    mimetype = headers.get("content-type", _FORM).split(";", 1)[0].strip().lower()
    if method == "POST" and mimetype == _FORM:
        pairs += _pairs(body.decode("utf-8", "replace"))
    fields = _first(pairs)
    return fields, None, _param_key(fields), pairs


def _query_only(method: str, headers: Mapping[str, str], query: str, body: bytes) -> Read:
    pairs = _pairs(query)
    fields = _first(pairs)
    return fields, None, _either_key(headers, fields), pairs


#: Resource -> how its requests are read (anything else: the query and a key anywhere).
_READERS: Mapping[str, Callable[[str, Mapping[str, str], str, bytes], Read]] = {
    REST_SEND: _rest_send,
    HTTP_SEND: _http_send,
}


def read(
    route: Route, method: str, headers: Mapping[str, str], query: str, body: bytes
) -> tuple[PlatformInput, Params]:
    """The request's input, and the parameters the journal shows."""
    reader = _READERS.get(route.resource, _query_only)
    fields, malformed, (key, unauthorized), shown = reader(method, headers, query, body)
    kind = SEND_KINDS.get(route.resource)
    given = PlatformInput(route, kind, fields, malformed, key, unauthorized)
    return given, Params(shown)


def entries(given: PlatformInput) -> list[str] | None:
    """The ``to`` entries as received (``None``: ``to`` is of no kind a recipient list has):
    a REST array (of strings or integers; a string or an integer alone is one recipient), or
    the HTTP send's comma-separated list."""
    value = given.fields.get("to")
    if value is None:
        return []
    if given.kind == "http":
        return split_recipients(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [entry_text(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    return None


def cleaner(given: PlatformInput) -> Callable[[str], str]:
    """How the send's entries are read as numbers (rule 8: the HTTP send also drops a Python
    list-repr's quotes and brackets)."""
    return clean_listed_number if given.kind == "http" else clean_number


def recipients_seen(given: PlatformInput) -> list[str]:
    """The recipients scenario rules see: the entries, read as numbers."""
    clean = cleaner(given)
    return [clean(entry) for entry in entries(given) or ()]
