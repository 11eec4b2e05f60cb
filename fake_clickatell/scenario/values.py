"""The scenario's scalar values, checked: durations, money, statuses, error codes and texts,
digits; what :mod:`.schema` and :mod:`.integrations` read keys with."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from ..core.codes import STATUSES
from .validation import Node

# Upper bounds: large enough for any test, small enough that nothing downstream overflows.
YEAR = 365 * 24 * 3600.0
MAX_MONEY = Decimal(10) ** 12


def duration(node: Node) -> float:
    """Seconds, from 0 to a year."""
    return node.number(0, YEAR)


def latency(node: Node) -> float:
    """Seconds a reply is held, from 0 to 600."""
    return node.number(0, 600)


def money(node: Node) -> Decimal:
    """An exact amount of credits, from 0."""
    return node.decimal(Decimal(0), MAX_MONEY)


def positive(node: Node) -> float:
    """Seconds above 0, at most a year."""
    return node.number(0, YEAR, above=True)


def timeout(node: Node) -> float:
    """Seconds a receiver has to answer: above 0, at most 600."""
    return node.number(0, 600, above=True)


def ascii_digits(value: object, most: int) -> bool:
    """True for a string of at most ``most`` ASCII digits."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= most


def status(node: Node) -> int:
    """A message status: ``"004"``, ``4`` or ``004`` (YAML reads unquoted 004 as 4)."""
    value = node.value
    if ascii_digits(value, 3):
        value = int(str(value))
    if not isinstance(value, int) or isinstance(value, bool) or value not in STATUSES:
        node.fail(f"a message status ({', '.join(f'{s:03d}' for s in STATUSES)})")
    return value


def error_code(node: Node) -> int:
    """An error code from 1 to 999 (``"004"`` too)."""
    value = node.value
    if ascii_digits(value, 3):
        value = int(str(value))
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 999:
        node.fail("an error code from 001 to 999")
    return value


def error_texts(node: Node) -> Mapping[int, str]:
    """Error code -> text, each a single line."""
    if not isinstance(node.value, dict):
        node.fail("a mapping of error code to text")
    texts: dict[int, str] = {}
    for key, value in node.value.items():
        child = node.child(str(key), value)
        code = error_code(Node(node.source, child.path, key))
        text = child.string()
        if "\n" in text or "\r" in text or " To: " in text:
            # " To: " would make the text read as a recipient line.
            child.fail("a single line of text without ' To: '")
        texts[code] = text
    return MappingProxyType(texts)


def minutes(node: Node) -> tuple[float, ...]:
    """A list of minutes above 0 (retry delays), as seconds."""
    return tuple(item.number(0, 30 * 24 * 60, above=True) * 60.0 for item in node.sequence())


def string_list(node: Node) -> tuple[str, ...]:
    """A list of strings (numbers read as their digits)."""
    return tuple(item.string(allow_numbers=True) for item in node.sequence())


def count(node: Node) -> int:
    """A whole number from 1."""
    return node.integer(1)


def digits(node: Node, what: str) -> str:
    """A string of digits (a YAML number too); ``what`` says what was expected."""
    text = node.string(allow_numbers=True)
    if not text.isascii() or not text.isdigit():
        node.fail(what)
    return text


def text(node: Node) -> str:
    """A non-empty string (a YAML number too)."""
    return node.string(allow_numbers=True)
