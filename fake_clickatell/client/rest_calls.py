"""The sans-I/O half of the REST client: what each command sends, and what its reply means.

Each command is a :class:`RestCall` (method, path, JSON body) and a parser from the reply's
HTTP status and body to the command's result; :class:`~.rest_http.RestClient` and its async
twin only move the bytes. Results and exceptions are the HTTP client's where the meaning is
the same: :class:`~.results.Sent` / :class:`~.results.Rejected` per recipient, a
:class:`~.results.Status`, a :class:`~.results.Charge`, a ``Decimal`` balance, a
:class:`~.results.RouteCoverage`; a request-level error raises the :class:`~.errors.APIError`
of its code's family; a body that is not the API's JSON raises :class:`~.errors.ParseError`
(or :class:`~.errors.TransportError` when the status says it is no reply of the API at all).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, TypeVar
from urllib.parse import quote

from ..core.commands import DEFAULT_CONCAT, MAX_CONCAT
from ..core.encoding import Coding, is_gsm7, text_parts
from .errors import ParseError, TransportError, error_for
from .results import Charge, Rejected, RouteCoverage, SendResult, Sent, Status

T = TypeVar("T")

#: HTTP statuses the REST API answers with (any other: no reply of the API).
API_STATUSES = frozenset({200, 202, 207, 400, 401, 402, 404, 405, 410, 429, 503})


class RestSendOptions(TypedDict, total=False):
    """The optional fields of ``POST /rest/message``, as keyword arguments of ``send``.

    * ``sender`` (``from``), ``client_message_id`` (``clientMessageId``), ``callback`` (0-7),
      ``mo``, ``escalate``, ``unicode`` (force UCS-2; by default the API picks it when the
      text is not GSM-7), ``user_priority_queue`` (1-3), ``validity_period`` (minutes).
    * ``max_message_parts``: by default the parts the text needs when over the API's 3.
    * ``max_credits``: the most the message may cost.
    * ``scheduled_delivery_time``: a unix time or an aware ``datetime`` (sent as ISO 8601).
    """

    sender: str
    client_message_id: str
    callback: int
    mo: bool
    escalate: bool
    unicode: bool
    user_priority_queue: int
    validity_period: int
    max_message_parts: int
    max_credits: Decimal | int
    scheduled_delivery_time: datetime | int


#: Keyword -> the REST field it is sent as.
_FIELDS = {
    "sender": "from",
    "client_message_id": "clientMessageId",
    "callback": "callback",
    "mo": "mo",
    "escalate": "escalate",
    "unicode": "unicode",
    "user_priority_queue": "userPriorityQueue",
    "validity_period": "validityPeriod",
    "max_message_parts": "maxMessageParts",
    "max_credits": "maxCredits",
    "scheduled_delivery_time": "scheduledDeliveryTime",
}


@dataclass(frozen=True, slots=True)
class RestCall:
    """One request: method, path (under the base URL), JSON body (``None``: none)."""

    method: str
    path: str
    body: Mapping[str, Any] | None = None
    query: Mapping[str, str] = field(default_factory=dict)


# -- what to send ----------------------------------------------------------------------------


def field_value(name: str, value: object) -> object:
    """An option as JSON carries it: an aware datetime as ISO 8601 UTC, a Decimal as a number."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{name}: give an aware datetime (with a time zone)")
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def send_call(to: str | Iterable[str], text: str, options: Mapping[str, Any]) -> RestCall:
    """``POST /rest/message`` to one recipient or several (``ValueError``/``TypeError`` for a
    misuse of the client itself)."""
    numbers = [to] if isinstance(to, str) else list(to)
    if not numbers or not all(isinstance(number, str) and number for number in numbers):
        raise ValueError("to: one or more recipients, each a non-empty str")
    if not isinstance(text, str):
        raise TypeError("text: a str")
    unknown = sorted(set(options) - set(_FIELDS))
    if unknown:
        raise TypeError(f"unknown send option(s): {', '.join(unknown)}")
    body: dict[str, Any] = {"text": text, "to": numbers}
    for name, value in options.items():
        if value is not None:
            body[_FIELDS[name]] = field_value(name, value)
    if "maxMessageParts" not in body:
        coding = Coding.UCS2 if options.get("unicode") or not is_gsm7(text) else Coding.GSM7
        parts = text_parts(text, coding) if text else 1
        if parts > DEFAULT_CONCAT:
            body["maxMessageParts"] = min(parts, MAX_CONCAT)
    return RestCall("POST", "/rest/message", body)


def message_call(method: str, apimsgid: str | None, client_message_id: str | None) -> RestCall:
    """``GET``/``DELETE /rest/message/{id}``, or ``GET /rest/message?clientMessageId=``."""
    if (apimsgid is None) == (client_message_id is None):
        raise ValueError("name the message by apimsgid or by client_message_id (one of them)")
    if apimsgid is not None:
        return RestCall(method, f"/rest/message/{quote(apimsgid, safe='')}")
    if method != "GET":
        raise ValueError("the REST API stops a message by its apimsgid only")
    return RestCall("GET", "/rest/message", query={"clientMessageId": str(client_message_id)})


BALANCE_CALL = RestCall("GET", "/rest/account/balance")


def coverage_call(msisdn: str) -> RestCall:
    """``GET /rest/coverage/{msisdn}``."""
    return RestCall("GET", f"/rest/coverage/{quote(msisdn, safe='')}")


# -- what the reply means ----------------------------------------------------------------------


def data_of(status: int, body: str) -> dict[str, Any]:
    """The ``data`` of a reply; its error raised as the code's :class:`APIError`."""
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        if status not in API_STATUSES:
            raise TransportError(f"HTTP {status}", status, body)
        raise ParseError(body, "not a JSON object")
    error = document.get("error")
    if "data" not in document and isinstance(error, dict):
        code = error.get("code")
        if not (isinstance(code, str) and code.isdigit()):
            raise ParseError(body, "an error without a numeric code")
        raise error_for(int(code), str(error.get("description", "")))
    data = document.get("data")
    if not isinstance(data, dict):
        raise ParseError(body, "neither data nor error")
    return data


def _field(data: Mapping[str, Any], name: str, kind: type[T], body: str) -> T:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ParseError(body, f"{name}: not a {kind.__name__}")
    return value


def _money(value: object, body: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ParseError(body, f"not an amount: {value!r}") from None


def parse_send(status: int, body: str) -> tuple[SendResult, ...]:
    """One :class:`Sent` or :class:`Rejected` per recipient, in order."""
    data = data_of(status, body)
    entries = data.get("message")
    if not isinstance(entries, list) or not entries:
        raise ParseError(body, "no message entries")
    results: list[SendResult] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ParseError(body, "an entry that is not an object")
        to = _field(entry, "to", str, body)
        if entry.get("accepted") is True:
            results.append(Sent(_field(entry, "apiMessageId", str, body), to))
            continue
        error = entry.get("error")
        if not isinstance(error, dict) or not str(error.get("code", "")).isdigit():
            raise ParseError(body, "a refused entry without an error code")
        results.append(Rejected(int(error["code"]), str(error.get("description", "")), to))
    return tuple(results)


def _status(data: Mapping[str, Any], body: str) -> int:
    code = _field(data, "messageStatus", str, body)
    if not code.isdigit():
        raise ParseError(body, "messageStatus: not three digits")
    return int(code)


def parse_status(status: int, body: str) -> Status:
    """A message's status (query, stop)."""
    data = data_of(status, body)
    return Status(_field(data, "apiMessageId", str, body), _status(data, body))


def parse_charge(status: int, body: str) -> Charge:
    """A message's charge and status."""
    data = data_of(status, body)
    charge = _money(data.get("charge"), body)
    return Charge(_field(data, "apiMessageId", str, body), charge, _status(data, body))


def parse_balance(status: int, body: str) -> Decimal:
    """The credit (a string with two decimals on the wire)."""
    return _money(_field(data_of(status, body), "balance", str, body), body)


def coverage_parser(msisdn: str) -> Callable[[int, str], RouteCoverage]:
    """The parser of a coverage reply for ``msisdn`` (as given)."""

    def parse(status: int, body: str) -> RouteCoverage:
        data = data_of(status, body)
        routable = _field(data, "routable", bool, body)
        charge = _money(data.get("minimumCharge"), body) if routable else None
        return RouteCoverage(msisdn, charge)

    return parse
