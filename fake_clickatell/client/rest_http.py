"""The REST client's drivers over httpx: :class:`RestClient` and :class:`AsyncRestClient`.

They only move bytes: :mod:`.rest_calls` says what each command sends and what its reply means.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from .flows import DEFAULT_BASE_URL
from .json_http import AsyncJsonClient, SyncJsonClient, client_options
from .rest_calls import (
    BALANCE_CALL,
    RestSendOptions,
    coverage_call,
    coverage_parser,
    message_call,
    parse_balance,
    parse_charge,
    parse_send,
    parse_status,
    send_call,
)
from .results import Charge, RouteCoverage, SendResult, Status

if TYPE_CHECKING:
    from typing_extensions import Unpack


def _options(base_url: str, token: str, timeout: float) -> dict[str, Any]:
    if not token or any(ch.isspace() for ch in token):
        raise ValueError("token: the API's bearer token, without spaces")
    headers = {"Authorization": f"Bearer {token}", "X-Version": "1"}
    return client_options(base_url, headers, timeout)


class RestClient(SyncJsonClient):
    """A client for one account over Clickatell's legacy REST API (blocking).

    ``token`` is the account's REST bearer token; ``base_url`` where the API lives (the fake's
    ``FakeServer.url``); ``transport`` replaces httpx's network transport
    (``httpx.WSGITransport(app=...)`` runs the fake in-process). Results and exceptions are the
    HTTP client's (:class:`~fake_clickatell.client.ClickatellClient`). Use it as a context
    manager, or call :meth:`close`.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        token: str,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(transport, _options(base_url, token, timeout))

    def send(
        self, to: str | Iterable[str], text: str, **options: Unpack[RestSendOptions]
    ) -> tuple[SendResult, ...]:
        """Send ``text`` to one recipient or several: one :class:`Sent` or :class:`Rejected`
        per recipient, in order; a request-level error raises."""
        return self._run(send_call(to, text, options), parse_send)

    def query(self, apimsgid: str | None = None, *, client_message_id: str | None = None) -> Status:
        """The status of a message, by its id or your client message id (the newest)."""
        return self._run(message_call("GET", apimsgid, client_message_id), parse_status)

    def charge(
        self, apimsgid: str | None = None, *, client_message_id: str | None = None
    ) -> Charge:
        """What a message cost, and its status."""
        return self._run(message_call("GET", apimsgid, client_message_id), parse_charge)

    def delete(self, apimsgid: str) -> Status:
        """Stop a message still queued (status 6, refunded); else its status."""
        return self._run(message_call("DELETE", apimsgid, None), parse_status)

    def balance(self) -> Decimal:
        """The account's credit."""
        return self._run(BALANCE_CALL, parse_balance)

    def coverage(self, msisdn: str) -> RouteCoverage:
        """Whether messages to ``msisdn`` would be routed, and what a part costs."""
        return self._run(coverage_call(msisdn), coverage_parser(msisdn))


class AsyncRestClient(AsyncJsonClient):
    """The asynchronous twin of :class:`RestClient`: the same arguments and methods, awaited;
    ``transport`` is an ``httpx.AsyncBaseTransport``. Close it with :meth:`aclose` or
    ``async with``."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        token: str,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(transport, _options(base_url, token, timeout))

    async def send(
        self, to: str | Iterable[str], text: str, **options: Unpack[RestSendOptions]
    ) -> tuple[SendResult, ...]:
        """See :meth:`RestClient.send`."""
        return await self._run(send_call(to, text, options), parse_send)

    async def query(
        self, apimsgid: str | None = None, *, client_message_id: str | None = None
    ) -> Status:
        """See :meth:`RestClient.query`."""
        return await self._run(message_call("GET", apimsgid, client_message_id), parse_status)

    async def charge(
        self, apimsgid: str | None = None, *, client_message_id: str | None = None
    ) -> Charge:
        """See :meth:`RestClient.charge`."""
        return await self._run(message_call("GET", apimsgid, client_message_id), parse_charge)

    async def delete(self, apimsgid: str) -> Status:
        """See :meth:`RestClient.delete`."""
        return await self._run(message_call("DELETE", apimsgid, None), parse_status)

    async def balance(self) -> Decimal:
        """See :meth:`RestClient.balance`."""
        return await self._run(BALANCE_CALL, parse_balance)

    async def coverage(self, msisdn: str) -> RouteCoverage:
        """See :meth:`RestClient.coverage`."""
        return await self._run(coverage_call(msisdn), coverage_parser(msisdn))
