"""The public strategies draw what they promise, judged by the fake's own validators.

These run on the core directly (no HTTP), so they afford many examples; the same strategies
drive the client against the fake in test_client_properties.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import Phase, event, find, given, settings
from hypothesis import strategies as st

from fake_clickatell import strategies as cst
from fake_clickatell.client.params import SendOptions, sendmsg_params
from fake_clickatell.core.commands import (
    MessageBody,
    Params,
    normalize_msisdn,
    parse_sendmsg,
    split_recipients,
)
from fake_clickatell.core.commands import (
    SendPlan as ParsedOptions,
)
from fake_clickatell.core.encoding import GSM7_EXTENSION, Coding, is_gsm7
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
    Reply,
    parse,
    render,
)
from fake_clickatell.core.scenario_model import RecipientLimits

from .client_support import examples, expected_parts, septets, ucs2_units
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


def sent_body(text: str) -> MessageBody:
    """What the fake makes of ``text`` sent as the reference client sends it (UCS-2 hex when
    it is not GSM-7, else UTF-8 with charset=UTF-8); the send must be accepted."""
    result = parsed({}, text)
    assert not isinstance(result, ApiError), result
    assert result.body.text == text
    return result.body


def parts_event(text: str, unicode: bool) -> int:
    """The parts ``text`` needs (the independent arithmetic), recorded for Hypothesis's
    statistics (``pytest --hypothesis-show-statistics`` shows the share of long texts)."""
    parts = expected_parts(text, unicode)
    event(f"{'ucs2' if unicode else 'gsm7'}: {'one part' if parts == 1 else 'multi-part'}")
    return parts


@given(cst.gsm7_texts(min_size=0))
def test_gsm7_texts_are_gsm7(text: str):
    assert is_gsm7(text)
    assert len(text) <= 400


@given(cst.gsm7_texts())
def test_gsm7_texts_are_sent_as_gsm7_in_the_parts_they_need(text: str):
    body = sent_body(text)
    assert body.coding is Coding.GSM7
    assert body.units == septets(text)
    assert body.parts == parts_event(text, unicode=False)


@given(cst.gsm7_texts(escapes=False))
def test_gsm7_texts_without_escapes(text: str):
    assert is_gsm7(text)
    assert not set(text) & GSM7_EXTENSION


@given(cst.unicode_texts(min_size=3, max_size=5))
def test_unicode_texts_keep_to_their_sizes(text: str):
    assert not is_gsm7(text)
    assert 3 <= len(text) <= 5


@given(cst.unicode_texts())
def test_unicode_texts_are_sent_as_ucs2_in_the_parts_they_need(text: str):
    assert not is_gsm7(text)
    assert 1 <= len(text) <= 200
    body = sent_body(text)
    assert body.coding is Coding.UCS2
    assert body.units == ucs2_units(text)
    assert body.parts == parts_event(text, unicode=True)


@given(cst.gsm7_texts(min_size=161, max_size=800))
def test_long_gsm7_texts_keep_to_their_sizes(text: str):
    assert 161 <= len(text) <= 800
    assert is_gsm7(text)


@given(cst.unicode_texts(min_size=71, max_size=400))
def test_long_unicode_texts_keep_to_their_sizes(text: str):
    assert 71 <= len(text) <= 400
    assert not is_gsm7(text)


def reaches(strategy: st.SearchStrategy[str], condition: Callable[[str], bool]) -> None:
    """Fails unless ``strategy`` draws a value meeting ``condition`` within 2000 examples
    (derandomized: the same draws every run); no shrinking, which long texts make slow and
    which tells nothing here."""
    budget = settings(phases=[Phase.generate], database=None, derandomize=True, max_examples=2000)
    find(strategy, condition, settings=budget)


def _straddles(text: str, unicode: bool) -> bool:
    """True when packing whole characters takes more parts than the units alone would."""
    units = ucs2_units(text) if unicode else septets(text)
    single, per_part = (70, 67) if unicode else (160, 153)
    by_units = 1 if units <= single else -(-units // per_part)
    return expected_parts(text, unicode) > by_units


@pytest.mark.parametrize(
    ("strategy", "unicode"),
    [(cst.gsm7_texts(), False), (cst.unicode_texts(), True), (cst.texts(), None)],
    ids=["gsm7_texts", "unicode_texts", "texts"],
)
def test_text_strategies_reach_multi_part_texts_and_straddled_boundaries(
    strategy: st.SearchStrategy[str], unicode: bool | None
):
    for ucs2 in [False, True] if unicode is None else [unicode]:

        def coded(text: str, ucs2: bool = ucs2) -> bool:
            # texts() draws both: a UCS-2 text is one that is not GSM-7.
            return unicode is not None or is_gsm7(text) != ucs2

        def multi_part(text: str, ucs2: bool = ucs2, coded: Callable[[str], bool] = coded) -> bool:
            return coded(text) and expected_parts(text, ucs2) >= 2

        def straddled(text: str, ucs2: bool = ucs2, coded: Callable[[str], bool] = coded) -> bool:
            return coded(text) and _straddles(text, ucs2)

        reaches(strategy, multi_part)
        reaches(strategy, straddled)


@pytest.mark.parametrize(
    ("strategy", "unicode"),
    [
        (cst.gsm7_texts(max_size=35 * 153 + 2), False),
        (cst.unicode_texts(max_size=35 * 67 + 2), True),
    ],
    ids=["gsm7", "ucs2"],
)
def test_text_strategies_reach_the_35th_part_when_max_size_allows(
    strategy: st.SearchStrategy[str], unicode: bool
):
    reaches(strategy, lambda t: expected_parts(t, unicode) == 35)
    reaches(strategy, lambda t: expected_parts(t, unicode) == 36)


@given(cst.gsm7_texts(max_size=400, boundaries=False))
def test_gsm7_texts_without_boundaries_are_plain_texts(text: str):
    assert 1 <= len(text) <= 400
    assert is_gsm7(text)


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
def test_texts_are_never_empty_and_the_fake_accepts_them(text: str):
    assert 1 <= len(text) <= 400
    unicode = not is_gsm7(text)
    body = sent_body(text)
    assert body.coding is (Coding.UCS2 if unicode else Coding.GSM7)
    assert body.parts == parts_event(text, unicode)


REPLY_TYPES = (
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
)


@pytest.mark.parametrize("kind", REPLY_TYPES)
def test_replies_draw_every_reply_type(kind: type):
    find(cst.replies(), lambda reply: isinstance(reply, kind))


@given(cst.reply_bodies())
def test_reply_bodies_parse_into_the_reply_they_render_from(body: str):
    reply = parse(body)
    assert render(reply) == body  # the body is the canonical rendering of what parse read
    assert type(reply) in REPLY_TYPES


@given(cst.replies())
def test_reply_bodies_are_the_rendered_replies(reply: Reply):
    body = render(reply)
    assert parse(body) == reply


def test_multi_recipient_replies_mix_accepted_and_refused_lines():
    find(
        cst.replies(),
        lambda reply: (
            isinstance(reply, MultiRecipient)
            and {type(line) for line in reply.results} == {RecipientAccepted, RecipientError}
        ),
    )
