"""The scenario model: frozen, validated values that configure a gateway.

``fake_clickatell.scenario`` builds these from YAML (checking every key); tests and the Python
API may build them directly. With no accounts listed, authentication is open: any api_id, user
and password are accepted, and each distinct api_id+user becomes its own account.
"""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from .codes import STATUS_DELIVERED_TO_GATEWAY, STATUS_RECEIVED


def _no_texts() -> Mapping[int, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class StatusStep:
    """One step of a message's scripted lifecycle: reach ``status`` ``after`` seconds later.

    ``after`` counts from the previous step (the first step: from the moment the message is
    released to the network, i.e. accepted, or due when scheduled).
    """

    status: int
    after: float = 0.0


#: Default lifecycle: 003 when accepted, 004 five seconds later.
DEFAULT_LIFECYCLE: tuple[StatusStep, ...] = (
    StatusStep(STATUS_DELIVERED_TO_GATEWAY, 0.0),
    StatusStep(STATUS_RECEIVED, 5.0),
)


class PushFormat(enum.Enum):
    """How the fake pushes a status callback or an inbound message (the console's methods)."""

    HTTP_GET = "HTTP_GET"
    HTTP_POST = "HTTP_POST"
    XML_GET = "XML_GET"
    XML_POST = "XML_POST"
    SOAP_GET = "SOAP_GET"
    SOAP_POST = "SOAP_POST"
    #: The console's "JSON RAW HTTP POST": one JSON document (status callbacks only).
    JSON_POST = "JSON_POST"

    @property
    def method(self) -> str:
        """The HTTP method of a push in this format."""
        return "GET" if self.value.endswith("_GET") else "POST"


#: Retry delays after a failed push, in seconds.
CALLBACK_RETRIES: tuple[float, ...] = tuple(
    minutes * 60.0 for minutes in (2, 4, 8, 16, 32, 64, 128, 3 * 24 * 60)
)
MO_RETRIES: tuple[float, ...] = tuple(minutes * 60.0 for minutes in (2, 4, 8, 16, 25))


@dataclass(frozen=True, slots=True)
class PushTarget:
    """Where and how pushes go: a URL, a format, optional HTTP Basic credentials, and the
    receiver's treatment: seconds to wait for it, and the retry delays after a failure."""

    url: str
    format: PushFormat = PushFormat.HTTP_POST
    username: str | None = None
    password: str | None = None
    timeout: float = 5.0
    retries: tuple[float, ...] = CALLBACK_RETRIES


@dataclass(frozen=True, slots=True)
class MoSpec:
    """Two-way: the account's numbers, and where inbound messages to them are pushed."""

    numbers: tuple[str, ...]
    target: PushTarget | None = None


@dataclass(frozen=True, slots=True)
class Voucher:
    """A token_pay voucher: a 16-digit token worth ``credit`` credits, usable once."""

    token: str
    credit: Decimal


class Credential(NamedTuple):
    """A credential of one API that opens an account besides its api_id, user and password:
    a legacy REST bearer token (``api`` ``rest``), and so on. ``key`` compares exactly.
    (A named tuple: every JSON API request looks one up, and a tuple hashes in C.)"""

    api: str
    key: str


#: Seconds an integration's callback receiver has to answer 2xx (Platform and One API).
HOOK_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Hook:
    """Where a Platform or One API integration pushes: its status callback or its reply
    (inbound message) callback. ``GET`` sends the fields as a query string, ``POST`` a JSON
    body; a failed push is retried after each of ``retries`` seconds."""

    url: str
    method: str = "POST"
    timeout: float = HOOK_TIMEOUT
    retries: tuple[float, ...] = CALLBACK_RETRIES
    #: Status callbacks: the (legacy) statuses pushed; ``None``: every change.
    statuses: frozenset[int] | None = None
    #: Platform reply callbacks: the legacy MO encodings (``ISO-8859-1``, else ``UTF-16BE``,
    #: percent-encoded) instead of plain ``UTF-8`` text.
    legacy_charset: bool = False
    #: Platform callbacks: whether ``apiKey`` is among the fields (PHP3's parser needs it).
    api_key: bool = True

    @property
    def target(self) -> PushTarget:
        """The push target the outbox keeps (its URL, timeout and retries)."""
        return PushTarget(self.url, timeout=self.timeout, retries=self.retries)


#: A Platform integration's kinds: its key works on ``POST /messages`` (rest) or on
#: ``/messages/http/send`` (http).
INTEGRATION_KINDS = ("rest", "http")


@dataclass(frozen=True, slots=True)
class Integration:
    """A Platform or One API integration: the API key that opens its account, its id and
    name, its two-way numbers, and where it pushes statuses and replies.

    ``api`` is ``platform`` or ``one``; ``kind`` (Platform) ``rest`` or ``http``, ``None``
    for either (One API integrations, and those open mode makes).
    """

    api: str
    api_key: str
    integration_id: str
    name: str
    kind: str | None = None
    numbers: tuple[str, ...] = ()
    status_callback: Hook | None = None
    reply_callback: Hook | None = None
    active: bool = True

    @property
    def credential(self) -> Credential:
        """The credential its key is: bound to its API only."""
        return Credential(self.api, self.api_key)


#: Hosts outbound pushes may reach unless a scenario or the CLI allows more.
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.0/8", "::1", "localhost")


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """An account a scenario declares; declaring any makes authentication strict.

    ``allowed_ips`` (addresses or CIDR networks) locks the account to those clients (others get
    007); ``senders``, when given, is the list of approved sender ids (others get 123).
    """

    api_id: str
    user: str
    password: str
    balance: Decimal = Decimal("100")
    frozen: bool = False
    session_ttl: float | None = None
    error_texts: Mapping[int, str] = field(default_factory=_no_texts)
    dial_prefix: str | None = None
    allowed_ips: tuple[str, ...] = ()
    senders: tuple[str, ...] | None = None
    callback: PushTarget | None = None
    mo: MoSpec | None = None
    #: Credentials of the other APIs that open this account (its REST tokens, ...).
    credentials: tuple[Credential, ...] = ()
    #: Its Platform and One API integrations (each key is a credential of its API too).
    integrations: tuple[Integration, ...] = ()
    #: The currency the Platform and One API report its balance in.
    currency: str = "ZAR"


class PatternKind(enum.Enum):
    """How a :class:`NumberPattern` compares."""

    NUMBER = "number"
    PREFIX = "prefix"
    GLOB = "glob"


@dataclass(frozen=True, slots=True)
class NumberPattern:
    """A phone number, a prefix, or a glob (``*``, ``?``, ``[...]``), matched as sent."""

    kind: PatternKind
    value: str

    def describe(self) -> str:
        """``number 27999000001``, ``prefix 27``, ``glob 2799*``."""
        return f"{self.kind.value} {self.value}"

    def matches(self, number: str) -> bool:
        """True when ``number`` is matched."""
        if self.kind is PatternKind.NUMBER:
            return number == self.value
        if self.kind is PatternKind.PREFIX:
            return number.startswith(self.value)
        return fnmatch.fnmatchcase(number, self.value)


@dataclass(frozen=True, slots=True)
class Route:
    """Messages to numbers starting with ``prefix`` cost ``charge`` credits per part."""

    prefix: str
    charge: Decimal


@dataclass(frozen=True, slots=True)
class RecipientScript:
    """What happens to messages for matching numbers: an immediate error, or a lifecycle."""

    pattern: NumberPattern
    error: int | None = None
    lifecycle: tuple[StatusStep, ...] | None = None


class Fault(enum.Enum):
    """Faults a rule can inject into the reply (all but garbage are executed on the socket)."""

    RESET = "reset"  # the connection is reset (TCP RST): a connection error
    EMPTY = "empty"  # the connection closes without a byte of reply
    GARBAGE = "garbage"  # HTTP 200 whose body is random bytes, outside the grammar
    TRUNCATE = "truncate"  # headers promise the whole reply; half of it arrives, then close
    HANG = "hang"  # no reply until the client gives up


@dataclass(frozen=True, slots=True)
class HttpReply:
    """A raw HTTP reply a rule answers with instead of the API's."""

    status: int
    body: str = ""
    content_type: str = "text/plain; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Quota:
    """At most ``calls`` matching requests per ``window`` seconds; more get 130."""

    calls: int
    window: float


@dataclass(frozen=True, slots=True)
class RuleAction:
    """What a rule does when it fires. ``latency`` may accompany any action or stand alone.

    ``process`` (faults only): handle the request first, then break the reply.
    """

    error: int | None = None
    recipient_error: int | None = None
    http: HttpReply | None = None
    fault: Fault | None = None
    expire_session: bool = False
    quota: Quota | None = None
    latency: float = 0.0
    process: bool = False


@dataclass(frozen=True, slots=True)
class RuleCondition:
    """When a rule applies. Every given condition must hold; none given matches everything.

    ``call``/``first``/``every``/``after`` count the requests that match the other conditions.
    """

    commands: frozenset[str] | None = None
    #: The APIs (``http``, ``rest``), methods and path glob the request came by.
    apis: frozenset[str] | None = None
    methods: frozenset[str] | None = None
    path: str | None = None
    api_id: str | None = None
    user: str | None = None
    recipient: NumberPattern | None = None
    params: tuple[tuple[str, str], ...] = ()
    call: int | None = None
    first: int | None = None
    every: int | None = None
    after: int | None = None
    clock_from: float | None = None
    clock_until: float | None = None
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule: ``when`` it applies, what it does (``then``), at most ``times`` times."""

    name: str
    when: RuleCondition = field(default_factory=RuleCondition)
    then: RuleAction = field(default_factory=RuleAction)
    times: int | None = None


@dataclass(frozen=True, slots=True)
class RecipientLimits:
    """Most recipients one sendmsg may carry."""

    get: int = 300
    post: int = 600


@dataclass(frozen=True, slots=True)
class RestSettings:
    """The legacy REST API's switches: whether ``X-Version: 1`` is required (else 400 101),
    and the most recipients one send may carry (more: 101)."""

    require_x_version: bool = True
    max_recipients: int = 600


@dataclass(frozen=True, slots=True)
class PlatformSettings:
    """The Platform API's switches: whether a key of the other integration kind is refused
    (as an unknown key), the most recipients one send may carry (more: 153), and error texts
    by the Platform's own codes."""

    enforce_kind: bool = True
    max_recipients: int = 200
    error_texts: Mapping[int, str] = field(default_factory=_no_texts)


@dataclass(frozen=True, slots=True)
class OneApiSettings:
    """The One API's switches: the most messages one send may carry (more: 22), and error
    texts by the One API's own codes."""

    max_messages: int = 200
    error_texts: Mapping[int, str] = field(default_factory=_no_texts)


@dataclass(frozen=True, slots=True)
class OpenAccounts:
    """How far open mode goes: the longest api_id or user it takes (longer: 108 or 001), and
    the most accounts it makes (more: 001), so no stream of made-up credentials fills memory."""

    max_key_length: int = 64
    max_accounts: int = 10_000


@dataclass(frozen=True, slots=True)
class ClockSpec:
    """Where the virtual clock starts, and whether it runs."""

    start: float | None = None
    frozen: bool = False


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything that configures a gateway's behaviour; ``source`` names it in messages."""

    source: str = "<default>"
    seed: int | None = None
    accounts: tuple[AccountSpec, ...] = ()
    error_texts: Mapping[int, str] = field(default_factory=_no_texts)
    session_ttl: float = 900.0
    default_balance: Decimal = Decimal("100")
    default_charge: Decimal = Decimal("1")
    lifecycle: tuple[StatusStep, ...] = DEFAULT_LIFECYCLE
    recipient_limits: RecipientLimits = field(default_factory=RecipientLimits)
    rest: RestSettings = field(default_factory=RestSettings)
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    one_api: OneApiSettings = field(default_factory=OneApiSettings)
    open_accounts: OpenAccounts = field(default_factory=OpenAccounts)
    clock: ClockSpec = field(default_factory=ClockSpec)
    routes: tuple[Route, ...] = ()
    recipients: tuple[RecipientScript, ...] = ()
    rules: tuple[Rule, ...] = ()
    vouchers: tuple[Voucher, ...] = ()
    #: Hosts (names, addresses or networks) pushes may reach besides loopback.
    allowed_hosts: tuple[str, ...] = ()
    #: Defaults for accounts that do not configure their own (open-mode accounts included).
    callback: PushTarget | None = None
    mo: MoSpec | None = None

    @property
    def strict(self) -> bool:
        """True when only the declared accounts may authenticate."""
        return bool(self.accounts)


DEFAULT_SCENARIO = Scenario()
