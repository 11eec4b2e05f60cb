"""The reply grammar: exact renderings, and parse(render(x)) == x for every reply type."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given

from fake_clickatell.core.grammar import (
    COVERAGE_FAIL_SENTENCE,
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
    ],
)
def test_format_decimal_is_the_shortest_plain_form(value: str, text: str):
    assert format_decimal(Decimal(value)) == text


@given(replies())
def test_parse_render_round_trip(reply: Reply):
    assert parse(render(reply)) == reply
