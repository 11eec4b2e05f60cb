"""A One API request read: its key (the raw ``Authorization`` header) and its JSON body.

A body is parsed as JSON whatever ``Content-Type`` says, on POST only (bodies on GET are
ignored). The journal shows the body's fields (``messages`` as compact JSON), then the query's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ..commands import Params
from ..integrations.keys import header_key
from ..integrations.numbers import clean_number
from ..json_input import entry_text, journal_value, parse_document
from ..routing import Route


@dataclass(frozen=True, slots=True)
class OneApiInput:
    """A One API request as its handlers read it."""

    route: Route
    #: The body's JSON object (``{}``: none, or no object).
    document: Mapping[str, Any]
    #: Why the body is not a JSON object (``None``: it is, or there was none to read).
    malformed: str | None
    #: The API key; ``None`` with ``unauthorized`` saying why there is none.
    key: str | None
    unauthorized: str | None


def read(
    route: Route, method: str, headers: Mapping[str, str], query: str, body: bytes
) -> tuple[OneApiInput, Params]:
    """The request's input, and the parameters the journal shows."""
    document: dict[str, Any] = {}
    malformed = None
    if method == "POST":
        document, malformed = parse_document(body)
    key, unauthorized = header_key(headers)
    shown = [(name, journal_value(value)) for name, value in document.items()]
    if query:
        shown += parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace")
    return OneApiInput(route, document, malformed, key, unauthorized), Params(shown)


def recipients_seen(given: OneApiInput) -> list[str]:
    """The recipients scenario rules see: each message's ``to``, read as a number."""
    messages = given.document.get("messages")
    if not isinstance(messages, list):
        return []
    return [
        clean_number(entry_text(item["to"]))
        for item in messages
        if isinstance(item, dict) and item.get("to") is not None
    ]
