"""Request parameters -> typed command values; bad input -> an :class:`ApiError` value.

Parameters arrive as ``(name, value)`` pairs with values decoded byte-for-byte as ISO-8859-1,
so that ``text`` can be re-decoded in the charset the request names. The first occurrence of a
name wins; ``apimsgid``, ``climsgid`` and ``callback`` are matched case-insensitively and
``msg_callback`` is an alias of ``callback``.

Parsing happens after authentication (an unauthenticated request never reaches it), in a fixed
order, so that a request with several faults always gets the same error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .codes import ERROR_TEXTS, Err
from .encoding import (
    CHARSETS,
    GSM7_BASIC,
    Coding,
    decode_text,
    decode_ucs2_hex,
    gsm7_length,
    is_gsm7,
    is_hex,
    parts_needed,
    text_parts,
    text_units,
    ucs2_length,
)
from .grammar import ApiError
from .scenario_model import RecipientLimits

_CASE_INSENSITIVE = {"apimsgid": "apimsgid", "climsgid": "climsgid", "callback": "callback"}
_ALIASES = {"msg_callback": "callback"}

MSG_TYPES = frozenset(
    {
        "SMS_TEXT",
        "SMS_FLASH",
        "SMS_NOKIA_OLOGO",
        "SMS_NOKIA_GLOGO",
        "SMS_NOKIA_PICTURE",
        "SMS_NOKIA_RINGTONE",
        "SMS_NOKIA_RTTL",
        "SMS_NOKIA_CLEAN",
        "SMS_NOKIA_VCARD",
        "SMS_NOKIA_VCAL",
    }
)

#: req_feat bits Clickatell documents; any other bit is an invalid value.
REQ_FEAT_BITS = 1 | 2 | 4 | 8 | 16 | 32 | 512 | 8192 | 16384

#: Digits an integer parameter may have (every range the API knows fits in far fewer).
_MAX_DIGITS = 20

MAX_CONCAT = 35
DEFAULT_CONCAT = 3
MAX_DELIV_TIME_MINUTES = 10080
MAX_SCHEDULE_AHEAD_SECONDS = 7 * 24 * 3600
MAX_VALIDITY_MINUTES = 1440

#: What a part is counted in, by coding (for reasons).
_UNIT = {Coding.GSM7: "septets", Coding.UCS2: "UCS-2 units", Coding.BINARY: "octets"}

_TOKEN = re.compile(r"[!-~]{1,64}")
CLIMSGID = re.compile(r"[!-~]{1,32}")
_SENDER_NUMERIC = re.compile(r"[0-9]{1,16}")
_SENDER_ALPHA = re.compile(r"[A-Za-z0-9 ]{1,11}")
_MSISDN = re.compile(r"[1-9][0-9]{6,14}")
_ISO_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def canonical_name(name: str) -> str:
    """The name a parameter is known by (``CliMsgId`` is ``climsgid``, ``msg_callback`` is
    ``callback``); other names are case-sensitive, as Clickatell documents them."""
    folded = name.lower()
    return _ALIASES.get(folded) or _CASE_INSENSITIVE.get(folded, name)


class Params:
    """Request parameters: first occurrence wins, some names folded (see module docstring)."""

    __slots__ = ("_values",)

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        values: dict[str, str] = {}
        for name, value in pairs:
            values.setdefault(canonical_name(name), value)
        self._values = values

    def get(self, name: str) -> str | None:
        """The value of ``name``, or ``None`` when absent."""
        return self._values.get(name)

    def present(self, name: str) -> str | None:
        """The value of ``name`` when given and not empty, else ``None``."""
        value = self._values.get(name)
        return value or None

    def names(self) -> frozenset[str]:
        """The names present (canonical), as a set."""
        return frozenset(self._values)

    def as_dict(self) -> dict[str, str]:
        """A copy of the parameters (canonical names)."""
        return dict(self._values)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __repr__(self) -> str:
        return f"Params({self._values!r})"


def api_error(
    code: int,
    texts: Mapping[int, str] | None = None,
    *,
    reason: str | None = None,
    defaults: Mapping[int, str] = ERROR_TEXTS,
    **fields: object,
) -> ApiError:
    """The :class:`ApiError` for ``code`` with its (possibly overridden) text, and the
    ``reason`` the fake gives its user (never sent on the wire). ``defaults`` are the API's
    own texts (the HTTP API's unless another API says).

    ``{name}`` placeholders in the text are filled from ``fields`` (130 carries ``{until}``);
    any other brace is left as it is.
    """
    text = (texts or {}).get(code) or defaults.get(code, "Unknown error")
    for name, value in fields.items():
        text = text.replace("{" + name + "}", str(value))
    return ApiError(code, text, reason)


class InvalidCommand(Exception):
    """A parameter the command cannot take: the parsers raise it with the error code to
    answer and the reason (for the user, not the wire), and the command handlers turn it into
    an :class:`ApiError` value."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Credentials:
    """How a request authenticates: a session, or api_id+user+password."""

    session_id: str | None
    api_id: str | None
    user: str | None
    password: str | None

    @classmethod
    def from_params(cls, params: Params) -> Credentials:
        """The credentials a request carries (empty values count as absent)."""
        return cls(
            params.present("session_id"),
            params.present("api_id"),
            params.present("user"),
            params.present("password"),
        )


@dataclass(frozen=True, slots=True)
class MessageBody:
    """What a message carries, decoded, with its length arithmetic done."""

    text: str
    coding: Coding
    units: int
    parts: int
    udh: str | None = None
    data: str | None = None
    #: "sms", or "mms_ind_push" / "wap_si_push" with the push's parameters in ``details``.
    kind: str = "sms"
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class MessageOptions:
    """Everything a sendmsg (or a batch) says about its messages but the recipients and text."""

    sender: str | None
    climsgid: str | None
    callback: int
    deliv_ack: bool
    release_at: float | None
    concat: int
    max_credits: Decimal | None
    req_feat: int | None
    queue: int
    escalate: bool
    mo: bool
    msg_type: str
    binary: bool
    validity: int
    charset: str | None
    unicode: bool = False
    #: The API the messages came through (:mod:`.protocol`); shared, like every option.
    api: str = "http"
    #: The Platform or One API integration that sent them (its id), and the Platform send
    #: request they came in (its ``requestId``).
    integration: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class SendPlan:
    """A validated sendmsg (everything but the recipients' own checks)."""

    recipients: tuple[str, ...]
    body: MessageBody
    options: MessageOptions
    #: How a refused recipient is echoed in its result (``None``: made printable, as the text
    #: grammar needs; JSON echoes it as received).
    echo: Callable[[str], str] | None = None
    #: An accepted recipient is echoed as its number's digits (JSON), not as given (text).
    accepted_as_digits: bool = False
    #: What a recipient is read as before the number check (``None``: as given; the newer
    #: APIs drop the punctuation people write numbers with).
    clean: Callable[[str], str] | None = None

    @property
    def sender(self) -> str | None:
        """The sender id the request names, if any."""
        return self.options.sender


@dataclass(frozen=True, slots=True)
class MessageRef:
    """querymsg/delmsg/getmsgcharge: the message is named by apimsgid or climsgid."""

    apimsgid: str | None
    climsgid: str | None


def parse_message_ref(params: Params) -> MessageRef | ApiError:
    """The message a query names; 109 when neither id is given, 101 when one is malformed."""
    apimsgid = params.present("apimsgid")
    climsgid = params.present("climsgid")
    if apimsgid is None and climsgid is None:
        return api_error(Err.MISSING_MESSAGE_ID, reason="neither apimsgid nor climsgid given")
    for name, value in (("apimsgid", apimsgid), ("climsgid", climsgid)):
        if value is not None and not _TOKEN.fullmatch(value):
            return api_error(
                Err.INVALID_PARAMETERS,
                reason=f"{name}: {_quote(value)} is not 1-64 printable characters without spaces",
            )
    return MessageRef(apimsgid, climsgid)


def split_recipients(to: str) -> list[str]:
    """The entries of a comma-separated ``to``, trimmed, empty entries dropped."""
    return [entry for entry in (part.strip() for part in to.split(",")) if entry]


def normalize_msisdn(entry: str, dial_prefix: str | None) -> str | None:
    """The international number ``entry`` denotes, or ``None`` if it is not a valid one.

    Digits only, no ``+`` and no ``00``; a single leading ``0`` is replaced by the account's
    dial prefix when it has one.
    """
    if dial_prefix and entry.startswith("0") and not entry.startswith("00"):
        entry = dial_prefix + entry[1:]
    return entry if _MSISDN.fullmatch(entry) else None


def destination_reason(entry: str) -> str:
    """Why ``entry`` is not a number the fake sends to."""
    if entry.startswith(("+", "00")):
        how = "a leading + or 00 (send the country code and number, digits only)"
    elif entry.startswith("0"):
        how = "a leading 0 with no dial prefix on the account"
    elif not (entry.isascii() and entry.isdigit()):
        how = "characters other than digits"
    else:
        how = f"{len(entry)} digits (7 to 15 make a number)"
    return f"{_quote(entry)} is not an international number: {how}"


def echo_recipient(entry: str) -> str:
    """A recipient as echoed after ``To:``: non-printable characters would break the grammar."""
    if entry.isprintable():
        return entry
    return "".join(ch if ch.isprintable() else "?" for ch in entry)


def _quote(value: str, limit: int = 40) -> str:
    """A parameter value as a reason quotes it: repr, cut when long."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "..."


def _int_option(params: Params, name: str, default: int, low: int, high: int, code: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    # Bounded before int(): a number of thousands of digits is out of range anyway, and
    # converting it would cost (or, past 4,300 digits, fail) for nothing.
    expected = f"{name}: expected a whole number from {low} to {high}, got {_quote(raw)}"
    if not raw.isascii() or not raw.isdigit() or len(raw) > _MAX_DIGITS:
        raise InvalidCommand(code, expected)
    value = int(raw)
    if not low <= value <= high:
        raise InvalidCommand(code, expected)
    return value


def climsgid_reason(climsgid: str) -> str:
    """Why a climsgid is refused."""
    return f"climsgid: {_quote(climsgid)} is not 1-32 printable characters without spaces"


def _flag(params: Params, name: str) -> bool:
    return bool(_int_option(params, name, 0, 0, 1, Err.INVALID_PARAMETERS))


def _decimal_option(params: Params, name: str) -> Decimal | None:
    raw = params.present(name)
    if raw is None:
        return None
    expected = f"{name}: expected a number above 0, got {_quote(raw)}"
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidCommand(Err.INVALID_PARAMETERS, expected) from None
    if not value.is_finite() or value <= 0:
        raise InvalidCommand(Err.INVALID_PARAMETERS, expected)
    return value


def _parse_scheduled_time(raw: str) -> float | None:
    if raw.isascii() and raw.isdigit():
        return float(int(raw)) if len(raw) <= _MAX_DIGITS else None
    if _ISO_UTC.fullmatch(raw) is None:
        return None
    try:
        parsed = datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:  # e.g. 2026-02-30
        return None
    return parsed.replace(tzinfo=timezone.utc).timestamp()


def _release_time(params: Params, now: float) -> float | None:
    """When a deferred message goes out; ``None`` for at once. scheduled_time wins."""
    scheduled = params.present("scheduled_time")
    if scheduled is not None:
        at = _parse_scheduled_time(scheduled)
        if at is None:
            raise InvalidCommand(
                Err.INVALID_DELIVERY_TIME,
                f"scheduled_time: {_quote(scheduled)} is neither a unix time nor"
                " YYYY-MM-DDTHH:MM:SSZ",
            )
        if at > now + MAX_SCHEDULE_AHEAD_SECONDS:
            raise InvalidCommand(
                Err.INVALID_DELIVERY_TIME, "scheduled_time: more than 7 days ahead"
            )
        return at if at > now else None
    minutes = _int_option(
        params, "deliv_time", 0, 0, MAX_DELIV_TIME_MINUTES, Err.INVALID_DELIVERY_TIME
    )
    return now + minutes * 60 if minutes else None


def _parse_sender(params: Params) -> str | None:
    sender = params.present("from")
    if sender is None:
        return None
    if _SENDER_NUMERIC.fullmatch(sender):
        return sender
    if _SENDER_ALPHA.fullmatch(sender) and any(ch.isalpha() for ch in sender):
        return sender
    raise InvalidCommand(
        Err.INVALID_SOURCE,
        f"from: {_quote(sender)} is neither 1-16 digits nor 1-11 letters, digits and spaces",
    )


def parse_udh(params: Params) -> str | None:
    udh = params.present("udh")
    if udh is None:
        return None
    # A UDH is hex whose first octet (UDHL) counts the octets that follow it.
    if len(udh) % 2 or not is_hex(udh):
        raise InvalidCommand(
            Err.INVALID_UDH, "udh: expected hex octets (an even number of hex digits)"
        )
    if int(udh[:2], 16) != len(udh) // 2 - 1:
        raise InvalidCommand(
            Err.INVALID_UDH,
            f"udh: its first octet says {int(udh[:2], 16)} octets follow, {len(udh) // 2 - 1} do",
        )
    return udh.lower()


def parse_body(params: Params, options: MessageOptions) -> MessageBody:
    """The body of a message from ``udh``/``data`` (8-bit) or ``text``, checked
    (:class:`InvalidCommand` otherwise)."""
    udh = parse_udh(params)
    data = params.present("data")
    if data is not None and (len(data) % 2 or not is_hex(data)):
        raise InvalidCommand(
            Err.INVALID_PARAMETERS, "data: expected hex octets (an even number of hex digits)"
        )
    if udh is not None or data is not None:
        octets = (len(udh or "") + len(data or "")) // 2
        parts = parts_needed(octets, Coding.BINARY)
        body = MessageBody("", Coding.BINARY, octets, parts, udh=udh, data=(data or "").lower())
        return _check_size(body, options)
    raw = params.get("text")
    if raw is None:
        raise InvalidCommand(Err.INVALID_PARAMETERS, "text: missing (and no udh or data)")
    return text_body(raw, options)


def text_body(raw: str, options: MessageOptions) -> MessageBody:
    """The body of a text message from its raw ``text`` (latin-1 transparent), checked."""
    if raw == "":
        raise InvalidCommand(Err.EMPTY_MESSAGE, "text: empty")
    if options.unicode:
        decoded = decode_ucs2_hex(raw)
        if decoded is None:
            raise InvalidCommand(
                Err.INVALID_UNICODE,
                "text: with unicode=1 it is UTF-16BE as hex, 4 hex digits per unit, no lone"
                f" surrogate; got {_quote(raw)}",
            )
        units = ucs2_length(decoded)
        body = MessageBody(decoded, Coding.UCS2, units, text_parts(decoded, Coding.UCS2, units))
    else:
        decoded = decode_text(raw.encode("latin-1"), options.charset)
        if decoded is None:
            raise InvalidCommand(
                Err.INVALID_PARAMETERS, f"text: not valid {options.charset} (the charset given)"
            )
        units = gsm7_length(decoded)
        body = MessageBody(decoded, Coding.GSM7, units, text_parts(decoded, Coding.GSM7, units))
    return _check_size(body, options)


def literal_text_body(text: str, options: MessageOptions) -> MessageBody:
    """The body of a text given as itself (a JSON string: never hex, never re-decoded): UCS-2
    when ``unicode`` is set or a character is outside GSM-7, else GSM-7; checked."""
    if text == "":
        raise InvalidCommand(Err.EMPTY_MESSAGE, "text: empty")
    if not options.unicode and GSM7_BASIC.issuperset(text):
        # The common case, in one pass in C: GSM-7, every character one septet.
        units = len(text)
        body = MessageBody(text, Coding.GSM7, units, parts_needed(units, Coding.GSM7))
        return _check_size(body, options)
    coding = Coding.UCS2 if options.unicode or not is_gsm7(text) else Coding.GSM7
    units = text_units(text, coding)
    return _check_size(MessageBody(text, coding, units, text_parts(text, coding, units)), options)


def _check_size(body: MessageBody, options: MessageOptions) -> MessageBody:
    if body.units == 0:
        raise InvalidCommand(Err.EMPTY_MESSAGE, "the message is empty")
    if body.parts > options.concat:
        raise InvalidCommand(
            Err.TOO_MANY_PARTS,
            f"the message needs {body.parts} parts ({body.units} {_UNIT[body.coding]});"
            f" concat allows {options.concat}",
        )
    return body


def parse_sendmsg(
    params: Params, *, method: str, now: float, limits: RecipientLimits
) -> SendPlan | ApiError:
    """Validate a sendmsg request's parameters in a fixed order."""
    try:
        return _parse_sendmsg(params, method=method, now=now, limits=limits)
    except InvalidCommand as error:
        return api_error(error.code, reason=error.reason)


def recipients_within_limits(params: Params, method: str, limits: RecipientLimits) -> list[str]:
    """The ``to`` entries; :class:`InvalidCommand` (101) when none or over the method's limit."""
    recipients = split_recipients(params.get("to") or "")
    limit = limits.post if method == "POST" else limits.get
    if not recipients:
        raise InvalidCommand(Err.INVALID_PARAMETERS, "to: missing (no recipient)")
    if len(recipients) > limit:
        raise InvalidCommand(
            Err.INVALID_PARAMETERS,
            f"to: {len(recipients)} recipients; at most {limits.get} by GET, {limits.post} by POST",
        )
    return recipients


def _parse_sendmsg(params: Params, *, method: str, now: float, limits: RecipientLimits) -> SendPlan:
    recipients = recipients_within_limits(params, method, limits)
    options = parse_message_options(params, now)
    return SendPlan(tuple(recipients), parse_body(params, options), options)


def parse_message_options(params: Params, now: float, api: str = "http") -> MessageOptions:
    """The message options of a sendmsg or startbatch (or a send through another ``api``,
    its options named as here), checked in a fixed order.

    Raises :class:`InvalidCommand`.
    """
    bad = Err.INVALID_PARAMETERS
    concat = _int_option(params, "concat", DEFAULT_CONCAT, 1, MAX_CONCAT, bad)
    callback = _int_option(params, "callback", 0, 0, 7, bad)
    queue = _int_option(params, "queue", 3, 1, 3, bad)
    validity = _int_option(params, "validity", MAX_VALIDITY_MINUTES, 1, MAX_VALIDITY_MINUTES, bad)
    req_feat = None
    if params.present("req_feat") is not None:
        req_feat = _int_option(params, "req_feat", 0, 0, REQ_FEAT_BITS, bad)
        if req_feat & ~REQ_FEAT_BITS:
            raise InvalidCommand(bad, f"req_feat: {req_feat} has bits no feature has")
    deliv_ack, escalate, mo = (
        _flag(params, "deliv_ack"),
        _flag(params, "escalate"),
        _flag(params, "mo"),
    )
    binary, unicode = _flag(params, "binary"), _flag(params, "unicode")
    max_credits = _decimal_option(params, "max_credits")
    charset = params.present("charset")
    # With unicode=1 the text is UCS-2 hex whatever charset says: not checked.
    if charset is not None and not unicode and charset.lower() not in CHARSETS:
        raise InvalidCommand(
            bad, f"charset: {_quote(charset)} is not one of {', '.join(sorted(CHARSETS))}"
        )
    climsgid = params.present("climsgid")
    if climsgid is not None and not CLIMSGID.fullmatch(climsgid):
        raise InvalidCommand(bad, climsgid_reason(climsgid))
    msg_type = params.present("msg_type") or "SMS_TEXT"
    if msg_type not in MSG_TYPES:
        raise InvalidCommand(
            Err.INVALID_MSG_TYPE,
            f"msg_type: {_quote(msg_type)} is not one of {', '.join(sorted(MSG_TYPES))}",
        )
    return MessageOptions(
        sender=_parse_sender(params),
        climsgid=climsgid,
        callback=callback,
        deliv_ack=deliv_ack,
        release_at=_release_time(params, now),
        concat=concat,
        max_credits=max_credits,
        req_feat=req_feat,
        queue=queue,
        escalate=escalate,
        mo=mo,
        msg_type=msg_type,
        binary=binary,
        validity=validity,
        charset=charset,
        unicode=unicode,
        api=api,
    )
