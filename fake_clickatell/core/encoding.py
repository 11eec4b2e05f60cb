"""Message text: charsets, UCS-2 hex, GSM-7 length and part arithmetic.

Length rules:

* GSM-7: characters of the GSM 03.38 basic table count 1, those of the escape table count 2;
  160 fit one message, 153 one part of a concatenated message. A character outside both tables
  (sent without ``unicode=1``) is replaced by the gateway, so it counts 1.
* UCS-2 (``unicode=1``): ``text`` is the hex of UTF-16BE, 4 hex digits per code unit, either
  case; 70 units fit one message, 67 one part. A character outside the BMP takes two units.
* A character is never split between two parts (an escape pair, a surrogate pair: 3GPP
  23.038), so a long text is packed part by part, and may need one more part than its units
  divided by the part size.
* 8-bit (``udh``/``data``): 140 bytes fit one message, 134 one part.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: Characters sent as ESC + one septet: each counts twice.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


class Coding(enum.Enum):
    """How a message's payload is encoded on the air interface."""

    GSM7 = "gsm7"
    UCS2 = "ucs2"
    BINARY = "8bit"


@dataclass(frozen=True, slots=True)
class Capacity:
    """Units that fit one message alone, and one part of a concatenated message."""

    single: int
    per_part: int


CAPACITY: dict[Coding, Capacity] = {
    Coding.GSM7: Capacity(160, 153),
    Coding.UCS2: Capacity(70, 67),
    Coding.BINARY: Capacity(140, 134),
}

#: ``charset`` values the fake understands (case-insensitive) -> Python codec.
CHARSETS: dict[str, str] = {
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "latin1": "latin-1",
    "latin-1": "latin-1",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
}
DEFAULT_CHARSET = "iso-8859-1"


def gsm7_length(text: str) -> int:
    """Septets ``text`` takes in GSM-7: escape-table characters count twice."""
    return len(text) + sum(map(GSM7_EXTENSION.__contains__, text))


_GSM7_ALL = GSM7_BASIC | GSM7_EXTENSION


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` is in the GSM-7 basic or escape table."""
    return _GSM7_ALL.issuperset(text)  # one pass in C: the REST send checks every text


def ucs2_length(text: str) -> int:
    """UTF-16 code units of ``text`` (a character outside the BMP takes two)."""
    return len(text.encode("utf-16-be")) // 2


def char_units(ch: str, coding: Coding) -> int:
    """What one character takes: septets in GSM-7, code units in UCS-2."""
    if coding is Coding.GSM7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def text_units(text: str, coding: Coding) -> int:
    """Units ``text`` takes in ``coding``: septets in GSM-7, code units in UCS-2."""
    return gsm7_length(text) if coding is Coding.GSM7 else ucs2_length(text)


def split_text(text: str, coding: Coding) -> list[str]:
    """The parts ``text`` travels in (GSM-7 or UCS-2), no character split between two."""
    capacity = CAPACITY[coding]
    if text_units(text, coding) <= capacity.single:
        return [text] if text else []
    parts: list[str] = []
    start = used = 0
    for index, ch in enumerate(text):
        units = char_units(ch, coding)
        if used + units > capacity.per_part:
            parts.append(text[start:index])
            start, used = index, 0
        used += units
    parts.append(text[start:])
    return parts


def text_parts(text: str, coding: Coding, units: int | None = None) -> int:
    """How many parts ``text`` needs in ``coding`` (GSM-7 or UCS-2); ``units`` is
    :func:`text_units` of it, when the caller has it already."""
    if units is None:
        units = text_units(text, coding)
    if units == len(text):
        # Every character takes one unit, so any boundary may end a part: plain arithmetic,
        # which is the common case and keeps the sendmsg path cheap.
        return parts_needed(units, coding)
    return len(split_text(text, coding))


def parts_needed(units: int, coding: Coding) -> int:
    """How many SMS parts ``units`` need when any unit boundary may end a part (8-bit data;
    for text, :func:`text_parts` keeps characters whole). 0 units need 0 parts."""
    capacity = CAPACITY[coding]
    if units <= capacity.single:
        return 1 if units else 0
    return math.ceil(units / capacity.per_part)


def decode_text(raw: bytes, charset: str | None) -> str | None:
    """Decode a plain ``text`` parameter; ``None`` when the bytes are not valid in ``charset``."""
    codec = CHARSETS[(charset or DEFAULT_CHARSET).lower()]
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_ucs2_hex(hex_text: str) -> str | None:
    """Decode ``unicode=1`` text (UTF-16BE as hex, either case); ``None`` if it is not valid."""
    if len(hex_text) % 4 or not is_hex(hex_text):
        return None
    try:
        return bytes.fromhex(hex_text).decode("utf-16-be")
    except UnicodeDecodeError:  # a lone surrogate
        return None


def encode_ucs2_hex(text: str) -> str:
    """The ``text`` parameter a client sends with ``unicode=1`` (upper-case hex)."""
    return text.encode("utf-16-be").hex().upper()


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def is_hex(value: str) -> bool:
    """True for a non-empty string of hex digits."""
    return bool(value) and all(ch in _HEX_DIGITS for ch in value)
