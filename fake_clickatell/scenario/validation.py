"""A small validator for data read from YAML: every error names the file, the key path and
what was expected, e.g.::

    flaky.yaml: accounts[0].frozen: expected true or false, got 'maybe'

:class:`Node` wraps one value with the key path that leads to it; its methods check a shape (a
mapping with only the allowed keys, a list, a string, a number in range, ...) and return the
value, or raise :class:`ScenarioError`. Unknown keys are errors: they are usually typos. The
scenario schema (:mod:`.schema`) is written with it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn, TypeVar

from ..core.clock import MAX_TIME

T = TypeVar("T")

#: Characters of a refused value an error message quotes.
_SHOWN = 80


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names file, key path and expectation."""

    def __init__(self, source: str, path: str, message: str) -> None:
        where = f"{source}: {path}: " if path else f"{source}: "
        super().__init__(where + message)
        self.source = source
        self.path = path
        self.detail = message


def describe(value: object) -> str:
    """How an error message shows a value it did not expect."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    if len(text) > _SHOWN:  # a refused value is quoted, never echoed whole
        return f"{text[: _SHOWN - 3]}... ({len(text)} characters)"
    return text


class Node:
    """A value in the document, with the key path that leads to it."""

    __slots__ = ("path", "source", "value")

    def __init__(self, source: str, path: str, value: object) -> None:
        self.source = source
        self.path = path
        self.value = value

    def fail_detail(self, message: str) -> NoReturn:
        """Fail with a message of its own (for checks across several keys)."""
        raise ScenarioError(self.source, self.path, message)

    def fail(self, expected: str) -> NoReturn:
        raise ScenarioError(
            self.source, self.path, f"expected {expected}, got {describe(self.value)}"
        )

    def child(self, key: str | int, value: object) -> Node:
        if isinstance(key, int):
            return Node(self.source, f"{self.path}[{key}]", value)
        return Node(self.source, f"{self.path}.{key}" if self.path else key, value)

    # -- shapes --------------------------------------------------------------------------

    def mapping(self, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Node]:
        """The node as a mapping with only ``allowed`` keys, and all ``required`` ones."""
        if not isinstance(self.value, dict):
            self.fail("a mapping")
        allowed = tuple(allowed)
        children: dict[str, Node] = {}
        for key, value in self.value.items():
            if not isinstance(key, str) or key not in allowed:
                child = self.child(str(key), value)
                raise ScenarioError(
                    self.source,
                    child.path,
                    f"unknown key; expected one of {', '.join(allowed)}",
                )
            children[key] = self.child(key, value)
        for key in required:
            if key not in children:
                raise ScenarioError(
                    self.source, self.child(key, None).path, "required key is missing"
                )
        return children

    def sequence(self) -> list[Node]:
        """The node as a list of child nodes."""
        if not isinstance(self.value, list):
            self.fail("a list")
        return [self.child(index, item) for index, item in enumerate(self.value)]

    # -- scalars -------------------------------------------------------------------------

    def string(self, *, allow_numbers: bool = False, nonempty: bool = True) -> str:
        """A string (numbers too when ``allow_numbers``: YAML reads ``api_id: 123`` as an int)."""
        value = self.value
        if allow_numbers and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (nonempty and not value):
            self.fail("a non-empty string" if nonempty else "a string")
        return value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            self.fail("true or false")
        return self.value

    def integer(self, low: int | None = None, high: int | None = None) -> int:
        value = self.value
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(_range_text("an integer", low, high))
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(_range_text("an integer", low, high))
        return value

    def number(
        self, low: float | None = None, high: float | None = None, *, above: bool = False
    ) -> float:
        """A finite number >= low (> low when ``above``) and <= high."""
        value = self.value
        text = _range_text("a number", low, high, above=above)
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            self.fail(text)
        if low is not None and (value <= low if above else value < low):
            self.fail(text)
        if high is not None and value > high:
            self.fail(text)
        return float(value)

    def decimal(self, low: Decimal, high: Decimal, *, above: bool = False) -> Decimal:
        """An exact amount of credits from a number or a numeric string: in range, and with
        at most six decimals (what a callback's charge shows), so sums stay exact."""
        value = self.value
        text = _range_text("a number", low, high, above=above) + " with at most 6 decimals"
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(text)
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            self.fail(text)
        if not result.is_finite() or result > high or (result <= low if above else result < low):
            self.fail(text)
        if result.as_tuple().exponent < -6:  # type: ignore[operator]
            self.fail(text)
        return result + 0  # -0 is 0

    def choice(self, options: Mapping[str, T] | Iterable[str]) -> Any:
        """One of ``options`` (a mapping's keys map to its values)."""
        names = list(options)
        if not isinstance(self.value, str) or self.value not in names:
            self.fail(f"one of {', '.join(names)}")
        return options[self.value] if isinstance(options, Mapping) else self.value

    def timestamp(self) -> float:
        """Unix seconds, from a number or an ISO 8601 time (UTC unless it says otherwise),
        between 1970 and 9999."""
        value = self.value
        expected = "a unix time or an ISO 8601 time such as 2026-01-01T00:00:00Z, 1970 to 9999"
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                self.fail(expected)
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=dt.timezone.utc)
            value = value.timestamp()
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and 0 <= value <= MAX_TIME:  # type: ignore[operator]  # NaN fails too
            return float(value)  # type: ignore[arg-type]
        return self.fail(expected)


def _range_text(what: str, low: object, high: object, *, above: bool = False) -> str:
    first = f"> {_show(low)}" if above else f">= {_show(low)}"
    if low is not None and high is not None:
        if above:
            return f"{what} {first} and <= {_show(high)}"
        return f"{what} from {_show(low)} to {_show(high)}"
    if low is not None:
        return f"{what} {first}"
    if high is not None:
        return f"{what} <= {_show(high)}"
    return what


def _show(bound: object) -> str:
    if isinstance(bound, float) and bound.is_integer():
        return str(int(bound))
    return str(bound)


def optional(fields: Mapping[str, Node], key: str, read: Callable[[Node], T], default: T) -> T:
    """``read`` the value at ``key`` when present, else ``default``."""
    return read(fields[key]) if key in fields else default


def one_of(
    node: Node,
    fields: Mapping[str, Node],
    keys: tuple[str, ...],
    *,
    optional: bool = False,
    note: str = "",
) -> str:
    """The one key of ``keys`` present in ``fields`` ("" when none and ``optional``)."""
    given = [key for key in keys if key in fields]
    if len(given) > 1 or (not given and not optional):
        expected = "at most one" if optional else "exactly one"
        node.fail_detail(
            f"expected {expected} of {', '.join(keys)}{note}, got {' and '.join(given) or 'none'}"
        )
    return given[0] if given else ""
