"""JSON request bodies as the JSON APIs (legacy REST, Platform, One API) read them.

Clients of these APIs disagree on the details, so every JSON API reads values the same lenient
way: a body is parsed whatever ``Content-Type`` says; flags take ``true``/``false``,
``0``/``1``, ``"0"``/``"1"`` and ``"true"``/``"false"``; numbers may be JSON numbers or digit
strings (Clickatell's Java sample sends every option as a string); a time is unix seconds (a
number or digits) or ISO 8601 with ``Z`` or an offset (``+hh:mm``, ``+hhmm``); ``null`` is an
absent field. A value of the wrong kind raises :class:`~.commands.InvalidCommand` with the
legacy code it means (101, or 120 for a time) and a reason that starts with the field's name;
each API answers that in its own numbering.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .codes import Err
from .commands import InvalidCommand

_TRUE = frozenset({"1", "true"})
_FALSE = frozenset({"0", "false"})
#: A \u escape of a UTF-16 surrogate: only then can a parsed string hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


#: Made once: ``json.loads`` and ``json.dumps`` with an option build a decoder or an encoder
#: per call, which costs more than the small documents they read and write here.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
#: Whitespace JSON allows around a value (what ``JSONDecoder.decode`` skips).
_SPACE = re.compile(r"[ \t\n\r]*")
#: (Values parsed from JSON hold no cycle: nothing to check for.)
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
_BOM = b"\xef\xbb\xbf"


def parse_json(body: bytes) -> tuple[object, str | None]:
    """The JSON value a body holds (``None`` for an empty body), or ``None`` and why the body
    is no JSON (not UTF-8, not JSON, NaN, nested too deep, a lone surrogate)."""
    if not body.strip():
        return None, None
    if body.startswith(_BOM):
        body = body[3:]  # as the utf-8-sig codec reads it, without its Python-level decoder
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"the body is not UTF-8 ({error.reason} at byte {error.start})"
    try:
        # decode() without its wrapper: the value, then nothing but whitespace.
        value, end = _DECODER.raw_decode(text, _SPACE.match(text).end())  # type: ignore[union-attr]
        end = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    except RecursionError:
        return None, "the body is not JSON: nested too deep"
    except ValueError as error:
        return None, f"the body is not JSON: {error}"
    if _SURROGATE_ESCAPE.search(text):
        try:
            _COMPACT(value).encode("utf-8")
        except UnicodeEncodeError:
            return None, "the body is not JSON text: a string holds a lone UTF-16 surrogate"
    return value, None


def parse_document(body: bytes) -> tuple[dict[str, Any], str | None]:
    """The JSON object a body holds (``{}`` for none), or ``{}`` and why it is malformed."""
    value, malformed = parse_json(body)
    if malformed is not None or value is None:
        return {}, malformed
    if not isinstance(value, dict):
        return {}, f"the body is JSON {describe(value)}, not an object"
    return value, None


def describe(value: object) -> str:
    """A JSON value as a reason quotes it: compact, cut when long."""
    text = _COMPACT(value)
    return text if len(text) <= 40 else text[:40] + "..."


def journal_value(value: object) -> str:
    """A field as the journal and rules see it: a string as it is, a list of numbers
    comma-separated (as ``to`` is in the HTTP API), anything else as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        first = value[0] if value else ""
        if isinstance(first, str):
            try:
                return ",".join(value)  # every entry a string: the common case, all in C
            except TypeError:
                pass  # a later entry is no string
        if isinstance(first, str | int) and all(
            isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool))
            for item in value
        ):
            return ",".join(map(str, value))
    return _COMPACT(value)


def entry_text(item: object) -> str:
    """A recipient entry as given: a string as it is, an integer in digits, anything else as
    its JSON text (which is no number)."""
    if isinstance(item, str):
        return item
    if isinstance(item, int) and not isinstance(item, bool):
        return str(item)
    return _COMPACT(item)


# -- values -> text, as the HTTP API's parameters would carry them --------------------------------


def read_string(name: str, value: object) -> str:
    """A string (an integer too, in digits)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    expected = f"{name}: expected a string, got {describe(value)}"
    raise InvalidCommand(Err.INVALID_PARAMETERS, expected)


def read_integer(name: str, value: object) -> str:
    """A whole number, or a string (checked as the HTTP parameter is: digits in range)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    raise InvalidCommand(
        Err.INVALID_PARAMETERS, f"{name}: expected a whole number, got {describe(value)}"
    )


def read_number(name: str, value: object) -> str:
    """Any number, or a string."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    expected = f"{name}: expected a number, got {describe(value)}"
    raise InvalidCommand(Err.INVALID_PARAMETERS, expected)


def read_flag(name: str, value: object) -> str:
    """``"1"`` or ``"0"`` from any of the flag forms."""
    text = str(value).lower() if isinstance(value, str | bool | int) else None
    if text in _TRUE:
        return "1"
    if text in _FALSE:
        return "0"
    raise InvalidCommand(
        Err.INVALID_PARAMETERS,
        f"{name}: expected true, false, 0 or 1 (or one of them as a string), got {describe(value)}",
    )


def read_time(name: str, value: object) -> str:
    """Unix seconds (a number or digits), or ISO 8601 with ``Z``, ``+hh:mm`` or ``+hhmm``:
    unix seconds in digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str):
        if value.isascii() and value.isdigit():
            return value
        try:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None and "T" in value:
                return str(max(0, int(parsed.timestamp())))
        except (ValueError, OverflowError):  # not ISO 8601, or past year 9999 in UTC
            pass
    raise InvalidCommand(
        Err.INVALID_DELIVERY_TIME,
        f"{name}: expected unix seconds or an ISO 8601 time with Z or an offset"
        f" (2015-01-01T13:00:00Z), got {describe(value)}",
    )


#: How a field is read, by kind.
READERS: Mapping[str, Callable[[str, object], str]] = {
    "string": read_string,
    "integer": read_integer,
    "number": read_number,
    "flag": read_flag,
    "time": read_time,
}
