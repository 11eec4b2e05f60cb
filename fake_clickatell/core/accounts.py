"""Accounts, their credit, and how a request's credentials map to one.

Authentication precedence: a request with no api_id, or an unknown one,
gets 108; a known api_id with a wrong or missing user or password gets 001. (The gateway then
refuses a locked-down client address with 007 and a frozen account with 004.) In open mode (a
scenario with no accounts) every api_id is known and any user and password pass: each distinct
api_id+user is an account of its own, made on first use, within the scenario's
``open_accounts`` bounds (an api_id or user too long, or one account too many, is refused).

The other APIs authenticate by a single credential (a REST bearer token, a Platform or One API
key): an account the scenario declares lists its own (:class:`~.scenario_model.Credential`,
and the keys of its :class:`~.scenario_model.Integration` s), and in open mode any credential
opens an account of its own, named after it (:func:`open_key`) without showing it; a Platform
or One API key also becomes an integration of its own (:func:`open_integration`).
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .codes import Err
from .commands import Credentials
from .grammar import format_decimal
from .scenario_model import AccountSpec, Credential, Integration, MoSpec, PushTarget, Scenario

#: What identifies an account: its api_id and user.
AccountKey = tuple[str, str]


class Account:
    """An account's live state: balance, frozen flag and its settings."""

    __slots__ = (
        "api_id",
        "balance",
        "callback",
        "currency",
        "dial_prefix",
        "error_texts",
        "frozen",
        "integrations",
        "key",
        "mo",
        "networks",
        "opted_out",
        "senders",
        "session_ttl",
        "user",
    )

    def __init__(
        self,
        api_id: str,
        user: str,
        balance: Decimal,
        *,
        frozen: bool,
        session_ttl: float,
        error_texts: Mapping[int, str],
        dial_prefix: str | None,
        allowed_ips: tuple[str, ...] = (),
        senders: tuple[str, ...] | None = None,
        callback: PushTarget | None = None,
        mo: MoSpec | None = None,
        currency: str = "ZAR",
        integrations: tuple[Integration, ...] = (),
    ) -> None:
        self.api_id = api_id
        self.user = user
        #: What identifies the account: api_id and user (one tuple, shared by its messages).
        self.key: AccountKey = (api_id, user)
        self.balance = balance
        self.frozen = frozen
        self.session_ttl = session_ttl
        self.error_texts = error_texts
        self.dial_prefix = dial_prefix
        self.networks = tuple(ipaddress.ip_network(ip, strict=False) for ip in allowed_ips)
        self.senders = frozenset(senders) if senders is not None else None
        self.callback = callback
        self.mo = mo
        self.currency = currency
        #: Its Platform and One API integrations, by integration id.
        self.integrations = {item.integration_id: item for item in integrations}
        #: Handsets that texted STOP to one of the account's numbers: sendmsg to them gets 122.
        self.opted_out: set[str] = set()

    def allows(self, client_ip: str) -> bool:
        """False when the account is locked to other client addresses (IP lockdown)."""
        if not self.networks:
            return True
        try:
            address = ipaddress.ip_address(client_ip)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def integration_with_number(self, number: str) -> Integration | None:
        """The integration that lists ``number`` among its two-way numbers, if any."""
        for integration in self.integrations.values():
            if number in integration.numbers:
                return integration
        return None

    def owns(self, number: str) -> bool:
        """True when ``number`` is one of the account's two-way numbers (legacy or an
        integration's)."""
        mo = self.mo
        return (mo is not None and number in mo.numbers) or (
            self.integration_with_number(number) is not None
        )

    @property
    def lists_numbers(self) -> bool:
        """True when the account names its two-way numbers (inbound messages to others are
        not its)."""
        return bool(self.mo is not None and self.mo.numbers) or any(
            integration.numbers for integration in self.integrations.values()
        )

    def try_charge(self, amount: Decimal) -> bool:
        """Deduct ``amount`` if the balance covers it; the balance never goes below zero."""
        if amount > self.balance:
            return False
        self.balance -= amount
        return True

    def to_json(self) -> dict[str, object]:
        """A JSON-ready view (the admin API's shape); money as an exact decimal string."""
        return {
            "api_id": self.api_id,
            "user": self.user,
            "balance": format_decimal(self.balance),
            "frozen": self.frozen,
            "currency": self.currency,
            "integrations": [
                {
                    "api": item.api,
                    "kind": item.kind,
                    "id": item.integration_id,
                    "name": item.name,
                    "numbers": list(item.numbers),
                    "active": item.active,
                }
                for item in self.integrations.values()
            ],
        }


#: What a refusal calls a credential of each API (others: "<api> key").
_CREDENTIAL_NAMES = {"rest": "bearer token"}


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def open_key(api: str, key: str) -> AccountKey:
    """The account open mode makes for a credential of ``api``: api_id ``<api>-`` and the
    first 12 hex digits of the credential's SHA-256 (stable, and not the secret), user
    ``token``."""
    return (f"{api}-{_digest(key)[:12]}", "token")


def integration_id(api: str, key: str) -> str:
    """The id of the integration whose key this is, when none is given: 32 hex digits of a
    SHA-256 of the API and the key (stable, and not the secret)."""
    return _digest(f"{api}:{key}")[:32]


#: What an integration open mode makes is called.
OPEN_INTEGRATION_NAME = "open mode"


def open_integration(api: str, key: str) -> Integration:
    """The integration open mode makes for a key of ``api``: of either kind, no two-way
    numbers, no callbacks."""
    return Integration(api, key, integration_id(api, key), OPEN_INTEGRATION_NAME)


@dataclass(frozen=True, slots=True)
class Denied:
    """Credentials refused: the error ``code`` and the ``reason`` (for the user, not the wire)."""

    code: int
    reason: str


class AccountBook:
    """The accounts of one gateway, and credential checks against them."""

    __slots__ = (
        "_accounts",
        "_by_api_id",
        "_by_credential",
        "_integrations",
        "_passwords",
        "_scenario",
    )

    def __init__(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self._accounts: dict[AccountKey, Account] = {}
        self._by_api_id: dict[str, list[AccountKey]] = {}
        self._passwords: dict[AccountKey, str] = {}
        self._by_credential: dict[Credential, AccountKey] = {}
        self._integrations: dict[Credential, Integration] = {}
        for spec in scenario.accounts:
            self._add(spec)

    def _add(self, spec: AccountSpec) -> Account:
        scenario = self._scenario
        account = Account(
            spec.api_id,
            spec.user,
            spec.balance,
            frozen=spec.frozen,
            session_ttl=spec.session_ttl if spec.session_ttl is not None else scenario.session_ttl,
            error_texts=ChainMap(dict(spec.error_texts), dict(scenario.error_texts)),
            dial_prefix=spec.dial_prefix,
            allowed_ips=spec.allowed_ips,
            senders=spec.senders,
            callback=spec.callback or scenario.callback,
            mo=spec.mo or scenario.mo,
            currency=spec.currency,
            integrations=spec.integrations,
        )
        self._accounts[account.key] = account
        self._by_api_id.setdefault(spec.api_id, []).append(account.key)
        self._passwords[account.key] = spec.password
        for credential in spec.credentials:
            self._by_credential[credential] = account.key
        for integration in spec.integrations:
            self._by_credential[integration.credential] = account.key
            self._integrations[integration.credential] = integration
        return account

    def get(self, key: AccountKey) -> Account | None:
        """The account ``key`` names, if any."""
        return self._accounts.get(key)

    def get_or_open(self, api_id: str, user: str | None) -> Account | None:
        """The account of ``api_id`` (and ``user``); in open mode, made if need be."""
        keys = self._by_api_id.get(api_id, [])
        if user is not None:
            keys = [key for key in keys if key[1] == user]
        if keys:
            return self._accounts[keys[0]]
        if self._scenario.strict or user is None or not self._may_open(api_id, user):
            return None
        return self._add(AccountSpec(api_id, user, "", balance=self._scenario.default_balance))

    def _may_open(self, api_id: str, user: str) -> bool:
        """Whether open mode may make an account for these (bounded in length and number)."""
        limits = self._scenario.open_accounts
        return (
            len(api_id) <= limits.max_key_length
            and len(user) <= limits.max_key_length
            and len(self._accounts) < limits.max_accounts
        )

    def key_for(self, api: str, key: str) -> AccountKey | None:
        """The account a credential names (in open mode, the one it would make), without
        making it: what scenario rules see."""
        known = self._by_credential.get(Credential(api, key))
        if known is not None or self._scenario.strict:
            return known
        return open_key(api, key)

    def integration(self, api: str, key: str) -> Integration | None:
        """The integration a Platform or One API key belongs to (once its account is known)."""
        return self._integrations.get(Credential(api, key))

    def by_credential(self, api: str, key: str, *, integration: bool = False) -> Account | Denied:
        """The account a credential of ``api`` opens (in open mode, made on first use within
        the ``open_accounts`` bounds, with an integration of its own when ``integration``),
        or the refusal (001 and why)."""
        credential = Credential(api, key)
        known = self._by_credential.get(credential)
        if known is not None:
            return self._accounts[known]
        what = _CREDENTIAL_NAMES.get(api, f"{api} key")
        if self._scenario.strict:
            return Denied(Err.AUTH_FAILED, f"no account of the scenario has this {what}")
        limits = self._scenario.open_accounts
        if len(key) > limits.max_key_length:
            return Denied(
                Err.AUTH_FAILED,
                f"open mode takes a {what} of at most {limits.max_key_length} characters",
            )
        if len(self._accounts) >= limits.max_accounts:
            most = limits.max_accounts
            return Denied(Err.AUTH_FAILED, f"open mode holds {most} accounts already")
        api_id, user = open_key(api, key)
        made = (open_integration(api, key),) if integration else ()
        return self._add(
            AccountSpec(
                api_id,
                user,
                "",
                balance=self._scenario.default_balance,
                credentials=() if made else (credential,),
                integrations=made,
            )
        )

    def owning_number(self, number: str) -> Account | None:
        """The account whose two-way numbers (legacy or an integration's) include ``number``."""
        for account in self._accounts.values():
            if account.owns(number):
                return account
        return None

    def all(self) -> list[Account]:
        """Every account, declared ones first, then those made on first use."""
        return list(self._accounts.values())

    def authenticate(self, credentials: Credentials) -> Account | Denied:
        """The account the credentials open, or the refusal (code and reason)."""
        api_id, user, password = credentials.api_id, credentials.user, credentials.password
        if api_id is None:
            return Denied(Err.INVALID_API_ID, "api_id: missing")
        if not self._scenario.strict:
            limit = self._scenario.open_accounts.max_key_length
            if len(api_id) > limit:
                return Denied(Err.INVALID_API_ID, f"api_id: longer than {limit} characters")
            if user is None or password is None:
                missing = "user" if user is None else "password"
                return Denied(Err.AUTH_FAILED, f"{missing}: missing")
            account = self._accounts.get((api_id, user))
            if account is None:
                if len(user) > limit:
                    return Denied(Err.AUTH_FAILED, f"user: longer than {limit} characters")
                if not self._may_open(api_id, user):
                    most = self._scenario.open_accounts.max_accounts
                    return Denied(Err.AUTH_FAILED, f"open mode holds {most} accounts already")
                account = self._add(
                    AccountSpec(api_id, user, password, balance=self._scenario.default_balance)
                )
        else:
            keys = self._by_api_id.get(api_id)
            if keys is None:
                return Denied(
                    Err.INVALID_API_ID, f"api_id {api_id!r} is not one of the scenario's accounts"
                )
            if user is None or password is None:
                missing = "user" if user is None else "password"
                return Denied(Err.AUTH_FAILED, f"{missing}: missing")
            key = (api_id, user)
            if key not in keys:
                return Denied(Err.AUTH_FAILED, f"api_id {api_id!r} has no user {user!r}")
            if self._passwords[key] != password:
                return Denied(Err.AUTH_FAILED, f"wrong password for user {user!r}")
            account = self._accounts[key]
        return account
