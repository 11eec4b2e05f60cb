"""The public strategies draw what they promise, judged by the fake's own validators.

These run on the core directly (no HTTP), so they afford many examples; the same strategies
drive the client against the fake in test_client_properties.py.
"""

from __future__ import annotations

import pytest
from hypothesis import find, given
from hypothesis import strategies as st

from fake_clickatell import strategies as cst
from fake_clickatell.client.params import SendOptions, sendmsg_params
from fake_clickatell.core.commands import (
    Params,
    normalize_msisdn,
    parse_sendmsg,
    split_recipients,
)
from fake_clickatell.core.commands import (
    SendPlan as ParsedOptions,
)
from fake_clickatell.core.encoding import GSM7_EXTENSION, is_gsm7
from fake_clickatell.core.grammar import (
    Accepted,
    ApiError,
    Balance,
    BareOk,
    Coverage,
    MessageCharge,
    MessageStatus,
    MultiRecipient,
    Ok,
    PlainError,
    RecipientAccepted,
    RecipientError,
    parse,
)
from fake_clickatell.core.scenario_model import RecipientLimits

from .client_support import examples
from .support import T0


def parsed(options: SendOptions, text: str = "hi") -> ParsedOptions | ApiError:
    """What the fake's parser makes of a send with ``options``, as the bytes arrive (UTF-8
    percent-decoded, then read as ISO-8859-1 like every parameter)."""
    wire = sendmsg_params(("27999000001",), text, options)
    params = Params((name, value.encode().decode("latin-1")) for name, value in wire)
    return parse_sendmsg(params, method="POST", now=T0, limits=RecipientLimits())


@given(cst.msisdns())
def test_msisdns_are_valid_to_the_fake(number: str):
    assert normalize_msisdn(number, None) == number


@given(cst.invalid_msisdns())
def test_invalid_msisdns_are_one_entry_the_fake_refuses(entry: str):
    (one,) = split_recipients(entry)
    assert normalize_msisdn(one, None) is None


def test_digits_of_other_scripts_are_not_a_valid_msisdn():
    assert normalize_msisdn("2\u0667\u0669\u0669\u0669\u0660\u0660\u0660", None) is None


@given(cst.gsm7_texts(min_size=0))
def test_gsm7_texts_are_gsm7(text: str):
    assert is_gsm7(text)


@given(cst.gsm7_texts(escapes=False))
def test_gsm7_texts_without_escapes(text: str):
    assert not set(text) & GSM7_EXTENSION


@given(cst.unicode_texts(min_size=3, max_size=5))
def test_unicode_texts_need_ucs2_and_can_be_sent(text: str):
    assert not is_gsm7(text)
    assert 3 <= len(text) <= 5
    assert text.encode("utf-16-be").decode("utf-16-be") == text


def test_unicode_texts_validate_sizes():
    with pytest.raises(ValueError, match="min_size"):
        cst.unicode_texts(min_size=0)


def test_texts_reach_the_escape_table_and_beyond_the_bmp():
    # find() raises NoSuchExample when the strategy never draws such a text.
    find(cst.gsm7_texts(), lambda text: bool(set(text) & GSM7_EXTENSION))
    find(cst.unicode_texts(), lambda text: any(ord(ch) > 0xFFFF for ch in text))
    find(cst.texts(), is_gsm7)
    find(cst.texts(), lambda text: not is_gsm7(text))


@given(cst.sendmsg_options(now=T0))
def test_sendmsg_options_are_accepted(options: SendOptions):
    assert not isinstance(parsed(options), ApiError)


@given(cst.sendmsg_options(deferred=False, max_credits=False))
def test_sendmsg_options_can_leave_out_deferral_and_caps(options: SendOptions):
    assert not {"deliv_time", "scheduled_time", "max_credits"} & set(options)
    assert not isinstance(parsed(options), ApiError)


@pytest.mark.parametrize("now", [None, T0])
@examples(0.5)  # drawing a whole option set is slow-ish; test_client_properties draws more
@given(data=st.data())
def test_invalid_sendmsg_options_get_their_code(now: float | None, data: st.DataObject):
    options, code = data.draw(cst.invalid_sendmsg_options(now=now))
    if now is None:
        assert "scheduled_time" not in options
    result = parsed(options)
    assert isinstance(result, ApiError)
    assert result.code == code


@given(cst.texts())
def test_texts_are_never_empty_and_always_encodable(text: str):
    assert text
    text.encode("utf-16-be")


@pytest.mark.parametrize(
    "kind",
    [
        Ok,
        BareOk,
        ApiError,
        PlainError,
        Accepted,
        MultiRecipient,
        MessageStatus,
        MessageCharge,
        Balance,
        Coverage,
    ],
)
def test_replies_draw_every_reply_type(kind: type):
    find(cst.replies(), lambda reply: isinstance(reply, kind))


@given(cst.reply_bodies())
def test_reply_bodies_are_inside_the_grammar(body: str):
    parse(body)


def test_multi_recipient_replies_mix_accepted_and_refused_lines():
    find(
        cst.replies(),
        lambda reply: (
            isinstance(reply, MultiRecipient)
            and {type(line) for line in reply.results} == {RecipientAccepted, RecipientError}
        ),
    )
