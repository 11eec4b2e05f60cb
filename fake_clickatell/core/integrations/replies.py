"""Reply values the Platform and One API share, and the bits of JSON both write.

Both write compact JSON, keys in the documented order, UTF-8, no trailing newline; money is a
JSON number in its shortest form (``1267.92865``, ``100``), times are epoch milliseconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from ..grammar import ApiError, format_decimal

#: Made once: ``json.dumps`` with an option builds an encoder per call.
json_text = json.JSONEncoder(ensure_ascii=False).encode


@dataclass(frozen=True, slots=True)
class CurrencyBalance:
    """The account's balance in its currency (``GET /public-client/balance``,
    ``GET /v1/balance``)."""

    amount: Decimal
    currency: str

    def body(self) -> str:
        """``{"balance":1267.92865,"currency":"ZAR"}``."""
        return f'{{"balance":{format_decimal(self.amount)},"currency":{json_text(self.currency)}}}'


@dataclass(frozen=True, slots=True)
class MessageState:
    """A message's (legacy) status and when it was reached (a status query's answer)."""

    apimsgid: str
    status: int
    time: float


@dataclass(frozen=True, slots=True)
class Unrouted:
    """A path of the API that is no resource, or a method the resource does not take: the
    HTTP ``status`` and the error answered."""

    status: int
    error: ApiError
