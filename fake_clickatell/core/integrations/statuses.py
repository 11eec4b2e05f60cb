"""The one message lifecycle as each newer API renders it, as data.

Messages keep the legacy three-digit status (HTTP-A 12); the Platform reports the same number
(``statusCode``, not zero-padded) with the legacy description in UPPER_SNAKE as its name
(``DELIVERED_TO_GATEWAY`` and ``RECEIVED_BY_RECIPIENT`` are attested, the rest follow the
rule); the One API has numbers and names of its own, read from the descriptions. Nothing here
decides when a status is reached: that lives in :mod:`..lifecycle`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..codes import is_final

#: Legacy status -> the Platform's (statusCode, status).
PLATFORM_STATUSES: Mapping[int, tuple[int, str]] = MappingProxyType(
    {
        1: (1, "MESSAGE_UNKNOWN"),
        2: (2, "MESSAGE_QUEUED"),
        3: (3, "DELIVERED_TO_GATEWAY"),
        4: (4, "RECEIVED_BY_RECIPIENT"),
        5: (5, "ERROR_WITH_MESSAGE"),
        6: (6, "USER_CANCELLED_MESSAGE_DELIVERY"),
        7: (7, "ERROR_DELIVERING_MESSAGE"),
        8: (8, "OK"),
        9: (9, "ROUTING_ERROR"),
        10: (10, "MESSAGE_EXPIRED"),
        11: (11, "MESSAGE_QUEUED_FOR_LATER_DELIVERY"),
        12: (12, "OUT_OF_CREDIT"),
        14: (14, "MAXIMUM_MT_LIMIT_EXCEEDED"),
    }
)

#: Legacy status -> the One API's (statusCode, status).
ONE_API_STATUSES: Mapping[int, tuple[int, str]] = MappingProxyType(
    {
        1: (1, "UNKNOWN"),
        2: (2, "QUEUED"),
        3: (4, "SENT_TO_SUPPLIER"),
        4: (5, "DEVICE_ACK"),
        5: (23, "DELIVERY_FAILURE"),
        6: (21, "STOPPED_BY_USER"),
        7: (23, "DELIVERY_FAILURE"),
        8: (2, "QUEUED"),
        9: (100, "ROUTING_ERROR"),
        10: (20, "EXPIRED"),
        11: (3, "SCHEDULED"),
        12: (25, "INSUFFICIENT_ACCOUNT_BALANCE"),
        14: (26, "VOLUME_LIMIT"),
    }
)

#: One API status names after which nothing follows (those of the final legacy statuses).
ONE_API_FINAL: frozenset[str] = frozenset(
    name for status, (_, name) in ONE_API_STATUSES.items() if is_final(status)
)

#: The One API's answer for a message it does not know.
ONE_API_UNKNOWN = ONE_API_STATUSES[1][1]


def epoch_ms(unix_time: float) -> int:
    """A virtual time as the newer APIs write it: epoch milliseconds."""
    return round(unix_time * 1000)
