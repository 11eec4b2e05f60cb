"""The sans-I/O half of the One API client: what each command sends, and what its reply means.

A send is one SMS message per recipient (``POST /v1/message``, ``"channel":"sms"``); each
message is answered in its entry: one :class:`~.results.Sent` or :class:`~.results.Rejected`
per recipient (the One API's codes: 25 for a bad number, 20 for no balance), whatever the HTTP
status (202, 207, or the first message error's 400/402). A global error (``{"error":{...}}``
alone) raises the :class:`~.errors.APIError` of its family in the One API's table
(:data:`~.errors.ONE_API_ERROR_FAMILIES`). A status query returns a
:class:`~.results.OneApiStatus` (the One API names statuses its own way); the balance a
``Decimal``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from .errors import ONE_API_ERROR_FAMILIES, ParseError, error_for
from .platform_calls import (
    PlatformSendOptions,
    balance_of,
    document_of,
    fields_of,
    recipients,
    send_results,
)
from .rest_calls import RestCall
from .results import OneApiStatus, SendResult

#: HTTP statuses the One API answers with (any other: no reply of the API).
API_STATUSES = frozenset({200, 202, 207, 400, 401, 402, 404, 500, 503})

#: A One API message takes the Platform's send fields.
OneApiSendOptions = PlatformSendOptions


def send_call(to: str | Iterable[str], content: str, options: Mapping[str, Any]) -> RestCall:
    """``POST /v1/message``: one SMS message per recipient, each with the same fields."""
    fields = fields_of(content, options)
    messages = [{"channel": "sms", "to": number, **fields} for number in recipients(to)]
    return RestCall("POST", "/v1/message", {"messages": messages})


def status_call(apimsgid: str) -> RestCall:
    """``GET /v1/message/{id}``."""
    return RestCall("GET", f"/v1/message/{quote(apimsgid, safe='')}")


BALANCE_CALL = RestCall("GET", "/v1/balance")


def _checked(status: int, body: str) -> dict[str, Any]:
    """The reply's object; a global error raised as the code's family."""
    document = document_of(status, body, API_STATUSES)
    error = document.get("error")
    if "messages" not in document and isinstance(error, dict):
        code = error.get("code")
        if not isinstance(code, int) or isinstance(code, bool):
            raise ParseError(body, "an error without a numeric code")
        raise error_for(code, str(error.get("description", "")), ONE_API_ERROR_FAMILIES)
    return document


def _refusal(entry: dict[str, Any]) -> tuple[object, str]:
    error = entry.get("error")
    if not isinstance(error, dict):
        return None, ""
    return error.get("code"), str(error.get("description", ""))


def parse_send(status: int, body: str) -> tuple[SendResult, ...]:
    """One :class:`Sent` or :class:`Rejected` per message, in order."""
    return send_results(body, _checked(status, body), _refusal, "one")


def status_parser(apimsgid: str) -> Callable[[int, str], OneApiStatus]:
    """The parser of a status reply for ``apimsgid`` (an unknown message names none)."""

    def parse(status: int, body: str) -> OneApiStatus:
        document = _checked(status, body)
        state = document.get("sms", document)
        if not isinstance(state, dict):
            raise ParseError(body, "sms: not an object")
        name, at = state.get("status"), state.get("timestamp")
        if not isinstance(name, str) or not isinstance(at, int) or isinstance(at, bool):
            raise ParseError(body, "no status and timestamp")
        return OneApiStatus(apimsgid, name, at)

    return parse


def parse_balance(status: int, body: str) -> Decimal:
    """The balance (a JSON number, in the account's currency)."""
    return balance_of(_checked(status, body), body)
