"""The sans-I/O half of the reference client: calls to make, replies turned into results.

:class:`~fake_clickatell.client.ClickatellClient` and
:class:`~fake_clickatell.client.AsyncClickatellClient` are thin: they only move bytes. Everything
else (which parameters a command sends, how text is encoded, how a reply body becomes a result
or an exception, when to authenticate and when to retry) lives here once, with no httpx import.

Theory of operation
-------------------
Each command is a *flow*: a generator that yields the :class:`Call` to make next and is sent the
reply body (a ``str``) in return; its return value is the command's result. A driver
(:func:`run_flow`, :func:`run_flow_async`) feeds it, the way httpx drives an ``Auth.auth_flow``
with its sync and async clients alike. So a command that finds no session yields ``auth`` first,
and one answered ``ERR: 003`` yields ``auth`` and then itself once more, in both clients.

Bodies are parsed by :func:`fake_clickatell.core.grammar.parse`, the module the fake renders
with. Request-level errors raise; a recipient's error in a send is a :class:`Rejected` value.

The exception classes are defined here; their tree is drawn in :mod:`fake_clickatell.client`'s
docstring, and :data:`ERROR_FAMILIES` maps each code to its family, with the reasons.

Misuse of the client itself (a recipient containing a comma, text and ``data`` together, an
unknown keyword) raises ``ValueError`` or ``TypeError`` before anything is sent.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import TypedDict, TypeVar

from .core.codes import RECIPIENT_ERRORS, STATUSES, Err, format_code, is_final
from .core.commands import MAX_CONCAT
from .core.encoding import (
    Coding,
    encode_ucs2_hex,
    gsm7_length,
    is_gsm7,
    parts_needed,
    ucs2_length,
)
from .core.grammar import (
    Accepted,
    ApiError,
    Balance,
    GrammarError,
    MessageCharge,
    MessageStatus,
    MultiRecipient,
    Ok,
    RecipientAccepted,
    Reply,
    format_decimal,
    parse,
)

T = TypeVar("T")

#: Where the legacy HTTP API lived.
DEFAULT_BASE_URL = "https://api.clickatell.com"
#: The API's idle expiry of a session (seconds); every command that uses it renews it.
SESSION_TTL = 900.0
#: Ping this long before the session would expire: every 10 minutes, as Clickatell advised.
KEEP_ALIVE_MARGIN = 300.0


# -- exceptions ------------------------------------------------------------------------------


class ClickatellError(Exception):
    """Root of the exceptions the client raises (see the tree in the module docstring)."""


class TransportError(ClickatellError):
    """No API reply: the connection failed or timed out, or the HTTP status was not 200.

    ``status_code`` and ``body`` are set when an HTTP response did arrive.
    """

    def __init__(self, message: str, status_code: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class ParseError(ClickatellError):
    """A reply body outside the grammar, or a reply the command cannot answer; ``body`` is it."""

    def __init__(self, body: str, reason: str = "not a Clickatell reply") -> None:
        super().__init__(f"{reason}: {body!r}")
        self.body = body
        self.reason = reason


class APIError(ClickatellError):
    """The API answered ``ERR: <code>, <description>``; the subclass names the family."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"ERR: {format_code(code)}, {description}")
        self.code = code
        self.description = description


class AuthenticationError(APIError):
    """001, 002, 004, 007, 108: the credentials are refused, or the account may not be used."""


class SessionError(APIError):
    """003, 005: the session expired, is unknown, or was not sent."""


class ParameterError(APIError):
    """101-113, 116, 120, 123, 201, 202: a parameter is missing, malformed or names nothing."""


class RoutingError(APIError):
    """114, 115, 121, 122, 128: a valid message the network will not carry to that number."""


class CreditError(APIError):
    """130, 301, 302: out of credit, over the credit cap, or over the MT volume limit."""


class InternalError(APIError):
    """901 (Clickatell advises a retry), and any code the client does not know."""


#: Error code -> exception family. Why each code sits where it does:
#:
#: * 004 (frozen) and 007 (IP lockdown) are authentication: the caller may not use the account,
#:   and a new session would not change that. 005 is a session error: with no session sent,
#:   authenticating is the cure, as for 003.
#: * 103, 104 (unknown message id) and 109 (none given) are parameter errors: the request names
#:   nothing. 105 (invalid destination) too: the number is malformed, not unreachable; in a send
#:   it is a :class:`Rejected` value like every recipient error.
#: * Routing is what a well-formed request cannot change: no route (114), expired (115), blocked
#:   (121), opted out (122), delisted (128).
#: * 130 (MT limit until a time) is a credit error: like 301 and 302, it is the account's
#:   allowance that ran out, and it lifts on its own or by paying.
ERROR_FAMILIES: Mapping[int, type[APIError]] = MappingProxyType(
    {
        **dict.fromkeys((1, 2, 4, 7, 108), AuthenticationError),
        **dict.fromkeys((3, 5), SessionError),
        **dict.fromkeys(
            (101, 102, 103, 104, 105, 106, 107, 109, 110, 111, 112, 113, 116, 120, 123, 201, 202),
            ParameterError,
        ),
        **dict.fromkeys((114, 115, 121, 122, 128), RoutingError),
        **dict.fromkeys((130, 301, 302), CreditError),
        901: InternalError,
    }
)


def error_for(code: int, description: str) -> APIError:
    """The exception (not raised) for ``ERR: <code>, <description>``."""
    return ERROR_FAMILIES.get(code, InternalError)(code, description)


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    """One recipient's message was accepted as ``apimsgid``; ``to`` is the recipient as given."""

    apimsgid: str
    to: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """One recipient was refused with ``ERR: <code>, <description>``; nothing was charged."""

    code: int
    description: str
    to: str

    def error(self) -> APIError:
        """The exception of this code's family, to raise where a rejection is fatal."""
        return error_for(self.code, self.description)


SendResult = Sent | Rejected


@dataclass(frozen=True, slots=True)
class Status:
    """``querymsg``/``delmsg``: a message and its status code (``6``: cancelled by delmsg)."""

    apimsgid: str
    status: int

    @property
    def description(self) -> str:
        """Clickatell's description of the status (``"Received by recipient"`` for 4)."""
        entry = STATUSES.get(self.status)
        return entry[0] if entry else "Unknown status"

    @property
    def final(self) -> bool:
        """True when no further status will follow."""
        return is_final(self.status)


@dataclass(frozen=True, slots=True)
class Charge:
    """``getmsgcharge``: what a message cost (``0`` once refunded) and its status code."""

    apimsgid: str
    charge: Decimal
    status: int


class SendOptions(TypedDict, total=False):
    """The optional sendmsg parameters, as keyword arguments of ``send`` (reference B §4).

    ``None`` is never sent; booleans go out as ``1``/``0``. Not here: ``to`` and ``text`` (the
    positional arguments) and ``charset`` (the client picks it).

    * ``sender`` (``from``): 1-16 digits, or up to 11 letters, digits and spaces.
    * ``climsgid``: your id for the message (printable ASCII, no spaces, up to 32).
    * ``callback`` (0-7), ``deliv_ack``, ``queue`` (1-3), ``escalate``, ``mo``, ``req_feat``.
    * ``deliv_time``: minutes to hold the message (up to 10080); ``scheduled_time``: when to
      send it, a unix time or an aware ``datetime`` (sent as ``YYYY-MM-DDTHH:MM:SSZ``).
    * ``concat``: most parts allowed; by default the parts the text needs (at most 35).
    * ``max_credits``: the most the message may cost; over it, it fails with status 009.
    * ``msg_type`` (``SMS_TEXT``, ``SMS_FLASH``, ...), ``validity`` (minutes, 1-1440).
    * ``unicode``: force (``True``) or forbid (``False``) UCS-2; by default UCS-2 exactly when
      the text is not GSM-7.
    * ``udh``, ``data``, ``binary``: an 8-bit message (bytes, sent as hex) instead of text.
    """

    sender: str
    climsgid: str
    callback: int
    deliv_ack: bool
    deliv_time: int
    scheduled_time: datetime | int
    concat: int
    max_credits: Decimal | int
    req_feat: int
    queue: int
    escalate: bool
    mo: bool
    msg_type: str
    validity: int
    unicode: bool
    binary: bool
    udh: bytes
    data: bytes


#: Option name -> wire name, for the options sent as they are (after formatting).
_WIRE_NAMES = {
    "sender": "from",
    "climsgid": "climsgid",
    "callback": "callback",
    "deliv_ack": "deliv_ack",
    "deliv_time": "deliv_time",
    "scheduled_time": "scheduled_time",
    "max_credits": "max_credits",
    "req_feat": "req_feat",
    "queue": "queue",
    "escalate": "escalate",
    "mo": "mo",
    "msg_type": "msg_type",
    "validity": "validity",
    "binary": "binary",
}
_BODY_OPTIONS = frozenset({"concat", "unicode", "udh", "data"})


# -- requests --------------------------------------------------------------------------------

Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Call:
    """One request to make: a path under the base URL and its parameters, in order."""

    path: str
    params: Params

    def __repr__(self) -> str:
        shown = tuple((k, "***" if k == "password" else v) for k, v in self.params)
        return f"Call({self.path!r}, {shown!r})"


def format_value(value: object) -> str:
    """An option value as the API expects it: ``1``/``0``, shortest decimals, UTC times."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"scheduled_time needs a timezone-aware datetime, got {value!r}")
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def recipient_list(to: str | Iterable[str]) -> tuple[str, ...]:
    """The recipients of a send: one string is one recipient; none may be empty or hold a comma.

    The API splits ``to`` on commas and skips empty entries, which would shift every result
    after them: the client refuses such recipients rather than misalign its results.
    """
    recipients = (to,) if isinstance(to, str) else tuple(to)
    if not recipients:
        raise ValueError("send needs at least one recipient")
    for recipient in recipients:
        if not isinstance(recipient, str):
            raise TypeError(f"a recipient must be a str, got {recipient!r}")
        if "," in recipient or not recipient.strip():
            raise ValueError(f"a recipient may not be empty or contain a comma: {recipient!r}")
    return recipients


def _text_params(text: str, unicode: bool | None) -> tuple[Params, int, Coding]:
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValueError("text contains a lone surrogate, which no encoding can carry")
    if unicode is None:
        unicode = not is_gsm7(text)
    if unicode:
        return (("text", encode_ucs2_hex(text)), ("unicode", "1")), ucs2_length(text), Coding.UCS2
    # Without a charset the API reads ISO-8859-1 (Part A §17): say UTF-8 and send any text.
    return (("text", text), ("charset", "UTF-8")), gsm7_length(text), Coding.GSM7


def sendmsg_params(
    recipients: tuple[str, ...], text: str | None, options: SendOptions
) -> tuple[tuple[str, str], ...]:
    """The parameters of a sendmsg call (without authentication)."""
    unknown = set(options) - set(_WIRE_NAMES) - _BODY_OPTIONS
    if unknown:
        raise TypeError(f"unknown sendmsg options: {', '.join(sorted(unknown))}")
    udh, data = options.get("udh"), options.get("data")
    body: Params
    if udh is not None or data is not None:
        if text is not None:
            raise ValueError("send either text, or udh/data (an 8-bit message), not both")
        body = tuple((name, value.hex()) for name, value in (("udh", udh), ("data", data)) if value)
        units, coding = len(udh or b"") + len(data or b""), Coding.BINARY
    elif text is None:
        raise ValueError("send needs text, or udh/data for an 8-bit message")
    else:
        body, units, coding = _text_params(text, options.get("unicode"))
    concat = options.get("concat")
    if concat is None:
        concat = min(max(parts_needed(units, coding), 1), MAX_CONCAT)
    given: Mapping[str, object] = options
    wire = tuple(
        (wire_name, format_value(given[name]))
        for name, wire_name in _WIRE_NAMES.items()
        if given.get(name) is not None
    )
    return (("to", ",".join(recipients)), *body, ("concat", str(concat)), *wire)


def message_ref(apimsgid: str | None, climsgid: str | None) -> Params:
    """The parameters naming one message: its apimsgid or your climsgid (exactly one)."""
    if (apimsgid is None) == (climsgid is None):
        raise ValueError("name the message by apimsgid or by climsgid (exactly one)")
    if apimsgid is not None:
        return (("apimsgid", apimsgid),)
    return (("climsgid", climsgid or ""),)


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


def _send_results(recipients: tuple[str, ...], reply: Reply, body: str) -> tuple[SendResult, ...]:
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
    raise unexpected("sendmsg", reply, body)


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

    def command(self, path: str, params: Params, interpret: Callable[[Reply, str], T]) -> Flow[T]:
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

        def interpret(reply: Reply, body: str) -> tuple[SendResult, ...]:
            return _send_results(recipients, reply, body)

        return (yield from self.command("/http/sendmsg", params, interpret))

    def query(self, apimsgid: str | None, climsgid: str | None) -> Flow[Status]:
        """``querymsg``: the message's status (an unknown apimsgid has status 1)."""
        return (yield from self._status("querymsg", message_ref(apimsgid, climsgid)))

    def delete(self, apimsgid: str | None, climsgid: str | None) -> Flow[Status]:
        """``delmsg``: stop a message still queued (status 6); else its status, unchanged."""
        return (yield from self._status("delmsg", message_ref(apimsgid, climsgid)))

    def _status(self, command: str, params: Params) -> Flow[Status]:
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


# -- drivers ---------------------------------------------------------------------------------


def run_flow(flow: Flow[T], exchange: Callable[[Call], str]) -> T:
    """Drive ``flow`` to its result, making each call with ``exchange`` (call -> reply body)."""
    try:
        call = next(flow)
        while True:
            call = flow.send(exchange(call))
    except StopIteration as stop:
        result: T = stop.value
        return result


async def run_flow_async(flow: Flow[T], exchange: Callable[[Call], Awaitable[str]]) -> T:
    """:func:`run_flow` for an asynchronous ``exchange``."""
    try:
        call = next(flow)
        while True:
            call = flow.send(await exchange(call))
    except StopIteration as stop:
        result: T = stop.value
        return result
