"""Clickatell's Platform, byte for byte: every resource, status and error, in-process and over
a real socket (each test runs both ways)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from .integration_support import (
    HEX32,
    HTTP_KEY,
    PLATFORM_KEY,
    STRICT,
    accepted,
    call,
    platform_ids,
    platform_one,
    platform_send,
    refused,
    rejected,
    scenario,
    sent,
)
from .support import T0, Harness, MakeFake

INVALID_KEY = refused(1, "Invalid or missing Integration API Key")
MALFORMED = refused(21, "Payload data is malformed")


@pytest.fixture
def fake(make_fake: MakeFake) -> Harness:
    """The accounts of :data:`STRICT` (Platform keys of both kinds, a frozen account, ...)."""
    return make_fake(STRICT)


def http_send(fake: Harness, query: str, key: str | None = HTTP_KEY) -> tuple[int, str]:
    """``GET /messages/http/send?apiKey=<key>&<query>``."""
    prefix = f"apiKey={quote(key, safe='')}&" if key is not None else ""
    return call(fake, "GET", f"/messages/http/send?{prefix}{query}", key=None)


# -- the REST integration's send -----------------------------------------------------------------


def test_a_rest_send_is_202_with_all_six_keys(fake: Harness):
    status, body = platform_send(fake, {"content": "Hello", "to": ["27999000001"]})
    (apimsgid,) = platform_ids(body)
    assert (status, body) == (202, sent(accepted("27999000001", str(apimsgid))))
    (message,) = fake.messages()
    integration = fake.admin("accounts")["accounts"][0]["integrations"][0]
    assert (message["api"], message["integration"], message["text"]) == (
        "platform",
        integration["id"],
        "Hello",
    )
    assert (message["api_id"], message["charge"], message["status"]) == ("3442105", "1", "003")
    assert HEX32.fullmatch(integration["id"])


def test_a_refused_number_is_158_in_its_entry_and_still_202(fake: Harness):
    assert platform_send(fake, {"content": "x", "to": ["12"]}) == (
        202,
        sent(rejected("12", 158, "Invalid destination address.")),
    )
    assert fake.messages() == []


def test_entries_follow_the_recipients_in_order_accepted_as_digits_refused_as_sent(fake: Harness):
    to = ["+27 999-000-001", "(27) 999 000 002", "abc", 27999000003, "00", "+"]
    status, body = platform_send(fake, {"content": "x", "to": to})
    first, second, _, third, _, _ = platform_ids(body)
    assert (status, body) == (
        202,
        sent(
            accepted("27999000001", str(first)),
            accepted("27999000002", str(second)),
            rejected("abc", 158, "Invalid destination address."),
            accepted("27999000003", str(third)),
            rejected("00", 158, "Invalid destination address."),
            rejected("+", 158, "Invalid destination address."),
        ),
    )


def test_a_string_to_is_one_recipient(fake: Harness):
    status, body = platform_send(fake, {"content": "x", "to": "27999000001"})
    assert status == 202
    assert [m["to"] for m in fake.messages()] == ["27999000001"]
    status, body = platform_send(fake, {"content": "x", "to": "27999000001,27999000002"})
    assert body == sent(rejected("27999000001,27999000002", 158, "Invalid destination address."))


def test_a_leading_zero_takes_the_accounts_dial_prefix(make_fake: MakeFake):
    data = {"accounts": [{"dial_prefix": "27", "integrations": [
        {"api": "platform", "api_key": PLATFORM_KEY}]}]}  # fmt: skip
    fake = make_fake(scenario(data))
    status, body = platform_send(fake, {"content": "x", "to": ["0999000001", "0027999000001"]})
    (apimsgid, _) = platform_ids(body)
    assert status == 202
    assert body == sent(
        accepted("27999000001", str(apimsgid)),
        rejected("0027999000001", 158, "Invalid destination address."),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"content":', MALFORMED),
        (b"<message><content>hi</content></message>", MALFORMED),
        (b"[1]", MALFORMED),
        (b"\xff{}", MALFORMED),
        (b'{"content": NaN, "to": ["27999000001"]}', MALFORMED),
        ({"content": "x"}, refused(102, "Empty receivers list")),
        ({"content": "x", "to": []}, refused(102, "Empty receivers list")),
        ({"content": "x", "to": None}, refused(102, "Empty receivers list")),
        ({"content": "x", "to": {"n": 1}}, refused(23, "Invalid or missing parameter: to .")),
        ({"content": "x", "to": True}, refused(23, "Invalid or missing parameter: to .")),
        ({"to": ["27999000001"]}, refused(100, "Empty message content")),
        ({"to": ["27999000001"], "content": ""}, refused(100, "Empty message content")),
        (
            {"to": ["27999000001"], "content": 5},
            refused(23, "Invalid or missing parameter: content ."),
        ),
        (
            {"to": ["27999000001"], "content": "x", "charset": "EBCDIC"},
            refused(40, "Character set is not supported: EBCDIC"),
        ),
        (
            {"to": ["27999000001"], "content": "x", "charset": "utf-8"},
            refused(40, "Character set is not supported: utf-8"),
        ),
        (
            {"to": ["27999000001"], "content": "x", "charset": ""},
            refused(40, "Character set is not supported: "),
        ),
        (
            {"to": ["27999000001"], "content": "x", "scheduledDeliveryTime": "soon"},
            refused(23, "Invalid or missing parameter: scheduledDeliveryTime ."),
        ),
        (
            {"to": ["27999000001"], "content": "x", "scheduledDeliveryTime": int(T0) + 8 * 86400},
            refused(23, "Invalid or missing parameter: scheduledDeliveryTime ."),
        ),
        (
            {"to": ["27999000001"], "content": "x", "validityPeriod": 0},
            refused(23, "Invalid or missing parameter: validityPeriod ."),
        ),
        (
            {"to": ["27999000001"], "content": "x", "validityPeriod": [1]},
            refused(23, "Invalid or missing parameter: validityPeriod ."),
        ),
        (
            {"to": ["27999000001"], "content": "x", "binary": "maybe"},
            refused(23, "Invalid or missing parameter: binary ."),
        ),
        (
            {"to": ["27999000001"], "content": "x", "from": {"a": 1}},
            refused(23, "Invalid or missing parameter: from ."),
        ),
        (
            # Its first octet says 5 octets follow; 2 do.
            {"to": ["27999000001"], "content": "x", "userDataHeader": "050003"},
            refused(23, "Invalid or missing parameter: userDataHeader ."),
        ),
        (
            {"to": ["27999000001"], "content": "x", "userDataHeader": "0G"},
            refused(23, "Invalid or missing parameter: userDataHeader ."),
        ),
        (
            {"to": ["27999000001"], "content": "zz", "binary": True},
            refused(23, "Invalid or missing parameter: content ."),
        ),
        (
            {"to": ["27999000001"], "content": "00", "binary": True, "userDataHeader": "05"},
            refused(23, "Invalid or missing parameter: userDataHeader ."),
        ),
        (
            {"to": ["27999000001"], "content": "", "binary": True},
            refused(100, "Empty message content"),
        ),
    ],
)
def test_request_level_errors_are_400_with_no_messages(fake: Harness, body: object, expected: str):
    assert platform_send(fake, body) == (400, expected)
    assert fake.messages() == []
    (entry,) = fake.admin("requests")["requests"]
    assert entry["reason"]  # every refusal says why


def test_too_long_is_every_messages_error_and_202(fake: Harness):
    status, body = platform_send(
        fake, {"content": "x" * (153 * 35 + 1), "to": ["27999000001", "1"]}
    )
    assert (status, body) == (
        202,
        sent(
            rejected("27999000001", 101, "Message content is too long"),
            rejected("1", 101, "Message content is too long"),
        ),
    )
    assert fake.messages() == []


def test_35_parts_are_allowed_and_charged(fake: Harness):
    platform_send(fake, {"content": "x" * (153 * 35), "to": ["27999000001"]})
    (message,) = fake.messages()
    assert (message["parts"], message["charge"], message["coding"]) == (35, "35", "gsm7")
    unicode = "Привет" * 12  # 72 UCS-2 units: 2 parts
    platform_send(fake, {"content": unicode, "to": ["27999000001"], "charset": "UCS2-BE"})
    message = fake.messages()[1]
    assert (message["parts"], message["coding"], message["text"]) == (2, "ucs2", unicode)
    assert message["options"]["charset"] == "UCS2-BE"  # recorded, not used to decode


def test_too_many_recipients_is_153(make_fake: MakeFake):
    fake = make_fake(scenario({"platform": {"max_recipients": 2}}))
    body = {"content": "x", "to": ["27999000001", "27999000002", "27999000003"]}
    assert platform_send(fake, body) == (400, refused(153, "Too many MSISDNs"))
    numbers = [f"2799900{n:04d}" for n in range(201)]
    default = make_fake()
    assert platform_send(default, {"content": "x", "to": numbers}) == (
        400,
        refused(153, "Too many MSISDNs"),
    )


def test_clickatells_documented_request_is_accepted_with_its_text_and_udh(fake: Harness):
    # The request body of Clickatell's API reference, as it stands (a UDH with binary false).
    body = (
        b'{"content":"string","to":["+380976543211","380976543212"],"from":"380671234567",'
        b'"binary":false,"clientMessageId":"uuid",'
        b'"scheduledDeliveryTime":"2017-02-27T14:30:00+0200","userDataHeader":"0605040B8423F0",'
        b'"validityPeriod":1,"charset":"UTF-8"}'
    )
    status, reply = platform_send(fake, body)
    assert status == 202
    assert [entry["to"] for entry in json.loads(reply)["messages"]] == [
        "380976543211",
        "380976543212",
    ]
    first, second = fake.messages()
    assert (first["text"], first["coding"], first["udh"], first["data"]) == (
        "string",
        "gsm7",
        "0605040b8423f0",
        None,
    )
    assert (second["climsgid"], second["from"], second["parts"]) == ("uuid", "380671234567", 1)


def test_binary_content_is_hex_after_the_udh(fake: Harness):
    body = {
        "to": ["27999000001"],
        "binary": "true",
        "content": "C0FFEE",
        "userDataHeader": "050003",
    }
    assert platform_send(fake, {**body, "userDataHeader": "0500030a0102"})[0] == 202
    (message,) = fake.messages()
    assert (message["coding"], message["udh"], message["data"]) == (
        "8bit",
        "0500030a0102",
        "c0ffee",
    )


def test_a_scheduled_send_waits_at_011(fake: Harness):
    apimsgid = platform_one(fake, scheduledDeliveryTime="2027-01-15T08:30:00+0000")
    status = call(fake, "GET", f"/public-client/message/status?messageId={apimsgid}")
    assert json.loads(status[1])["status"] == "MESSAGE_QUEUED_FOR_LATER_DELIVERY"
    (message,) = fake.messages()
    assert message["release_at"] == T0 + 1800


# -- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "no Authorization header"),
        ("   ", "the Authorization header is empty"),
        ("unknown", "no account of the scenario has this platform key"),
        (f"Bearer {PLATFORM_KEY}", "no account of the scenario has this platform key"),
        (HTTP_KEY, "the key is a HTTP integration's; /messages takes a REST integration's key"),
        ("other-one", "no account of the scenario has this platform key"),
    ],
)
def test_a_send_without_a_rest_integrations_key_is_401_1(
    fake: Harness, key: str | None, reason: str
):
    assert call(fake, "POST", "/messages", {"content": "x", "to": ["27999000001"]}, key) == (
        401,
        INVALID_KEY,
    )
    assert fake.admin("requests")["requests"][0]["reason"].startswith(reason)


def test_kind_enforcement_can_be_switched_off(make_fake: MakeFake):
    data = {**STRICT_DATA, "platform": {"enforce_kind": False}}
    fake = make_fake(scenario(data))
    assert platform_send(fake, {"content": "x", "to": ["27999000001"]}, HTTP_KEY)[0] == 202
    assert http_send(fake, "to=27999000001&content=x", PLATFORM_KEY)[0] == 202


STRICT_DATA: dict[str, Any] = {
    "accounts": [
        {
            "integrations": [
                {"api": "platform", "api_key": PLATFORM_KEY},
                {"api": "platform", "kind": "http", "api_key": HTTP_KEY},
            ]
        }
    ]
}


@pytest.mark.parametrize(
    ("key", "status", "expected"),
    [
        ("frozen-key", 400, refused(3, "Account is not active")),
        ("locked-key", 401, refused(7, "IP lockdown violation")),
        ("idle-key", 400, refused(2, "Integration is not active")),
    ],
)
def test_an_account_or_integration_that_may_not_send(
    fake: Harness, key: str, status: int, expected: str
):
    for target in ("/messages", "/public-client/balance"):
        method = "POST" if target == "/messages" else "GET"
        assert call(fake, method, target, {"content": "x", "to": ["1"]}, key) == (status, expected)


def test_open_mode_takes_any_key_as_an_integration_of_its_own(make_fake: MakeFake):
    fake = make_fake()
    assert platform_send(fake, {"content": "x", "to": ["27999000001"]}, "any-key")[0] == 202
    assert http_send(fake, "to=27999000001&content=x", "any-key")[0] == 202  # either kind
    (account,) = fake.admin("accounts")["accounts"]
    assert account["api_id"].startswith("platform-")
    (integration,) = account["integrations"]
    assert (integration["api"], integration["kind"], integration["name"]) == (
        "platform",
        None,
        "open mode",
    )
    assert call(fake, "GET", "/public-client/balance", key="any-key")[1] == (
        '{"balance":98,"currency":"ZAR"}'
    )
    assert call(fake, "POST", "/messages", {"content": "x", "to": ["1"]}, "k" * 65) == (
        401,
        INVALID_KEY,
    )


# -- the HTTP integration's send -----------------------------------------------------------------


def test_an_http_send_by_get_is_the_documented_reply(fake: Harness):
    status, body = http_send(fake, "to=27999000001&content=Hello")
    (apimsgid,) = platform_ids(body)
    assert (status, body) == (202, sent(accepted("27999000001", str(apimsgid))))
    (message,) = fake.messages()
    assert (message["api"], message["text"]) == ("platform", "Hello")


def test_an_http_send_by_post_reads_the_form_after_the_query(fake: Harness):
    status, raw, _ = fake.raw(
        "POST",
        f"/messages/http/send?apiKey={quote(HTTP_KEY, safe='')}",
        b"to=27999000001&content=Hi+there%2B%21&to=27999000009",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    (apimsgid,) = platform_ids(raw.decode())
    assert (status, raw.decode()) == (202, sent(accepted("27999000001", str(apimsgid))))
    (message,) = fake.messages()
    assert message["text"] == "Hi there+!"


def test_the_list_repr_of_pypi_clickatell_platform_is_two_numbers(fake: Harness):
    to = quote(str(["27999000001", "27999000002"]))
    status, body = http_send(fake, f"to={to}&content=x")
    first, second = platform_ids(body)
    assert status == 202
    assert body == sent(accepted("27999000001", str(first)), accepted("27999000002", str(second)))
    refused_entry = http_send(fake, f"to={quote(str(['12']))}&content=x")[1]
    assert refused_entry == sent(rejected("['12']", 158, "Invalid destination address."))


def test_only_punctuation_and_a_list_repr_are_taken_off_a_number(fake: Harness):
    # Letters are no punctuation: the entry is refused and echoed as received.
    body = platform_send(fake, {"content": "x", "to": ["+27 (999) 000-001", "27999X00001"]})[1]
    (first, _) = platform_ids(body)
    assert body == sent(
        accepted("27999000001", str(first)),
        rejected("27999X00001", 158, "Invalid destination address."),
    )
    listed = http_send(fake, f"to={quote(str(['27999000002X']))}&content=x")[1]
    assert listed == sent(rejected("['27999000002X']", 158, "Invalid destination address."))


@pytest.mark.parametrize("charset", ["UTF-8", "ASCII", "UCS2-BE", "Windows-1252"])
def test_each_listed_charset_is_taken_and_recorded(fake: Harness, charset: str):
    status, _ = platform_send(fake, {"content": "x", "to": ["27999000001"], "charset": charset})
    assert status == 202
    (message,) = fake.messages()
    assert message["options"]["charset"] == charset


def test_routes_scripts_and_opt_outs_answer_in_the_legacy_numbers(make_fake: MakeFake):
    data = {
        "routes": [{"prefix": "27", "charge": 0.8}],
        "recipients": [
            {"number": "27999000002", "error": 121},
            {"number": "27999000003", "error": 122},
            {"number": "27999000004", "error": 128},
        ],
        "accounts": [
            {
                "mo": {"numbers": ["27990000000"]},
                "integrations": [{"api": "platform", "api_key": PLATFORM_KEY}],
            }
        ],
    }
    fake = make_fake(scenario(data))
    fake.admin("mo", "POST", {"to": "27990000000", "from": "27999000005", "text": "STOP"})
    numbers = ["27999000002", "27999000003", "27999000004", "27999000005", "447700900123"]
    assert platform_send(fake, {"content": "x", "to": numbers}) == (
        202,
        sent(
            rejected("27999000002", 121, "Destination mobile number blocked"),
            rejected("27999000003", 122, "Destination mobile opted out"),
            rejected("27999000004", 128, "Number delisted"),
            rejected("27999000005", 122, "Destination mobile opted out"),
            rejected("447700900123", 114, "Cannot route message"),
        ),
    )
    assert fake.messages() == []


def test_an_http_send_takes_the_rest_fields_as_parameters(fake: Harness):
    query = (
        "to=27999000001,%2B27999000002&content=caf%C3%A9&from=1856-318-4169&clientMessageId=c-1"
        "&validityPeriod=60&binary=false&charset=UTF-8&unknown=1"
    )
    status, body = http_send(fake, query)
    assert (status, len(platform_ids(body))) == (202, 2)
    first, second = fake.messages()
    assert (first["text"], first["from"], first["climsgid"]) == ("café", "1856-318-4169", "c-1")
    assert (first["options"]["validity"], second["to"]) == (60, "27999000002")


def test_an_http_send_refuses_a_rest_key_and_reads_no_json(fake: Harness):
    assert http_send(fake, "to=27999000001&content=x", PLATFORM_KEY) == (401, INVALID_KEY)
    status, body = call(
        fake,
        "GET",
        f"/messages/http/send?apiKey={quote(HTTP_KEY)}&to=27999000001&content=x",
        b'{"to": "1"}',  # PyPI clickatell-platform sends a JSON copy with the GET
        key=None,
    )
    assert (status, platform_ids(body)) == (202, [fake.messages()[0]["apimsgid"]])
    assert http_send(fake, "content=x") == (400, refused(102, "Empty receivers list"))
    assert http_send(fake, "to=27999000001") == (400, refused(100, "Empty message content"))
    assert http_send(fake, "to=27999000001&content=x", None) == (401, INVALID_KEY)
    post = fake.raw(
        "POST",
        "/messages/http/send",
        json.dumps({"apiKey": HTTP_KEY, "to": "27999000001", "content": "x"}).encode(),
        {"Content-Type": "application/json"},
    )
    assert (post[0], post[1].decode()) == (401, INVALID_KEY)


# -- two-way -------------------------------------------------------------------------------------

TWO_WAY = {"accounts": [{"integrations": [
    {"api": "platform", "api_key": PLATFORM_KEY, "numbers": ["27990000000"]},
    {"api": "platform", "kind": "http", "api_key": HTTP_KEY, "numbers": ["27990000001"]},
]}]}  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, refused(44, "Two-Way integration error - You should specify correct from number")),
        (
            {"from": "27990000001"},
            refused(45, "Two-Way integration error - From number is not related to integration"),
        ),
    ],
)
def test_a_two_way_integration_sends_from_its_numbers_or_is_answered_200(
    make_fake: MakeFake, fields: dict[str, str], expected: str
):
    fake = make_fake(scenario(TWO_WAY))
    assert platform_send(fake, {"content": "x", "to": ["27999000001"], **fields}) == (
        200,
        expected,
    )
    status, _ = platform_send(fake, {"content": "x", "to": ["27999000001"], "from": "+27990000000"})
    assert status == 202
    assert [m["from"] for m in fake.messages()] == ["+27990000000"]
    assert fake.messages()[0]["options"]["mo"] is True


def test_a_one_way_integration_takes_any_from(fake: Harness):
    assert platform_one(fake, **{"from": "My Company Ltd"})
    assert fake.messages()[0]["from"] == "My Company Ltd"


# -- balance and status ----------------------------------------------------------------------------


def test_the_balance_is_a_number_in_the_accounts_currency(fake: Harness):
    assert call(fake, "GET", "/public-client/balance") == (
        200,
        '{"balance":1267.92865,"currency":"ZAR"}',
    )
    assert call(fake, "GET", "/public-client/balance", key=HTTP_KEY)[1] == (
        '{"balance":1267.92865,"currency":"ZAR"}'
    )
    assert call(fake, "GET", "/public-client/balance", key="other-key")[1] == (
        '{"balance":100,"currency":"USD"}'
    )
    platform_send(fake, {"content": "x" * 200, "to": ["27999000001", "27999000002"]})
    assert call(fake, "GET", "/public-client/balance/")[1] == (
        '{"balance":1263.92865,"currency":"ZAR"}'
    )
    assert call(fake, "GET", "/public-client/balance?apiKey=" + quote(HTTP_KEY), key=None)[0] == 200


def test_the_status_of_a_message_follows_its_lifecycle(fake: Harness):
    apimsgid = platform_one(fake)
    target = f"/public-client/message/status?messageId={apimsgid}"
    assert call(fake, "GET", target) == (
        200,
        f'{{"messageId":"{apimsgid}","status":"DELIVERED_TO_GATEWAY","statusCode":3,'
        f'"statusDescription":"Delivered to gateway","timestamp":{int(T0 * 1000)}}}',
    )
    fake.advance(7)
    assert call(fake, "GET", target, key=HTTP_KEY) == (
        200,
        f'{{"messageId":"{apimsgid}","status":"RECEIVED_BY_RECIPIENT","statusCode":4,'
        f'"statusDescription":"Received by recipient","timestamp":{int((T0 + 5) * 1000)}}}',
    )


def test_an_unknown_message_is_404_161(fake: Harness):
    apimsgid = platform_one(fake)
    unknown = refused(161, "Resource does not exist")
    assert call(fake, "GET", "/public-client/message/status?messageId=" + "0" * 32) == (
        404,
        unknown,
    )
    other = f"/public-client/message/status?messageId={apimsgid}"
    assert call(fake, "GET", other, key="other-key") == (404, unknown)  # another account's
    assert call(fake, "GET", "/public-client/message/status") == (
        400,
        refused(23, "Invalid or missing parameter: messageId ."),
    )


# -- paths and methods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["/messages/", "/messages/nothing", "/public-client", "/public-client/x/y", "/messages/http"],
)
def test_a_path_that_is_no_resource_is_404_161(fake: Harness, target: str):
    method = "POST" if target == "/messages/" else "GET"
    status, body = call(fake, method, target, {"content": "x", "to": ["27999000001"]})
    if target == "/messages/":  # a trailing slash is ignored
        assert status == 202
        return
    assert (status, body) == (404, refused(161, "Resource does not exist"))
    assert fake.admin("requests")["requests"][-1]["reason"].startswith(f"{target} is not a")


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("GET", "/messages"),
        ("DELETE", "/messages/http/send"),
        ("POST", "/public-client/balance"),
        ("PUT", "/public-client/message/status"),
    ],
)
def test_a_method_the_resource_does_not_take_is_405(fake: Harness, method: str, target: str):
    assert call(fake, method, target) == (
        405,
        refused(42, "HTTP method is not supported on this resource"),
    )


def test_a_body_over_the_size_limit_is_21(fake: Harness):
    huge = b'{"content":"' + b"x" * (1024 * 1024 + 1) + b'"}'
    assert platform_send(fake, huge) == (400, MALFORMED)


# -- the journal -----------------------------------------------------------------------------------


def test_the_journal_masks_the_key_and_names_the_api(fake: Harness):
    http_send(fake, "to=27999000001&content=x")
    platform_send(fake, {"content": "y", "to": ["27999000001"], "clientMessageId": "c"})
    first, second = fake.admin("requests")["requests"]
    assert (first["api"], first["command"], first["params"]["apiKey"]) == (
        "platform",
        "sendmsg",
        "********",
    )
    assert HTTP_KEY not in json.dumps(first)
    assert second["params"] == {"content": "y", "to": "27999000001", "clientMessageId": "c"}
    assert fake.admin("requests?api=platform")["page"]["total"] == 2
    assert fake.admin("messages?api=platform")["page"]["total"] == 2
