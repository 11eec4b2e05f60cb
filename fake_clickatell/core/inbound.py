"""Inbound (MO) messages: charset, splitting into parts with a concatenation UDH, opt-outs.

An inbound text that fits ISO-8859-1 is pushed with ``charset=ISO-8859-1`` (GSM-7 arithmetic:
160 characters, 153 per part); any other is pushed as UTF-16BE (70, 67 per part), as the real
two-way gateway does. A long message arrives as separate parts, each with its
own moMsgId and a UDH ``050003<ref><total><seq>``. A part boundary never splits an escape-table
character or a surrogate pair.
"""

from __future__ import annotations

from .encoding import Coding, split_text

#: Inbound texts that opt the sender out (trimmed, any case): later MT to them gets 122.
STOP_WORDS = frozenset({"STOP", "END", "CANCEL", "UNSUBSCRIBE", "QUIT", "STOP ALL", "STOP STOP"})

LATIN1 = "ISO-8859-1"
UTF16 = "UTF-16BE"


def is_stop(text: str) -> bool:
    """True when ``text`` is an opt-out request."""
    return " ".join(text.split()).upper() in STOP_WORDS


def mo_charset(text: str) -> str:
    """The charset an inbound ``text`` is pushed in."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return UTF16
    return LATIN1


def split_mo(text: str, charset: str) -> list[str]:
    """The parts ``text`` arrives in."""
    return split_text(text, Coding.GSM7 if charset == LATIN1 else Coding.UCS2)


def concat_udh(reference: int, total: int, sequence: int) -> str:
    """The 8-bit-reference concatenation UDH of one part (e.g. ``050003330201``)."""
    return f"050003{reference:02X}{total:02X}{sequence:02X}"
