"""The scenario model: frozen, validated values that configure a gateway.

``fake_clickatell.scenario`` builds these from YAML (checking every key); tests and the Python
API may build them directly. With no accounts listed, authentication is open: any api_id, user
and password are accepted, and each distinct api_id+user becomes its own account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

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


#: Default lifecycle (reference Part A §12, §15): 003 when accepted, 004 five seconds later.
DEFAULT_LIFECYCLE: tuple[StatusStep, ...] = (
    StatusStep(STATUS_DELIVERED_TO_GATEWAY, 0.0),
    StatusStep(STATUS_RECEIVED, 5.0),
)


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """An account a scenario declares; declaring any makes authentication strict."""

    api_id: str
    user: str
    password: str
    balance: Decimal = Decimal("100")
    frozen: bool = False
    session_ttl: float | None = None
    error_texts: Mapping[int, str] = field(default_factory=_no_texts)
    dial_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class RecipientLimits:
    """Most recipients one sendmsg may carry (reference Part A §8)."""

    get: int = 300
    post: int = 600


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
    clock: ClockSpec = field(default_factory=ClockSpec)

    @property
    def strict(self) -> bool:
        """True when only the declared accounts may authenticate."""
        return bool(self.accounts)


DEFAULT_SCENARIO = Scenario()
