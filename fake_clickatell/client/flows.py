"""The sans-I/O half of the reference client: the flow of every command, and its session.

:class:`~fake_clickatell.client.ClickatellClient` and
:class:`~fake_clickatell.client.AsyncClickatellClient` are thin: they only move bytes. Everything
else (which parameters a command sends, how a reply body becomes a result or an exception, when
to authenticate and when to retry) lives here once, with no httpx import.

Theory of operation
-------------------
Each command is a *flow*: a generator that yields the :class:`~.params.Call` to make next and is
sent the reply body (a ``str``) in return; its return value is the command's result. A driver
(:func:`run_flow`, :func:`run_flow_async`) feeds it, the way httpx drives an ``Auth.auth_flow``
with its sync and async clients alike. So a command that finds no session yields ``auth`` first,
and one answered ``ERR: 003`` yields ``auth`` and then itself once more, in both clients.

Bodies are parsed by :func:`fake_clickatell.core.grammar.parse`, the module the fake renders
with. Request-level errors raise; a recipient's error in a send is a :class:`~.results.Rejected`
value.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from decimal import Decimal
from typing import TypeVar

from ..core.codes import RECIPIENT_ERRORS, Err
from ..core.grammar import (
    COVERAGE_FAIL_SENTENCE,
    Accepted,
    ApiError,
    Balance,
    BareOk,
    Coverage,
    GrammarError,
    MessageCharge,
    MessageStatus,
    MultiRecipient,
    Ok,
    PlainError,
    RecipientAccepted,
    Reply,
    parse,
)
from .errors import ClickatellError, ParseError, error_for
from .params import (
    BatchOptions,
    Call,
    MmsPushFields,
    SendOptions,
    WapPushFields,
    WireParams,
    batch_id_of,
    ind_push_params,
    message_ref,
    recipient_list,
    senditem_params,
    sendmsg_params,
    si_push_params,
    startbatch_params,
)
from .results import Batch, Charge, Rejected, RouteCoverage, SendResult, Sent, Status

T = TypeVar("T")

#: Where the legacy HTTP API lived.
DEFAULT_BASE_URL = "https://api.clickatell.com"
#: The API's idle expiry of a session (seconds); every command that uses it renews it.
SESSION_TTL = 900.0
#: Ping this long before the session would expire: every 10 minutes, as Clickatell advised.
KEEP_ALIVE_MARGIN = 300.0


# -- replies ---------------------------------------------------------------------------------


def parse_body(body: str) -> Reply:
    """Parse a reply body with the fake's own grammar; :class:`ParseError` if it is not one."""
    try:
        return parse(body)
    except GrammarError as error:
        raise ParseError(body, error.reason) from None


def unexpected(command: str, reply: Reply, body: str) -> ClickatellError:
    """The exception for a reply a command has no success meaning for."""
    if isinstance(reply, ApiError):
        return error_for(reply.code, reply.text)
    return ParseError(body, f"not a reply {command} answers")


def send_results(
    command: str, recipients: tuple[str, ...], reply: Reply, body: str
) -> tuple[SendResult, ...]:
    """One result per recipient, in order, from a sending command's reply."""
    if len(recipients) == 1:
        # One recipient: accepted is a bare "ID: x", and its own error comes without "To:".
        if isinstance(reply, Accepted):
            return (Sent(reply.apimsgid, recipients[0]),)
        if isinstance(reply, ApiError) and reply.code in RECIPIENT_ERRORS:
            return (Rejected(reply.code, reply.text, recipients[0]),)
    if isinstance(reply, MultiRecipient):
        if len(reply.results) != len(recipients):
            raise ParseError(body, f"{len(reply.results)} lines for {len(recipients)} recipients")
        return tuple(
            Sent(line.apimsgid, to)
            if isinstance(line, RecipientAccepted)
            else Rejected(line.code, line.text, to)
            for line, to in zip(reply.results, recipients, strict=True)
        )
    raise unexpected(command, reply, body)


# -- flows -----------------------------------------------------------------------------------

Flow = Generator[Call, str, T]


class ClientProtocol:
    """One account's session and the flow of every command; shared by both clients.

    ``clock`` (seconds, any origin) times the session's idle period for :meth:`keep_alive`;
    tests pass the fake's virtual clock.
    """

    def __init__(
        self,
        api_id: str,
        user: str,
        password: str,
        *,
        session_ttl: float = SESSION_TTL,
        keep_alive_margin: float = KEEP_ALIVE_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 <= keep_alive_margin < session_ttl:
            raise ValueError("keep_alive_margin must be >= 0 and below session_ttl")
        self.api_id = api_id
        self.user = user
        self._password = password
        self.session_ttl = session_ttl
        self.keep_alive_margin = keep_alive_margin
        self.clock = clock
        self.session_id: str | None = None
        self.last_used: float | None = None

    def __repr__(self) -> str:
        return f"ClientProtocol(api_id={self.api_id!r}, user={self.user!r})"

    # -- session ---------------------------------------------------------------------------

    def auth(self) -> Flow[str]:
        """Open a new session; it becomes the one every later command uses."""
        call = Call(
            "/http/auth",
            (("api_id", self.api_id), ("user", self.user), ("password", self._password)),
        )
        body = yield call
        reply = parse_body(body)
        if not isinstance(reply, Ok) or not reply.value:
            raise unexpected("auth", reply, body)
        self.session_id, self.last_used = reply.value, self.clock()
        return reply.value

    def command(
        self, path: str, params: WireParams, interpret: Callable[[Reply, str], T]
    ) -> Flow[T]:
        """Call ``path`` in the session: authenticate first if there is none, and once more
        (then retry) if the API answers ``003``, which it does before acting on anything."""
        if self.session_id is None:
            yield from self.auth()
        body = yield Call(path, (("session_id", self.session_id or ""), *params))
        reply = parse_body(body)
        if isinstance(reply, ApiError) and reply.code == Err.SESSION_EXPIRED:
            self.session_id = self.last_used = None
            yield from self.auth()
            body = yield Call(path, (("session_id", self.session_id or ""), *params))
            reply = parse_body(body)
        if isinstance(reply, ApiError) and reply.code in (Err.SESSION_EXPIRED, Err.MISSING_SESSION):
            self.session_id = self.last_used = None
        else:
            self.last_used = self.clock()
        return interpret(reply, body)

    def seconds_until_keep_alive(self) -> float | None:
        """Seconds until :meth:`keep_alive` would ping (0 when due); ``None`` with no session."""
        if self.session_id is None or self.last_used is None:
            return None
        due = self.last_used + self.session_ttl - self.keep_alive_margin
        return max(0.0, due - self.clock())

    def keep_alive(self) -> Flow[bool]:
        """Ping when the session has idled ``session_ttl - keep_alive_margin`` seconds.

        Returns whether it pinged. Call it from a timer (every minute, or after
        :meth:`seconds_until_keep_alive`); with no session it does nothing.
        """
        if self.seconds_until_keep_alive() != 0.0:
            return False
        yield from self.ping()
        return True

    # -- commands --------------------------------------------------------------------------

    def ping(self) -> Flow[None]:
        """``ping``: keep the session alive (opening one if there is none)."""

        def interpret(reply: Reply, body: str) -> None:
            if not isinstance(reply, Ok):
                raise unexpected("ping", reply, body)

        return (yield from self.command("/http/ping", (), interpret))

    def send(
        self, to: str | Iterable[str], text: str | None, options: SendOptions
    ) -> Flow[tuple[SendResult, ...]]:
        """``sendmsg``: one result per recipient, in order (see :class:`SendOptions`)."""
        recipients = recipient_list(to)
        params = sendmsg_params(recipients, text, options)
        return (yield from self._sending("sendmsg", "/http/sendmsg", recipients, params))

    def _sending(
        self, command: str, path: str, recipients: tuple[str, ...], params: WireParams
    ) -> Flow[tuple[SendResult, ...]]:
        def interpret(reply: Reply, body: str) -> tuple[SendResult, ...]:
            return send_results(command, recipients, reply, body)

        return (yield from self.command(path, params, interpret))

    def query(self, apimsgid: str | None, climsgid: str | None) -> Flow[Status]:
        """``querymsg``: the message's status (an unknown apimsgid has status 1)."""
        return (yield from self._status("querymsg", message_ref(apimsgid, climsgid)))

    def delete(self, apimsgid: str | None, climsgid: str | None) -> Flow[Status]:
        """``delmsg``: stop a message still queued (status 6); else its status, unchanged."""
        return (yield from self._status("delmsg", message_ref(apimsgid, climsgid)))

    def _status(self, command: str, params: WireParams) -> Flow[Status]:
        def interpret(reply: Reply, body: str) -> Status:
            if not isinstance(reply, MessageStatus):
                raise unexpected(command, reply, body)
            return Status(reply.apimsgid, reply.status)

        return (yield from self.command(f"/http/{command}", params, interpret))

    def charge(self, apimsgid: str | None, climsgid: str | None) -> Flow[Charge]:
        """``getmsgcharge``: what the message cost and its status."""

        def interpret(reply: Reply, body: str) -> Charge:
            if not isinstance(reply, MessageCharge):
                raise unexpected("getmsgcharge", reply, body)
            return Charge(reply.apimsgid, reply.charge, reply.status)

        return (
            yield from self.command(
                "/http/getmsgcharge", message_ref(apimsgid, climsgid), interpret
            )
        )

    def balance(self) -> Flow[Decimal]:
        """``getbalance``: the account's credit."""

        def interpret(reply: Reply, body: str) -> Decimal:
            if not isinstance(reply, Balance):
                raise unexpected("getbalance", reply, body)
            return reply.credit

        return (yield from self.command("/http/getbalance", (), interpret))

    def coverage(self, msisdn: str) -> Flow[RouteCoverage]:
        """``routeCoverage``: whether a route covers ``msisdn``, and its charge."""

        def interpret(reply: Reply, body: str) -> RouteCoverage:
            if isinstance(reply, Coverage):
                return RouteCoverage(msisdn, reply.charge)
            # The one reply without a code that is an answer, not a failure.
            if isinstance(reply, PlainError) and reply.text == COVERAGE_FAIL_SENTENCE:
                return RouteCoverage(msisdn, None)
            raise unexpected("routeCoverage", reply, body)

        return (yield from self.command("/utils/routeCoverage", (("msisdn", msisdn),), interpret))

    def token_pay(self, token: str) -> Flow[None]:
        """``token_pay``: redeem a voucher (``OK: 605``; any ``OK:`` counts, as clients did)."""

        def interpret(reply: Reply, body: str) -> None:
            if not isinstance(reply, Ok):
                raise unexpected("token_pay", reply, body)

        return (yield from self.command("/http/token_pay", (("token", token),), interpret))

    def start_batch(self, template: str, options: BatchOptions) -> Flow[Batch]:
        """``startbatch``: a template and the options of every message sent from it."""
        params = startbatch_params(template, options)
        unicode = ("unicode", "1") in params

        def interpret(reply: Reply, body: str) -> Batch:
            if not isinstance(reply, Accepted):
                raise unexpected("startbatch", reply, body)
            return Batch(reply.apimsgid, unicode)

        return (yield from self.command("/http_batch/startbatch", params, interpret))

    def send_item(
        self, batch: Batch | str, to: str, climsgid: str | None, fields: Mapping[str, str]
    ) -> Flow[SendResult]:
        """``senditem``: the template, its ``#fields#`` filled in, to one recipient."""
        params = senditem_params(batch, to, climsgid, fields)

        def interpret(reply: Reply, body: str) -> SendResult:
            (result,) = send_results("senditem", (to,), reply, body)
            return result

        return (yield from self.command("/http_batch/senditem", params, interpret))

    def quick_send(
        self, batch: Batch | str, to: str | Iterable[str]
    ) -> Flow[tuple[SendResult, ...]]:
        """``quicksend``: the template as it is to every recipient; one result each, in order."""
        recipients = recipient_list(to)
        params = (("batch_id", batch_id_of(batch)), ("to", ",".join(recipients)))
        return (yield from self._sending("quicksend", "/http_batch/quicksend", recipients, params))

    def end_batch(self, batch: Batch | str) -> Flow[None]:
        """``endbatch``: close a batch (``OK``); it expires 24 hours after it started anyway."""

        def interpret(reply: Reply, body: str) -> None:
            if not isinstance(reply, BareOk):
                raise unexpected("endbatch", reply, body)

        params = (("batch_id", batch_id_of(batch)),)
        return (yield from self.command("/http_batch/endbatch", params, interpret))

    def mms_push(
        self, to: str | Iterable[str], fields: MmsPushFields
    ) -> Flow[tuple[SendResult, ...]]:
        """``ind_push``: an MMS notification to each recipient; one result each, in order."""
        recipients = recipient_list(to)
        params = ind_push_params(recipients, fields)
        return (yield from self._sending("ind_push", "/mms/ind_push.php", recipients, params))

    def wap_push(
        self, to: str | Iterable[str], fields: WapPushFields
    ) -> Flow[tuple[SendResult, ...]]:
        """``si_push``: a WAP Service Indication to each recipient; one result each, in order."""
        recipients = recipient_list(to)
        params = si_push_params(recipients, fields)
        return (yield from self._sending("si_push", "/mms/si_push", recipients, params))


# -- drivers ---------------------------------------------------------------------------------


def run_flow(flow: Flow[T], exchange: Callable[[Call], str]) -> T:
    """Drive ``flow`` to its result, making each call with ``exchange`` (call -> reply body)."""
    # Only the flow's own StopIteration ends it: one raised by ``exchange`` (a transport
    # passed in) is an error, not a result.
    try:
        call = next(flow)
    except StopIteration as stop:
        done: T = stop.value
        return done
    while True:
        body = exchange(call)
        try:
            call = flow.send(body)
        except StopIteration as stop:
            result: T = stop.value
            return result


async def run_flow_async(flow: Flow[T], exchange: Callable[[Call], Awaitable[str]]) -> T:
    """:func:`run_flow` for an asynchronous ``exchange``."""
    try:
        call = next(flow)
    except StopIteration as stop:
        done: T = stop.value
        return done
    while True:
        body = await exchange(call)
        try:
            call = flow.send(body)
        except StopIteration as stop:
            result: T = stop.value
            return result
