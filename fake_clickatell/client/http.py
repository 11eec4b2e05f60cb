"""The reference client's drivers over httpx: :class:`ClickatellClient` and its async twin.

They only move bytes: each command's flow (:mod:`.flows`) says what to send and what the reply
means; a driver sends each :class:`~.params.Call` and hands the body back.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import httpx

from .._version import __version__
from .closing import AsyncClosing, SyncClosing
from .errors import TransportError
from .flows import (
    DEFAULT_BASE_URL,
    KEEP_ALIVE_MARGIN,
    SESSION_TTL,
    ClientProtocol,
    run_flow,
    run_flow_async,
)
from .params import BatchOptions, Call, MmsPushFields, SendOptions, WapPushFields
from .results import Batch, Charge, RouteCoverage, SendResult, Status

if TYPE_CHECKING:
    from typing_extensions import Unpack

Method = Literal["GET", "POST"]

_HEADERS = {"User-Agent": f"fake-clickatell-client/{__version__}"}


def _request(http: httpx.Client | httpx.AsyncClient, call: Call, method: Method) -> httpx.Request:
    params = dict(call.params)
    if method == "GET":
        return http.build_request("GET", call.path, params=params)
    return http.build_request("POST", call.path, data=params)


def _body(response: httpx.Response) -> str:
    # The API answers every reply, errors included, with HTTP 200.
    if response.status_code != 200:
        raise TransportError(
            f"HTTP {response.status_code} from {response.request.url.path}",
            response.status_code,
            response.text,
        )
    return response.text


def _verify(base_url: str) -> bool:
    # A plain-HTTP base URL never opens TLS (every request goes to base_url + a fixed path, and
    # redirects are not followed), so skip loading the CA bundle: ~50 ms per client otherwise,
    # which adds up in a test suite that makes a client per test.
    return httpx.URL(base_url).scheme != "http"


def _transport_error(call: Call, error: httpx.HTTPError) -> TransportError:
    return TransportError(f"{call.path}: {type(error).__name__}: {error}")


TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


class _BaseClient(ABC, Generic[TransportT, HttpT]):
    """What both clients share: construction, the protocol state and its read-only views."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        api_id: str,
        user: str,
        password: str,
        timeout: float = 30.0,
        transport: TransportT | None = None,
        method: Method = "POST",
        session_ttl: float = SESSION_TTL,
        keep_alive_margin: float = KEEP_ALIVE_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if method not in ("GET", "POST"):
            raise ValueError(f"method must be 'GET' or 'POST', got {method!r}")
        self._method: Method = method
        self._protocol = ClientProtocol(
            api_id,
            user,
            password,
            session_ttl=session_ttl,
            keep_alive_margin=keep_alive_margin,
            clock=clock,
        )
        options: dict[str, Any] = {
            "base_url": base_url,
            "timeout": timeout,
            "headers": _HEADERS,
            "verify": _verify(base_url),
        }
        self._http: HttpT = self._open(transport, options)

    @abstractmethod
    def _open(self, transport: TransportT | None, options: dict[str, Any]) -> HttpT:
        """The httpx client (sync or async) with these options."""

    @property
    def session_id(self) -> str | None:
        """The session commands use, once one is open."""
        return self._protocol.session_id

    def seconds_until_keep_alive(self) -> float | None:
        """Seconds until ``keep_alive`` would ping (0 when due); ``None`` with no session."""
        return self._protocol.seconds_until_keep_alive()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(api_id={self._protocol.api_id!r}, method={self._method!r})"


class ClickatellClient(_BaseClient[httpx.BaseTransport, httpx.Client], SyncClosing):
    """A client for one Clickatell account over the legacy HTTP API (blocking).

    ``base_url`` is where the API lives (the fake's ``FakeServer.url``); ``timeout`` is in
    seconds; ``transport`` replaces httpx's network transport (``httpx.WSGITransport`` runs the
    fake in-process); ``method`` is how requests go out (POST allows 600 recipients, GET 300).
    ``session_ttl`` is the account's session idle expiry, ``keep_alive_margin`` how long before
    it :meth:`keep_alive` pings, and ``clock`` the time source it reads. Use it as a context
    manager, or call :meth:`close`.
    """

    def _open(self, transport: httpx.BaseTransport | None, options: dict[str, Any]) -> httpx.Client:
        return httpx.Client(transport=transport, **options)

    def _exchange(self, call: Call) -> str:
        request = _request(self._http, call, self._method)
        try:
            response = self._http.send(request)
        except httpx.HTTPError as error:
            raise _transport_error(call, error) from error
        return _body(response)

    def auth(self) -> str:
        """Open a new session and return its id; later commands use it."""
        return run_flow(self._protocol.auth(), self._exchange)

    def ping(self) -> None:
        """Keep the session alive (``ping``); opens one if there is none."""
        run_flow(self._protocol.ping(), self._exchange)

    def keep_alive(self) -> bool:
        """Ping if the session is due (see :meth:`seconds_until_keep_alive`); True if it did."""
        return run_flow(self._protocol.keep_alive(), self._exchange)

    def send(
        self, to: str | Iterable[str], text: str | None = None, **options: Unpack[SendOptions]
    ) -> tuple[SendResult, ...]:
        """Send ``text`` to one recipient or several; one result per recipient, in order.

        A recipient's own error is a :class:`Rejected` result; any other error raises. With one
        recipient the API's reply cannot say whose error it is (no ``To:``): the codes that
        depend on the recipient (105, 114, 121, 122, 128, 301) are taken as its own.
        Options are :class:`SendOptions`; give ``udh``/``data`` instead of text for 8-bit.
        """
        return run_flow(self._protocol.send(to, text, options), self._exchange)

    def query(self, apimsgid: str | None = None, *, climsgid: str | None = None) -> Status:
        """The status of a message named by its apimsgid or your climsgid (``querymsg``)."""
        return run_flow(self._protocol.query(apimsgid, climsgid), self._exchange)

    def delete(self, apimsgid: str | None = None, *, climsgid: str | None = None) -> Status:
        """Stop a message still queued (status 6, refunded); else its status (``delmsg``)."""
        return run_flow(self._protocol.delete(apimsgid, climsgid), self._exchange)

    def charge(self, apimsgid: str | None = None, *, climsgid: str | None = None) -> Charge:
        """What a message cost, and its status (``getmsgcharge``)."""
        return run_flow(self._protocol.charge(apimsgid, climsgid), self._exchange)

    def balance(self) -> Decimal:
        """The account's credit (``getbalance``)."""
        return run_flow(self._protocol.balance(), self._exchange)

    def coverage(self, msisdn: str) -> RouteCoverage:
        """Whether messages to ``msisdn`` would be routed, and what a part costs
        (``routeCoverage``). A number no route covers is a result (``supported`` False); a
        malformed one raises :class:`ParameterError` (105)."""
        return run_flow(self._protocol.coverage(msisdn), self._exchange)

    def token_pay(self, token: str) -> None:
        """Redeem a voucher: its credit is added to the account (``token_pay``)."""
        run_flow(self._protocol.token_pay(token), self._exchange)

    def start_batch(self, template: str, **options: Unpack[BatchOptions]) -> Batch:
        """Start a batch: ``template`` with ``#name#`` placeholders, and the options of every
        message sent from it (:class:`BatchOptions`); use it for 24 hours (``startbatch``)."""
        return run_flow(self._protocol.start_batch(template, options), self._exchange)

    def send_item(
        self, batch: Batch | str, to: str, /, *, climsgid: str | None = None, **fields: str
    ) -> SendResult:
        """Send the batch's template to one recipient, each ``#name#`` replaced by the field
        ``name`` (``senditem``). The recipient's own error is a :class:`Rejected` result."""
        return run_flow(self._protocol.send_item(batch, to, climsgid, fields), self._exchange)

    def quick_send(self, batch: Batch | str, to: str | Iterable[str]) -> tuple[SendResult, ...]:
        """Send the batch's template as it is to one recipient or several; one result per
        recipient, in order (``quicksend``)."""
        return run_flow(self._protocol.quick_send(batch, to), self._exchange)

    def end_batch(self, batch: Batch | str) -> None:
        """End a batch; its id is invalid from then on (``endbatch``)."""
        run_flow(self._protocol.end_batch(batch), self._exchange)

    def mms_push(
        self, to: str | Iterable[str], **fields: Unpack[MmsPushFields]
    ) -> tuple[SendResult, ...]:
        """Notify each recipient of an MMS (``ind_push``; :class:`MmsPushFields`); one result
        per recipient, in order."""
        return run_flow(self._protocol.mms_push(to, fields), self._exchange)

    def wap_push(
        self, to: str | Iterable[str], **fields: Unpack[WapPushFields]
    ) -> tuple[SendResult, ...]:
        """Send each recipient a WAP Service Indication (``si_push``; :class:`WapPushFields`);
        one result per recipient, in order."""
        return run_flow(self._protocol.wap_push(to, fields), self._exchange)


class AsyncClickatellClient(_BaseClient[httpx.AsyncBaseTransport, httpx.AsyncClient], AsyncClosing):
    """The asynchronous twin of :class:`ClickatellClient`: the same arguments and methods,
    awaited. ``transport`` is an ``httpx.AsyncBaseTransport``. Close it with :meth:`aclose`
    or ``async with``."""

    def _open(
        self, transport: httpx.AsyncBaseTransport | None, options: dict[str, Any]
    ) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport, **options)

    async def _exchange(self, call: Call) -> str:
        request = _request(self._http, call, self._method)
        try:
            response = await self._http.send(request)
        except httpx.HTTPError as error:
            raise _transport_error(call, error) from error
        return _body(response)

    async def auth(self) -> str:
        """See :meth:`ClickatellClient.auth`."""
        return await run_flow_async(self._protocol.auth(), self._exchange)

    async def ping(self) -> None:
        """See :meth:`ClickatellClient.ping`."""
        await run_flow_async(self._protocol.ping(), self._exchange)

    async def keep_alive(self) -> bool:
        """See :meth:`ClickatellClient.keep_alive`."""
        return await run_flow_async(self._protocol.keep_alive(), self._exchange)

    async def send(
        self, to: str | Iterable[str], text: str | None = None, **options: Unpack[SendOptions]
    ) -> tuple[SendResult, ...]:
        """See :meth:`ClickatellClient.send`."""
        return await run_flow_async(self._protocol.send(to, text, options), self._exchange)

    async def query(self, apimsgid: str | None = None, *, climsgid: str | None = None) -> Status:
        """See :meth:`ClickatellClient.query`."""
        return await run_flow_async(self._protocol.query(apimsgid, climsgid), self._exchange)

    async def delete(self, apimsgid: str | None = None, *, climsgid: str | None = None) -> Status:
        """See :meth:`ClickatellClient.delete`."""
        return await run_flow_async(self._protocol.delete(apimsgid, climsgid), self._exchange)

    async def charge(self, apimsgid: str | None = None, *, climsgid: str | None = None) -> Charge:
        """See :meth:`ClickatellClient.charge`."""
        return await run_flow_async(self._protocol.charge(apimsgid, climsgid), self._exchange)

    async def balance(self) -> Decimal:
        """See :meth:`ClickatellClient.balance`."""
        return await run_flow_async(self._protocol.balance(), self._exchange)

    async def coverage(self, msisdn: str) -> RouteCoverage:
        """See :meth:`ClickatellClient.coverage`."""
        return await run_flow_async(self._protocol.coverage(msisdn), self._exchange)

    async def token_pay(self, token: str) -> None:
        """See :meth:`ClickatellClient.token_pay`."""
        await run_flow_async(self._protocol.token_pay(token), self._exchange)

    async def start_batch(self, template: str, **options: Unpack[BatchOptions]) -> Batch:
        """See :meth:`ClickatellClient.start_batch`."""
        return await run_flow_async(self._protocol.start_batch(template, options), self._exchange)

    async def send_item(
        self, batch: Batch | str, to: str, /, *, climsgid: str | None = None, **fields: str
    ) -> SendResult:
        """See :meth:`ClickatellClient.send_item`."""
        flow = self._protocol.send_item(batch, to, climsgid, fields)
        return await run_flow_async(flow, self._exchange)

    async def quick_send(
        self, batch: Batch | str, to: str | Iterable[str]
    ) -> tuple[SendResult, ...]:
        """See :meth:`ClickatellClient.quick_send`."""
        return await run_flow_async(self._protocol.quick_send(batch, to), self._exchange)

    async def end_batch(self, batch: Batch | str) -> None:
        """See :meth:`ClickatellClient.end_batch`."""
        await run_flow_async(self._protocol.end_batch(batch), self._exchange)

    async def mms_push(
        self, to: str | Iterable[str], **fields: Unpack[MmsPushFields]
    ) -> tuple[SendResult, ...]:
        """See :meth:`ClickatellClient.mms_push`."""
        return await run_flow_async(self._protocol.mms_push(to, fields), self._exchange)

    async def wap_push(
        self, to: str | Iterable[str], **fields: Unpack[WapPushFields]
    ) -> tuple[SendResult, ...]:
        """See :meth:`ClickatellClient.wap_push`."""
        return await run_flow_async(self._protocol.wap_push(to, fields), self._exchange)
