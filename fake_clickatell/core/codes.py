"""Clickatell's error and status codes, as data.

Error texts are Clickatell's documented ones (except 108, which uses the text the live server
answered). Statuses carry their description and class; which statuses a ``callback`` value
selects is a table too. Nothing here decides *when* a code applies: that lives in the command
parser and the gateway.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

#: Default text for every error code of the legacy HTTP API.
ERROR_TEXTS: Mapping[int, str] = MappingProxyType(
    {
        1: "Authentication failed",
        2: "Unknown username or password",
        3: "Session ID expired",
        4: "Account frozen",
        5: "Missing session ID",
        7: "IP Lockdown violation",
        101: "Invalid or missing parameters",
        102: "Invalid user data header",
        103: "Unknown API message ID",
        104: "Unknown client message ID",
        105: "Invalid destination address",
        106: "Invalid source address",
        107: "Empty message",
        108: "Invalid or missing api_id",
        109: "Missing message ID",
        110: "Error with email message",
        111: "Invalid protocol",
        112: "Invalid message type",
        113: "Maximum message parts exceeded",
        114: "Cannot route message",
        115: "Message expired",
        116: "Invalid Unicode data",
        120: "Invalid delivery time",
        121: "Destination mobile number blocked",
        122: "Destination mobile opted out",
        123: "Invalid Sender ID",
        128: "Number delisted",
        # The real text carries the unix time at which the limit lifts in place of {until}.
        130: "Maximum MT limit exceeded until {until}",
        201: "Invalid batch ID",
        202: "No batch template",
        301: "No credit left",
        302: "Max allowed credit",
        901: "Internal error",
    }
)


class Err(enum.IntEnum):
    """Names for the error codes the fake itself decides on."""

    AUTH_FAILED = 1
    UNKNOWN_USER_OR_PASSWORD = 2
    SESSION_EXPIRED = 3
    ACCOUNT_FROZEN = 4
    MISSING_SESSION = 5
    IP_LOCKDOWN = 7
    INVALID_PARAMETERS = 101
    INVALID_UDH = 102
    UNKNOWN_APIMSGID = 103
    UNKNOWN_CLIMSGID = 104
    INVALID_DESTINATION = 105
    INVALID_SOURCE = 106
    EMPTY_MESSAGE = 107
    INVALID_API_ID = 108
    MISSING_MESSAGE_ID = 109
    INVALID_MSG_TYPE = 112
    TOO_MANY_PARTS = 113
    CANNOT_ROUTE = 114
    INVALID_UNICODE = 116
    INVALID_DELIVERY_TIME = 120
    DESTINATION_BLOCKED = 121
    OPTED_OUT = 122
    INVALID_SENDER_ID = 123
    NUMBER_DELISTED = 128
    MT_LIMIT = 130
    INVALID_BATCH = 201
    NO_BATCH_TEMPLATE = 202
    NO_CREDIT = 301
    MAX_ALLOWED_CREDIT = 302
    INTERNAL = 901


#: Errors that depend on one recipient; in a multi-recipient sendmsg they are per-line.
RECIPIENT_ERRORS: frozenset[int] = frozenset({105, 114, 121, 122, 128, 301})


class StatusClass(enum.Enum):
    """Where a message status sits in its lifecycle."""

    QUERY_ONLY = "query-only"
    INTERMEDIATE = "intermediate"
    FINAL = "final"


#: Message status code -> (description, class). Always rendered as three digits.
STATUSES: Mapping[int, tuple[str, StatusClass]] = MappingProxyType(
    {
        1: ("Message unknown", StatusClass.QUERY_ONLY),
        2: ("Message queued", StatusClass.INTERMEDIATE),
        3: ("Delivered to gateway", StatusClass.INTERMEDIATE),
        4: ("Received by recipient", StatusClass.FINAL),
        5: ("Error with message", StatusClass.FINAL),
        6: ("User cancelled message delivery", StatusClass.FINAL),
        7: ("Error delivering message", StatusClass.FINAL),
        8: ("OK", StatusClass.INTERMEDIATE),
        9: ("Routing error", StatusClass.FINAL),
        10: ("Message expired", StatusClass.FINAL),
        11: ("Message queued for later delivery", StatusClass.INTERMEDIATE),
        12: ("Out of credit", StatusClass.FINAL),
        14: ("Maximum MT limit exceeded", StatusClass.FINAL),
    }
)

STATUS_UNKNOWN = 1
STATUS_QUEUED = 2
STATUS_DELIVERED_TO_GATEWAY = 3
STATUS_RECEIVED = 4
STATUS_CANCELLED = 6
STATUS_EXPIRED = 10
STATUS_ROUTING_ERROR = 9
STATUS_QUEUED_LATER = 11

#: Statuses of a message not yet handed on upstream: it expires (010) if it waits too long.
UNSENT_STATUSES: frozenset[int] = frozenset({2, 8})

#: Statuses a message can still be stopped in by ``delmsg`` (it has not left the router).
STOPPABLE_STATUSES: frozenset[int] = frozenset({STATUS_QUEUED, STATUS_QUEUED_LATER})

# The ``callback`` parameter is a bitmask over three status sets.
_CALLBACK_INTERMEDIATE = frozenset({3})
_CALLBACK_FINAL = frozenset({4, 5, 7, 9, 10, 12})
_CALLBACK_ERROR = frozenset({5, 7, 9, 10, 12})

#: ``callback`` value (0-7) -> the statuses whose arrival is pushed to the callback URL.
CALLBACK_STATUSES: Mapping[int, frozenset[int]] = MappingProxyType(
    {
        value: frozenset().union(
            *(
                group
                for bit, group in (
                    (1, _CALLBACK_INTERMEDIATE),
                    (2, _CALLBACK_FINAL),
                    (4, _CALLBACK_ERROR),
                )
                if value & bit
            )
        )
        for value in range(8)
    }
)


#: Statuses after which nothing follows.
FINAL_STATUSES: frozenset[int] = frozenset(
    code for code, (_, kind) in STATUSES.items() if kind is StatusClass.FINAL
)


def is_final(status: int) -> bool:
    """True when no further status follows ``status``."""
    return status in FINAL_STATUSES


def format_code(code: int) -> str:
    """Render an error or status code as Clickatell does: three digits, zero-padded."""
    return f"{code:03d}"


#: ``mms_class`` values of an MMS notification (``ind_push``) -> the class they name.
MMS_CLASSES: Mapping[str, str] = MappingProxyType(
    {"80": "personal", "81": "advertisement", "82": "informational", "83": "auto"}
)
#: ``si_action`` values of a WAP Service Indication (``si_push``).
SI_ACTIONS: frozenset[str] = frozenset(
    {"signal-none", "signal-low", "signal-medium", "signal-high", "delete"}
)
