"""What the reference client sends: each command's options and parameters, in wire form.

Misuse of the client itself (a recipient containing a comma, text and ``data`` together, fields
for a unicode batch, an unknown keyword) raises ``ValueError`` or ``TypeError`` here, before
anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Literal, TypedDict

from ..core.codes import MMS_CLASSES
from ..core.commands import MAX_CONCAT
from ..core.encoding import Coding, encode_ucs2_hex, is_gsm7, parts_needed, text_parts
from ..core.grammar import format_decimal
from .results import Batch


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
    """The optional sendmsg parameters, as keyword arguments of ``send``.

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
    """An MMS notification (``ind_push``): every parameter is required.

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

#: Parameters as sent: (name, value) pairs, in order.
WireParams = tuple[tuple[str, str], ...]

#: Parameters a :class:`Call`'s repr masks: the password, and a voucher (it is money).
_SECRETS = frozenset({"password", "token"})


@dataclass(frozen=True, slots=True)
class Call:
    """One request to make: a path under the base URL and its parameters, in order."""

    path: str
    params: WireParams

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


def _options_params(options: Mapping[str, object]) -> WireParams:
    """The message options but the text's own (concat, unicode, udh, data), in wire form."""
    return tuple(
        (wire_name, format_value(options[name]))
        for name, wire_name in _WIRE_NAMES.items()
        if options.get(name) is not None
    )


def _text_params(text: str, unicode: bool | None, name: str) -> tuple[WireParams, int]:
    """The text's parameters and the parts it needs."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValueError(f"{name} contains a lone surrogate, which no encoding can carry")
    if unicode is None:
        unicode = not is_gsm7(text)
    if unicode:
        hex_text = encode_ucs2_hex(text)
        return ((name, hex_text), ("unicode", "1")), text_parts(text, Coding.UCS2)
    # Without a charset the API reads ISO-8859-1: say UTF-8 and send any text.
    return ((name, text), ("charset", "UTF-8")), text_parts(text, Coding.GSM7)


def sendmsg_params(
    recipients: tuple[str, ...], text: str | None, options: SendOptions
) -> tuple[tuple[str, str], ...]:
    """The parameters of a sendmsg call (without authentication)."""
    _check_keys("sendmsg", options, _SEND_KEYS)
    udh, data = options.get("udh"), options.get("data")
    body: WireParams
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


def startbatch_params(template: str, options: BatchOptions) -> WireParams:
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
) -> WireParams:
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


def ind_push_params(recipients: tuple[str, ...], fields: MmsPushFields) -> WireParams:
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


def si_push_params(recipients: tuple[str, ...], fields: WapPushFields) -> WireParams:
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


def message_ref(apimsgid: str | None, climsgid: str | None) -> WireParams:
    """The parameters naming one message: its apimsgid or your climsgid (exactly one)."""
    if (apimsgid is None) == (climsgid is None):
        raise ValueError("name the message by apimsgid or by climsgid (exactly one)")
    if apimsgid is not None:
        return (("apimsgid", apimsgid),)
    return (("climsgid", climsgid or ""),)
