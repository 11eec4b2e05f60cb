"""The scenario schema: every section and key of a scenario file, checked into the frozen
:class:`~..core.scenario_model.Scenario` the gateway runs."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..core.codes import RECIPIENT_ERRORS, is_final
from ..core.commands import canonical_name
from ..core.endpoints import COMMANDS, SENDING_COMMANDS
from ..core.gateway import PROTOCOLS
from ..core.protocol import REST
from ..core.scenario_model import (
    CALLBACK_RETRIES,
    DEFAULT_LIFECYCLE,
    MO_RETRIES,
    AccountSpec,
    ClockSpec,
    Credential,
    Fault,
    HttpReply,
    MoSpec,
    NumberPattern,
    OpenAccounts,
    PatternKind,
    PushFormat,
    PushTarget,
    Quota,
    RecipientLimits,
    RecipientScript,
    RestSettings,
    Route,
    Rule,
    RuleAction,
    RuleCondition,
    Scenario,
    StatusStep,
    Voucher,
)
from .integrations import check_unique, credential_key, integrations, one_api, platform
from .validation import Node, ScenarioError, describe, one_of, optional
from .values import MAX_MONEY as _MAX_MONEY
from .values import (
    ascii_digits as _ascii_digits,
)
from .values import (
    count as _count,
)
from .values import (
    digits as _digits,
)
from .values import (
    duration as _duration,
)
from .values import (
    error_code as _error_code,
)
from .values import (
    error_texts as _error_texts,
)
from .values import (
    latency as _latency,
)
from .values import (
    minutes as _minutes,
)
from .values import (
    money as _money,
)
from .values import (
    positive as _positive,
)
from .values import (
    status as _status,
)
from .values import (
    string_list as _string_list,
)
from .values import (
    text as _text,
)
from .values import (
    timeout as _timeout,
)


def _recipient_code(node: Node) -> int:
    """An error that belongs to one recipient: only these come as ``ERR: ... To: <n>`` lines."""
    code = _error_code(node)
    if code not in RECIPIENT_ERRORS:
        codes = ", ".join(f"{c:03d}" for c in sorted(RECIPIENT_ERRORS))
        node.fail(f"a per-recipient error code ({codes})")
    return code


def _lifecycle(node: Node) -> tuple[StatusStep, ...]:
    steps = []
    for item in node.sequence():
        fields = item.mapping(("status", "after"), required=("status",))
        after = optional(fields, "after", _duration, 0.0)
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
    "rest_tokens",
    "integrations",
    "currency",
)
#: What an account that only has keys (REST tokens, integrations) is called by default: its
#: api_id is ``account-<n>`` (its place in the list, from 1), its user this, and it has no
#: password (the HTTP API refuses it).
_KEYS_ONLY_USER = "main"


def _tokens(node: Node) -> tuple[Credential, ...]:
    """REST bearer tokens: printable ASCII without spaces (what fits ``Bearer <token>``)."""
    return tuple(Credential(REST, credential_key(item)) for item in node.sequence())


def _currency(node: Node) -> str:
    value = node.string()
    if len(value) != 3 or not (value.isascii() and value.isalpha() and value.isupper()):
        node.fail("a currency code of three capital letters, such as ZAR")
    return value


def _account(node: Node, index: int) -> AccountSpec:
    keys_only = isinstance(node.value, dict) and bool(
        {"rest_tokens", "integrations"} & set(node.value)
    )
    required = () if keys_only else ("api_id", "user", "password")
    fields = node.mapping(_ACCOUNT_KEYS, required=required)
    dial_prefix = None
    if "dial_prefix" in fields:
        dial_prefix = fields["dial_prefix"].string(allow_numbers=True)
        if not _ascii_digits(dial_prefix, 6):
            fields["dial_prefix"].fail("a country calling code of digits, such as 27")
    return AccountSpec(
        api_id=optional(fields, "api_id", _text, f"account-{index + 1}"),
        user=optional(fields, "user", _text, _KEYS_ONLY_USER),
        password=optional(fields, "password", _text, ""),
        balance=optional(fields, "balance", _money, Decimal("100")),
        frozen=optional(fields, "frozen", Node.boolean, False),
        session_ttl=optional(fields, "session_ttl", _positive, None),
        error_texts=optional(fields, "error_texts", _error_texts, MappingProxyType({})),
        dial_prefix=dial_prefix,
        allowed_ips=optional(fields, "allowed_ips", _ip_list, ()),
        senders=optional(fields, "senders", _string_list, None),
        callback=optional(fields, "callback", _callback_target, None),
        mo=optional(fields, "mo", _mo, None),
        credentials=optional(fields, "rest_tokens", _tokens, ()),
        integrations=optional(fields, "integrations", integrations, ()),
        currency=optional(fields, "currency", _currency, "ZAR"),
    )


_TARGET_KEYS = ("url", "format", "username", "password", "timeout", "retry_minutes")


def _target(node: Node, fields: Mapping[str, Node], retries: tuple[float, ...]) -> PushTarget:
    url = fields["url"].string()
    if not url.startswith(("http://", "https://")):
        fields["url"].fail("a URL starting with http:// or https://")
    if ("username" in fields) != ("password" in fields):
        node.fail_detail("username and password go together (HTTP Basic credentials)")
    return PushTarget(
        url=url,
        format=optional(fields, "format", _push_format, PushFormat.HTTP_POST),
        username=optional(fields, "username", _text, None),
        password=optional(fields, "password", _text, None),
        timeout=optional(fields, "timeout", _timeout, 5.0),
        retries=optional(fields, "retry_minutes", _minutes, retries),
    )


def _push_format(node: Node) -> PushFormat:
    result: PushFormat = node.choice({f.value: f for f in PushFormat})
    return result


def _callback_target(node: Node) -> PushTarget:
    fields = node.mapping(_TARGET_KEYS, required=("url",))
    return _target(node, fields, CALLBACK_RETRIES)


def _mo(node: Node) -> MoSpec:
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
    if fields.get("format") is not None and fields["format"].value == PushFormat.JSON_POST.value:
        fields["format"].fail_detail(
            "inbound messages are pushed in the HTTP, XML or SOAP formats (JSON_POST is for"
            " status callbacks)"
        )
    return MoSpec(numbers, _target(node, fields, MO_RETRIES))


def _vouchers(node: Node) -> tuple[Voucher, ...]:
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


def _ip_list(node: Node) -> tuple[str, ...]:
    addresses = []
    for item in node.sequence():
        text = item.string()
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            item.fail("an IP address or network, such as 127.0.0.1 or 10.0.0.0/8")
        addresses.append(text)
    return tuple(addresses)


def _accounts(node: Node) -> tuple[AccountSpec, ...]:
    accounts = [_account(item, index) for index, item in enumerate(node.sequence())]
    seen: set[tuple[str, str]] = set()
    credentials: set[Credential] = set()
    for index, account in enumerate(accounts):
        key = (account.api_id, account.user)
        if key in seen:
            raise ScenarioError(
                node.source,
                f"{node.path}[{index}]",
                f"api_id {account.api_id!r} with user {account.user!r} is declared twice",
            )
        seen.add(key)
        for credential in account.credentials:
            if credential in credentials:
                raise ScenarioError(
                    node.source,
                    f"{node.path}[{index}].{credential.api}_tokens",
                    "a token another account (or this one) lists already: a token opens one"
                    " account",
                )
            credentials.add(credential)
    check_unique(node, [(index, account.integrations) for index, account in enumerate(accounts)])
    return tuple(accounts)


def _clock(node: Node) -> ClockSpec:
    fields = node.mapping(("start", "frozen"))
    return ClockSpec(
        start=optional(fields, "start", Node.timestamp, None),
        frozen=optional(fields, "frozen", Node.boolean, False),
    )


def _open_accounts(node: Node) -> OpenAccounts:
    fields = node.mapping(("max_key_length", "max_accounts"))
    defaults = OpenAccounts()
    return OpenAccounts(
        max_key_length=optional(
            fields, "max_key_length", lambda n: n.integer(1, 10_000), defaults.max_key_length
        ),
        max_accounts=optional(
            fields, "max_accounts", lambda n: n.integer(1, 1_000_000), defaults.max_accounts
        ),
    )


def _rest(node: Node) -> RestSettings:
    fields = node.mapping(("require_x_version", "max_recipients"))
    defaults = RestSettings()
    return RestSettings(
        require_x_version=optional(
            fields, "require_x_version", Node.boolean, defaults.require_x_version
        ),
        max_recipients=optional(fields, "max_recipients", _count, defaults.max_recipients),
    )


def _recipient_limits(node: Node) -> RecipientLimits:
    fields = node.mapping(("get", "post"))
    defaults = RecipientLimits()
    return RecipientLimits(
        get=optional(fields, "get", _count, defaults.get),
        post=optional(fields, "post", _count, defaults.post),
    )


def _routes(node: Node) -> tuple[Route, ...]:
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


def _pattern(fields: Mapping[str, Node], owner: Node) -> NumberPattern:
    """Exactly one of number / prefix / glob among ``fields``."""
    kind = one_of(owner, fields, _PATTERN_KEYS)
    node = fields[kind]
    if kind == "glob":
        return NumberPattern(PatternKind.GLOB, node.string(allow_numbers=True))
    return NumberPattern(PatternKind(kind), _digits(node, "digits, such as 27999000001"))


def _recipient_pattern(node: Node) -> NumberPattern:
    """A recipient condition: a number as a string, or {number|prefix|glob: ...}."""
    if isinstance(node.value, dict):
        return _pattern(node.mapping(_PATTERN_KEYS), node)
    return NumberPattern(PatternKind.NUMBER, _digits(node, "a number of digits or a mapping"))


def _final_status_lifecycle(node: Node) -> tuple[StatusStep, ...]:
    """``status: X``: the default lifecycle with X as its outcome."""
    status = _status(node)
    if not is_final(status):
        return (StatusStep(status),)
    return (
        StatusStep(DEFAULT_LIFECYCLE[0].status),
        StatusStep(status, DEFAULT_LIFECYCLE[-1].after),
    )


def _recipients(node: Node) -> tuple[RecipientScript, ...]:
    scripts = []
    for item in node.sequence():
        fields = item.mapping((*_PATTERN_KEYS, "error", "status", "statuses"))
        pattern = _pattern(fields, item)
        outcome = one_of(item, fields, ("error", "status", "statuses"))
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
    "api",
    "method",
    "path",
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


def _commands(node: Node) -> frozenset[str]:
    items = node.sequence() if isinstance(node.value, list) else [node]
    if not items:
        node.fail(f"a command or a list of commands ({', '.join(COMMANDS)})")
    return frozenset(item.choice(COMMANDS) for item in items)


#: Methods a rule may name (the HTTP parser knows more; these are the ones APIs answer).
_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")


def _choices(options: tuple[str, ...]) -> Callable[[Node], frozenset[str]]:
    """One of ``options``, or a non-empty list of them."""

    def read(node: Node) -> frozenset[str]:
        items = node.sequence() if isinstance(node.value, list) else [node]
        if not items:
            node.fail(f"one of {', '.join(options)}, or a list of them")
        return frozenset(item.choice(options) for item in items)

    return read


def _path_glob(node: Node) -> str:
    text = node.string()
    if not text.startswith(("/", "*", "?", "[")):
        node.fail("a path or a glob of one, such as /rest/message*")
    return text


def _params(node: Node) -> tuple[tuple[str, str], ...]:
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


def _when(node: Node) -> RuleCondition:
    fields = node.mapping(_WHEN_KEYS)
    one_of(node, fields, _COUNTS, optional=True)
    clock = fields["clock"].mapping(("from", "until")) if "clock" in fields else {}
    probability = None
    if "probability" in fields:
        probability = fields["probability"].number(0, above=True)
        if probability > 1:
            fields["probability"].fail("a number > 0 and <= 1")
    return RuleCondition(
        commands=optional(fields, "command", _commands, None),
        apis=optional(fields, "api", _choices(tuple(PROTOCOLS)), None),
        methods=optional(fields, "method", _choices(_METHODS), None),
        path=optional(fields, "path", _path_glob, None),
        api_id=optional(fields, "api_id", _text, None),
        user=optional(fields, "user", _text, None),
        recipient=optional(fields, "recipient", _recipient_pattern, None),
        params=optional(fields, "params", _params, ()),
        call=optional(fields, "call", _count, None),
        first=optional(fields, "first", _count, None),
        every=optional(fields, "every", _count, None),
        after=optional(fields, "after", _count, None),
        clock_from=optional(clock, "from", Node.timestamp, None),
        clock_until=optional(clock, "until", Node.timestamp, None),
        probability=probability,
    )


def _http(node: Node) -> HttpReply:
    fields = node.mapping(("status", "body", "content_type"), required=("status",))
    status = fields["status"].integer(200, 599)
    if status in (204, 304) and "body" in fields:
        fields["body"].fail_detail(f"a {status} reply has no body: HTTP forbids one")
    return HttpReply(
        status=status,
        body=optional(fields, "body", lambda n: n.string(allow_numbers=True, nonempty=False), ""),
        content_type=optional(fields, "content_type", _header_value, "text/plain; charset=utf-8"),
    )


def _header_value(node: Node) -> str:
    """Text that can stand in an HTTP header: printable ASCII and spaces (a line break would
    end the header and start another: response splitting)."""
    text = node.string()
    if not all(" " <= ch <= "~" or ch == "\t" for ch in text):
        node.fail("printable ASCII text without line breaks (an HTTP header value)")
    return text


def _quota(node: Node) -> Quota:
    fields = node.mapping(("calls", "window"), required=("calls", "window"))
    return Quota(fields["calls"].integer(1), _positive(fields["window"]))


def _then(node: Node, when: RuleCondition) -> RuleAction:
    fields = node.mapping(_THEN_KEYS)
    one_of(node, fields, _ACTIONS, optional="latency" in fields, note=" (latency may go with any)")
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
        error=optional(fields, "error", _error_code, None),
        recipient_error=optional(fields, "recipient_error", _recipient_code, None),
        http=optional(fields, "http", _http, None),
        fault=optional(fields, "fault", lambda n: n.choice({f.value: f for f in Fault}), None),
        expire_session="expire_session" in fields,
        quota=optional(fields, "quota", _quota, None),
        latency=optional(fields, "latency", _latency, 0.0),
        process=optional(fields, "process", Node.boolean, False),
    )


def _rules(node: Node) -> tuple[Rule, ...]:
    rules = []
    names: set[str] = set()
    for index, item in enumerate(node.sequence()):
        fields = item.mapping(("name", "when", "then", "times"), required=("then",))
        name = optional(fields, "name", _text, f"rules[{index}]")
        if name in names:
            fields["name"].fail("a name no other rule has")
        names.add(name)
        when = optional(fields, "when", _when, RuleCondition())
        then = _then(fields["then"], when)
        rules.append(Rule(name, when, then, optional(fields, "times", _count, None)))
    return tuple(rules)


#: The top-level keys of a scenario, and how each is read.
SECTIONS: dict[str, Callable[[Node], Any]] = {
    "seed": lambda node: node.integer(),
    "clock": _clock,
    "accounts": _accounts,
    "error_texts": _error_texts,
    "session_ttl": _positive,
    "default_balance": _money,
    "default_charge": _money,
    "lifecycle": _lifecycle,
    "recipient_limits": _recipient_limits,
    "rest": _rest,
    "platform": platform,
    "one_api": one_api,
    "open_accounts": _open_accounts,
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
    root = Node(source, "", data)
    if not isinstance(data, dict):
        raise ScenarioError(
            source, "", f"expected a mapping at the top level, got {describe(data)}"
        )
    fields = root.mapping(SECTIONS)
    values = {key: SECTIONS[key](node) for key, node in fields.items()}
    return Scenario(source=source, **values)
