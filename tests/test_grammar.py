"""The reply grammar: exact renderings, and parse(render(x)) == x for every reply type."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


_printable = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
_tokens = st.text(_printable, min_size=1, max_size=40)
_one_line = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=60)
# Error texts never contain " To: " (the grammar reads it as a recipient suffix).
_texts = _one_line.filter(lambda t: " To: " not in t)
_plain_texts = _texts.filter(lambda t: not (t[:3].isdigit() and t[3:5] == ", "))
_ok_values = _one_line.filter(lambda v: not v.startswith("This prefix is currently supported."))
_codes = st.integers(min_value=0, max_value=999)
_money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)

replies = st.one_of(
    st.builds(Ok, _ok_values),
    st.just(BareOk()),
    st.builds(ApiError, _codes, _texts),
    st.builds(PlainError, _plain_texts),
    st.builds(Accepted, _tokens),
    st.builds(MessageStatus, _tokens, _codes),
    st.builds(MessageCharge, _tokens, _money, _codes),
    st.builds(Balance, _money),
    st.builds(Coverage, _money),
    st.builds(
        MultiRecipient,
        st.lists(
            st.one_of(
                st.builds(RecipientAccepted, _tokens, _tokens),
                st.builds(RecipientError, _codes, _texts, _tokens),
            ),
            min_size=1,
            max_size=5,
        ).map(tuple),
    ),
)


@given(replies)
def test_parse_render_round_trip(reply: Reply):
    assert parse(render(reply)) == reply
