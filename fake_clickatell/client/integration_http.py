"""The Platform and One API clients' drivers over httpx: :class:`PlatformClient`,
:class:`OneApiClient` and their async twins.

They only move bytes: :mod:`.platform_calls` and :mod:`.one_api_calls` say what each command
sends and what its reply means.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from . import one_api_calls, platform_calls
from .json_http import AsyncJsonClient, SyncJsonClient, client_options
from .results import OneApiStatus, SendResult, Status

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .platform_calls import PlatformSendOptions

#: Where the Platform and the One API live at Clickatell.
PLATFORM_BASE_URL = "https://platform.clickatell.com"


def _options(base_url: str, api_key: str, timeout: float) -> dict[str, Any]:
    if not api_key or any(ch.isspace() for ch in api_key):
        raise ValueError("api_key: the integration's API key, without spaces")
    return client_options(base_url, {"Authorization": api_key}, timeout)


class PlatformClient(SyncJsonClient):
    """A client for one Platform integration (blocking).

    ``api_key`` is the integration's key; ``http=True`` sends through the HTTP integration's
    ``/messages/http/send`` instead of ``POST /messages``. ``base_url`` is where the Platform
    lives (the fake's ``FakeServer.url``); ``transport`` replaces httpx's network transport
    (``httpx.WSGITransport(app=...)`` runs the fake in-process). Results and exceptions are the
    HTTP client's where they mean the same (:class:`~fake_clickatell.client.Sent`,
    :class:`~fake_clickatell.client.Rejected`, :class:`~fake_clickatell.client.Status`, the
    :class:`~fake_clickatell.client.APIError` families). Use it as a context manager, or call
    :meth:`close`.
    """

    def __init__(
        self,
        base_url: str = PLATFORM_BASE_URL,
        *,
        api_key: str,
        http: bool = False,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(transport, _options(base_url, api_key, timeout))
        self._http_key = api_key if http else None

    def send(
        self, to: str | Iterable[str], content: str, **options: Unpack[PlatformSendOptions]
    ) -> tuple[SendResult, ...]:
        """Send ``content`` to one recipient or several: one :class:`Sent` or
        :class:`Rejected` per recipient, in order; a request-level error raises."""
        call = platform_calls.send_call(to, content, options, http_key=self._http_key)
        return self._run(call, platform_calls.parse_send)

    def status(self, apimsgid: str) -> Status:
        """The status of a message of the account (another account's, or none: 161)."""
        return self._run(platform_calls.status_call(apimsgid), platform_calls.parse_status)

    def balance(self) -> Decimal:
        """The account's balance, in its currency."""
        return self._run(platform_calls.BALANCE_CALL, platform_calls.parse_balance)


class AsyncPlatformClient(AsyncJsonClient):
    """The asynchronous twin of :class:`PlatformClient`: the same arguments and methods,
    awaited; ``transport`` is an ``httpx.AsyncBaseTransport``."""

    def __init__(
        self,
        base_url: str = PLATFORM_BASE_URL,
        *,
        api_key: str,
        http: bool = False,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(transport, _options(base_url, api_key, timeout))
        self._http_key = api_key if http else None

    async def send(
        self, to: str | Iterable[str], content: str, **options: Unpack[PlatformSendOptions]
    ) -> tuple[SendResult, ...]:
        """See :meth:`PlatformClient.send`."""
        call = platform_calls.send_call(to, content, options, http_key=self._http_key)
        return await self._run(call, platform_calls.parse_send)

    async def status(self, apimsgid: str) -> Status:
        """See :meth:`PlatformClient.status`."""
        return await self._run(platform_calls.status_call(apimsgid), platform_calls.parse_status)

    async def balance(self) -> Decimal:
        """See :meth:`PlatformClient.balance`."""
        return await self._run(platform_calls.BALANCE_CALL, platform_calls.parse_balance)


class OneApiClient(SyncJsonClient):
    """A client for one One API integration (blocking): SMS only, one message per recipient.

    Arguments as :class:`PlatformClient`'s. Results: one :class:`Sent` or :class:`Rejected`
    per recipient (the One API's codes), a :class:`OneApiStatus`, a ``Decimal`` balance; a
    global error raises its :class:`APIError` family.
    """

    def __init__(
        self,
        base_url: str = PLATFORM_BASE_URL,
        *,
        api_key: str,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(transport, _options(base_url, api_key, timeout))

    def send(
        self, to: str | Iterable[str], content: str, **options: Unpack[PlatformSendOptions]
    ) -> tuple[SendResult, ...]:
        """Send ``content`` to each recipient (a message each): one result per message."""
        return self._run(one_api_calls.send_call(to, content, options), one_api_calls.parse_send)

    def status(self, apimsgid: str) -> OneApiStatus:
        """The status of a message (``UNKNOWN`` for one the account does not have)."""
        call = one_api_calls.status_call(apimsgid)
        return self._run(call, one_api_calls.status_parser(apimsgid))

    def balance(self) -> Decimal:
        """The account's balance, in its currency."""
        return self._run(one_api_calls.BALANCE_CALL, one_api_calls.parse_balance)


class AsyncOneApiClient(AsyncJsonClient):
    """The asynchronous twin of :class:`OneApiClient`."""

    def __init__(
        self,
        base_url: str = PLATFORM_BASE_URL,
        *,
        api_key: str,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(transport, _options(base_url, api_key, timeout))

    async def send(
        self, to: str | Iterable[str], content: str, **options: Unpack[PlatformSendOptions]
    ) -> tuple[SendResult, ...]:
        """See :meth:`OneApiClient.send`."""
        call = one_api_calls.send_call(to, content, options)
        return await self._run(call, one_api_calls.parse_send)

    async def status(self, apimsgid: str) -> OneApiStatus:
        """See :meth:`OneApiClient.status`."""
        call = one_api_calls.status_call(apimsgid)
        return await self._run(call, one_api_calls.status_parser(apimsgid))

    async def balance(self) -> Decimal:
        """See :meth:`OneApiClient.balance`."""
        return await self._run(one_api_calls.BALANCE_CALL, one_api_calls.parse_balance)
