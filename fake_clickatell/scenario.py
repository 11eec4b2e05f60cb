"""Scenario files: YAML in, a validated, frozen :class:`~fake_clickatell.core.config.Scenario` out.

This is the only module that imports yaml, when a scenario is first read or written (not at
import: ``fake-clickatell serve`` without a scenario, and the pytest plugin, start faster
without it), and it loads with a safe loader. Every error names the file, the key path and
what was expected, e.g.::

    flaky.yaml: accounts[0].balance: expected a number >= 0, got 'lots'

Unknown keys are errors (they are usually typos), and so are duplicate keys.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import math
import os
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from .core.clock import MAX_TIME
from .core.codes import RECIPIENT_ERRORS, STATUSES, is_final
from .core.commands import canonical_name
from .core.config import (
    CALLBACK_RETRIES,
    DEFAULT_LIFECYCLE,
    MO_RETRIES,
    AccountSpec,
    ClockSpec,
    Fault,
    HttpReply,
    MoSpec,
    NumberPattern,
    PatternKind,
    PushFormat,
    PushTarget,
    Quota,
    RecipientLimits,
    RecipientScript,
    Route,
    Rule,
    RuleAction,
    RuleCondition,
    Scenario,
    StatusStep,
    Voucher,
)
from .core.gateway import COMMANDS, SENDING_COMMANDS

if TYPE_CHECKING:
    import yaml

T = TypeVar("T")


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names file, key path and expectation."""

    def __init__(self, source: str, path: str, message: str) -> None:
        where = f"{source}: {path}: " if path else f"{source}: "
        super().__init__(where + message)
        self.source = source
        self.path = path
        self.detail = message


@functools.cache
def _unique_key_loader() -> type[yaml.SafeLoader]:
    """A safe loader that refuses duplicate keys instead of keeping the last one."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            mark = key_node.start_mark
            try:
                duplicate = key in mapping
            except TypeError:  # a list or mapping used as a key ("? [a, b]")
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain value, not a list or a mapping", mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
            mapping[key] = loader.construct_object(value_node, deep=True)
        return mapping

    UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    return UniqueKeyLoader


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return repr(value)


class _Node:
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
            self.source, self.path, f"expected {expected}, got {_describe(self.value)}"
        )

    def child(self, key: str | int, value: object) -> _Node:
        if isinstance(key, int):
            return _Node(self.source, f"{self.path}[{key}]", value)
        return _Node(self.source, f"{self.path}.{key}" if self.path else key, value)

    # -- shapes --------------------------------------------------------------------------

    def mapping(self, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, _Node]:
        """The node as a mapping with only ``allowed`` keys, and all ``required`` ones."""
        if not isinstance(self.value, dict):
            self.fail("a mapping")
        allowed = tuple(allowed)
        children: dict[str, _Node] = {}
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

    def sequence(self) -> list[_Node]:
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


# -- the sections of a scenario ---------------------------------------------------------------


def _optional(fields: Mapping[str, _Node], key: str, read: Callable[[_Node], T], default: T) -> T:
    """``read`` the value at ``key`` when present, else ``default``."""
    return read(fields[key]) if key in fields else default


# Upper bounds: large enough for any test, small enough that nothing downstream overflows.
_YEAR = 365 * 24 * 3600.0
_MAX_MONEY = Decimal(10) ** 12


def _duration(node: _Node) -> float:
    return node.number(0, _YEAR)


def _latency(node: _Node) -> float:
    return node.number(0, 600)


def _money(node: _Node) -> Decimal:
    return node.decimal(Decimal(0), _MAX_MONEY)


def _positive(node: _Node) -> float:
    return node.number(0, _YEAR, above=True)


def _timeout(node: _Node) -> float:
    return node.number(0, 600, above=True)


def _ascii_digits(value: object, most: int) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= most


def _status(node: _Node) -> int:
    """A message status: ``"004"``, ``4`` or ``004`` (YAML reads unquoted 004 as 4)."""
    value = node.value
    if _ascii_digits(value, 3):
        value = int(str(value))
    if not isinstance(value, int) or isinstance(value, bool) or value not in STATUSES:
        node.fail(f"a message status ({', '.join(f'{s:03d}' for s in STATUSES)})")
    return value


def _error_code(node: _Node) -> int:
    value = node.value
    if _ascii_digits(value, 3):
        value = int(str(value))
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 999:
        node.fail("an error code from 001 to 999")
    return value


def _recipient_code(node: _Node) -> int:
    """An error that belongs to one recipient: only these come as ``ERR: ... To: <n>`` lines."""
    code = _error_code(node)
    if code not in RECIPIENT_ERRORS:
        codes = ", ".join(f"{c:03d}" for c in sorted(RECIPIENT_ERRORS))
        node.fail(f"a per-recipient error code ({codes})")
    return code


def _error_texts(node: _Node) -> Mapping[int, str]:
    if not isinstance(node.value, dict):
        node.fail("a mapping of error code to text")
    texts: dict[int, str] = {}
    for key, value in node.value.items():
        child = node.child(str(key), value)
        code = _error_code(_Node(node.source, child.path, key))
        text = child.string()
        if "\n" in text or "\r" in text or " To: " in text:
            # " To: " would make the text read as a recipient line (reference B §1.3).
            child.fail("a single line of text without ' To: '")
        texts[code] = text
    return MappingProxyType(texts)


def _lifecycle(node: _Node) -> tuple[StatusStep, ...]:
    steps = []
    for item in node.sequence():
        fields = item.mapping(("status", "after"), required=("status",))
        after = _optional(fields, "after", _duration, 0.0)
        steps.append(StatusStep(_status(fields["status"]), after))
    if not steps:
        node.fail("at least one status step")
    return tuple(steps)


_ACCOUNT_KEYS = (
    "api_id",
    "user",
    "password",
    "balance",
    "frozen",
    "session_ttl",
    "error_texts",
    "dial_prefix",
    "allowed_ips",
    "senders",
    "callback",
    "mo",
)


def _account(node: _Node) -> AccountSpec:
    fields = node.mapping(_ACCOUNT_KEYS, required=("api_id", "user", "password"))
    dial_prefix = None
    if "dial_prefix" in fields:
        dial_prefix = fields["dial_prefix"].string(allow_numbers=True)
        if not _ascii_digits(dial_prefix, 6):
            fields["dial_prefix"].fail("a country calling code of digits, such as 27")
    return AccountSpec(
        api_id=fields["api_id"].string(allow_numbers=True),
        user=fields["user"].string(allow_numbers=True),
        password=fields["password"].string(allow_numbers=True),
        balance=_optional(fields, "balance", _money, Decimal("100")),
        frozen=_optional(fields, "frozen", _Node.boolean, False),
        session_ttl=_optional(fields, "session_ttl", _positive, None),
        error_texts=_optional(fields, "error_texts", _error_texts, MappingProxyType({})),
        dial_prefix=dial_prefix,
        allowed_ips=_optional(fields, "allowed_ips", _ip_list, ()),
        senders=_optional(fields, "senders", _string_list, None),
        callback=_optional(fields, "callback", _callback_target, None),
        mo=_optional(fields, "mo", _mo, None),
    )


_TARGET_KEYS = ("url", "format", "username", "password", "timeout", "retry_minutes")


def _target(node: _Node, fields: Mapping[str, _Node], retries: tuple[float, ...]) -> PushTarget:
    url = fields["url"].string()
    if not url.startswith(("http://", "https://")):
        fields["url"].fail("a URL starting with http:// or https://")
    if ("username" in fields) != ("password" in fields):
        node.fail_detail("username and password go together (HTTP Basic credentials)")
    return PushTarget(
        url=url,
        format=_optional(fields, "format", _push_format, PushFormat.HTTP_POST),
        username=_optional(fields, "username", _text, None),
        password=_optional(fields, "password", _text, None),
        timeout=_optional(fields, "timeout", _timeout, 5.0),
        retries=_optional(fields, "retry_minutes", _minutes, retries),
    )


def _push_format(node: _Node) -> PushFormat:
    result: PushFormat = node.choice({f.value: f for f in PushFormat})
    return result


def _minutes(node: _Node) -> tuple[float, ...]:
    return tuple(item.number(0, 30 * 24 * 60, above=True) * 60.0 for item in node.sequence())


def _callback_target(node: _Node) -> PushTarget:
    fields = node.mapping(_TARGET_KEYS, required=("url",))
    return _target(node, fields, CALLBACK_RETRIES)


def _mo(node: _Node) -> MoSpec:
    fields = node.mapping(("numbers", *_TARGET_KEYS))
    numbers = (
        tuple(_digits(item, "a number of digits") for item in fields["numbers"].sequence())
        if "numbers" in fields
        else ()
    )
    if "url" not in fields:
        if set(fields) - {"numbers"}:
            node.fail_detail("url is required to push inbound messages")
        return MoSpec(numbers)
    return MoSpec(numbers, _target(node, fields, MO_RETRIES))


def _vouchers(node: _Node) -> tuple[Voucher, ...]:
    vouchers = []
    seen: set[str] = set()
    for item in node.sequence():
        fields = item.mapping(("token", "credit"), required=("token", "credit"))
        token = fields["token"].string(allow_numbers=True)
        if len(token) != 16 or not _ascii_digits(token, 16):
            fields["token"].fail("a 16-digit voucher number (quote it)")
        if token in seen:
            fields["token"].fail("a token not listed already")
        seen.add(token)
        credit = fields["credit"].decimal(Decimal(0), _MAX_MONEY, above=True)
        vouchers.append(Voucher(token, credit))
    return tuple(vouchers)


def _ip_list(node: _Node) -> tuple[str, ...]:
    addresses = []
    for item in node.sequence():
        text = item.string()
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            item.fail("an IP address or network, such as 127.0.0.1 or 10.0.0.0/8")
        addresses.append(text)
    return tuple(addresses)


def _string_list(node: _Node) -> tuple[str, ...]:
    return tuple(item.string(allow_numbers=True) for item in node.sequence())


def _accounts(node: _Node) -> tuple[AccountSpec, ...]:
    accounts = [_account(item) for item in node.sequence()]
    seen: set[tuple[str, str]] = set()
    for index, account in enumerate(accounts):
        key = (account.api_id, account.user)
        if key in seen:
            raise ScenarioError(
                node.source,
                f"{node.path}[{index}]",
                f"api_id {account.api_id!r} with user {account.user!r} is declared twice",
            )
        seen.add(key)
    return tuple(accounts)


def _clock(node: _Node) -> ClockSpec:
    fields = node.mapping(("start", "frozen"))
    return ClockSpec(
        start=_optional(fields, "start", _Node.timestamp, None),
        frozen=_optional(fields, "frozen", _Node.boolean, False),
    )


def _recipient_limits(node: _Node) -> RecipientLimits:
    fields = node.mapping(("get", "post"))
    defaults = RecipientLimits()
    return RecipientLimits(
        get=_optional(fields, "get", _count, defaults.get),
        post=_optional(fields, "post", _count, defaults.post),
    )


def _count(node: _Node) -> int:
    return node.integer(1)


def _digits(node: _Node, what: str) -> str:
    text = node.string(allow_numbers=True)
    if not text.isascii() or not text.isdigit():
        node.fail(what)
    return text


def _routes(node: _Node) -> tuple[Route, ...]:
    routes = []
    seen: set[str] = set()
    for item in node.sequence():
        fields = item.mapping(("prefix", "charge"), required=("prefix", "charge"))
        prefix = _digits(fields["prefix"], "a number prefix of digits, such as 27")
        if prefix in seen:
            fields["prefix"].fail("a prefix not routed already")
        seen.add(prefix)
        routes.append(Route(prefix, _money(fields["charge"])))
    return tuple(routes)


_PATTERN_KEYS = ("number", "prefix", "glob")


def _one_of(
    node: _Node,
    fields: Mapping[str, _Node],
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


def _pattern(fields: Mapping[str, _Node], owner: _Node) -> NumberPattern:
    """Exactly one of number / prefix / glob among ``fields``."""
    kind = _one_of(owner, fields, _PATTERN_KEYS)
    node = fields[kind]
    if kind == "glob":
        return NumberPattern(PatternKind.GLOB, node.string(allow_numbers=True))
    return NumberPattern(PatternKind(kind), _digits(node, "digits, such as 27999000001"))


def _recipient_pattern(node: _Node) -> NumberPattern:
    """A recipient condition: a number as a string, or {number|prefix|glob: ...}."""
    if isinstance(node.value, dict):
        return _pattern(node.mapping(_PATTERN_KEYS), node)
    return NumberPattern(PatternKind.NUMBER, _digits(node, "a number of digits or a mapping"))


def _final_status_lifecycle(node: _Node) -> tuple[StatusStep, ...]:
    """``status: X``: the default lifecycle with X as its outcome."""
    status = _status(node)
    if not is_final(status):
        return (StatusStep(status),)
    return (
        StatusStep(DEFAULT_LIFECYCLE[0].status),
        StatusStep(status, DEFAULT_LIFECYCLE[-1].after),
    )


def _recipients(node: _Node) -> tuple[RecipientScript, ...]:
    scripts = []
    for item in node.sequence():
        fields = item.mapping((*_PATTERN_KEYS, "error", "status", "statuses"))
        pattern = _pattern(fields, item)
        outcome = _one_of(item, fields, ("error", "status", "statuses"))
        if outcome == "error":
            scripts.append(RecipientScript(pattern, error=_recipient_code(fields["error"])))
        elif outcome == "status":
            scripts.append(
                RecipientScript(pattern, lifecycle=_final_status_lifecycle(fields["status"]))
            )
        else:
            scripts.append(RecipientScript(pattern, lifecycle=_lifecycle(fields["statuses"])))
    return tuple(scripts)


_WHEN_KEYS = (
    "command",
    "api_id",
    "user",
    "recipient",
    "params",
    "call",
    "first",
    "every",
    "after",
    "clock",
    "probability",
)
_COUNTS = ("call", "first", "every", "after")
_ACTIONS = ("error", "recipient_error", "http", "fault", "expire_session", "quota")
_THEN_KEYS = (*_ACTIONS, "latency", "process")


def _commands(node: _Node) -> frozenset[str]:
    items = node.sequence() if isinstance(node.value, list) else [node]
    if not items:
        node.fail(f"a command or a list of commands ({', '.join(COMMANDS)})")
    return frozenset(item.choice(COMMANDS) for item in items)


def _params(node: _Node) -> tuple[tuple[str, str], ...]:
    if not isinstance(node.value, dict) or not node.value:
        node.fail("a mapping of parameter name to value or glob pattern")
    # Named as the request parameters are known: CliMsgId matches climsgid, as on the wire.
    return tuple(
        (
            canonical_name(str(name)),
            node.child(str(name), value).string(allow_numbers=True, nonempty=False),
        )
        for name, value in node.value.items()
    )


def _when(node: _Node) -> RuleCondition:
    fields = node.mapping(_WHEN_KEYS)
    _one_of(node, fields, _COUNTS, optional=True)
    clock = fields["clock"].mapping(("from", "until")) if "clock" in fields else {}
    probability = None
    if "probability" in fields:
        probability = fields["probability"].number(0, above=True)
        if probability > 1:
            fields["probability"].fail("a number > 0 and <= 1")
    return RuleCondition(
        commands=_optional(fields, "command", _commands, None),
        api_id=_optional(fields, "api_id", _text, None),
        user=_optional(fields, "user", _text, None),
        recipient=_optional(fields, "recipient", _recipient_pattern, None),
        params=_optional(fields, "params", _params, ()),
        call=_optional(fields, "call", _count, None),
        first=_optional(fields, "first", _count, None),
        every=_optional(fields, "every", _count, None),
        after=_optional(fields, "after", _count, None),
        clock_from=_optional(clock, "from", _Node.timestamp, None),
        clock_until=_optional(clock, "until", _Node.timestamp, None),
        probability=probability,
    )


def _text(node: _Node) -> str:
    return node.string(allow_numbers=True)


def _http(node: _Node) -> HttpReply:
    fields = node.mapping(("status", "body", "content_type"), required=("status",))
    status = fields["status"].integer(200, 599)
    if status in (204, 304) and "body" in fields:
        fields["body"].fail_detail(f"a {status} reply has no body: HTTP forbids one")
    return HttpReply(
        status=status,
        body=_optional(fields, "body", lambda n: n.string(allow_numbers=True, nonempty=False), ""),
        content_type=_optional(fields, "content_type", _text, "text/plain; charset=utf-8"),
    )


def _quota(node: _Node) -> Quota:
    fields = node.mapping(("calls", "window"), required=("calls", "window"))
    return Quota(fields["calls"].integer(1), _positive(fields["window"]))


def _then(node: _Node, when: RuleCondition) -> RuleAction:
    fields = node.mapping(_THEN_KEYS)
    _one_of(node, fields, _ACTIONS, optional="latency" in fields, note=" (latency may go with any)")
    if "process" in fields and "fault" not in fields:
        fields["process"].fail_detail("process goes with fault only")
    if "expire_session" in fields and not fields["expire_session"].boolean():
        fields["expire_session"].fail("true (leave the key out for false)")
    if "recipient_error" in fields and (
        when.commands is None or not when.commands <= SENDING_COMMANDS
    ):
        fields["recipient_error"].fail_detail(
            "recipient_error needs when.command: one or more of "
            + ", ".join(sorted(SENDING_COMMANDS))
        )
    if "quota" in fields and (
        any(getattr(when, key) is not None for key in _COUNTS) or when.probability is not None
    ):
        fields["quota"].fail_detail(
            "a quota counts calls itself: drop call/first/every/after/probability"
        )
    return RuleAction(
        error=_optional(fields, "error", _error_code, None),
        recipient_error=_optional(fields, "recipient_error", _recipient_code, None),
        http=_optional(fields, "http", _http, None),
        fault=_optional(fields, "fault", lambda n: n.choice({f.value: f for f in Fault}), None),
        expire_session="expire_session" in fields,
        quota=_optional(fields, "quota", _quota, None),
        latency=_optional(fields, "latency", _latency, 0.0),
        process=_optional(fields, "process", _Node.boolean, False),
    )


def _rules(node: _Node) -> tuple[Rule, ...]:
    rules = []
    names: set[str] = set()
    for index, item in enumerate(node.sequence()):
        fields = item.mapping(("name", "when", "then", "times"), required=("then",))
        name = _optional(fields, "name", _text, f"rules[{index}]")
        if name in names:
            fields["name"].fail("a name no other rule has")
        names.add(name)
        when = _optional(fields, "when", _when, RuleCondition())
        then = _then(fields["then"], when)
        rules.append(Rule(name, when, then, _optional(fields, "times", _count, None)))
    return tuple(rules)


_SECTIONS: dict[str, Callable[[_Node], Any]] = {
    "seed": lambda node: node.integer(),
    "clock": _clock,
    "accounts": _accounts,
    "error_texts": _error_texts,
    "session_ttl": _positive,
    "default_balance": _money,
    "default_charge": _money,
    "lifecycle": _lifecycle,
    "recipient_limits": _recipient_limits,
    "routes": _routes,
    "recipients": _recipients,
    "rules": _rules,
    "vouchers": _vouchers,
    "allowed_hosts": _string_list,
    "callback": _callback_target,
    "mo": _mo,
}


def scenario_from_data(data: object, source: str = "<scenario>") -> Scenario:
    """Validate already-parsed data (a dict, as from YAML or JSON) into a :class:`Scenario`."""
    if data is None:
        data = {}
    root = _Node(source, "", data)
    if not isinstance(data, dict):
        raise ScenarioError(
            source, "", f"expected a mapping at the top level, got {_describe(data)}"
        )
    fields = root.mapping(_SECTIONS)
    values = {key: _SECTIONS[key](node) for key, node in fields.items()}
    return Scenario(source=source, **values)


def scenario_to_yaml(data: Mapping[str, Any]) -> str:
    """Scenario data (a dict shaped like the YAML) as YAML text, e.g. for ``PUT
    /__admin/scenario`` (this module is the only one that imports yaml)."""
    import yaml

    text: str = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False)
    return text


def load_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and validate scenario YAML."""
    import yaml

    try:
        data = yaml.load(text, Loader=_unique_key_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = "; ".join(part for part in (error.context, error.problem) if part)
        raise ScenarioError(source, where, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(source, "", f"invalid YAML: {error}") from None
    except RecursionError:
        raise ScenarioError(source, "", "invalid YAML: nested too deeply") from None
    try:
        return scenario_from_data(data, source)
    except RecursionError:  # pragma: no cover - the YAML parser gives up first
        raise ScenarioError(source, "", "nested too deeply") from None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, parse and validate a scenario file."""
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(
            source, "", f"cannot read the file: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "the file is not UTF-8 text") from None
    return load_scenario_text(text, source)
