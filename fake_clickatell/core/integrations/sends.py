"""A Platform or One API send's fields -> message options and body, checked (Part A rule 22).

The same fields travel in a Platform REST body, a Platform HTTP query or form, and each
message of a One API send: ``content``, ``from``, ``binary``, ``clientMessageId``,
``scheduledDeliveryTime``, ``userDataHeader``, ``validityPeriod``, ``charset``. Values are read
as every JSON API reads them (:mod:`..json_input`: a flag may be ``"true"``, a number digits);
what cannot be taken raises :class:`FieldError` with the code both APIs give it (23, naming the
field; 40 for a charset) or the legacy code each API numbers its own way (107 empty content,
113 too many parts).

Choices where Clickatell says nothing: ``from`` is any text (no sender-id rules) unless the
integration is two-way (:func:`two_way_refusal`); ``clientMessageId`` any text;
with ``binary``, ``content`` is hex octets after the ``userDataHeader``; without, a
``userDataHeader`` is checked and kept with the text (the parts counted as without it);
``charset`` is recorded, never used to decode (a JSON string is text already, and the HTTP
integration's ``content`` is UTF-8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..codes import Err
from ..commands import (
    MAX_CONCAT,
    MAX_SCHEDULE_AHEAD_SECONDS,
    MAX_VALIDITY_MINUTES,
    InvalidCommand,
    MessageBody,
    MessageOptions,
    Params,
    literal_text_body,
    parse_body,
    parse_udh,
)
from ..json_input import describe, read_flag, read_integer, read_string, read_time
from ..scenario_model import Integration
from .numbers import clean_number

#: ``Invalid or missing parameter: <name> .`` (both APIs).
INVALID_PARAMETER = 23
#: ``Character set is not supported: <charset>`` (both APIs).
UNSUPPORTED_CHARSET = 40
#: The two-way ``from`` errors (the Platform's texts; the One API has its own for 45).
FROM_MISSING = 44
FROM_NOT_RELATED = 45

#: The charsets a send may name, spelt as Clickatell's reference lists them (another spelling,
#: or an empty one, is 40); the default is UTF-8.
CHARSETS = ("UTF-8", "ASCII", "UCS2-BE", "Windows-1252")


class FieldError(Exception):
    """A field of a send that cannot be taken: the error ``code``, the ``reason`` (for the
    user, naming the field), and the values the code's text names (``parameter``,
    ``charset``)."""

    def __init__(self, code: int, reason: str, **fields: str) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason
        self.fields = fields


def parameter_error(name: str, why: str) -> FieldError:
    """23 for the field ``name``: ``Invalid or missing parameter: <name> .``."""
    return FieldError(INVALID_PARAMETER, f"{name}: {why}", parameter=name)


def _read(name: str, value: object, reader: Any) -> str:
    try:
        text: str = reader(name, value)
    except InvalidCommand as error:
        raise FieldError(INVALID_PARAMETER, error.reason, parameter=name) from None
    return text


def _text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    return _read(name, value, read_string) or None


def _validity(fields: Mapping[str, Any]) -> int:
    value = fields.get("validityPeriod")
    if value is None:
        return MAX_VALIDITY_MINUTES
    text = _read("validityPeriod", value, read_integer)
    if not (text.isascii() and text.isdigit() and len(text) <= 6) or not (
        1 <= int(text) <= MAX_VALIDITY_MINUTES
    ):
        why = f"expected minutes from 1 to {MAX_VALIDITY_MINUTES}, got {describe(value)}"
        raise parameter_error("validityPeriod", why)
    return int(text)


def _release_at(fields: Mapping[str, Any], now: float) -> float | None:
    value = fields.get("scheduledDeliveryTime")
    if value is None:
        return None
    text = _read("scheduledDeliveryTime", value, read_time)
    if len(text) > 20:
        raise parameter_error("scheduledDeliveryTime", f"{describe(value)} is out of range")
    at = float(int(text))
    if at > now + MAX_SCHEDULE_AHEAD_SECONDS:
        raise parameter_error("scheduledDeliveryTime", "more than 7 days ahead")
    return at if at > now else None


def _charset(fields: Mapping[str, Any]) -> str | None:
    value = fields.get("charset")
    charset = None if value is None else _read("charset", value, read_string)
    if charset is not None and charset not in CHARSETS:
        raise FieldError(
            UNSUPPORTED_CHARSET,
            f"charset: {describe(charset)} is not one of {', '.join(CHARSETS)}",
            charset=charset,
        )
    return charset


def message_options(
    fields: Mapping[str, Any],
    now: float,
    *,
    api: str,
    integration: Integration,
    request_id: str | None = None,
) -> MessageOptions:
    """The options of the messages a send makes (raises :class:`FieldError`)."""
    return MessageOptions(
        sender=_text(fields, "from"),
        climsgid=_text(fields, "clientMessageId"),
        callback=0,
        deliv_ack=False,
        release_at=_release_at(fields, now),
        concat=MAX_CONCAT,
        max_credits=None,
        req_feat=None,
        queue=3,
        escalate=False,
        mo=bool(integration.numbers),
        msg_type="SMS_TEXT",
        binary=fields.get("binary") is not None
        and _read("binary", fields["binary"], read_flag) == "1",
        validity=_validity(fields),
        charset=_charset(fields),
        api=api,
        integration=integration.integration_id,
        request_id=request_id,
    )


#: A legacy body error -> the field it is about.
_BODY_FIELDS: Mapping[int, str] = {
    Err.INVALID_UDH: "userDataHeader",
    Err.INVALID_PARAMETERS: "content",
}


def message_body(fields: Mapping[str, Any], options: MessageOptions) -> MessageBody:
    """``content`` as text (UCS-2 when any character is outside GSM-7), or with ``binary`` as
    hex octets after ``userDataHeader``; at most 35 parts (raises :class:`FieldError`)."""
    content = fields.get("content")
    udh = fields.get("userDataHeader")
    if content is None or content == "":
        raise FieldError(Err.EMPTY_MESSAGE, "content: missing or empty", parameter="content")
    try:
        if options.binary:
            data = _read("content", content, read_string)
            given = _read("userDataHeader", udh, read_string) if udh is not None else ""
            return parse_body(Params([("udh", given), ("data", data)]), options)
        header = None
        if udh is not None:
            # Checked as the legacy udh is; a text message keeps it (Clickatell's own example
            # sends one with binary false), its parts counted as without it.
            header = parse_udh(Params([("udh", _read("userDataHeader", udh, read_string))]))
        if not isinstance(content, str):
            raise parameter_error("content", f"expected a string, got {describe(content)}")
        body = literal_text_body(content, options)
        return body if header is None else replace(body, udh=header)
    except InvalidCommand as error:
        name = _BODY_FIELDS.get(error.code)
        if name is not None:
            raise parameter_error(name, error.reason.partition(": ")[2]) from None
        raise FieldError(error.code, error.reason, parameter="content") from None


def two_way_refusal(integration: Integration, sender: str | None) -> int | None:
    """Rule 26: a two-way integration (one that lists numbers) sends from one of them: none
    given is 44, another is 45; any ``from`` passes on a one-way integration."""
    if not integration.numbers:
        return None
    if sender is None:
        return FROM_MISSING
    return None if clean_number(sender) in integration.numbers else FROM_NOT_RELATED
