"""The legacy REST API's replies: values, and :func:`render`, the one place their bytes are
written.

Most reply values are the shared ones of :mod:`..grammar` (an :class:`ApiError`, one result
per recipient, a message's status, the balance), rendered here as the REST API's JSON; the few
the HTTP API has no use for are defined here. Rendering rules: compact JSON, keys in the
documented order, UTF-8, no trailing newline; codes and statuses are three-digit strings, the
balance a string with two decimals, every other amount a JSON number in its shortest form.

Reply shapes (HTTP status, body)::

    ApiError(1, ...)          401 {"error":{"code":"001","description":...,"documentation":...}}
    Unrouted(404, error)      404 the error object (405: a resource that takes other methods)
    MultiRecipient((...))     202/207/400/402/410 {"data":{"message":[{"accepted":true,...}]}}
    MessageReport(...)        200 {"data":{"charge":1,"messageStatus":"004",...}}
    MessageStatus(...)        200 {"data":{"messageStatus":"006","description":...,...}}
    Balance(...)              200 {"data":{"balance":"300.50"}}
    RouteReport(...)          200 {"data":{"routable":true,"destination":...,"minimumCharge":1}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from ..codes import STATUSES, format_code
from ..grammar import (
    ApiError,
    Balance,
    MessageStatus,
    MultiRecipient,
    RecipientAccepted,
    RecipientResult,
    format_decimal,
    reason_of,
)
from .codes import DOCUMENTATION, error_status, send_status


@dataclass(frozen=True, slots=True)
class Unrouted:
    """A path under ``/rest/`` that is no resource (404), or a method the resource does not
    take (405): the error object of ``error`` (code 101)."""

    status: int
    error: ApiError


@dataclass(frozen=True, slots=True)
class MessageReport:
    """A message's status and charge (``GET /rest/message/{id}``)."""

    apimsgid: str
    status: int
    charge: Decimal
    climsgid: str | None


@dataclass(frozen=True, slots=True)
class RouteReport:
    """Whether a route covers ``destination`` (digits), and what one part to it costs
    (``None``: no route)."""

    destination: str
    charge: Decimal | None


RestReply = (
    ApiError | Unrouted | MultiRecipient | MessageReport | MessageStatus | Balance | (RouteReport)
)


#: Made once: ``json.dumps`` with an option builds an encoder per call.
_text = json.JSONEncoder(ensure_ascii=False).encode


def _error(error: ApiError) -> str:
    code = format_code(error.code)
    return (
        f'{{"code":"{code}","description":{_text(error.text)},'
        f'"documentation":{_text(DOCUMENTATION.format(code=code))}}}'
    )


def _entry(result: RecipientResult) -> str:
    if isinstance(result, RecipientAccepted):
        return f'{{"accepted":true,"to":{_text(result.to)},"apiMessageId":"{result.apimsgid}"}}'
    # No "error" key on accepted entries: PyPI clickatell crashes on "error":null.
    return (
        f'{{"accepted":false,"to":{_text(result.to)},"apiMessageId":"",'
        f'"error":{_error(ApiError(result.code, result.text))}}}'
    )


def _status_fields(status: int) -> str:
    return f'"messageStatus":"{format_code(status)}","description":{_text(STATUSES[status][0])}'


def render(reply: RestReply) -> tuple[int, str]:
    """The HTTP status and the exact body the REST API sends for ``reply``."""
    if isinstance(reply, MultiRecipient):
        results = reply.results
        errors = [result.code for result in results if not isinstance(result, RecipientAccepted)]
        status = send_status(len(results) - len(errors), errors)
        return status, f'{{"data":{{"message":[{",".join(map(_entry, results))}]}}}}'
    if isinstance(reply, ApiError):
        return error_status(reply.code), f'{{"error":{_error(reply)}}}'
    if isinstance(reply, Unrouted):
        return reply.status, f'{{"error":{_error(reply.error)}}}'
    if isinstance(reply, MessageReport):
        client = "" if reply.climsgid is None else f',"clientMessageId":{_text(reply.climsgid)}'
        return 200, (
            f'{{"data":{{"charge":{format_decimal(reply.charge)},{_status_fields(reply.status)},'
            f'"apiMessageId":"{reply.apimsgid}"{client}}}}}'
        )
    if isinstance(reply, MessageStatus):
        return 200, (
            f'{{"data":{{{_status_fields(reply.status)},"apiMessageId":"{reply.apimsgid}"}}}}'
        )
    if isinstance(reply, Balance):
        return 200, f'{{"data":{{"balance":"{reply.credit:.2f}"}}}}'
    if isinstance(reply, RouteReport):
        routable = "true" if reply.charge is not None else "false"
        charge = format_decimal(reply.charge) if reply.charge is not None else "0"
        return 200, (
            f'{{"data":{{"routable":{routable},"destination":{_text(reply.destination)},'
            f'"minimumCharge":{charge}}}}}'
        )
    raise TypeError(f"not a REST reply value: {reply!r}")  # pragma: no cover - exhaustive above


def reason(reply: RestReply) -> str | None:
    """Why a reply refused (``None``: everything was done as asked)."""
    if isinstance(reply, Unrouted):
        return reply.error.reason
    if isinstance(reply, ApiError | MultiRecipient):
        return reason_of(reply)
    return None
