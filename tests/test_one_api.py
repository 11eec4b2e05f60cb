"""Clickatell's One API, byte for byte: every resource, status and error of its tables,
in-process and over a real socket (each test runs both ways)."""

from __future__ import annotations

from typing import Any

import pytest

from fake_clickatell.core.one_api.codes import ERRORS as ONE_API_ERRORS

from .integration_support import (
    ONE_KEY,
    PLATFORM_KEY,
    STRICT,
    call,
    one_accepted,
    one_error,
    one_ids,
    one_one,
    one_rejected,
    one_send,
    one_sent,
    scenario,
)
from .support import T0, Harness, MakeFake

INVALID_KEY = one_error(1, "Invalid or missing integration API Key")
MALFORMED = one_error(21, "Payload data is malformed")


@pytest.fixture
def fake(make_fake: MakeFake) -> Harness:
    """The accounts of :data:`STRICT`."""
    return make_fake(STRICT)


def sms(to: object = "27999000001", content: object = "Hi", **fields: Any) -> dict[str, Any]:
    """One message of a send (``to``/``content`` ``None``: left out)."""
    message = {"channel": "sms", "to": to, "content": content, **fields}
    return {name: value for name, value in message.items() if value is not None}


def test_a_send_is_202_with_the_documented_entry(fake: Harness):
    status, body = one_send(fake, sms())
    (apimsgid,) = one_ids(body)
    assert (status, body) == (202, one_sent(one_accepted("27999000001", str(apimsgid))))
    (message,) = fake.messages()
    assert (message["api"], message["text"], message["charge"]) == ("one", "Hi", "1")


def test_mixed_outcomes_are_207_with_each_message_in_its_entry(fake: Harness):
    status, body = one_send(
        fake,
        sms(),
        sms("27999abcde", "x"),
        sms("1", "x"),
        sms("2", "x", channel="whatsapp"),
        {"to": "+27 (999) 000-002", "content": "no channel"},
        sms(None, "x"),
        sms("27999000003", None),
        sms("27999000004", "x", charset="UTF-16"),
        sms("27999000005", "x" * (153 * 35 + 1)),
        sms(27999000006, "x", channel="fax"),
        "not an object",
        sms(True, "x"),
    )
    first, *_, fifth, _, _, _, _, _, _, _ = one_ids(body)
    assert status == 207
    assert body == one_sent(
        one_accepted("27999000001", str(first)),
        one_rejected("27999abcde", 23, "Invalid or missing parameter: to ."),
        one_rejected("1", 25, "Invalid recipient address: 1"),
        one_rejected("2", 39, "Channel is not available on integration"),
        one_accepted("27999000002", str(fifth)),
        one_rejected("", 23, "Invalid or missing parameter: to ."),
        one_rejected("27999000003", 23, "Invalid or missing parameter: content ."),
        one_rejected("27999000004", 40, "Character set is not supported: UTF-16"),
        one_rejected("27999000005", 100, "Maximum message parts exceeded"),
        one_rejected("27999000006", 23, "Invalid or missing parameter: channel ."),
        one_rejected("", 23, "Invalid or missing parameter: messages ."),
        one_rejected("true", 23, "Invalid or missing parameter: to ."),
    )
    assert len(fake.messages()) == 2
    reasons = fake.admin("requests")["requests"][0]["reason"]
    assert "whatsapp is not carried by the fake" in reasons


def test_none_accepted_is_the_status_of_the_first_message_error(fake: Harness):
    assert one_send(fake, sms("27999abcde", "x")) == (
        400,
        one_sent(one_rejected("27999abcde", 23, "Invalid or missing parameter: to .")),
    )


def test_none_accepted_for_credit_is_402(make_fake: MakeFake):
    data = {"accounts": [{"balance": 1, "integrations": [{"api": "one", "api_key": ONE_KEY}]}]}
    fake = make_fake(scenario(data))
    status, body = one_send(fake, sms("27999000001"), sms("27999000002"))
    (first, _) = one_ids(body)
    assert (status, body) == (
        207,
        one_sent(
            one_accepted("27999000001", str(first)),
            one_rejected("27999000002", 20, "Insufficient account balance"),
        ),
    )
    assert one_send(fake, sms("27999000003"), sms("1")) == (
        402,
        one_sent(
            one_rejected("27999000003", 20, "Insufficient account balance"),
            one_rejected("1", 25, "Invalid recipient address: 1"),
        ),
    )


def test_a_rule_keyed_on_an_account_sees_the_account_the_key_opens(make_fake: MakeFake):
    fake = make_fake(
        scenario(
            {
                "accounts": [
                    {"api_id": "1", "integrations": [{"api": "one", "api_key": "KEY1"}]},
                    {"api_id": "2", "integrations": [{"api": "one", "api_key": "KEY2"}]},
                ],
                "rules": [
                    {
                        "name": "one-down",
                        "when": {"api": "one", "api_id": "1"},
                        "then": {"error": 901},
                    }
                ],
            }
        )
    )
    assert one_send(fake, sms(), key="KEY1") == (
        503,
        one_error(19, "Internal error, please retry"),
    )
    assert one_send(fake, sms(), key="KEY2")[0] == 202


def test_routes_scripts_and_opt_outs_answer_in_the_one_apis_numbers(make_fake: MakeFake):
    data = {
        "routes": [{"prefix": "27", "charge": 0.8}],
        "recipients": [
            {"number": "27999000002", "error": 121},
            {"number": "27999000003", "error": 122},
            {"number": "27999000004", "error": 128},
        ],
        "accounts": [
            {
                "api_id": "1",
                "user": "u",
                "password": "p",
                "mo": {"numbers": ["27990000000"]},
                "integrations": [{"api": "one", "api_key": ONE_KEY}],
            }
        ],
    }
    fake = make_fake(scenario(data))
    fake.admin("mo", "POST", {"to": "27990000000", "from": "27999000005", "text": "STOP"})
    status, body = one_send(
        fake, *(sms(f"2799900000{n}") for n in (2, 3, 4, 5)), sms("447700900123")
    )
    assert (status, body) == (
        400,
        one_sent(
            one_rejected("27999000002", 26, "Recipient opted out"),
            one_rejected("27999000003", 26, "Recipient opted out"),
            one_rejected("27999000004", 27, "Recipient not available on channel"),
            one_rejected("27999000005", 26, "Recipient opted out"),
            one_rejected("447700900123", 27, "Recipient not available on channel"),
        ),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"messages":', MALFORMED),
        (b"<messages/>", MALFORMED),
        (b"[]", MALFORMED),
        (b"", MALFORMED),
        (b'{"message":[]}', MALFORMED),
        (b'{"messages":[]}', MALFORMED),
        (b'{"messages":{"to":"27999000001"}}', MALFORMED),
        (b'{"messages":"27999000001"}', MALFORMED),
    ],
)
def test_a_payload_with_no_messages_array_is_21(fake: Harness, body: bytes, expected: str):
    assert call(fake, "POST", "/v1/message", body, ONE_KEY) == (400, expected)
    assert fake.admin("requests")["requests"][0]["reason"]


def test_more_than_the_most_messages_is_22(make_fake: MakeFake):
    fake = make_fake(scenario({"one_api": {"max_messages": 2}}))
    too_many = one_error(22, "Maximum messages per request payload exceeded")
    assert one_send(fake, sms(), sms(), sms(), key="k") == (400, too_many)
    default = make_fake(scenario({"default_balance": 1000}))
    assert one_send(default, *[sms()] * 201, key="k") == (400, too_many)
    assert one_send(default, *[sms()] * 200, key="k")[0] == 202


@pytest.mark.parametrize(
    ("key", "status", "expected"),
    [
        (None, 401, INVALID_KEY),
        ("unknown", 401, INVALID_KEY),
        (PLATFORM_KEY, 401, INVALID_KEY),  # a Platform key is not a One API key
        (f"Bearer {ONE_KEY}", 401, INVALID_KEY),
        ("frozen-one", 400, one_error(2, "Account is not active")),
        ("idle-one", 400, one_error(3, "Integration is not active")),
        (
            "locked-one",
            401,
            one_error(7, "Originating IP address is not approved in your account"),
        ),
    ],
)
def test_global_errors_stand_alone(fake: Harness, key: str | None, status: int, expected: str):
    for method, target in (("POST", "/v1/message"), ("GET", "/v1/balance")):
        body = {"messages": [sms()]} if method == "POST" else None
        assert call(fake, method, target, body, key) == (status, expected)


def test_two_way_from_must_be_the_integrations_number(make_fake: MakeFake):
    data = {"accounts": [{"integrations": [
        {"api": "one", "api_key": ONE_KEY, "numbers": ["27990000000"]}]}]}  # fmt: skip
    fake = make_fake(scenario(data))
    status, body = one_send(
        fake, sms(), sms(**{"from": "27990000001"}), sms(**{"from": "+27990000000"})
    )
    first, _, third = one_ids(body)
    assert status == 207
    assert body == one_sent(
        one_accepted("27999000001", str(first)),
        one_rejected("27999000001", 45, "FROM number is not related to integration"),
        one_accepted("27999000001", str(third)),
    )


def test_message_options_are_checked_per_message(fake: Harness):
    status, body = one_send(
        fake,
        sms(scheduledDeliveryTime=int(T0) + 8 * 86400),
        sms(validityPeriod="x"),
        sms(clientMessageId="c-1", scheduledDeliveryTime="2027-01-15T10:30:00+02:00"),
    )
    *_, third = one_ids(body)
    assert status == 207
    assert body == one_sent(
        one_rejected("27999000001", 23, "Invalid or missing parameter: scheduledDeliveryTime ."),
        one_rejected("27999000001", 23, "Invalid or missing parameter: validityPeriod ."),
        one_accepted("27999000001", str(third)),
    )
    (message,) = fake.messages()
    assert (message["climsgid"], message["status"], message["release_at"]) == (
        "c-1",
        "011",
        T0 + 1800,
    )
    assert call(fake, "GET", f"/v1/message/{third}", key=ONE_KEY)[1] == (
        f'{{"sms":{{"status":"SCHEDULED","timestamp":{int(T0 * 1000)}}}}}'
    )


def test_a_user_data_header_goes_with_a_text_message_too(fake: Harness):
    status, body = one_send(
        fake,
        sms(binary=False, userDataHeader="0605040B8423F0"),
        sms(binary=False, userDataHeader="060504"),
    )
    first, _ = one_ids(body)
    assert status == 207
    assert body == one_sent(
        one_accepted("27999000001", str(first)),
        one_rejected("27999000001", 23, "Invalid or missing parameter: userDataHeader ."),
    )
    (message,) = fake.messages()
    assert (message["text"], message["udh"], message["coding"]) == ("Hi", "0605040b8423f0", "gsm7")


# -- status and balance ----------------------------------------------------------------------------


def test_the_status_of_a_message_follows_its_lifecycle(fake: Harness):
    apimsgid = one_one(fake)
    target = f"/v1/message/{apimsgid}"
    assert call(fake, "GET", target, key=ONE_KEY) == (
        200,
        f'{{"sms":{{"status":"SENT_TO_SUPPLIER","timestamp":{int(T0 * 1000)}}}}}',
    )
    fake.advance(60)
    assert call(fake, "GET", target + "/", key=ONE_KEY) == (
        200,
        f'{{"sms":{{"status":"DEVICE_ACK","timestamp":{int((T0 + 5) * 1000)}}}}}',
    )


def test_an_unknown_message_is_unknown_now(fake: Harness):
    apimsgid = one_one(fake)
    fake.advance(1.5)
    unknown = (200, f'{{"status":"UNKNOWN","timestamp":{int(T0 * 1000) + 1500}}}')
    assert call(fake, "GET", "/v1/message/" + "0" * 32, key=ONE_KEY) == unknown
    assert call(fake, "GET", f"/v1/message/{apimsgid}", key="other-one") == unknown


def test_the_balance_is_the_accounts_in_its_currency(fake: Harness):
    assert call(fake, "GET", "/v1/balance", key=ONE_KEY) == (
        200,
        '{"balance":1267.92865,"currency":"ZAR"}',
    )
    one_send(fake, sms(), sms("27999000002", "x" * 161))
    assert call(fake, "GET", "/v1/balance", key=ONE_KEY)[1] == (
        '{"balance":1264.92865,"currency":"ZAR"}'
    )
    assert call(fake, "GET", "/v1/balance", key="other-one")[1] == (
        '{"balance":100,"currency":"USD"}'
    )


# -- paths and methods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "target", "expected"),
    [
        ("GET", "/v1", one_error(41, "Resource does not exist")),
        ("GET", "/v1/messages", one_error(41, "Resource does not exist")),
        ("POST", "/v1/media", one_error(41, "Resource does not exist")),
        ("GET", "/v1/message/a/b", one_error(41, "Resource does not exist")),
        ("GET", "/v1/message", one_error(42, "HTTP method is not supported on this resource")),
        ("DELETE", "/v1/message/x", one_error(42, "HTTP method is not supported on this resource")),
        ("POST", "/v1/balance", one_error(42, "HTTP method is not supported on this resource")),
    ],
)
def test_paths_and_methods_outside_the_api_are_global_400s(
    fake: Harness, method: str, target: str, expected: str
):
    assert call(fake, method, target, key=ONE_KEY) == (400, expected)


def test_a_body_on_get_is_ignored_and_the_journal_names_the_api(fake: Harness):
    status, _ = call(fake, "GET", "/v1/balance", b"{not json", ONE_KEY)
    assert status == 200
    one_send(fake, sms(clientMessageId="c"))
    _, entry = fake.admin("requests")["requests"]
    assert (entry["api"], entry["command"]) == ("one", "sendmsg")
    assert entry["params"] == {
        "messages": '[{"channel":"sms","to":"27999000001","content":"Hi","clientMessageId":"c"}]'
    }


#: The One API's errors table as Clickatell's reference gives it (code | HTTP | text), the
#: parametrised texts with their placeholder where the name, number or charset goes.
ERRORS_TABLE = """
1 | 401 | Invalid or missing integration API Key
2 | 400 | Account is not active
3 | 400 | Integration is not active
7 | 401 | Originating IP address is not approved in your account
18 | 500 | Internal error
19 | 503 | Internal error, please retry
20 | 402 | Insufficient account balance
21 | 400 | Payload data is malformed
22 | 400 | Maximum messages per request payload exceeded
23 | 400 | Invalid or missing parameter: {parameter} .
24 | 400 | Maximum message content size exceeded
25 | 400 | Invalid recipient address: {to}
26 | 400 | Recipient opted out
27 | 400 | Recipient not available on channel
28 | 400 | Recipient not available on sandbox
38 | 400 | Channel/feature is not active on integration
39 | 400 | Channel is not available on integration
40 | 400 | Character set is not supported: {charset}
41 | 400 | Resource does not exist
42 | 400 | HTTP method is not supported on this resource
43 | 400 | Rate limit
44 | 400 | FROM number is suspended
45 | 400 | FROM number is not related to integration
46 | 400 | Demo access has expired
100 | 400 | Maximum message parts exceeded
101 | 400 | Destination does not support two-way messaging
110 | 400 | USA country limit: must use two-way integration
111 | 400 | USA country limit: must enable STOP/SUBSCRIBE commands on integration
"""


def test_the_errors_are_the_reference_tables_codes_statuses_and_texts():
    rows = (line.split(" | ") for line in ERRORS_TABLE.strip().splitlines())
    assert dict(ONE_API_ERRORS) == {int(code): (int(http), text) for code, http, text in rows}
