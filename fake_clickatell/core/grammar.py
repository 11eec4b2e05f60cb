"""The reply grammar of Clickatell's legacy HTTP API: value types, ``render`` and ``parse``.

The server renders every reply with :func:`render`; the reference client parses every body with
:func:`parse`. Sharing one module means the two cannot drift apart, and ``parse(render(x)) == x``
holds for every reply value (a property test checks it).

Byte rules: ``Key: value`` with exactly one space after the
colon, single spaces between pairs, ``\\n`` between lines, no trailing newline, codes and
statuses as three digits, ids as given (the fake issues 32 lowercase hex digits).

Reply shapes::

    Ok("e74d...")            OK: e74d...        auth; ping is Ok("") -> "OK: "; token_pay "OK: 605"
    BareOk()                 OK                 endbatch
    ApiError(1, "...")       ERR: 001, ...
    PlainError("...")        ERR: ...           routeCoverage's no-route sentence (no code)
    Accepted("id")           ID: id             single-recipient sendmsg, senditem, startbatch
    MultiRecipient((...))    ID: a To: n\\nERR: 105, ... To: m
    MessageStatus("id", 4)   ID: id Status: 004
    MessageCharge(...)       apiMsgId: id charge: 1 status: 004
    Balance(Decimal)         Credit: 12.50
    Coverage(Decimal)        OK: This prefix is currently supported. ... Charge: 0.8
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .codes import format_code

COVERAGE_OK_SENTENCE = (
    "This prefix is currently supported. Messages sent to this prefix will be routed."
)
COVERAGE_FAIL_SENTENCE = (
    "This prefix is not currently supported. Messages sent to this prefix will fail. "
    "Please contact support for assistance."
)

_CENT = Decimal("0.01")


class GrammarError(ValueError):
    """A body that is not a reply of the legacy HTTP API; ``body`` holds it verbatim."""

    def __init__(self, body: str, reason: str = "not a Clickatell reply") -> None:
        super().__init__(f"{reason}: {body!r}")
        self.body = body
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Ok:
    """``OK: <value>``: a session id (auth), empty (ping) or ``605`` (token_pay)."""

    value: str = ""


@dataclass(frozen=True, slots=True)
class BareOk:
    """The bare word ``OK`` (endbatch)."""


@dataclass(frozen=True, slots=True)
class ApiError:
    """``ERR: <nnn>, <text>``: a request-level error.

    ``reason`` says why, for the fake's user (journal, log); it is never rendered, and two
    errors that differ only in it are equal.
    """

    code: int
    text: str
    reason: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class PlainError:
    """``ERR: <text>`` with no numeric code (routeCoverage's no-route reply)."""

    text: str


@dataclass(frozen=True, slots=True)
class Accepted:
    """``ID: <apimsgid>``: one message (or batch) accepted."""

    apimsgid: str


@dataclass(frozen=True, slots=True)
class RecipientAccepted:
    """``ID: <apimsgid> To: <msisdn>``: one line of a multi-recipient reply."""

    apimsgid: str
    to: str


@dataclass(frozen=True, slots=True)
class RecipientError:
    """``ERR: <nnn>, <text> To: <msisdn>``: one line of a multi-recipient reply (``reason``
    as for :class:`ApiError`)."""

    code: int
    text: str
    to: str
    reason: str | None = field(default=None, compare=False, repr=False)


RecipientResult = RecipientAccepted | RecipientError


@dataclass(frozen=True, slots=True)
class MultiRecipient:
    """One line per recipient, in the order the recipients were given."""

    results: tuple[RecipientResult, ...]


@dataclass(frozen=True, slots=True)
class MessageStatus:
    """``ID: <apimsgid> Status: <nnn>`` (querymsg, delmsg)."""

    apimsgid: str
    status: int


@dataclass(frozen=True, slots=True)
class MessageCharge:
    """``apiMsgId: <id> charge: <n> status: <nnn>`` (getmsgcharge)."""

    apimsgid: str
    charge: Decimal
    status: int


@dataclass(frozen=True, slots=True)
class Balance:
    """``Credit: <n>`` with two decimals; the value is kept at the precision it renders with."""

    credit: Decimal = field()

    def __post_init__(self) -> None:
        object.__setattr__(self, "credit", Decimal(self.credit).quantize(_CENT))


@dataclass(frozen=True, slots=True)
class Coverage:
    """routeCoverage's ``OK: This prefix is currently supported. ... Charge: <n>``."""

    charge: Decimal


Reply = (
    Ok
    | BareOk
    | ApiError
    | PlainError
    | Accepted
    | MultiRecipient
    | MessageStatus
    | MessageCharge
    | Balance
    | Coverage
)


def reason_of(reply: Reply) -> str | None:
    """Why a reply refused (a request-level error, or each refused recipient); ``None`` when
    everything was accepted as asked."""
    if isinstance(reply, ApiError):
        return reply.reason
    if isinstance(reply, MultiRecipient):
        refused = [
            f"{result.to}: {result.reason}"
            for result in reply.results
            if isinstance(result, RecipientError) and result.reason
        ]
        return "; ".join(refused) or None
    return None


def format_decimal(value: Decimal) -> str:
    """The shortest plain decimal form: ``1``, ``0.8``, ``2.5``, ``100`` (never ``1E+2``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _render_recipient(result: RecipientResult) -> str:
    if isinstance(result, RecipientAccepted):
        return f"ID: {result.apimsgid} To: {result.to}"
    return f"ERR: {format_code(result.code)}, {result.text} To: {result.to}"


def render(reply: Reply) -> str:
    """The exact body the real API sends for ``reply``."""
    if isinstance(reply, Ok):
        return f"OK: {reply.value}"
    if isinstance(reply, BareOk):
        return "OK"
    if isinstance(reply, ApiError):
        return f"ERR: {format_code(reply.code)}, {reply.text}"
    if isinstance(reply, PlainError):
        return f"ERR: {reply.text}"
    if isinstance(reply, Accepted):
        return f"ID: {reply.apimsgid}"
    if isinstance(reply, MultiRecipient):
        return "\n".join(_render_recipient(result) for result in reply.results)
    if isinstance(reply, MessageStatus):
        return f"ID: {reply.apimsgid} Status: {format_code(reply.status)}"
    if isinstance(reply, MessageCharge):
        return (
            f"apiMsgId: {reply.apimsgid} charge: {format_decimal(reply.charge)} "
            f"status: {format_code(reply.status)}"
        )
    if isinstance(reply, Balance):
        return f"Credit: {reply.credit:.2f}"
    if isinstance(reply, Coverage):
        return f"OK: {COVERAGE_OK_SENTENCE} Charge: {format_decimal(reply.charge)}"
    raise TypeError(f"not a reply value: {reply!r}")  # pragma: no cover - exhaustive above


_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
_RE_RECIPIENT_OK = re.compile(r"ID: (\S+) To: (.*)")
_RE_RECIPIENT_ERR = re.compile(r"ERR: ([0-9]{3}), (.*?) To: (.*)")
_RE_ERR = re.compile(r"ERR: ([0-9]{3}), (.*)")
_RE_STATUS = re.compile(r"ID: (\S+) Status: ([0-9]{3})")
_RE_ID = re.compile(r"ID: (\S+)")
_RE_CHARGE = re.compile(rf"apiMsgId: (\S+) charge: ({_NUMBER}) status: ([0-9]{{3}})")
_RE_BALANCE = re.compile(rf"Credit: ({_NUMBER})")
_RE_COVERAGE = re.compile(rf"OK: {re.escape(COVERAGE_OK_SENTENCE)} Charge: ({_NUMBER})")


def _parse_recipient_line(line: str) -> RecipientResult | None:
    if match := _RE_RECIPIENT_OK.fullmatch(line):
        return RecipientAccepted(match[1], match[2])
    if match := _RE_RECIPIENT_ERR.fullmatch(line):
        return RecipientError(int(match[1]), match[2], match[3])
    return None


def parse(body: str) -> Reply:
    """Parse a reply body; raise :class:`GrammarError` for anything outside the grammar.

    A body whose every line carries a ``To:`` suffix is a :class:`MultiRecipient`, even with a
    single line; error texts therefore never contain `` To: `` themselves.
    """
    lines = body.split("\n")
    if len(lines) > 1 or " To: " in body:
        results = [_parse_recipient_line(line) for line in lines]
        if all(result is not None for result in results):
            return MultiRecipient(tuple(r for r in results if r is not None))
        if len(lines) > 1:
            raise GrammarError(body, "a multi-line reply whose lines are not all recipient lines")
    if match := _RE_COVERAGE.fullmatch(body):
        return Coverage(Decimal(match[1]))
    if body == "OK":
        return BareOk()
    if body.startswith("OK: "):
        return Ok(body[4:])
    if match := _RE_ERR.fullmatch(body):
        return ApiError(int(match[1]), match[2])
    if body.startswith("ERR: "):
        return PlainError(body[5:])
    if match := _RE_STATUS.fullmatch(body):
        return MessageStatus(match[1], int(match[2]))
    if match := _RE_ID.fullmatch(body):
        return Accepted(match[1])
    if match := _RE_CHARGE.fullmatch(body):
        return MessageCharge(match[1], Decimal(match[2]), int(match[3]))
    if match := _RE_BALANCE.fullmatch(body):
        return Balance(Decimal(match[1]))
    raise GrammarError(body)
