"""sendmsg: every parameter of Part B §4, byte-exact replies, multi-recipient lines, credit."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from fake_clickatell.core.scenario_model import AccountSpec, Scenario

from .support import T0, Harness, frozen

OK = "ID"  # marker in the tables: the reply is ``ID: <the new message's id>``


def send(fake: Harness, method: str = "GET", **params: Any) -> str:
    session = fake.auth()
    return fake.call("sendmsg", method, session_id=session, **params)


def last_message(fake: Harness) -> dict[str, Any]:
    return fake.messages()[-1]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # recipients
        ({"text": "hi"}, "ERR: 101, Invalid or missing parameters"),
        ({"to": "", "text": "hi"}, "ERR: 101, Invalid or missing parameters"),
        ({"to": " , ,", "text": "hi"}, "ERR: 101, Invalid or missing parameters"),
        ({"to": "123", "text": "hi"}, "ERR: 105, Invalid destination address"),
        ({"to": "+27999000001", "text": "hi"}, "ERR: 105, Invalid destination address"),
        ({"to": "0027999000001", "text": "hi"}, "ERR: 105, Invalid destination address"),
        ({"to": "0821234567", "text": "hi"}, "ERR: 105, Invalid destination address"),
        ({"to": "27999abc01", "text": "hi"}, "ERR: 105, Invalid destination address"),
        ({"to": "1234567890123456", "text": "hi"}, "ERR: 105, Invalid destination address"),
        # text
        ({"to": "27999000001"}, "ERR: 101, Invalid or missing parameters"),
        ({"to": "27999000001", "text": ""}, "ERR: 107, Empty message"),
        ({"to": "27999000001", "text": "", "unicode": "1"}, "ERR: 107, Empty message"),
        ({"to": "27999000001", "text": "03A9X", "unicode": "1"}, "ERR: 116, Invalid Unicode data"),
        ({"to": "27999000001", "text": "03A", "unicode": "1"}, "ERR: 116, Invalid Unicode data"),
        ({"to": "27999000001", "text": "hello", "unicode": "1"}, "ERR: 116, Invalid Unicode data"),
        ({"to": "27999000001", "text": "D800", "unicode": "1"}, "ERR: 116, Invalid Unicode data"),
        (
            {"to": "27999000001", "text": "x" * 161, "concat": "1"},
            "ERR: 113, Maximum message parts exceeded",
        ),
        ({"to": "27999000001", "text": "x" * 460}, "ERR: 113, Maximum message parts exceeded"),
        (
            {"to": "27999000001", "text": "{" * 81, "concat": "1"},
            "ERR: 113, Maximum message parts exceeded",
        ),
        (
            {"to": "27999000001", "text": "03A9" * 71, "unicode": "1", "concat": "1"},
            "ERR: 113, Maximum message parts exceeded",
        ),
        # options with a fixed range
        (
            {"to": "27999000001", "text": "hi", "concat": "0"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "concat": "36"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "concat": "two"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "callback": "8"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "callback": "-1"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "msg_callback": "9"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "deliv_ack": "2"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "queue": "0"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "queue": "4"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "escalate": "2"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "mo": "yes"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "binary": "3"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "unicode": "2"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "validity": "0"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "validity": "1441"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "req_feat": "64"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "req_feat": "x"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "max_credits": "0"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "max_credits": "-1"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "max_credits": "lots"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "max_credits": "NaN"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "charset": "EBCDIC"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "climsgid": "x" * 33},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "climsgid": "a b"},
            "ERR: 101, Invalid or missing parameters",
        ),
        (
            {"to": "27999000001", "text": "hi", "msg_type": "SMS_BOGUS"},
            "ERR: 112, Invalid message type",
        ),
        (
            {"to": "27999000001", "text": "hi", "msg_type": "sms_text"},
            "ERR: 112, Invalid message type",
        ),
        # binary
        ({"to": "27999000001", "udh": "0504", "data": "00"}, "ERR: 102, Invalid user data header"),
        ({"to": "27999000001", "udh": "zz", "data": "00"}, "ERR: 102, Invalid user data header"),
        ({"to": "27999000001", "udh": "050", "data": "00"}, "ERR: 102, Invalid user data header"),
        ({"to": "27999000001", "data": "xyz0"}, "ERR: 101, Invalid or missing parameters"),
        ({"to": "27999000001", "data": "abc"}, "ERR: 101, Invalid or missing parameters"),
        # sender
        (
            {"to": "27999000001", "text": "hi", "from": "ABCDEFGHIJKL"},
            "ERR: 106, Invalid source address",
        ),
        (
            {"to": "27999000001", "text": "hi", "from": "12345678901234567"},
            "ERR: 106, Invalid source address",
        ),
        ({"to": "27999000001", "text": "hi", "from": "AC!ME"}, "ERR: 106, Invalid source address"),
        # delivery time
        (
            {"to": "27999000001", "text": "hi", "deliv_time": "10081"},
            "ERR: 120, Invalid delivery time",
        ),
        (
            {"to": "27999000001", "text": "hi", "deliv_time": "-5"},
            "ERR: 120, Invalid delivery time",
        ),
        (
            {"to": "27999000001", "text": "hi", "deliv_time": "soon"},
            "ERR: 120, Invalid delivery time",
        ),
        (
            {"to": "27999000001", "text": "hi", "scheduled_time": str(int(T0) + 7 * 86400 + 1)},
            "ERR: 120, Invalid delivery time",
        ),
        (
            {"to": "27999000001", "text": "hi", "scheduled_time": "2027-13-01T00:00:00Z"},
            "ERR: 120, Invalid delivery time",
        ),
        (
            {"to": "27999000001", "text": "hi", "scheduled_time": "2027-01-15 10:00:00"},
            "ERR: 120, Invalid delivery time",
        ),
        (
            {"to": "27999000001", "text": "hi", "scheduled_time": "tomorrow"},
            "ERR: 120, Invalid delivery time",
        ),
        # a request-level error comes before any recipient's own error
        ({"to": "123", "text": ""}, "ERR: 107, Empty message"),
        # options are checked in a fixed order: msg_type before from
        (
            {"to": "27999000001", "text": "hi", "msg_type": "X", "from": "!"},
            "ERR: 112, Invalid message type",
        ),
        # and the option checks come before the text
        ({"to": "27999000001", "text": "", "from": "!"}, "ERR: 106, Invalid source address"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sendmsg_rejections(fake: Harness, params: dict[str, str], expected: str, method: str):
    assert send(fake, method, **params) == expected
    if not expected.startswith(("ERR: 105", "ERR: 301")):
        assert fake.messages() == []  # nothing accepted, nothing charged
    assert fake.call("getbalance", api_id="1", user="u", password="p") == "Credit: 100.00"


@pytest.mark.parametrize(
    ("params", "checks"),
    [
        ({"text": "hello"}, {"text": "hello", "parts": 1, "charge": "1", "unicode": False}),
        ({"text": "x" * 160}, {"parts": 1, "charge": "1"}),
        ({"text": "x" * 161}, {"parts": 2, "charge": "2"}),
        ({"text": "x" * 306}, {"parts": 2}),
        ({"text": "x" * 307}, {"parts": 3, "charge": "3"}),
        ({"text": "x" * 459}, {"parts": 3}),
        ({"text": "{" * 80}, {"parts": 1}),  # escape-table characters count twice
        ({"text": "{" * 81}, {"parts": 2}),
        ({"text": "a" * 152 + "{" + "a" * 152}, {"parts": 3, "charge": "3"}),  # no straddling
        ({"text": "x" * 161, "concat": "2"}, {"parts": 2}),
        ({"text": "x" * 5355, "concat": "35"}, {"parts": 35, "charge": "35"}),
        ({"text": "03A903A80398", "unicode": "1"}, {"text": "ΩΨΘ", "unicode": True, "parts": 1}),
        ({"text": "03a903a80398", "unicode": "1"}, {"text": "ΩΨΘ", "unicode": True}),
        ({"text": "0041" * 70, "unicode": "1"}, {"parts": 1}),
        ({"text": "0041" * 71, "unicode": "1"}, {"parts": 2}),
        ({"text": "0041" * 134, "unicode": "1"}, {"parts": 2}),
        ({"text": "0041" * 135, "unicode": "1"}, {"parts": 3}),
        ({"text": "D83DDE00", "unicode": "1"}, {"text": "\U0001f600", "parts": 1}),
        ({"text": "hi", "climsgid": "order-42"}, {"climsgid": "order-42"}),
        ({"text": "hi", "CliMsgId": "order-43"}, {"climsgid": "order-43"}),
        ({"text": "hi", "from": "ACME Corp"}, {"from": "ACME Corp"}),
        ({"text": "hi", "from": "27831234567"}, {"from": "27831234567"}),
        ({"text": "hi", "from": ""}, {"from": None}),
        ({"text": "hi", "to": " 27999000002 "}, {"to": "27999000002"}),
        (
            {"udh": "040402F1F2", "data": "000102030405060708090A0B0C0D0E0F", "binary": "1"},
            {"text": "", "coding": "8bit", "udh": "040402f1f2", "parts": 1},
        ),
        ({"data": "00" * 141}, {"parts": 2, "coding": "8bit"}),
        ({"text": "hi", "msg_type": "SMS_FLASH", "queue": "1", "escalate": "1", "mo": "1"}, {}),
        (
            {"text": "hi", "deliv_ack": "1", "callback": "7", "req_feat": "8240", "validity": "60"},
            {},
        ),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sendmsg_accepts(
    fake: Harness, params: dict[str, str], checks: dict[str, Any], method: str
):
    params = {"to": "27999000001", **params}
    body = send(fake, method, **params)
    message = last_message(fake)
    assert body == f"ID: {message['apimsgid']}"
    assert message["status"] == "003"
    for key, value in checks.items():
        assert message[key] == value, key
    balance = Decimal(100) - Decimal(message["charge"])
    assert fake.call("getbalance", api_id="1", user="u", password="p") == f"Credit: {balance:.2f}"


def test_options_are_recorded(fake: Harness):
    send(
        fake,
        to="27999000001",
        text="hi",
        msg_type="SMS_FLASH",
        queue="1",
        escalate="1",
        mo="1",
        deliv_ack="1",
        msg_callback="7",
        req_feat="8240",
        validity="60",
        max_credits="2.5",
        charset="utf-8",
        concat="2",
    )
    assert last_message(fake)["options"] == {
        "callback": 7,
        "deliv_ack": True,
        "concat": 2,
        "max_credits": "2.5",
        "req_feat": 8240,
        "queue": 1,
        "escalate": True,
        "mo": True,
        "msg_type": "SMS_FLASH",
        "binary": False,
        "validity": 60,
        "charset": "utf-8",
    }


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("text=caf%E9", "café"),  # ISO-8859-1 by default
        ("text=caf%E9&charset=ISO-8859-1", "café"),
        ("text=caf%C3%A9&charset=UTF-8", "café"),
        ("text=caf%C3%A9&charset=utf-8", "café"),
        ("text=%80uro&charset=windows-1252", "€uro"),
        ("text=hello+world", "hello world"),
        ("text=a%2Bb%26c%3Dd", "a+b&c=d"),
    ],
)
def test_text_is_decoded_in_its_charset(fake: Harness, query: str, text: str):
    session = fake.auth()
    status, body, _ = fake.raw("GET", f"/http/sendmsg?session_id={session}&to=27999000001&{query}")
    assert status == 200
    assert body.decode().startswith("ID: ")
    assert last_message(fake)["text"] == text


def test_invalid_utf8_is_rejected(fake: Harness):
    session = fake.auth()
    _, body, _ = fake.raw(
        "GET", f"/http/sendmsg?session_id={session}&to=27999000001&text=%FF&charset=UTF-8"
    )
    assert body == b"ERR: 101, Invalid or missing parameters"


def test_multi_recipient_lines_in_input_order(fake: Harness):
    body = send(fake, to="27999000001,27999000002,123,27999000003", text="hello")
    ids = [m["apimsgid"] for m in fake.messages()]
    assert body == (
        f"ID: {ids[0]} To: 27999000001\n"
        f"ID: {ids[1]} To: 27999000002\n"
        "ERR: 105, Invalid destination address To: 123\n"
        f"ID: {ids[2]} To: 27999000003"
    )
    assert len(set(ids)) == 3
    assert [m["to"] for m in fake.messages()] == ["27999000001", "27999000002", "27999000003"]


def test_multi_recipient_duplicates_each_get_a_message(fake: Harness):
    body = send(fake, to="27999000001,27999000001", text="hello")
    ids = [m["apimsgid"] for m in fake.messages()]
    assert body == f"ID: {ids[0]} To: 27999000001\nID: {ids[1]} To: 27999000001"


def test_request_level_error_is_one_line_whatever_the_recipients(fake: Harness):
    assert send(fake, to="27999000001,27999000002", text="") == "ERR: 107, Empty message"


def test_unprintable_recipient_is_echoed_safely(fake: Harness):
    body = send(fake, to="27999000001,12\x0734", text="hi")
    lines = body.split("\n")
    assert lines[1] == "ERR: 105, Invalid destination address To: 12?34"


def test_credit_runs_out_mid_list(make_fake):
    fake = make_fake(frozen(Scenario(default_balance=Decimal("2.5"))))
    body = send(fake, to="27999000001,27999000002,27999000003", text="hello")
    ids = [m["apimsgid"] for m in fake.messages()]
    assert body == (
        f"ID: {ids[0]} To: 27999000001\n"
        f"ID: {ids[1]} To: 27999000002\n"
        "ERR: 301, No credit left To: 27999000003"
    )
    assert fake.call("getbalance", api_id="1", user="u", password="p") == "Credit: 0.50"
    assert send(fake, to="27999000001", text="hello") == "ERR: 301, No credit left"


def test_charge_is_route_charge_times_parts(make_fake):
    fake = make_fake(frozen(Scenario(default_charge=Decimal("0.8"))))
    send(fake, to="27999000001", text="x" * 200)
    message = last_message(fake)
    assert message["parts"] == 2
    assert message["charge"] == "1.6"
    assert fake.call("getbalance", api_id="1", user="u", password="p") == "Credit: 98.40"


def test_a_recipient_that_fits_exactly_uses_the_last_credit(make_fake):
    fake = make_fake(frozen(Scenario(default_balance=Decimal("2"))))
    assert send(fake, to="27999000001", text="x" * 200).startswith("ID: ")
    assert fake.call("getbalance", api_id="1", user="u", password="p") == "Credit: 0.00"


def test_max_credits_exceeded_is_accepted_and_fails_routing_at_no_charge(fake: Harness):
    body = send(fake, to="27999000001", text="x" * 200, max_credits="1.5")
    message = last_message(fake)
    assert body == f"ID: {message['apimsgid']}"
    assert message["status"] == "009"
    assert message["charge"] == "0"
    assert fake.call("getbalance", api_id="1", user="u", password="p") == "Credit: 100.00"


def test_recipient_limits(fake: Harness):
    numbers = [f"27999{n:06d}" for n in range(601)]
    too_many = "ERR: 101, Invalid or missing parameters"
    assert send(fake, "GET", to=",".join(numbers[:301]), text="hi") == too_many
    assert send(fake, "POST", to=",".join(numbers[:601]), text="hi") == too_many
    assert len(send(fake, "GET", to=",".join(numbers[:300]), text="hi").split("\n")) == 300
    assert len(send(fake, "POST", to=",".join(numbers[:600]), text="hi").split("\n")) == 600


def test_recipient_limits_are_configurable(make_fake):
    from fake_clickatell.core.scenario_model import RecipientLimits

    fake = make_fake(frozen(Scenario(recipient_limits=RecipientLimits(get=2, post=3))))
    assert send(fake, "GET", to="27999000001,27999000002,27999000003", text="hi").startswith(
        "ERR: 101"
    )
    assert send(fake, "POST", to="27999000001,27999000002,27999000003", text="hi").count("\n") == 2


def test_dial_prefix_replaces_a_leading_zero(make_fake):
    scenario = frozen(Scenario(accounts=(AccountSpec("1", "u", "p", dial_prefix="27"),)))
    fake = make_fake(scenario)
    body = send(fake, to="0821234567,0027821234567", text="hi")
    message = last_message(fake)
    assert body == (
        f"ID: {message['apimsgid']} To: 0821234567\n"
        "ERR: 105, Invalid destination address To: 0027821234567"
    )
    assert message["to"] == "27821234567"


def test_first_parameter_wins(fake: Harness):
    session = fake.auth()
    _, body, _ = fake.raw(
        "GET", f"/http/sendmsg?session_id={session}&to=27999000001&text=first&text=second&to=123"
    )
    assert body.decode().startswith("ID: ")
    assert last_message(fake)["text"] == "first"
    assert last_message(fake)["to"] == "27999000001"


def test_post_reads_the_query_string_too(fake: Harness):
    session = fake.auth()
    status, body, _ = fake.raw(
        "POST",
        f"/http/sendmsg?session_id={session}",
        b"to=27999000001&text=from+the+body",
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert (status, body[:4]) == (200, b"ID: ")
    assert last_message(fake)["text"] == "from the body"


def test_post_with_another_content_type_carries_no_parameters(fake: Harness):
    status, body, _ = fake.raw(
        "POST",
        "/http/sendmsg",
        b'{"api_id": "1", "user": "u", "password": "p"}',
        {"Content-Type": "application/json"},
    )
    assert (status, body) == (200, b"ERR: 005, Missing session ID")


def test_get_ignores_its_body(fake: Harness):
    session = fake.auth()
    _, body, _ = fake.raw(
        "GET",
        f"/http/sendmsg?session_id={session}&to=27999000001&text=q",
        b"text=body",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert body.startswith(b"ID: ")
    assert last_message(fake)["text"] == "q"


def test_php_suffix_is_the_same_command(fake: Harness):
    session = fake.auth()
    _, body, _ = fake.raw("GET", f"/http/sendmsg.php?session_id={session}&to=27999000001&text=hi")
    assert body == f"ID: {last_message(fake)['apimsgid']}".encode()


def test_strict_account_balance_and_charge(make_fake):
    scenario = frozen(
        Scenario(accounts=(AccountSpec("1", "u", "p", balance=Decimal("1.5")),)),
    )
    fake = make_fake(replace(scenario, default_charge=Decimal("0.75")))
    assert send(fake, to="27999000001,27999000002,27999000003", text="hi").endswith(
        "ERR: 301, No credit left To: 27999000003"
    )
    assert fake.call("getbalance", api_id="1", user="u", password="p") == "Credit: 0.00"


@pytest.mark.parametrize("charset", ["UCS-2", "UTF-16BE", "whatever"])
def test_unicode_text_ignores_charset(fake: Harness, charset: str):
    body = send(fake, to="27999000001", text="03A903A80398", unicode="1", charset=charset)
    assert body == f"ID: {last_message(fake)['apimsgid']}"
    assert last_message(fake)["text"] == "ΩΨΘ"
