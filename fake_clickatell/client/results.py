"""What the reference client's commands return: frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..core.codes import STATUSES, is_final
from ..core.integrations.statuses import ONE_API_FINAL
from .errors import FAMILIES_BY_API, APIError, error_for


@dataclass(frozen=True, slots=True)
class Sent:
    """One recipient's message was accepted as ``apimsgid``; ``to`` is the recipient as given."""

    apimsgid: str
    to: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """One recipient was refused with ``ERR: <code>, <description>``; nothing was charged."""

    code: int
    description: str
    to: str
    #: The API that refused it (its codes are that API's: the Platform's 158, ...).
    api: str = field(default="http", repr=False)

    def error(self) -> APIError:
        """The exception of this code's family, to raise where a rejection is fatal."""
        return error_for(self.code, self.description, FAMILIES_BY_API[self.api])


SendResult = Sent | Rejected


@dataclass(frozen=True, slots=True)
class Status:
    """``querymsg``/``delmsg``: a message and its status code (``6``: cancelled by delmsg)."""

    apimsgid: str
    status: int

    @property
    def description(self) -> str:
        """Clickatell's description of the status (``"Received by recipient"`` for 4)."""
        entry = STATUSES.get(self.status)
        return entry[0] if entry else "Unknown status"

    @property
    def final(self) -> bool:
        """True when no further status will follow."""
        return is_final(self.status)


@dataclass(frozen=True, slots=True)
class OneApiStatus:
    """A One API status query: the message's status by the One API's name (``DEVICE_ACK``,
    ``UNKNOWN`` for a message the account does not have) and when it was reached (epoch
    milliseconds; for an unknown message, the time of the query)."""

    apimsgid: str
    status: str
    timestamp: int

    @property
    def final(self) -> bool:
        """True when no further status will follow."""
        return self.status in ONE_API_FINAL


@dataclass(frozen=True, slots=True)
class Charge:
    """``getmsgcharge``: what a message cost (``0`` once refunded) and its status code."""

    apimsgid: str
    charge: Decimal
    status: int


@dataclass(frozen=True, slots=True)
class RouteCoverage:
    """``routeCoverage``: whether messages to ``msisdn`` (as given) would be routed.

    ``charge`` is what one plain-text message part to it costs, or ``None`` when no route
    covers it (the API's ``ERR: This prefix is not currently supported. ...``, which is an
    answer here, not an error).
    """

    msisdn: str
    charge: Decimal | None

    @property
    def supported(self) -> bool:
        """True when messages to the number would be routed."""
        return self.charge is not None


@dataclass(frozen=True, slots=True)
class Batch:
    """A started batch: ``batch_id`` names it for 24 hours (or until ended).

    A ``unicode`` batch went out as UCS-2 hex, and the API fills in no ``#fields#`` in it: the
    client refuses fields for it (it can tell only when given this value, not a bare id).
    """

    batch_id: str
    unicode: bool
