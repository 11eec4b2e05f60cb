"""The sans-I/O half of the Platform client: what each command sends, and what its reply means.

A send goes to ``POST /messages`` (a REST integration's key, in ``Authorization``) or, for an
HTTP integration, to ``GET /messages/http/send`` (the key as ``apiKey``, recipients
comma-separated). Results and exceptions are the HTTP client's where the meaning is the same:
one :class:`~.results.Sent` / :class:`~.results.Rejected` per recipient (the Platform's codes:
158 for a bad number), a :class:`~.results.Status` (the legacy number the Platform reports as
``statusCode``), a ``Decimal`` balance. A request-level error raises the
:class:`~.errors.APIError` of its family in the Platform's table
(:data:`~.errors.PLATFORM_ERROR_FAMILIES`), the two-way errors too (the Platform answers them
with 200); a body that is not the API's JSON raises :class:`~.errors.ParseError` (or
:class:`~.errors.TransportError` when the status says it is no reply of the API at all).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

from .errors import PLATFORM_ERROR_FAMILIES, ParseError, TransportError, error_for
from .rest_calls import RestCall, field_value
from .results import Rejected, SendResult, Sent, Status

#: HTTP statuses the Platform answers with (any other: no reply of the API).
API_STATUSES = frozenset({200, 202, 400, 401, 404, 405, 429, 503})


class PlatformSendOptions(TypedDict, total=False):
    """The optional fields of a Platform send, as keyword arguments of ``send``.

    ``sender`` (``from``: a two-way integration's number), ``client_message_id``,
    ``scheduled_delivery_time`` (a unix time or an aware ``datetime``), ``validity_period``
    (minutes), ``charset`` (``UTF-8``, ``ASCII``, ``UCS2-BE``, ``Windows-1252``), ``binary``
    (``content`` is then hex octets) and ``user_data_header`` (hex, with ``binary``).
    """

    sender: str
    client_message_id: str
    scheduled_delivery_time: datetime | int
    validity_period: int
    charset: str
    binary: bool
    user_data_header: str


#: Keyword -> the field it is sent as (the One API's messages take the same).
FIELDS = {
    "sender": "from",
    "client_message_id": "clientMessageId",
    "scheduled_delivery_time": "scheduledDeliveryTime",
    "validity_period": "validityPeriod",
    "charset": "charset",
    "binary": "binary",
    "user_data_header": "userDataHeader",
}


def recipients(to: str | Iterable[str]) -> list[str]:
    """One recipient or several (``ValueError`` for none, or an empty one)."""
    numbers = [to] if isinstance(to, str) else list(to)
    if not numbers or not all(isinstance(number, str) and number for number in numbers):
        raise ValueError("to: one or more recipients, each a non-empty str")
    return numbers


def fields_of(content: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """``content`` and the options under their field names (``TypeError`` for an unknown one)."""
    if not isinstance(content, str):
        raise TypeError("content: a str")
    unknown = sorted(set(options) - set(FIELDS))
    if unknown:
        raise TypeError(f"unknown send option(s): {', '.join(unknown)}")
    fields: dict[str, Any] = {"content": content}
    for name, value in options.items():
        if value is not None:
            fields[FIELDS[name]] = field_value(name, value)
    return fields


def send_call(
    to: str | Iterable[str], content: str, options: Mapping[str, Any], *, http_key: str | None
) -> RestCall:
    """A send: ``POST /messages``, or with ``http_key`` the HTTP integration's GET."""
    numbers = recipients(to)
    fields = fields_of(content, options)
    if http_key is None:
        return RestCall("POST", "/messages", {**fields, "to": numbers})
    query = {"apiKey": http_key, "to": ",".join(numbers)}
    for name, value in fields.items():
        query[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return RestCall("GET", "/messages/http/send", query=query)


def status_call(apimsgid: str) -> RestCall:
    """``GET /public-client/message/status?messageId=``."""
    return RestCall("GET", "/public-client/message/status", query={"messageId": apimsgid})


BALANCE_CALL = RestCall("GET", "/public-client/balance")


# -- what the reply means ----------------------------------------------------------------------


def document_of(status: int, body: str, statuses: frozenset[int]) -> dict[str, Any]:
    """A reply's JSON object (numbers as ``Decimal``); :class:`ParseError` or, when the
    status is none of ``statuses``, :class:`TransportError` otherwise."""
    try:
        document = json.loads(body, parse_float=Decimal)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        if status not in statuses:
            raise TransportError(f"HTTP {status}", status, body)
        raise ParseError(body, "not a JSON object")
    return document


def _checked(status: int, body: str) -> dict[str, Any]:
    """The reply's object; its request-level error raised as the code's family."""
    document = document_of(status, body, API_STATUSES)
    code = document.get("errorCode")
    if code is not None:
        if not isinstance(code, int) or isinstance(code, bool):
            raise ParseError(body, "errorCode: not a number")
        raise error_for(code, str(document.get("error") or ""), PLATFORM_ERROR_FAMILIES)
    return document


def send_results(
    body: str,
    document: dict[str, Any],
    refusal: Callable[[dict[str, Any]], tuple[object, str]],
    api: str,
) -> tuple[SendResult, ...]:
    """The ``messages`` entries of a send reply of ``api`` (the Platform's or the One API's):
    a :class:`Sent` for each accepted one, else a :class:`Rejected` with the code and text
    ``refusal`` reads from the entry."""
    entries = document.get("messages")
    if not isinstance(entries, list) or not entries:
        raise ParseError(body, "no message entries")
    results: list[SendResult] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("to"), str):
            raise ParseError(body, "an entry without a recipient")
        to = entry["to"]
        if entry.get("accepted") is True and isinstance(entry.get("apiMessageId"), str):
            results.append(Sent(entry["apiMessageId"], to))
            continue
        code, text = refusal(entry)
        if not isinstance(code, int) or isinstance(code, bool):
            raise ParseError(body, "a refused entry without an error code")
        results.append(Rejected(code, text, to, api))
    return tuple(results)


def _refusal(entry: dict[str, Any]) -> tuple[object, str]:
    return entry.get("errorCode"), str(entry.get("error") or "")


def parse_send(status: int, body: str) -> tuple[SendResult, ...]:
    """One :class:`Sent` or :class:`Rejected` per recipient, in order."""
    return send_results(body, _checked(status, body), _refusal, "platform")


def parse_status(status: int, body: str) -> Status:
    """A message's status (the legacy number the Platform calls ``statusCode``)."""
    document = _checked(status, body)
    apimsgid, code = document.get("messageId"), document.get("statusCode")
    if not isinstance(apimsgid, str) or not isinstance(code, int) or isinstance(code, bool):
        raise ParseError(body, "no messageId and statusCode")
    return Status(apimsgid, code)


def parse_balance(status: int, body: str) -> Decimal:
    """The balance (a JSON number, in the account's currency)."""
    return balance_of(_checked(status, body), body)


def balance_of(document: Mapping[str, Any], body: str) -> Decimal:
    """``balance`` of a balance reply, exact."""
    value = document.get("balance")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ParseError(body, "balance: not a number")
    return Decimal(value)
