"""Hypothesis strategies for Clickatell's legacy HTTP API: property-test your own code with them.

Needs hypothesis (``pip install "fake-clickatell[strategies]"``); nothing else in the package
imports this module. What each strategy draws follows the rules the fake applies, so a value
from :func:`msisdns` is accepted, one from :func:`invalid_msisdns` answered ``105``, and so on.

* Numbers and ids: :func:`msisdns`, :func:`invalid_msisdns`, :func:`climsgids`.
* Texts: :func:`gsm7_texts` (basic and escape table), :func:`unicode_texts` (never GSM-7 only,
  with characters outside the BMP that UCS-2 needs two units for), :func:`texts` (either).
* sendmsg options, as keyword arguments of the reference client's ``send``:
  :func:`sendmsg_options` (always valid) and :func:`invalid_sendmsg_options` (exactly one
  invalid option, with the error code the fake answers).
* Replies: :func:`replies` draws every reply value of :mod:`fake_clickatell.core.grammar`
  (:func:`recipient_results` one line of a multi-recipient reply); :func:`reply_bodies` the
  bodies the API sends for them.
* The JSON APIs' request bodies, valid or with one mistake and the error it gets: the legacy
  REST API's (:func:`rest_send_bodies`, :func:`invalid_rest_send_bodies`,
  :func:`rest_documents`), the Platform's (:func:`platform_send_bodies`,
  :func:`invalid_platform_send_bodies`), the One API's (:func:`one_api_messages`,
  :func:`invalid_one_api_messages`, :func:`one_api_send_bodies`), numbers as people write
  them (:func:`written_msisdns`), and any body at all (:func:`integration_documents`).

Example::

    from hypothesis import given
    from fake_clickatell import strategies as cst

    @given(cst.reply_bodies())
    def test_my_parser_never_crashes(body):
        my_clickatell_parser(body)
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import strategies as st

from .client.params import SendOptions
from .core.codes import ERROR_TEXTS, Err
from .core.commands import (
    MAX_CONCAT,
    MAX_DELIV_TIME_MINUTES,
    MAX_SCHEDULE_AHEAD_SECONDS,
    MAX_VALIDITY_MINUTES,
    MSG_TYPES,
    REQ_FEAT_BITS,
)
from .core.encoding import GSM7_BASIC, GSM7_EXTENSION
from .core.grammar import (
    COVERAGE_OK_SENTENCE,
    Accepted,
    ApiError,
    Balance,
    BareOk,
    Coverage,
    MessageCharge,
    MessageStatus,
    MultiRecipient,
    Ok,
    PlainError,
    RecipientAccepted,
    RecipientError,
    RecipientResult,
    Reply,
    render,
)

# -- numbers ---------------------------------------------------------------------------------

_DIGITS = "0123456789"
_MSISDN = re.compile(r"[1-9][0-9]{6,14}")


def msisdns() -> st.SearchStrategy[str]:
    """Valid international numbers: 7-15 ASCII digits, the first not 0 (``27999000001``)."""
    return st.builds(
        operator.add,
        st.sampled_from("123456789"),
        st.text(_DIGITS, min_size=6, max_size=14),
    )


def invalid_msisdns() -> st.SearchStrategy[str]:
    """Recipients the fake answers ``105`` for (in open mode, with no dial prefix).

    Too short or too long, a leading ``0``, ``00`` or ``+``, letters, punctuation, spaces or
    digits of other scripts (``٣``) inside. Never empty, never a comma: each is one entry of
    ``to``.
    """
    short = st.text(_DIGITS, min_size=1, max_size=6)
    long = st.text(_DIGITS, min_size=16, max_size=20)
    prefixed = st.builds(
        operator.add, st.sampled_from(["0", "00", "+", "+0"]), st.text(_DIGITS, max_size=15)
    )
    junk = st.builds(
        lambda head, bad, tail: head + bad + tail,
        st.text(_DIGITS, max_size=8),
        st.one_of(
            st.text(
                st.characters(codec="ascii", exclude_characters=_DIGITS + ","),
                min_size=1,
                max_size=3,
            ),
            st.text(
                st.sampled_from("\u0660\u0663\u0669\u06f5\u0966\uff13"), min_size=1, max_size=3
            ),
        ),
        st.text(_DIGITS, max_size=8),
    )
    return st.one_of(short, long, prefixed, junk).filter(_is_invalid_entry)


def _is_invalid_entry(entry: str) -> bool:
    stripped = entry.strip()
    return bool(stripped) and _MSISDN.fullmatch(stripped) is None


# -- texts -----------------------------------------------------------------------------------
# Hypothesis favours short strings: a plain st.text(max_size=400) almost never draws a text
# longer than one part. The text strategies therefore mix plain texts with texts built to sit
# at, just under or just over a part boundary, with two-unit characters (an escape pair, a
# surrogate pair) placed to straddle boundaries, where the packing rules bite.

_GSM7_BASIC_ALPHABET = "".join(sorted(GSM7_BASIC))
_GSM7_ESCAPES = "".join(sorted(GSM7_EXTENSION))
_GSM7_ALPHABET = _GSM7_BASIC_ALPHABET + _GSM7_ESCAPES
#: Any character a str can send: every code point but lone surrogates.
_ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
_BMP_CHARACTER = st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])
_ASTRAL = st.characters(min_codepoint=0x10000, exclude_categories=["Cs"])
_BMP_NOT_GSM7 = st.characters(
    max_codepoint=0xFFFF, exclude_categories=["Cs"], exclude_characters=_GSM7_ALPHABET
)
_NOT_GSM7 = st.one_of(_ASTRAL, _BMP_NOT_GSM7)

#: Units in one message alone and in one part of a concatenated message (reference Part A
#: §11), and the most parts ``concat`` allows.
_GSM7_SINGLE, _GSM7_PART = 160, 153
_UCS2_SINGLE, _UCS2_PART = 70, 67
_MAX_PARTS = MAX_CONCAT
#: How far from a boundary a boundary text may end, in units.
_NEAR = 2


def _boundaries(single: int, per_part: int, min_size: int, max_size: int) -> list[int]:
    """Part boundaries (in units) a text of ``min_size``..``max_size`` characters can sit on,
    ``_NEAR`` units either side included, when every character takes one unit or more."""
    edges = [single] + [per_part * parts for parts in range(2, _MAX_PARTS + 1)]
    return [edge for edge in edges if edge - _NEAR >= min_size and edge + _NEAR <= max_size]


def _pack(
    seed: str,
    *,
    units: int,
    min_chars: int,
    width: Callable[[str], int],
    wide: str,
    narrow: str,
    straddle: frozenset[int],
) -> str:
    """``seed`` repeated until the text takes exactly ``units`` units, at least ``min_chars``
    characters long. ``wide`` (two units) is put wherever it would start at a unit offset in
    ``straddle``; ``narrow`` (one unit) stands in for a two-unit character that would overshoot
    ``units``, cover a straddle offset without starting on it, or make the text too short in
    characters."""
    out: list[str] = []
    used = 0
    index = 0
    while used < units:
        if used in straddle:
            ch = wide
        else:
            ch = seed[index % len(seed)]
            index += 1
        # Each two-unit character makes the text one character shorter for the same units.
        wide_budget = units - min_chars - (used - len(out))
        # A seed character may not take the unit just before a straddle offset as well as it.
        if width(ch) == 2 and (used + 2 > units or wide_budget < 1 or used + 1 in straddle):
            ch = narrow
        out.append(ch)
        used += width(ch)
    return "".join(out)


def _gsm7_width(ch: str) -> int:
    return 2 if ch in GSM7_EXTENSION else 1


def _ucs2_width(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


@st.composite
def _near_boundaries(
    draw: st.DrawFn,
    *,
    seeds: st.SearchStrategy[str],
    edges: list[int],
    per_part: int,
    single: int,
    width: Callable[[str], int],
    wides: st.SearchStrategy[str],
    narrows: st.SearchStrategy[str],
    min_chars: int,
) -> str:
    edge = draw(st.sampled_from(edges))
    units = edge + draw(st.integers(-_NEAR, _NEAR))
    # Offsets where a two-unit character would take the last unit of a part and the first of
    # the next one (or the 160th/70th unit and one more): packing must move it whole.
    ends = [single - 1] + [per_part * part - 1 for part in range(1, units // per_part + 1)]
    straddle = draw(st.sets(st.sampled_from(ends), max_size=len(ends)))
    return _pack(
        draw(seeds),
        units=units,
        min_chars=min_chars,
        width=width,
        wide=draw(wides),
        narrow=draw(narrows),
        straddle=frozenset(straddle),
    )


def gsm7_texts(
    *, min_size: int = 1, max_size: int = 400, escapes: bool = True, boundaries: bool = True
) -> st.SearchStrategy[str]:
    """Texts of the GSM 03.38 alphabet; with ``escapes``, escape-table characters (count 2).

    With ``boundaries`` (the default), about half the draws are long texts that end within two
    septets of a part boundary (160 septets alone, 153 per part of a concatenated message, up
    to the 35 parts ``concat`` allows, as far as ``max_size`` characters reach), with escape
    characters placed to straddle part boundaries; the rest are plain (mostly short) texts.
    ``min_size`` and ``max_size`` count characters.
    """
    alphabet = _GSM7_ALPHABET if escapes else _GSM7_BASIC_ALPHABET
    plain = st.text(alphabet, min_size=min_size, max_size=max_size)
    edges = _boundaries(_GSM7_SINGLE, _GSM7_PART, min_size, max_size)
    if not boundaries or not edges:
        return plain
    near = _near_boundaries(
        seeds=st.text(alphabet, min_size=1, max_size=40),
        edges=edges,
        per_part=_GSM7_PART,
        single=_GSM7_SINGLE,
        width=_gsm7_width,
        wides=st.sampled_from(_GSM7_ESCAPES if escapes else _GSM7_BASIC_ALPHABET),
        narrows=st.sampled_from(_GSM7_BASIC_ALPHABET),
        min_chars=min_size,
    )
    return st.one_of(plain, near)


def unicode_texts(
    *, min_size: int = 1, max_size: int = 200, boundaries: bool = True
) -> st.SearchStrategy[str]:
    """Texts that need UCS-2: at least one non-GSM-7 character, often outside the BMP.

    ``min_size`` and ``max_size`` count characters; UCS-2 needs up to twice as many units.
    With ``boundaries`` (the default), about half the draws are long texts that end within two
    units of a part boundary (70 units alone, 67 per part, up to the 35 parts ``concat``
    allows, as far as ``max_size`` reaches), with surrogate pairs (characters outside the BMP)
    placed to straddle part boundaries; the rest are plain (mostly short) texts.
    """
    if min_size < 1 or max_size < min_size:
        raise ValueError("unicode_texts needs 1 <= min_size <= max_size")
    filler = st.one_of(_ANY_CHARACTER, _ASTRAL, st.sampled_from(_GSM7_ALPHABET))
    plain = st.builds(
        lambda rest, special, at: (
            rest[: at % (len(rest) + 1)] + special + rest[at % (len(rest) + 1) :]
        ),
        st.text(filler, min_size=min_size - 1, max_size=max_size - 1),
        _NOT_GSM7,
        st.integers(0, max_size),
    )
    edges = _boundaries(_UCS2_SINGLE, _UCS2_PART, min_size, max_size)
    if not boundaries or not edges:
        return plain
    near = _near_boundaries(
        # The seed starts with a character GSM-7 lacks, so every text built from it needs UCS-2
        # (in one unit: the first character is always the seed's first).
        seeds=st.builds(
            operator.add,
            _BMP_NOT_GSM7,
            st.text(filler, max_size=40),
        ),
        edges=edges,
        per_part=_UCS2_PART,
        single=_UCS2_SINGLE,
        width=_ucs2_width,
        wides=_ASTRAL,
        narrows=_BMP_CHARACTER,
        min_chars=min_size,
    )
    return st.one_of(plain, near)


def texts(*, max_size: int = 400, boundaries: bool = True) -> st.SearchStrategy[str]:
    """Non-empty texts, GSM-7 or not (``boundaries`` as for :func:`gsm7_texts`)."""
    return st.one_of(
        gsm7_texts(max_size=max_size, boundaries=boundaries),
        unicode_texts(max_size=max(1, max_size // 2), boundaries=boundaries),
    )


# -- sendmsg options -------------------------------------------------------------------------

_REQ_FEAT_FLAGS = [bit for bit in range(15) if REQ_FEAT_BITS & (1 << bit)]
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_PRINTABLE_ASCII = "".join(chr(c) for c in range(0x21, 0x7F))


def _senders() -> st.SearchStrategy[str]:
    numeric = st.text(_DIGITS, min_size=1, max_size=16)
    alpha = st.builds(
        lambda head, letter, tail: head + letter + tail,
        st.text(_ALNUM + " ", max_size=5),
        st.sampled_from(_ALNUM[:52]),
        st.text(_ALNUM + " ", max_size=5),
    )
    return st.one_of(numeric, alpha)


def _req_feats() -> st.SearchStrategy[int]:
    return st.sets(st.sampled_from(_REQ_FEAT_FLAGS)).map(lambda bits: sum(1 << b for b in bits))


def _scheduled_times(now: float) -> st.SearchStrategy[datetime | int]:
    # Up to a day in the past (sent at once) to a minute short of the 7-day limit.
    unix = st.integers(int(now) - 86_400, int(now) + MAX_SCHEDULE_AHEAD_SECONDS - 60)
    return st.one_of(unix, unix.map(lambda t: datetime.fromtimestamp(t, timezone.utc)))


def climsgids() -> st.SearchStrategy[str]:
    """Valid client message ids: 1-32 printable ASCII characters, no space."""
    return st.text(_PRINTABLE_ASCII, min_size=1, max_size=32)


def sendmsg_options(
    *, now: float | None = None, deferred: bool = True, max_credits: bool = True
) -> st.SearchStrategy[SendOptions]:
    """Option sets the fake accepts, for any text: every key optional, every value valid.

    Text-dependent options (``concat``, ``unicode``, ``udh``, ``data``) are left to the client.
    ``scheduled_time`` is drawn only given ``now`` (the fake's clock). Without ``deferred`` no
    option holds the message back (``deliv_time``, ``scheduled_time``); without
    ``max_credits``, none caps its charge (a cap below the charge fails it with status 009).
    """
    optional: dict[str, st.SearchStrategy[object]] = {
        "sender": _senders(),
        "climsgid": climsgids(),
        "callback": st.integers(0, 7),
        "deliv_ack": st.booleans(),
        "req_feat": _req_feats(),
        "queue": st.integers(1, 3),
        "escalate": st.booleans(),
        "mo": st.booleans(),
        "msg_type": st.sampled_from(sorted(MSG_TYPES)),
        "validity": st.integers(1, MAX_VALIDITY_MINUTES),
        "binary": st.booleans(),
    }
    if deferred:
        optional["deliv_time"] = st.integers(0, MAX_DELIV_TIME_MINUTES)
        if now is not None:
            optional["scheduled_time"] = _scheduled_times(now)
    if max_credits:
        optional["max_credits"] = st.one_of(
            st.sampled_from([Decimal("0.8"), 1, Decimal("1.5"), 2, Decimal("2.5"), 3]),
            st.decimals(min_value=Decimal("0.01"), max_value=50, places=2),
        )
    return st.fixed_dictionaries({}, optional=optional)  # type: ignore[return-value]


def invalid_sendmsg_options(
    *, now: float | None = None
) -> st.SearchStrategy[tuple[SendOptions, int]]:
    """A valid option set with exactly one option made invalid, and the code the fake answers.

    ``ERR: 101`` for an out-of-range number or a malformed id, ``106`` for a bad sender, ``112``
    for an unknown ``msg_type``, ``120`` for a delivery time out of range.
    """
    bad = Err.INVALID_PARAMETERS
    cases: list[st.SearchStrategy[tuple[str, object, int]]] = [
        st.tuples(st.just("callback"), st.integers(8, 10**6), st.just(bad)),
        st.tuples(st.just("queue"), st.one_of(st.just(0), st.integers(4, 10**6)), st.just(bad)),
        st.tuples(
            st.just("validity"),
            st.one_of(st.just(0), st.integers(MAX_VALIDITY_MINUTES + 1, 10**6)),
            st.just(bad),
        ),
        st.tuples(
            st.just("concat"), st.one_of(st.just(0), st.integers(MAX_CONCAT + 1, 999)), st.just(bad)
        ),
        st.tuples(
            st.just("req_feat"),
            st.builds(
                operator.or_,
                _req_feats(),
                st.sampled_from([64, 128, 256, 1024, 2048, 4096, 32768]),
            ),
            st.just(bad),
        ),
        st.tuples(
            st.just("climsgid"),
            st.one_of(
                st.text(_PRINTABLE_ASCII, min_size=33, max_size=40),
                st.builds("{} {}".format, climsgids(), climsgids()),
                st.builds("{}é".format, climsgids()),
            ),
            st.just(bad),
        ),
        st.tuples(
            st.just("max_credits"),
            st.one_of(st.just(0), st.decimals(max_value=0, places=2, allow_nan=False)),
            st.just(bad),
        ),
        st.tuples(
            st.just("sender"),
            st.one_of(
                st.text(_DIGITS, min_size=17, max_size=20),
                st.builds(
                    "{}{}".format,
                    st.sampled_from(_ALNUM[:52]),
                    st.text(_ALNUM, min_size=11, max_size=14),
                ),
                st.builds("{}{}".format, _senders(), st.sampled_from("!#%&*+-./:;<=>?@_~é")),
                st.text(" ", min_size=1, max_size=11),
            ),
            st.just(Err.INVALID_SOURCE),
        ),
        st.tuples(
            st.just("msg_type"),
            st.text(min_size=1, max_size=20).filter(lambda t: t not in MSG_TYPES),
            st.just(Err.INVALID_MSG_TYPE),
        ),
        st.tuples(
            st.just("deliv_time"),
            st.integers(MAX_DELIV_TIME_MINUTES + 1, 10**6),
            st.just(Err.INVALID_DELIVERY_TIME),
        ),
    ]
    if now is not None:
        too_late = st.integers(int(now) + MAX_SCHEDULE_AHEAD_SECONDS + 1, int(now) + 10**8)
        cases.append(
            st.tuples(st.just("scheduled_time"), too_late, st.just(Err.INVALID_DELIVERY_TIME))
        )

    def combine(valid: SendOptions, case: tuple[str, object, int]) -> tuple[SendOptions, int]:
        name, value, code = case
        options: dict[str, object] = {**valid, name: value}
        if name == "deliv_time":
            options.pop("scheduled_time", None)  # scheduled_time wins: deliv_time goes unread
        return options, code  # type: ignore[return-value]

    return st.builds(combine, sendmsg_options(now=now), st.one_of(cases))


# -- replies ---------------------------------------------------------------------------------

_TOKENS = st.text(_PRINTABLE_ASCII, min_size=1, max_size=40)
_ONE_LINE = st.text(st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=60)
# An error text never holds " To: " (the grammar reads it as a recipient suffix).
_ERROR_TEXTS = st.one_of(
    st.sampled_from(sorted(ERROR_TEXTS.values())), _ONE_LINE.filter(lambda t: " To: " not in t)
)
_PLAIN_ERROR_TEXTS = _ERROR_TEXTS.filter(lambda t: not (t[:3].isdigit() and t[3:5] == ", "))
_OK_VALUES = _ONE_LINE.filter(lambda v: not v.startswith(COVERAGE_OK_SENTENCE))
_CODES = st.one_of(st.sampled_from(sorted(ERROR_TEXTS)), st.integers(0, 999))
_STATUSES = st.integers(0, 999)
_MONEY = st.decimals(min_value=0, max_value=10**6, places=2)


def recipient_results() -> st.SearchStrategy[RecipientResult]:
    """One line of a multi-recipient reply: accepted, or a recipient's error."""
    return st.one_of(
        st.builds(RecipientAccepted, _TOKENS, _TOKENS),
        st.builds(RecipientError, _CODES, _ERROR_TEXTS, _TOKENS),
    )


def replies() -> st.SearchStrategy[Reply]:
    """Every reply value the grammar can carry, of every type."""
    return st.one_of(
        st.builds(Ok, _OK_VALUES),
        st.just(BareOk()),
        st.builds(ApiError, _CODES, _ERROR_TEXTS),
        st.builds(PlainError, _PLAIN_ERROR_TEXTS),
        st.builds(Accepted, _TOKENS),
        st.builds(MessageStatus, _TOKENS, _STATUSES),
        st.builds(MessageCharge, _TOKENS, _MONEY, _STATUSES),
        st.builds(Balance, _MONEY),
        st.builds(Coverage, _MONEY),
        st.builds(MultiRecipient, st.lists(recipient_results(), min_size=1, max_size=5).map(tuple)),
    )


def reply_bodies() -> st.SearchStrategy[str]:
    """The exact bodies the API sends, one for each value :func:`replies` draws."""
    return replies().map(render)


__all__ = [
    "climsgids",
    "gsm7_texts",
    "invalid_msisdns",
    "invalid_sendmsg_options",
    "msisdns",
    "recipient_results",
    "replies",
    "reply_bodies",
    "sendmsg_options",
    "texts",
    "unicode_texts",
]


# -- the legacy REST API ---------------------------------------------------------------------
# JSON bodies of POST /rest/message, in the forms REST clients really send (flags as booleans,
# numbers or strings; numbers as JSON numbers or digit strings; `to` entries as strings or
# integers), valid or with exactly one thing wrong.

import json  # noqa: E402  (this section is appended to a shared file)

_TRUE_FLAGS = (True, 1, "1", "true")
_FALSE_FLAGS = (False, 0, "0", "false")


def rest_flags(value: bool | None = None) -> st.SearchStrategy[object]:
    """A REST flag in any accepted form (``value`` None: true or false)."""
    if value is None:
        return st.sampled_from(_TRUE_FLAGS + _FALSE_FLAGS)
    return st.sampled_from(_TRUE_FLAGS if value else _FALSE_FLAGS)


def _rest_number(low: int, high: int) -> st.SearchStrategy[object]:
    """A whole number as a JSON number or a digit string (Clickatell's Java sample)."""
    return st.integers(low, high).flatmap(lambda n: st.sampled_from([n, str(n)]))


def rest_recipients(*, max_size: int = 5) -> st.SearchStrategy[list[object]]:
    """``to`` for a REST send: valid numbers, each a string or (sometimes) an integer."""
    entry = msisdns().flatmap(lambda n: st.sampled_from([n, n, int(n)]))
    return st.lists(entry, min_size=1, max_size=max_size)


def rest_send_bodies(*, now: float | None = None) -> st.SearchStrategy[dict[str, object]]:
    """Valid ``POST /rest/message`` bodies: ``text`` (GSM-7 or not, within 3 parts), ``to``,
    and any of the optional fields in any form the API takes. ``now`` (unix seconds) bounds
    ``scheduledDeliveryTime``; without it, none is drawn."""
    optional: dict[str, st.SearchStrategy[object]] = {
        "from": _senders(),
        "clientMessageId": climsgids(),
        "callback": _rest_number(0, 7),
        "mo": rest_flags(),
        "escalate": rest_flags(),
        "unicode": rest_flags(),
        "maxMessageParts": _rest_number(3, MAX_CONCAT),
        "userPriorityQueue": _rest_number(1, 3),
        "validityPeriod": _rest_number(1, 1440),
        "maxCredits": st.sampled_from([10, "10", 10.5, "35"]),
        "type": st.text(max_size=5),
    }
    if now is not None:
        optional["scheduledDeliveryTime"] = _scheduled_times(now).map(
            lambda at: at.isoformat() if isinstance(at, datetime) else at
        )
    return st.fixed_dictionaries(
        {"text": texts(max_size=150), "to": rest_recipients()}, optional=optional
    )


#: One wrong thing in a REST send -> (the change, the error code). ``None`` drops the field.
_REST_MISTAKES: tuple[tuple[dict[str, object], int], ...] = (
    ({"to": "27999000001"}, Err.INVALID_PARAMETERS),
    ({"to": []}, Err.INVALID_PARAMETERS),
    ({"to": None}, Err.INVALID_PARAMETERS),
    ({"text": None}, Err.INVALID_PARAMETERS),
    ({"text": 42}, Err.INVALID_PARAMETERS),
    ({"text": ""}, Err.EMPTY_MESSAGE),
    ({"text": "x" * 500}, Err.TOO_MANY_PARTS),
    ({"callback": 8}, Err.INVALID_PARAMETERS),
    ({"callback": "seven"}, Err.INVALID_PARAMETERS),
    ({"mo": "yes"}, Err.INVALID_PARAMETERS),
    ({"maxMessageParts": 36}, Err.INVALID_PARAMETERS),
    ({"userPriorityQueue": 0}, Err.INVALID_PARAMETERS),
    ({"validityPeriod": 0}, Err.INVALID_PARAMETERS),
    ({"from": "+27 (0) 99"}, Err.INVALID_SOURCE),
    ({"clientMessageId": "has space"}, Err.INVALID_PARAMETERS),
    ({"maxCredits": "lots"}, Err.INVALID_PARAMETERS),
    ({"scheduledDeliveryTime": "soon"}, Err.INVALID_DELIVERY_TIME),
    ({"userDataHeader": "050003"}, Err.INVALID_PARAMETERS),
)


def invalid_rest_send_bodies(
    *, now: float | None = None
) -> st.SearchStrategy[tuple[dict[str, object], int]]:
    """``POST /rest/message`` bodies with exactly one request-level mistake, and the error
    code the fake answers it with (400 with no ``data``)."""

    def spoil(
        body: dict[str, object], mistake: tuple[dict[str, object], int]
    ) -> tuple[dict[str, object], int]:
        change, code = mistake
        spoiled = {**body, **change}
        if code == Err.TOO_MANY_PARTS:
            spoiled.pop("maxMessageParts", None)
        return {k: v for k, v in spoiled.items() if v is not None or k in change}, code

    return st.builds(spoil, rest_send_bodies(now=now), st.sampled_from(_REST_MISTAKES))


def rest_documents() -> st.SearchStrategy[bytes]:
    """Any body a client might POST: valid sends, broken ones, JSON of other shapes, and bytes
    that are no JSON at all (the fake must answer every one in the API's own JSON)."""
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)
    )
    json_values = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )

    def encode(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")

    return st.one_of(
        rest_send_bodies().map(encode),
        invalid_rest_send_bodies().map(lambda pair: encode(pair[0])),
        json_values.map(encode),
        st.binary(max_size=40),
    )


__all__ += [
    "invalid_rest_send_bodies",
    "rest_documents",
    "rest_flags",
    "rest_recipients",
    "rest_send_bodies",
]


# -- the Platform and the One API -------------------------------------------------------------
# Bodies of POST /messages (a Platform REST integration's send) and POST /v1/message (a One API
# send), in the forms their clients send: numbers with the punctuation people write them with,
# options as JSON values or strings; valid, or with exactly one thing wrong and the error the
# fake answers it with.

_PLATFORM_CHARSETS = ("UTF-8", "ASCII", "UCS2-BE", "Windows-1252")


def written_msisdns() -> st.SearchStrategy[str]:
    """Valid numbers as people write them: digits, ``+`` in front, spaces, dashes, brackets
    (the Platform and the One API read them all as the digits)."""

    def write(number: str, style: int) -> str:
        head, body = number[:2], number[2:]
        return (
            number,
            f"+{number}",
            f"+{head} {body[:3]} {body[3:]}",
            f"({head}) {body[:3]}-{body[3:]}",
        )[style]

    return st.builds(write, msisdns(), st.integers(0, 3))


def _integration_options(now: float | None) -> dict[str, st.SearchStrategy[object]]:
    options: dict[str, st.SearchStrategy[object]] = {
        "from": st.sampled_from(["ACME", "27990000000", "1856-318-4169"]),
        "clientMessageId": st.text(min_size=1, max_size=36),
        "validityPeriod": _rest_number(1, MAX_VALIDITY_MINUTES),
        "charset": st.sampled_from(_PLATFORM_CHARSETS),
        "binary": rest_flags(False),
        "unknownField": st.integers(),
    }
    if now is not None:
        options["scheduledDeliveryTime"] = _scheduled_times(now).map(
            lambda at: at.isoformat() if isinstance(at, datetime) else at
        )
    return options


def platform_send_bodies(*, now: float | None = None) -> st.SearchStrategy[dict[str, object]]:
    """Valid ``POST /messages`` bodies: ``content`` (GSM-7 or not), ``to`` (numbers as
    written, some as JSON integers), and any of the optional fields. ``now`` (unix seconds)
    bounds ``scheduledDeliveryTime``; without it, none is drawn."""
    entry = st.one_of(written_msisdns(), msisdns().map(int))
    return st.fixed_dictionaries(
        {"content": texts(max_size=300), "to": st.lists(entry, min_size=1, max_size=5)},
        optional=_integration_options(now),
    )


#: One request-level mistake in a Platform send -> (the change, the HTTP status and code).
_PLATFORM_MISTAKES: tuple[tuple[dict[str, object], tuple[int, int]], ...] = (
    ({"to": []}, (400, 102)),
    ({"to": None}, (400, 102)),
    ({"to": {"number": 1}}, (400, 23)),
    ({"content": None}, (400, 100)),
    ({"content": ""}, (400, 100)),
    ({"content": 42}, (400, 23)),
    ({"charset": "EBCDIC"}, (400, 40)),
    ({"charset": "utf-8"}, (400, 40)),
    ({"validityPeriod": 0}, (400, 23)),
    ({"binary": "maybe"}, (400, 23)),
    ({"scheduledDeliveryTime": "soon"}, (400, 23)),
    ({"userDataHeader": "050003"}, (400, 23)),
)


def invalid_platform_send_bodies(
    *, now: float | None = None
) -> st.SearchStrategy[tuple[dict[str, object], tuple[int, int]]]:
    """``POST /messages`` bodies with exactly one request-level mistake, and the HTTP status
    and error code the fake answers (``messages`` empty)."""

    def spoil(
        body: dict[str, object], mistake: tuple[dict[str, object], tuple[int, int]]
    ) -> tuple[dict[str, object], tuple[int, int]]:
        change, answer = mistake
        spoiled = {**body, **change}
        return {k: v for k, v in spoiled.items() if v is not None}, answer

    return st.builds(spoil, platform_send_bodies(now=now), st.sampled_from(_PLATFORM_MISTAKES))


def one_api_messages(*, now: float | None = None) -> st.SearchStrategy[dict[str, object]]:
    """Valid messages of a ``POST /v1/message`` body: ``channel`` sms (or none), ``to`` a
    number as written, ``content``, and any of the optional fields."""
    fields = {
        "to": written_msisdns(),
        "content": texts(max_size=300),
    }
    return st.fixed_dictionaries(
        fields, optional={"channel": st.just("sms"), **_integration_options(now)}
    )


#: One mistake in a One API message -> (the change, the error code of its entry).
_ONE_API_MISTAKES: tuple[tuple[dict[str, object], int], ...] = (
    ({"channel": "whatsapp"}, 39),
    ({"channel": "pigeon"}, 23),
    ({"to": None}, 23),
    ({"to": "27999abcde"}, 23),
    ({"to": "123"}, 25),
    ({"content": None}, 23),
    ({"content": ""}, 23),
    ({"charset": "EBCDIC"}, 40),
    ({"charset": "utf-8"}, 40),
    ({"validityPeriod": "forever"}, 23),
    ({"content": "x" * (153 * MAX_CONCAT + 1)}, 100),
)


def invalid_one_api_messages(
    *, now: float | None = None
) -> st.SearchStrategy[tuple[dict[str, object], int]]:
    """One API messages with exactly one mistake, and the code their entry is refused with."""

    def spoil(
        message: dict[str, object], mistake: tuple[dict[str, object], int]
    ) -> tuple[dict[str, object], int]:
        change, code = mistake
        spoiled = {**message, **change}
        return {k: v for k, v in spoiled.items() if v is not None}, code

    return st.builds(spoil, one_api_messages(now=now), st.sampled_from(_ONE_API_MISTAKES))


def one_api_send_bodies(*, now: float | None = None) -> st.SearchStrategy[dict[str, object]]:
    """``POST /v1/message`` bodies of 1 to 5 messages, each valid or with one mistake."""
    message = st.one_of(
        one_api_messages(now=now), invalid_one_api_messages(now=now).map(operator.itemgetter(0))
    )
    return st.fixed_dictionaries({"messages": st.lists(message, min_size=1, max_size=5)})


def integration_documents() -> st.SearchStrategy[bytes]:
    """Any body a client might POST to the Platform or the One API: valid sends of either,
    broken ones, JSON of other shapes, and bytes that are no JSON at all."""

    def encode(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")

    return st.one_of(
        platform_send_bodies().map(encode),
        invalid_platform_send_bodies().map(lambda pair: encode(pair[0])),
        one_api_send_bodies().map(encode),
        rest_documents(),
    )


__all__ += [
    "integration_documents",
    "invalid_one_api_messages",
    "invalid_platform_send_bodies",
    "one_api_messages",
    "one_api_send_bodies",
    "platform_send_bodies",
    "written_msisdns",
]
