"""What the reference client's commands return: frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..core.codes import STATUSES, is_final
from .errors import APIError, error_for


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

    def error(self) -> APIError:
        """The exception of this code's family, to raise where a rejection is fatal."""
        return error_for(self.code, self.description)


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
