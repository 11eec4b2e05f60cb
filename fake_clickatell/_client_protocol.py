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

Misuse of the client itself (a recipient containing a comma, text and ``data`` together, fields
for a unicode batch, an unknown keyword) raises ``ValueError`` or ``TypeError`` before anything
is sent.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import Literal, TypedDict, TypeVar

from .core.codes import RECIPIENT_ERRORS, STATUSES, Err, format_code, is_final
from .core.commands import MAX_CONCAT
from .core.encoding import (
    Coding,
    encode_ucs2_hex,
    is_gsm7,
    parts_needed,
    text_parts,
)
from .core.grammar import (
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
    format_decimal,
    parse,
)
from .core.wap import MMS_CLASSES

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
#: * 201 (an unknown, ended or expired batch) and 202 (no template) are parameter errors too:
#:   the request names no live batch, or lacks what starts one.
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


@dataclass(frozen=True, slots=True)
class RouteCoverage:
    """``routeCoverage``: whether messages to ``msisdn`` (as given) would be routed.

    ``charge`` is what one plain-text message part to it costs, or ``None`` when no route
    covers it (the API's ``ERR: This prefix is not currently supported. ...``, which is an
    answer here, not an error).
    """

    msisdn: str
    charge: Decimal | None

    @property
    def supported(self) -> bool:
        """True when messages to the number would be routed."""
        return self.charge is not None


@dataclass(frozen=True, slots=True)
class Batch:
    """A started batch: ``batch_id`` names it for 24 hours (or until ended).

    A ``unicode`` batch went out as UCS-2 hex, and the API fills in no ``#fields#`` in it: the
    client refuses fields for it (it can tell only when given this value, not a bare id).
    """

    batch_id: str
    unicode: bool


class _MessageOptions(TypedDict, total=False):
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


class SendOptions(_MessageOptions, total=False):
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

    udh: bytes
    data: bytes


class BatchOptions(_MessageOptions, total=False):
    """The optional startbatch parameters, as keyword arguments of ``start_batch``.

    Every :class:`SendOptions` key but ``udh`` and ``data`` (a template is text), with the same
    meaning, applied to every message of the batch; except:

    * ``concat``: by default 35, the most the API allows: an item's length is known only when
      its fields are filled in. Give it to cap every message of the batch (113 above it).
    * ``unicode``: by default UCS-2 exactly when the template is not GSM-7. The API fills in no
      fields in a UCS-2 template, so a template to personalise should be GSM-7.
    """


#: ``mms_class`` names and the codes the API takes for them (80-83).
MmsClass = Literal["personal", "advertisement", "informational", "auto"]
_MMS_CLASS_CODES = {name: code for code, name in MMS_CLASSES.items()}

#: What a handset does with a WAP Service Indication (``si_action``).
SiAction = Literal["signal-none", "signal-low", "signal-medium", "signal-high", "delete"]


class MmsPushFields(TypedDict):
    """An MMS notification (``ind_push``): every parameter is required (reference B §3.11).

    * ``sender`` (``from``): the sender id of the notification SMS, as in ``send``.
    * ``mms_subject``; ``mms_class`` (``"personal"``, ``"advertisement"``,
      ``"informational"``, ``"auto"``; sent as 80-83); ``mms_expire`` (seconds);
      ``mms_from`` (the sender the handset shows); ``mms_url`` (where the MMS is fetched).
    """

    sender: str
    mms_subject: str
    mms_class: MmsClass
    mms_expire: int
    mms_from: str
    mms_url: str


class _WapPushRequired(TypedDict):
    si_id: str
    si_url: str


class WapPushFields(_WapPushRequired, total=False):
    """A WAP Service Indication (``si_push``): ``si_id`` and ``si_url`` are required.

    ``si_text``; ``si_created`` and ``si_expires`` (aware ``datetime``, sent as UTC
    ``YYYY-MM-DDTHH:MM:SSZ``); ``si_action`` (:data:`SiAction`; the handset's default is
    ``signal-medium``).
    """

    si_text: str
    si_created: datetime
    si_expires: datetime
    si_action: SiAction


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
_BATCH_KEYS = frozenset({*_WIRE_NAMES, "concat", "unicode"})
_SEND_KEYS = _BATCH_KEYS | {"udh", "data"}
_MMS_PUSH_KEYS = ("sender", "mms_subject", "mms_class", "mms_expire", "mms_from", "mms_url")
_WAP_PUSH_KEYS = ("si_id", "si_url", "si_text", "si_created", "si_expires", "si_action")

#: Names no field can have: senditem's own parameters, and names the API reads in any case
#: (``msg_callback`` as ``callback``), whose ``#placeholder#`` it would never find as written.
_ITEM_PARAMETERS = frozenset({"session_id", "api_id", "user", "password", "batch_id", "to"})
_ITEM_PARAMETERS_ANY_CASE = frozenset({"climsgid", "apimsgid", "callback", "msg_callback"})


# -- requests --------------------------------------------------------------------------------

Params = tuple[tuple[str, str], ...]

#: Parameters a :class:`Call`'s repr masks: the password, and a voucher (it is money).
_SECRETS = frozenset({"password", "token"})


@dataclass(frozen=True, slots=True)
class Call:
    """One request to make: a path under the base URL and its parameters, in order."""

    path: str
    params: Params

    def __repr__(self) -> str:
        shown = tuple((k, "***" if k in _SECRETS else v) for k, v in self.params)
        return f"Call({self.path!r}, {shown!r})"


def format_value(value: object) -> str:
    """An option value as the API expects it: ``1``/``0``, shortest decimals, UTC times."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"a time needs a timezone-aware datetime, got {value!r}")
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


def _check_keys(
    command: str, given: Mapping[str, object], known: Iterable[str], required: Iterable[str] = ()
) -> None:
    unknown = set(given) - set(known)
    if unknown:
        raise TypeError(f"unknown {command} options: {', '.join(sorted(unknown))}")
    missing = [name for name in required if given.get(name) is None]
    if missing:
        raise TypeError(f"{command} needs {', '.join(missing)}")


def _options_params(options: Mapping[str, object]) -> Params:
    """The message options but the text's own (concat, unicode, udh, data), in wire form."""
    return tuple(
        (wire_name, format_value(options[name]))
        for name, wire_name in _WIRE_NAMES.items()
        if options.get(name) is not None
    )


def _text_params(text: str, unicode: bool | None, name: str) -> tuple[Params, int]:
    """The text's parameters and the parts it needs."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValueError(f"{name} contains a lone surrogate, which no encoding can carry")
    if unicode is None:
        unicode = not is_gsm7(text)
    if unicode:
        hex_text = encode_ucs2_hex(text)
        return ((name, hex_text), ("unicode", "1")), text_parts(text, Coding.UCS2)
    # Without a charset the API reads ISO-8859-1 (Part A §17): say UTF-8 and send any text.
    return ((name, text), ("charset", "UTF-8")), text_parts(text, Coding.GSM7)


def sendmsg_params(
    recipients: tuple[str, ...], text: str | None, options: SendOptions
) -> tuple[tuple[str, str], ...]:
    """The parameters of a sendmsg call (without authentication)."""
    _check_keys("sendmsg", options, _SEND_KEYS)
    udh, data = options.get("udh"), options.get("data")
    body: Params
    if udh is not None or data is not None:
        if text is not None:
            raise ValueError("send either text, or udh/data (an 8-bit message), not both")
        body = tuple((name, value.hex()) for name, value in (("udh", udh), ("data", data)) if value)
        octets = len(udh or b"") + len(data or b"")
        parts = parts_needed(octets, Coding.BINARY)
    elif text is None:
        raise ValueError("send needs text, or udh/data for an 8-bit message")
    else:
        body, parts = _text_params(text, options.get("unicode"), "text")
    concat = options.get("concat")
    if concat is None:
        concat = min(max(parts, 1), MAX_CONCAT)
    return (("to", ",".join(recipients)), *body, ("concat", str(concat)), *_options_params(options))


def startbatch_params(template: str, options: BatchOptions) -> Params:
    """The parameters of a startbatch call (see :class:`BatchOptions` for the defaults)."""
    _check_keys("startbatch", options, _BATCH_KEYS)
    body, _ = _text_params(template, options.get("unicode"), "template")
    concat = options.get("concat")
    return (
        *body,
        ("concat", str(MAX_CONCAT if concat is None else concat)),
        *_options_params(options),
    )


def batch_id_of(batch: Batch | str) -> str:
    """The id of a batch given as a :class:`Batch` or as its id."""
    return batch.batch_id if isinstance(batch, Batch) else batch


def senditem_params(
    batch: Batch | str, to: str, climsgid: str | None, fields: Mapping[str, str]
) -> Params:
    """The parameters of a senditem call: the batch, one recipient, the ``#fields#``' values."""
    if not isinstance(to, str):
        raise TypeError(f"send_item takes one recipient (a str), got {to!r}")
    (recipient,) = recipient_list(to)
    if isinstance(batch, Batch) and batch.unicode and fields:
        raise ValueError(
            "the API fills in no fields in a unicode batch: start_batch(..., unicode=False) "
            "sends a template that is not GSM-7 as text (the gateway substitutes what GSM-7 lacks)"
        )
    for name, value in fields.items():
        if not name or "#" in name:
            raise ValueError(f"a field name may not be empty or contain '#': {name!r}")
        if name in _ITEM_PARAMETERS or name.lower() in _ITEM_PARAMETERS_ANY_CASE:
            raise ValueError(f"{name!r} is a senditem parameter, not a field")
        if not isinstance(value, str):
            raise TypeError(f"field {name} must be a str, got {value!r}")
    named = (("climsgid", climsgid),) if climsgid is not None else ()
    return (("batch_id", batch_id_of(batch)), ("to", recipient), *named, *fields.items())


def ind_push_params(recipients: tuple[str, ...], fields: MmsPushFields) -> Params:
    """The parameters of an MMS notification (``/mms/ind_push.php``)."""
    _check_keys("mms_push", fields, _MMS_PUSH_KEYS, _MMS_PUSH_KEYS)
    code = _MMS_CLASS_CODES.get(fields["mms_class"])
    if code is None:
        names = ", ".join(_MMS_CLASS_CODES)
        raise ValueError(f"mms_class is one of {names}, got {fields['mms_class']!r}")
    wire: Mapping[str, object] = {**fields, "mms_class": code}
    return (
        ("to", ",".join(recipients)),
        *((_WIRE_NAMES.get(name, name), format_value(wire[name])) for name in _MMS_PUSH_KEYS),
    )


def si_push_params(recipients: tuple[str, ...], fields: WapPushFields) -> Params:
    """The parameters of a WAP Service Indication (``/mms/si_push``)."""
    _check_keys("wap_push", fields, _WAP_PUSH_KEYS, ("si_id", "si_url"))
    given: Mapping[str, object] = fields
    return (
        ("to", ",".join(recipients)),
        *(
            (name, format_value(given[name]))
            for name in _WAP_PUSH_KEYS
            if given.get(name) is not None
        ),
    )


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
        return (yield from self._sending("sendmsg", "/http/sendmsg", recipients, params))

    def _sending(
        self, command: str, path: str, recipients: tuple[str, ...], params: Params
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

    def coverage(self, msisdn: str) -> Flow[RouteCoverage]:
        """``routeCoverage``: whether a route covers ``msisdn``, and its charge."""

        def interpret(reply: Reply, body: str) -> RouteCoverage:
            if isinstance(reply, Coverage):
                return RouteCoverage(msisdn, reply.charge)
            # The one reply without a code that is an answer, not a failure (reference B §3.8).
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
