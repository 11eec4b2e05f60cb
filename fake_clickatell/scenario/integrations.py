"""The scenario keys of the Platform and One API: an account's ``integrations``, and the
top-level ``platform`` and ``one_api`` sections.

An integration::

    integrations:
      - api: platform            # platform or one
        kind: rest               # Platform only: rest (POST /messages) or http
        api_key: 7A620z5FTKab_CeziIuZhg==
        id: fa8090815f05d5ed015f0b5b56080cd2   # default: made from the key
        name: My integration
        numbers: ["27990000000"]               # two-way: from must be one of them
        active: true
        status_callback: {url: ..., method: POST, statuses: ["003", "004"]}
        reply_callback: {url: ..., method: GET, charset: legacy}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..core.accounts import integration_id
from ..core.protocol import ONE, PLATFORM
from ..core.scenario_model import (
    CALLBACK_RETRIES,
    HOOK_TIMEOUT,
    INTEGRATION_KINDS,
    Hook,
    Integration,
    OneApiSettings,
    PlatformSettings,
)
from .validation import Node, ScenarioError, optional
from .values import count, digits, error_texts, minutes, status, text, timeout

#: The longest credential a scenario may give (a real REST token has 63 characters).
MAX_KEY = 1024

_API_NAMES = {PLATFORM: "Platform", ONE: "One API"}
_INTEGRATION_KEYS = (
    "api",
    "kind",
    "api_key",
    "id",
    "name",
    "numbers",
    "active",
    "status_callback",
    "reply_callback",
)
_HOOK_KEYS = ("url", "method", "timeout", "retry_minutes")
#: What each hook takes besides, by API and hook.
_EXTRA_KEYS: Mapping[tuple[str, str], tuple[str, ...]] = {
    (PLATFORM, "status_callback"): ("statuses", "api_key"),
    (PLATFORM, "reply_callback"): ("charset", "api_key"),
    (ONE, "status_callback"): ("statuses",),
    (ONE, "reply_callback"): (),
}
_CHARSETS = {"UTF-8": False, "legacy": True}
#: What a duplicate is called, by key.
_NOUNS = {"api_key": "a key", "id": "an id", "numbers": "a number"}


def credential_key(node: Node) -> str:
    """A credential: printable ASCII without spaces (what fits a header), at most
    :data:`MAX_KEY` characters."""
    key = node.string(allow_numbers=True)
    if len(key) > MAX_KEY or not all("!" <= ch <= "~" for ch in key):
        node.fail(f"a token of 1 to {MAX_KEY} printable ASCII characters without spaces")
    return key


def _hex_id(node: Node) -> str:
    value = node.string(allow_numbers=True)
    if len(value) != 32 or any(ch not in "0123456789abcdef" for ch in value):
        node.fail("an integration id of 32 lowercase hex digits")
    return value


def _hook(api: str, name: str) -> Callable[[Node], Hook]:
    extra = _EXTRA_KEYS[(api, name)]

    def read(node: Node) -> Hook:
        fields = node.mapping((*_HOOK_KEYS, *extra), required=("url",))
        url = fields["url"].string()
        if not url.startswith(("http://", "https://")):
            fields["url"].fail("a URL starting with http:// or https://")
        methods = ("GET", "POST") if api == PLATFORM else ("POST",)
        statuses = None
        if "statuses" in fields:
            statuses = frozenset(status(item) for item in fields["statuses"].sequence())
        return Hook(
            url=url,
            method=optional(fields, "method", lambda n: n.choice(methods), "POST"),
            timeout=optional(fields, "timeout", timeout, HOOK_TIMEOUT),
            retries=optional(fields, "retry_minutes", minutes, CALLBACK_RETRIES),
            statuses=statuses,
            legacy_charset=optional(fields, "charset", lambda n: n.choice(_CHARSETS), False),
            api_key=optional(fields, "api_key", Node.boolean, True),
        )

    return read


def integration(node: Node) -> Integration:
    """One integration of an account."""
    fields = node.mapping(_INTEGRATION_KEYS, required=("api", "api_key"))
    api: str = fields["api"].choice((PLATFORM, ONE))
    kind = None
    if api == PLATFORM:
        kind = optional(fields, "kind", lambda n: n.choice(INTEGRATION_KINDS), "rest")
    elif "kind" in fields:
        fields["kind"].fail_detail("kind is the Platform's (rest or http); a One API key has none")
    key = credential_key(fields["api_key"])
    default_name = f"{_API_NAMES[api]}{f' {kind.upper()}' if kind else ''} integration"
    numbers: tuple[str, ...] = ()
    if "numbers" in fields:
        numbers = tuple(digits(item, "a number of digits") for item in fields["numbers"].sequence())
    status_hook = _hook(api, "status_callback")
    reply_hook = _hook(api, "reply_callback")
    return Integration(
        api=api,
        api_key=key,
        integration_id=optional(fields, "id", _hex_id, integration_id(api, key)),
        name=optional(fields, "name", text, default_name),
        kind=kind,
        numbers=numbers,
        status_callback=optional(fields, "status_callback", status_hook, None),
        reply_callback=optional(fields, "reply_callback", reply_hook, None),
        active=optional(fields, "active", Node.boolean, True),
    )


def integrations(node: Node) -> tuple[Integration, ...]:
    """An account's integrations."""
    return tuple(integration(item) for item in node.sequence())


def check_unique(node: Node, everyone: list[tuple[int, tuple[Integration, ...]]]) -> None:
    """No key, id or two-way number belongs to two integrations (``everyone``: each account's
    index and integrations)."""
    seen: dict[tuple[str, str], str] = {}
    for index, listed in everyone:
        for position, item in enumerate(listed):
            where = f"{node.path}[{index}].integrations[{position}]"
            for what, value in (
                ("api_key", f"{item.api}:{item.api_key}"),
                ("id", item.integration_id),
                *(("numbers", number) for number in item.numbers),
            ):
                if (what, value) in seen:
                    raise ScenarioError(
                        node.source,
                        f"{where}.{what}",
                        f"{_NOUNS[what]} {seen[(what, value)]} lists already: each belongs to"
                        " one integration",
                    )
                seen[(what, value)] = f"the integration at {where}"


def platform(node: Node) -> PlatformSettings:
    """The ``platform`` section."""
    fields = node.mapping(("enforce_kind", "max_recipients", "error_texts"))
    defaults = PlatformSettings()
    return PlatformSettings(
        enforce_kind=optional(fields, "enforce_kind", Node.boolean, defaults.enforce_kind),
        max_recipients=optional(fields, "max_recipients", count, defaults.max_recipients),
        error_texts=optional(fields, "error_texts", error_texts, defaults.error_texts),
    )


def one_api(node: Node) -> OneApiSettings:
    """The ``one_api`` section."""
    fields = node.mapping(("max_messages", "error_texts"))
    defaults = OneApiSettings()
    return OneApiSettings(
        max_messages=optional(fields, "max_messages", count, defaults.max_messages),
        error_texts=optional(fields, "error_texts", error_texts, defaults.error_texts),
    )
