"""The code tables against the reference, written out here (reference Part A §6.1, §7).

Each table is spelled out in this file rather than read from core.codes: an oracle built from
the module would agree with any slip in it.
"""

from __future__ import annotations

import pytest

from fake_clickatell.core.codes import (
    CALLBACK_STATUSES,
    ERROR_TEXTS,
    FINAL_STATUSES,
    MMS_CLASSES,
    RECIPIENT_ERRORS,
    SI_ACTIONS,
    STATUSES,
    STOPPABLE_STATUSES,
    UNSENT_STATUSES,
    Err,
    StatusClass,
    format_code,
    is_final,
)

#: §6.1: SPEC's descriptions, but 108's live text.
REFERENCE_ERRORS = {
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
    130: "Maximum MT limit exceeded until {until}",
    201: "Invalid batch ID",
    202: "No batch template",
    301: "No credit left",
    302: "Max allowed credit",
    901: "Internal error",
}

#: §7.1 descriptions; §7.2's mock suggestion for the classes.
REFERENCE_STATUSES = {
    1: ("Message unknown", "query-only"),
    2: ("Message queued", "intermediate"),
    3: ("Delivered to gateway", "intermediate"),
    4: ("Received by recipient", "final"),
    5: ("Error with message", "final"),
    6: ("User cancelled message delivery", "final"),
    7: ("Error delivering message", "final"),
    8: ("OK", "intermediate"),
    9: ("Routing error", "final"),
    10: ("Message expired", "final"),
    11: ("Message queued for later delivery", "intermediate"),
    12: ("Out of credit", "final"),
    14: ("Maximum MT limit exceeded", "final"),
}

#: §7.3, the newer table: intermediate (1), final (2), error (4), and their sums.
INTERMEDIATE = {3}
FINAL = {4, 5, 7, 9, 10, 12}
ERROR = {5, 7, 9, 10, 12}
REFERENCE_CALLBACKS = {
    0: set(),
    1: INTERMEDIATE,
    2: FINAL,
    3: {3, 4, 5, 7, 9, 10, 12},
    4: ERROR,
    5: INTERMEDIATE | ERROR,
    6: FINAL | ERROR,
    7: {3, 4, 5, 7, 9, 10, 12},
}


def test_error_texts_are_the_reference_texts():
    assert dict(ERROR_TEXTS) == REFERENCE_ERRORS


def test_each_named_error_has_its_code_and_a_text():
    assert {err.name: int(err) for err in Err} == {
        "AUTH_FAILED": 1,
        "UNKNOWN_USER_OR_PASSWORD": 2,
        "SESSION_EXPIRED": 3,
        "ACCOUNT_FROZEN": 4,
        "MISSING_SESSION": 5,
        "IP_LOCKDOWN": 7,
        "INVALID_PARAMETERS": 101,
        "INVALID_UDH": 102,
        "UNKNOWN_APIMSGID": 103,
        "UNKNOWN_CLIMSGID": 104,
        "INVALID_DESTINATION": 105,
        "INVALID_SOURCE": 106,
        "EMPTY_MESSAGE": 107,
        "INVALID_API_ID": 108,
        "MISSING_MESSAGE_ID": 109,
        "INVALID_MSG_TYPE": 112,
        "TOO_MANY_PARTS": 113,
        "CANNOT_ROUTE": 114,
        "INVALID_UNICODE": 116,
        "INVALID_DELIVERY_TIME": 120,
        "DESTINATION_BLOCKED": 121,
        "OPTED_OUT": 122,
        "INVALID_SENDER_ID": 123,
        "NUMBER_DELISTED": 128,
        "MT_LIMIT": 130,
        "INVALID_BATCH": 201,
        "NO_BATCH_TEMPLATE": 202,
        "NO_CREDIT": 301,
        "MAX_ALLOWED_CREDIT": 302,
        "INTERNAL": 901,
    }
    assert all(int(err) in REFERENCE_ERRORS for err in Err)


def test_recipient_errors_are_the_per_number_ones():
    # Invalid number, no route, blocked, opted out, delisted, no credit: one recipient's lot.
    assert {105, 114, 121, 122, 128, 301} == RECIPIENT_ERRORS


def test_statuses_are_the_reference_statuses():
    assert {code: (text, kind.value) for code, (text, kind) in STATUSES.items()} == (
        REFERENCE_STATUSES
    )
    assert {kind.value for kind in StatusClass} == {"query-only", "intermediate", "final"}


@pytest.mark.parametrize("code", [*range(16), 99])
def test_final_statuses(code: int):
    final = {c for c, (_, kind) in REFERENCE_STATUSES.items() if kind == "final"}
    assert is_final(code) == (code in final)
    assert (code in FINAL_STATUSES) == (code in final)


def test_unsent_and_stoppable_statuses():
    assert {2, 8} == UNSENT_STATUSES  # waiting inside the router: validity runs
    assert {2, 11} == STOPPABLE_STATUSES  # delmsg still stops them


def test_callback_values_select_the_reference_statuses():
    assert {value: set(statuses) for value, statuses in CALLBACK_STATUSES.items()} == (
        REFERENCE_CALLBACKS
    )


@pytest.mark.parametrize(
    ("code", "text"), [(0, "000"), (3, "003"), (14, "014"), (105, "105"), (901, "901")]
)
def test_codes_are_three_digits(code: int, text: str):
    assert format_code(code) == text


def test_push_tables():
    assert dict(MMS_CLASSES) == {
        "80": "personal",
        "81": "advertisement",
        "82": "informational",
        "83": "auto",
    }
    assert {"signal-none", "signal-low", "signal-medium", "signal-high", "delete"} == SI_ACTIONS
