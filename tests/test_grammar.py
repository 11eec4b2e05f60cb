"""The reply grammar: exact renderings, and parse(render(x)) == x for every reply type."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given

from fake_clickatell.core.grammar import (
    COVERAGE_FAIL_SENTENCE,
    COVERAGE_OK_SENTENCE,
    Accepted,
    ApiError,
    Balance,
    BareOk,
    Coverage,
    GrammarError,
    MessageCharge,
    MessageStatus,
    MultiRecipient,
    Ok,
    PlainError,
    RecipientAccepted,
    RecipientError,
    Reply,
    format_decimal,
    parse,
    reason_of,
    render,
)
from fake_clickatell.strategies import replies

ID = "e74dee1bbed22ee3a39f9aeab606ccf9"

EXAMPLES: list[tuple[Reply, str]] = [
    (Ok(ID), f"OK: {ID}"),
    (Ok(""), "OK: "),
    (Ok("605"), "OK: 605"),
    (BareOk(), "OK"),
    (ApiError(1, "Authentication failed"), "ERR: 001, Authentication failed"),
    (
        ApiError(130, "Maximum MT limit exceeded until 1700000000"),
        "ERR: 130, Maximum MT limit exceeded until 1700000000",
    ),
    (PlainError(COVERAGE_FAIL_SENTENCE), f"ERR: {COVERAGE_FAIL_SENTENCE}"),
    (Accepted(ID), f"ID: {ID}"),
    (
        MultiRecipient(
            (
                RecipientAccepted(ID, "27999000001"),
                RecipientError(105, "Invalid destination address", "123"),
            )
        ),
        f"ID: {ID} To: 27999000001\nERR: 105, Invalid destination address To: 123",
    ),
    (MultiRecipient((RecipientAccepted(ID, "27999000001"),)), f"ID: {ID} To: 27999000001"),
    (MessageStatus(ID, 4), f"ID: {ID} Status: 004"),
    (MessageCharge(ID, Decimal("1"), 2), f"apiMsgId: {ID} charge: 1 status: 002"),
    (MessageCharge(ID, Decimal("0.80"), 4), f"apiMsgId: {ID} charge: 0.8 status: 004"),
    (Balance(Decimal("12.5")), "Credit: 12.50"),
    (Balance(Decimal("2192.4")), "Credit: 2192.40"),
    (
        Coverage(Decimal("0.33")),
        "OK: This prefix is currently supported. Messages sent to this prefix will be routed. Charge: 0.33",
    ),
]


def test_ok_is_empty_by_default_as_for_ping():
    assert Ok() == Ok("")
    assert render(Ok()) == "OK: "


@pytest.mark.parametrize(("reply", "body"), EXAMPLES)
def test_render_is_exact_and_parse_inverts_it(reply: Reply, body: str):
    assert render(reply) == body
    assert parse(body) == reply


@pytest.mark.parametrize(
    "body",
    [
        "",
        "OK:",
        "ok: x",
        "ERR 001, x",
        "ID:",
        "ID: a\nnonsense",
        # Several lines are a multi-recipient reply only when every line is a recipient line.
        "OK: x\ny",
        "OK\nOK",
        f"ID: {ID} To: 1\nnonsense",
        f"nonsense\nID: {ID} To: 1",
        f"ID: {ID} To: 1\n",
        f"ID: {ID} To: 1\n\nID: {ID} To: 2",
        "ERR: 105, Invalid destination address To: 1\nERR: 105, x",
        f"ID: {ID} Status: 004\nID: {ID} To: 1",
        "Credit: 1.00\nCredit: 2.00",
        # One line with " To: " that is no recipient line is no reply at all.
        "ID: a b To: 1",
        "Credit: lots",
        "Status: 004",
        "\n",
        "<html>",
    ],
)
def test_parse_rejects_bodies_outside_the_grammar(body: str):
    with pytest.raises(GrammarError) as info:
        parse(body)
    assert info.value.body == body
    reason = (
        "a multi-line reply whose lines are not all recipient lines"
        if "\n" in body
        else "not a Clickatell reply"
    )
    assert info.value.reason == reason
    assert str(info.value) == f"{reason}: {body!r}"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1", "1"),
        ("1.0", "1"),
        ("0.80", "0.8"),
        ("100", "100"),
        ("1E+2", "100"),
        ("2.50", "2.5"),
        ("0", "0"),
        ("0.000", "0"),
        ("-0", "0"),
        ("-0.00", "0"),
        ("-1.50", "-1.5"),
        ("10.10", "10.1"),
        ("1E+3", "1000"),
    ],
)
def test_format_decimal_is_the_shortest_plain_form(value: str, text: str):
    assert format_decimal(Decimal(value)) == text


@pytest.mark.parametrize(
    ("given", "kept", "body"),
    [
        ("12.5", "12.50", "Credit: 12.50"),
        ("7", "7.00", "Credit: 7.00"),
        ("1E+2", "100.00", "Credit: 100.00"),
        ("0.004", "0.00", "Credit: 0.00"),
        # Two decimals by Decimal's default context: half to even.
        ("12.345", "12.34", "Credit: 12.34"),
        ("12.355", "12.36", "Credit: 12.36"),
        ("0.125", "0.12", "Credit: 0.12"),
        ("12.3449", "12.34", "Credit: 12.34"),
    ],
)
def test_balance_keeps_two_decimals(given: str, kept: str, body: str):
    balance = Balance(Decimal(given))
    assert balance.credit == Decimal(kept)
    assert balance.credit.as_tuple().exponent == -2  # 12.50, not 12.5: the value as rendered
    assert balance == Balance(Decimal(kept))
    assert render(balance) == body
    assert parse(body) == balance


@pytest.mark.parametrize(
    ("body", "reply"),
    [
        # A single recipient line is a MultiRecipient, not an Accepted or an ApiError.
        (f"ID: {ID} To: 27999000001", MultiRecipient((RecipientAccepted(ID, "27999000001"),))),
        (
            "ERR: 114, Cannot route message To: 27999000001",
            MultiRecipient((RecipientError(114, "Cannot route message", "27999000001"),)),
        ),
        # The error text is everything up to the first " To: ".
        (
            "ERR: 105, x To: y To: z",
            MultiRecipient((RecipientError(105, "x", "y To: z"),)),
        ),
        ("OK: To", Ok("To")),
        ("ERR: 999, what", ApiError(999, "what")),
        ("ERR: 001, ", ApiError(1, "")),
        ("ERR: 12, x", PlainError("12, x")),
        ("ERR: 1, x To: 2", PlainError("1, x To: 2")),  # no recipient line: a plain error
        ("OK: OK", Ok("OK")),
        (f"ID: {ID} Status: 000", MessageStatus(ID, 0)),
        (f"apiMsgId: {ID} charge: -1.5 status: 010", MessageCharge(ID, Decimal("-1.5"), 10)),
        ("Credit: -3", Balance(Decimal("-3.00"))),
        (f"OK: {COVERAGE_OK_SENTENCE} Charge: 2", Coverage(Decimal("2"))),
    ],
)
def test_parse_reads_edge_bodies(body: str, reply: Reply):
    assert parse(body) == reply


@given(replies())
def test_parse_render_round_trip(reply: Reply):
    assert parse(render(reply)) == reply


def test_a_reason_is_for_the_user_alone_never_the_wire_nor_equality():
    error = ApiError(101, "Invalid or missing parameters", reason="to: missing")
    line = RecipientError(114, "Cannot route message", "27999000001", reason="no route")
    assert error == ApiError(101, "Invalid or missing parameters", reason="other")
    assert line == RecipientError(114, "Cannot route message", "27999000001")
    assert "to: missing" not in repr(error)  # a test's failure shows the reply as rendered
    assert "no route" not in repr(line)
    assert render(error) == "ERR: 101, Invalid or missing parameters"
    assert reason_of(error) == "to: missing"


def test_a_multi_recipient_reason_names_each_refused_recipient_in_order():
    reply = MultiRecipient(
        (
            RecipientError(114, "Cannot route message", "44999000001", reason="no route"),
            RecipientAccepted("ab12", "27999000001"),
            RecipientError(122, "Destination mobile opted out", "27999000002", reason="STOP"),
        )
    )
    assert reason_of(reply) == "44999000001: no route; 27999000002: STOP"
    assert reason_of(MultiRecipient((RecipientAccepted("ab12", "27999000001"),))) is None
