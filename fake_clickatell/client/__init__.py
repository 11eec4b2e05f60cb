"""The reference client for Clickatell's legacy HTTP API, over httpx: sync and async.

It shows how the API is meant to be spoken, and it is the fake's toughest user: the test suite
drives it with Hypothesis against the fake. Install it with ``pip install
"fake-clickatell[client]"``. ::

    from fake_clickatell.client import ClickatellClient, Sent

    with ClickatellClient(base_url, api_id="3442105", user="demo", password="secret") as client:
        for result in client.send(["27999000001", "27999000002"], "Hello"):
            print(result)            # Sent(apimsgid=..., to=...) or Rejected(code=105, ...)
        status = client.query(result.apimsgid)   # Status(apimsgid=..., status=4)

* Sessions: the first command authenticates; a command answered ``ERR: 003`` (session expired)
  authenticates again and is retried once. :meth:`ClickatellClient.keep_alive` pings when the
  session has idled for ``session_ttl - keep_alive_margin`` seconds (10 minutes by default).
* ``send`` takes one recipient (a ``str``) or many, and every sendmsg option as a keyword
  (:class:`SendOptions`). GSM-7 text goes out as UTF-8 with ``charset=UTF-8``; any other text as
  UCS-2 hex with ``unicode=1``; ``concat`` is the number of parts the text needs.
* Batches: ``start_batch(template, **options)`` returns a :class:`Batch`; ``send_item(batch,
  to, **fields)`` sends the template to one recipient with each ``#name#`` replaced by the
  field ``name``; ``quick_send(batch, to)`` sends it unchanged to many; ``end_batch(batch)``.
  A template that is not GSM-7 goes out as UCS-2 hex, and the API fills in no fields in it.
* ``coverage(msisdn)`` (``routeCoverage``), ``token_pay(token)`` (a voucher), ``mms_push`` and
  ``wap_push`` (``ind_push``, ``si_push``: :class:`MmsPushFields`, :class:`WapPushFields`).
* Results are frozen values: ``send``, ``quick_send`` and the pushes return one :class:`Sent`
  or :class:`Rejected` per recipient, in order (``send_item`` one of them); ``query``/
  ``delete`` a :class:`Status`, ``charge`` a :class:`Charge`, ``balance`` a ``Decimal``,
  ``coverage`` a :class:`RouteCoverage` (a number no route covers is a result, not an error).
* Request-level errors raise, from one root (:class:`ClickatellError`)::

    ClickatellError
     ├── TransportError             no reply: connection or timeout, or an HTTP status but 200
     ├── ParseError                 a body outside the grammar, or not a reply the command has
     └── APIError                   ERR: <nnn>, <text>; .code and .description
          ├── AuthenticationError   001 002 004 007 108
          ├── SessionError          003 005
          ├── ParameterError        100-113 116 120 123 201 202 (201: unknown, ended or
          │                         expired batch; 202: no template)
          ├── RoutingError          114 115 121 122 128
          ├── CreditError           130 301 302
          └── InternalError         901, and any other code

  (:data:`ERROR_FAMILIES` is the table, with the reasons.)

A client is not thread-safe; use one per thread (an account may hold several sessions). Pass
``transport=httpx.WSGITransport(app=create_app())`` to talk to the fake in-process.

The legacy REST API has its own clients, :class:`RestClient` and :class:`AsyncRestClient`
(a bearer ``token`` instead of credentials, no sessions), with the same results and
exceptions: ``send`` (options: :class:`RestSendOptions`), ``query``, ``charge``, ``delete``,
``balance``, ``coverage``. ::

    with RestClient(base_url, token="...") as client:
        (sent,) = client.send("27999000001", "Hello")
        client.query(sent.apimsgid)              # Status(apimsgid=..., status=3)

Clickatell's Platform and One API have theirs: :class:`PlatformClient` (a REST integration's
``api_key``; ``http=True`` for an HTTP integration) and :class:`OneApiClient`, with async twins.
Their results are the same where they mean the same (:class:`Sent`, :class:`Rejected` with the
API's own codes, the Platform's :class:`Status`); the One API's status is a
:class:`OneApiStatus`; request-level errors raise the same families, by each API's table
(:data:`PLATFORM_ERROR_FAMILIES`, :data:`ONE_API_ERROR_FAMILIES`). ::

    with PlatformClient(fake.url, api_key="...") as client:
        (sent,) = client.send("27999000001", "Hello")
        client.status(sent.apimsgid)             # Status(apimsgid=..., status=3)

The clients import httpx; everything else here (results, exceptions, options) does not, so the
Hypothesis strategies and the test suite use them without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    ERROR_FAMILIES,
    ONE_API_ERROR_FAMILIES,
    PLATFORM_ERROR_FAMILIES,
    APIError,
    AuthenticationError,
    ClickatellError,
    CreditError,
    InternalError,
    ParameterError,
    ParseError,
    RoutingError,
    SessionError,
    TransportError,
    error_for,
)
from .flows import DEFAULT_BASE_URL
from .params import BatchOptions, MmsClass, MmsPushFields, SendOptions, SiAction, WapPushFields
from .platform_calls import PlatformSendOptions
from .rest_calls import RestSendOptions
from .results import Batch, Charge, OneApiStatus, Rejected, RouteCoverage, SendResult, Sent, Status

if TYPE_CHECKING:
    from .http import AsyncClickatellClient, ClickatellClient
    from .integration_http import (
        AsyncOneApiClient,
        AsyncPlatformClient,
        OneApiClient,
        PlatformClient,
    )
    from .rest_http import AsyncRestClient, RestClient

__all__ = [
    "DEFAULT_BASE_URL",
    "ERROR_FAMILIES",
    "ONE_API_ERROR_FAMILIES",
    "PLATFORM_ERROR_FAMILIES",
    "APIError",
    "AsyncClickatellClient",
    "AsyncOneApiClient",
    "AsyncPlatformClient",
    "AsyncRestClient",
    "AuthenticationError",
    "Batch",
    "BatchOptions",
    "Charge",
    "ClickatellClient",
    "ClickatellError",
    "CreditError",
    "InternalError",
    "MmsClass",
    "MmsPushFields",
    "OneApiClient",
    "OneApiStatus",
    "ParameterError",
    "ParseError",
    "PlatformClient",
    "PlatformSendOptions",
    "Rejected",
    "RestClient",
    "RestSendOptions",
    "RouteCoverage",
    "RoutingError",
    "SendOptions",
    "SendResult",
    "Sent",
    "SessionError",
    "SiAction",
    "Status",
    "TransportError",
    "WapPushFields",
    "error_for",
]

# The public classes say they are fake_clickatell.client's (in tracebacks, reprs and
# pickles), not the private module each is written in.
for _exported in (
    APIError,
    AuthenticationError,
    Batch,
    Charge,
    ClickatellError,
    CreditError,
    InternalError,
    OneApiStatus,
    ParameterError,
    ParseError,
    Rejected,
    RouteCoverage,
    RoutingError,
    Sent,
    SessionError,
    Status,
    TransportError,
):
    _exported.__module__ = __name__
del _exported

#: The clients need httpx: imported on first use (PEP 562), not with the package.
_DRIVERS = {
    "AsyncClickatellClient": "http",
    "ClickatellClient": "http",
    "AsyncRestClient": "rest_http",
    "RestClient": "rest_http",
    "AsyncOneApiClient": "integration_http",
    "AsyncPlatformClient": "integration_http",
    "OneApiClient": "integration_http",
    "PlatformClient": "integration_http",
}


def __getattr__(name: str) -> Any:
    if name not in _DRIVERS:
        raise AttributeError(f"module 'fake_clickatell.client' has no attribute {name!r}")
    from . import http, integration_http, rest_http

    drivers = {"http": http, "rest_http": rest_http, "integration_http": integration_http}
    value = getattr(drivers[_DRIVERS[name]], name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
