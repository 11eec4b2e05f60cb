"""One gateway, four APIs: a message sent through any API of an account is read through the
others; credit, parts, opt-outs, the clock, recipient scripts and scenario rules behave the same
everywhere; the scenario keys of the Platform and One API; intercept mode for both."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import requests

from fake_clickatell import intercept
from fake_clickatell.core.accounts import integration_id
from fake_clickatell.core.commands import Params
from fake_clickatell.core.gateway import Gateway
from fake_clickatell.core.integrations.statuses import ONE_API_STATUSES, PLATFORM_STATUSES
from fake_clickatell.core.request import ApiRequest
from fake_clickatell.scenario import ScenarioError, load_scenario_text

from .integration_support import (
    ACCOUNTS,
    ONE_KEY,
    PLATFORM_KEY,
    STRICT,
    call,
    one_error,
    one_one,
    one_send,
    platform_one,
    platform_send,
    refused,
    scenario,
)
from .support import T0, Harness, MakeFake

LEGACY = {"api_id": "3442105", "user": "demo", "password": "secret"}


@pytest.fixture
def fake(make_fake: MakeFake) -> Harness:
    """One account reachable by HTTP credentials, a REST token and Platform and One API keys."""
    return make_fake(STRICT)


def rest(fake: Harness, method: str, path: str) -> dict[str, Any]:
    headers = {"Authorization": "Bearer rest-token", "X-Version": "1"}
    status, body, _ = fake.raw(method, path, None, headers)
    assert status == 200, body
    data: dict[str, Any] = json.loads(body)["data"]
    return data


def platform_status(fake: Harness, apimsgid: str) -> dict[str, Any]:
    status, body = call(fake, "GET", f"/public-client/message/status?messageId={apimsgid}")
    assert status == 200, body
    result: dict[str, Any] = json.loads(body)
    return result


def one_status(fake: Harness, apimsgid: str) -> str:
    status, body = call(fake, "GET", f"/v1/message/{apimsgid}", key=ONE_KEY)
    assert status == 200, body
    name: str = json.loads(body)["sms"]["status"]
    return name


# -- one message store, one balance -------------------------------------------------------------


def test_sent_by_one_api_read_by_platform_status_querymsg_and_rest(fake: Harness):
    apimsgid = one_one(fake, clientMessageId="c-7")
    assert platform_status(fake, apimsgid)["status"] == "DELIVERED_TO_GATEWAY"
    assert fake.call("querymsg", apimsgid=apimsgid, **LEGACY) == f"ID: {apimsgid} Status: 003"
    assert fake.call("querymsg", climsgid="c-7", **LEGACY) == f"ID: {apimsgid} Status: 003"
    fake.advance(5)
    assert platform_status(fake, apimsgid)["statusCode"] == 4
    assert fake.call("querymsg", apimsgid=apimsgid, **LEGACY) == f"ID: {apimsgid} Status: 004"
    assert rest(fake, "GET", f"/rest/message/{apimsgid}")["messageStatus"] == "004"
    assert one_status(fake, apimsgid) == "DEVICE_ACK"


def test_sent_by_platform_stopped_by_rest_seen_by_one_api(fake: Harness):
    apimsgid = platform_one(fake, scheduledDeliveryTime=int(T0) + 600)
    assert one_status(fake, apimsgid) == "SCHEDULED"
    assert rest(fake, "DELETE", f"/rest/message/{apimsgid}")["messageStatus"] == "006"
    assert one_status(fake, apimsgid) == "STOPPED_BY_USER"
    assert platform_status(fake, apimsgid)["status"] == "USER_CANCELLED_MESSAGE_DELIVERY"
    assert call(fake, "GET", "/v1/balance", key=ONE_KEY)[1] == (
        '{"balance":1267.92865,"currency":"ZAR"}'  # refunded
    )


def test_sent_by_http_read_by_the_newer_apis(fake: Harness):
    apimsgid = fake.call("sendmsg", to="27999000001", text="hi", **LEGACY)[4:]
    assert one_status(fake, apimsgid) == "SENT_TO_SUPPLIER"
    assert platform_status(fake, apimsgid)["statusDescription"] == "Delivered to gateway"


def test_one_balance_falls_by_what_every_api_charged(fake: Harness):
    platform_send(fake, {"content": "x" * 161, "to": ["27999000001"]})  # 2 parts
    one_send(fake, {"to": "27999000002", "content": "Я" * 71})  # UCS-2, 2 parts
    fake.call("sendmsg", to="27999000003", text="hi", **LEGACY)
    assert fake.call("getbalance", **LEGACY) == "Credit: 1262.93"
    assert call(fake, "GET", "/public-client/balance")[1] == (
        '{"balance":1262.92865,"currency":"ZAR"}'
    )
    assert [m["api"] for m in fake.messages()] == ["platform", "one", "http"]
    assert fake.admin("messages?api=one")["messages"][0]["coding"] == "ucs2"


def test_recipient_scripts_reach_every_apis_status_table(make_fake: MakeFake):
    data = {
        **ACCOUNTS,
        "recipients": [{"number": "27999000007", "statuses": [{"status": 3}, {"status": 7}]}],
    }
    fake = make_fake(scenario(data))
    apimsgid = one_one(fake, to="27999000007")
    assert one_status(fake, apimsgid) == "DELIVERY_FAILURE"
    assert platform_status(fake, apimsgid)["status"] == "ERROR_DELIVERING_MESSAGE"


def test_keys_of_another_account_are_another_store(fake: Harness):
    apimsgid = platform_one(fake)
    assert call(fake, "GET", f"/v1/message/{apimsgid}", key="other-one")[1].startswith(
        '{"status":"UNKNOWN"'
    )
    assert fake.call("querymsg", apimsgid=apimsgid, api_id="account-2", user="main") == (
        "ERR: 001, Authentication failed"  # a keys-only account has no password
    )


# -- scenario rules --------------------------------------------------------------------------------


def rules(*listed: dict[str, Any]) -> dict[str, Any]:
    return {**ACCOUNTS, "rules": list(listed)}


def test_a_quota_answers_each_apis_rate_limit(make_fake: MakeFake):
    fake = make_fake(
        scenario(
            rules({"when": {"command": "sendmsg"}, "then": {"quota": {"calls": 1, "window": 60}}})
        )
    )
    assert platform_send(fake, {"content": "x", "to": ["27999000001"]})[0] == 202
    assert platform_send(fake, {"content": "x", "to": ["27999000001"]}) == (
        429,
        refused(43, "Rate limit"),
    )
    assert one_send(fake, {"to": "27999000001", "content": "x"}) == (
        400,
        one_error(43, "Rate limit"),
    )
    fake.advance(60)
    assert one_send(fake, {"to": "27999000001", "content": "x"})[0] == 202


@pytest.mark.parametrize(
    ("then", "platform", "one"),
    [
        ({"error": 901}, (503, refused(901, "Internal error \u2013 please retry")), (503, one_error(19, "Internal error, please retry"))),
        ({"error": 4}, (400, refused(3, "Account is not active")), (400, one_error(2, "Account is not active"))),
        ({"error": 101}, (400, refused(101, "Message content is too long")), (400, one_error(101, "Destination does not support two-way messaging"))),
        ({"error": 7}, (401, refused(7, "IP lockdown violation")), (401, one_error(7, "Originating IP address is not approved in your account"))),
        ({"error": 18}, (400, refused(18, "Unknown error")), (500, one_error(18, "Internal error"))),
    ],
)  # fmt: skip
def test_a_rules_error_is_in_each_apis_numbering(
    make_fake: MakeFake, then: dict[str, Any], platform: tuple[int, str], one: tuple[int, str]
):
    fake = make_fake(scenario(rules({"when": {"command": "sendmsg"}, "then": then})))
    assert platform_send(fake, {"content": "x", "to": ["27999000001"]}) == platform
    assert one_send(fake, {"to": "27999000001", "content": "x"}) == one
    assert fake.messages() == []


def test_rules_match_an_api_and_force_recipient_errors(make_fake: MakeFake):
    fake = make_fake(scenario(rules(
        {"when": {"api": "one", "command": "getbalance"}, "then": {"error": 43}},
        {"when": {"command": "sendmsg", "recipient": {"prefix": "2799900000"}},
         "then": {"recipient_error": 121}},
    )))  # fmt: skip
    assert call(fake, "GET", "/public-client/balance")[0] == 200
    assert call(fake, "GET", "/v1/balance", key=ONE_KEY) == (400, one_error(43, "Rate limit"))
    status, body = platform_send(fake, {"content": "x", "to": ["+27 999 000 001", "27999111111"]})
    entries = json.loads(body)["messages"]
    assert status == 202
    assert [(e["accepted"], e["errorCode"]) for e in entries] == [(False, 121), (True, None)]
    _, body = one_send(fake, {"to": "27999000001", "content": "x"})
    assert json.loads(body)["messages"][0]["error"] == {
        "code": 26,
        "description": "Recipient opted out",
    }
    journal = fake.admin("requests")["requests"]
    assert [r["rule"] for r in journal] == [None, "rules[0]", "rules[1]", "rules[1]"]
    assert "scenario rule 'rules[1]' answers 121" in journal[2]["reason"]


def test_faults_and_raw_replies_behave_the_same_on_every_api(make_fake: MakeFake):
    fake = make_fake(scenario(rules(
        {"when": {"api": "platform", "path": "/public-client/*"}, "then": {"http": {"status": 502, "body": "bad gateway"}}},
        {"when": {"api": "one", "command": "sendmsg"}, "then": {"fault": "garbage", "process": True}},
    )))  # fmt: skip
    status, body, _ = fake.raw(
        "GET", "/public-client/balance", None, {"Authorization": PLATFORM_KEY}
    )
    assert (status, body) == (502, b"bad gateway")
    status, body, _ = fake.raw(
        "POST", "/v1/message", json.dumps({"messages": [{"to": "27999000001", "content": "x"}]}).encode(),
        {"Authorization": ONE_KEY},
    )  # fmt: skip
    assert status == 200
    assert body.startswith(b"\x00\xff")
    assert [m["api"] for m in fake.messages()] == ["one"]  # processed, then broken


def test_error_texts_are_each_apis_own(make_fake: MakeFake):
    data = {
        **ACCOUNTS,
        "error_texts": {101: "legacy text", 105: "Bad number"},
        "platform": {"error_texts": {158: "No such number.", 102: "Nobody"}},
        "one_api": {"error_texts": {25: "Not a number: {to}"}},
    }
    fake = make_fake(scenario(data))
    body = json.loads(platform_send(fake, {"content": "x", "to": ["12"]})[1])
    assert (body["messages"][0]["error"], body["messages"][0]["errorDescription"]) == (
        "No such number.",
        "No such number.",
    )
    assert platform_send(fake, {"content": "x"})[1] == refused(102, "Nobody")
    _, body = one_send(fake, {"to": "+1", "content": "x"})
    assert json.loads(body)["messages"][0]["error"]["description"] == "Not a number: +1"
    assert fake.call("sendmsg", to="1", text="x", **LEGACY) == "ERR: 105, Bad number"


# -- the scenario keys -----------------------------------------------------------------------------


def test_the_integration_keys_load():
    loaded = load_scenario_text(
        "accounts:\n"
        "  - currency: USD\n"
        "    integrations:\n"
        "      - {api: platform, kind: http, api_key: K, name: Shop, numbers: ['27990000000'],\n"
        "         status_callback: {url: 'http://127.0.0.1/s', method: GET, statuses: [3, '004'],\n"
        "                           api_key: false, timeout: 2, retry_minutes: [1]},\n"
        "         reply_callback: {url: 'http://127.0.0.1/r', charset: legacy}}\n"
        "      - {api: one, api_key: K, id: fa8090815f05d5ed015f0b5b56080cd2, active: false}\n"
        "platform: {enforce_kind: false, max_recipients: 10, error_texts: {158: x}}\n"
        "one_api: {max_messages: 5}\n",
        "ok.yaml",
    )
    (account,) = loaded.accounts
    assert (account.api_id, account.user, account.password, account.currency) == (
        "account-1",
        "main",
        "",
        "USD",
    )
    shop, one = account.integrations
    assert (shop.api, shop.kind, shop.name, shop.numbers, shop.active) == (
        "platform",
        "http",
        "Shop",
        ("27990000000",),
        True,
    )
    assert shop.integration_id == integration_id("platform", "K")
    status = shop.status_callback
    assert status is not None
    assert (status.method, status.statuses, status.api_key, status.timeout, status.retries) == (
        "GET",
        frozenset({3, 4}),
        False,
        2.0,
        (60.0,),
    )
    assert shop.reply_callback is not None
    assert shop.reply_callback.legacy_charset
    assert (one.kind, one.name, one.integration_id, one.active) == (
        None,
        "One API integration",
        "fa8090815f05d5ed015f0b5b56080cd2",
        False,
    )
    assert (loaded.platform.enforce_kind, loaded.platform.max_recipients) == (False, 10)
    assert (loaded.one_api.max_messages, dict(loaded.platform.error_texts)) == (5, {158: "x"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("accounts:\n  - {user: u}\n", "b.yaml: accounts[0].api_id: required key is missing"),
        ("accounts:\n  - {integrations: [{api: soap, api_key: k}]}\n",
         "b.yaml: accounts[0].integrations[0].api: expected one of platform, one, got 'soap'"),
        ("accounts:\n  - {integrations: [{api: one}]}\n",
         "b.yaml: accounts[0].integrations[0].api_key: required key is missing"),
        ("accounts:\n  - {integrations: [{api: one, api_key: 'a b'}]}\n",
         "b.yaml: accounts[0].integrations[0].api_key: expected a token of 1 to 1024 printable"
         " ASCII characters without spaces, got 'a b'"),
        ("accounts:\n  - {integrations: [{api: one, kind: rest, api_key: k}]}\n",
         "b.yaml: accounts[0].integrations[0].kind: kind is the Platform's (rest or http); a One"
         " API key has none"),
        ("accounts:\n  - {integrations: [{api: platform, kind: soap, api_key: k}]}\n",
         "b.yaml: accounts[0].integrations[0].kind: expected one of rest, http, got 'soap'"),
        ("accounts:\n  - {integrations: [{api: platform, api_key: k, id: XYZ}]}\n",
         "b.yaml: accounts[0].integrations[0].id: expected an integration id of 32 lowercase hex"
         " digits, got 'XYZ'"),
        ("accounts:\n  - {integrations: [{api: platform, api_key: k, numbers: ['+27']}]}\n",
         "b.yaml: accounts[0].integrations[0].numbers[0]: expected a number of digits, got '+27'"),
        ("accounts:\n  - {integrations: [{api: one, api_key: k, status_callback: {url: 'http://h', method: GET}}]}\n",
         "b.yaml: accounts[0].integrations[0].status_callback.method: expected one of POST, got 'GET'"),
        ("accounts:\n  - {integrations: [{api: one, api_key: k, reply_callback: {url: 'http://h', charset: legacy}}]}\n",
         "b.yaml: accounts[0].integrations[0].reply_callback.charset: unknown key; expected one of"
         " url, method, timeout, retry_minutes"),
        ("accounts:\n  - {integrations: [{api: platform, api_key: k, status_callback: {url: 'ftp://h'}}]}\n",
         "b.yaml: accounts[0].integrations[0].status_callback.url: expected a URL starting with"
         " http:// or https://, got 'ftp://h'"),
        ("accounts:\n  - {integrations: [{api: platform, api_key: k, status_callback: {url: 'http://h', statuses: [13]}}]}\n",
         "b.yaml: accounts[0].integrations[0].status_callback.statuses[0]: expected a message"
         " status (001, 002, 003, 004, 005, 006, 007, 008, 009, 010, 011, 012, 014), got 13"),
        ("accounts:\n  - {integrations: [{api: platform, api_key: k, reply_callback: {url: 'http://h', charset: UTF-16}}]}\n",
         "b.yaml: accounts[0].integrations[0].reply_callback.charset: expected one of UTF-8,"
         " legacy, got 'UTF-16'"),
        ("accounts:\n  - {integrations: [{api: one, api_key: k}]}\n  - {integrations: [{api: one, api_key: k}]}\n",
         "b.yaml: accounts[1].integrations[0].api_key: a key the integration at"
         " accounts[0].integrations[0] lists already: each belongs to one integration"),
        ("accounts:\n  - {integrations: [{api: one, api_key: k, numbers: ['1']}, {api: platform, api_key: j, numbers: ['1']}]}\n",
         "b.yaml: accounts[0].integrations[1].numbers: a number the integration at"
         " accounts[0].integrations[0] lists already: each belongs to one integration"),
        ("accounts:\n  - {integrations: [{api: one, api_key: k}], currency: rand}\n",
         "b.yaml: accounts[0].currency: expected a currency code of three capital letters, such"
         " as ZAR, got 'rand'"),
        ("platform: {enforce_kind: sometimes}\n",
         "b.yaml: platform.enforce_kind: expected true or false, got 'sometimes'"),
        ("platform: {max_recipients: 0}\n",
         "b.yaml: platform.max_recipients: expected an integer >= 1, got 0"),
        ("one_api: {max_recipients: 5}\n",
         "b.yaml: one_api.max_recipients: unknown key; expected one of max_messages, error_texts"),
        ("one_api: {error_texts: {1000: x}}\n",
         "b.yaml: one_api.error_texts.1000: expected an error code from 001 to 999, got 1000"),
    ],
)  # fmt: skip
def test_broken_integration_keys_name_file_path_and_expectation(text: str, message: str):
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "b.yaml")
    assert str(info.value) == message


# -- intercept mode --------------------------------------------------------------------------------


def test_intercept_mode_answers_the_platform_and_the_one_api_in_process():
    with intercept(dict(ACCOUNTS)) as fake:
        sent = requests.get(
            "https://platform.clickatell.com/messages/http/send",
            params={"apiKey": "CY1Tv-d8SOys3y7Hjt3Jfg==", "to": "27999000001", "content": "Hi"},
            timeout=5,
        )
        assert sent.status_code == 202
        assert sent.headers["Content-Type"] == "application/json"
        posted = httpx.post(
            "https://platform.clickatell.com/messages",
            json={"content": "Hello", "to": ["27999000002"]},
            headers={"Authorization": PLATFORM_KEY},
        )
        assert posted.json()["messages"][0]["accepted"] is True
        one = httpx.post(
            "https://platform.clickatell.com/v1/message",
            json={"messages": [{"channel": "sms", "to": "27999000003", "content": "Yo"}]},
            headers={"Authorization": ONE_KEY},
        )
        assert one.status_code == 202
        balance = requests.get(
            "https://platform.clickatell.com/v1/balance",
            headers={"Authorization": ONE_KEY},
            timeout=5,
        )
        assert balance.text == '{"balance":1264.92865,"currency":"ZAR"}'
        assert [m.api for m in fake.messages] == ["platform", "platform", "one"]
        fake.assert_sent(to="27999000003", text="Yo", api="one")
        assert fake.platform_url == "https://platform.clickatell.com"


def test_the_gateway_answers_the_newer_apis_without_an_adapter():
    gateway = Gateway(STRICT, time_source=lambda: T0)
    body = json.dumps({"messages": [{"to": "27999000001", "content": "x"}]}).encode()
    outcome = gateway.handle(
        ApiRequest(
            command="/v1/message",
            params=Params(),
            method="POST",
            path="/v1/message",
            api="one",
            headers={"authorization": ONE_KEY},
            body=body,
        )
    )
    assert (outcome.status, outcome.content_type) == (202, "application/json")
    assert [entry.api for entry in gateway.journal.entries()] == ["one"]


#: Clickatell's status table, as the reference gives it: legacy status, the Platform's
#: statusCode and status, the One API's statusCode and status.
STATUS_TABLE = """
001 | 1 MESSAGE_UNKNOWN | 1 UNKNOWN
002 | 2 MESSAGE_QUEUED | 2 QUEUED
003 | 3 DELIVERED_TO_GATEWAY | 4 SENT_TO_SUPPLIER
004 | 4 RECEIVED_BY_RECIPIENT | 5 DEVICE_ACK
005 | 5 ERROR_WITH_MESSAGE | 23 DELIVERY_FAILURE
006 | 6 USER_CANCELLED_MESSAGE_DELIVERY | 21 STOPPED_BY_USER
007 | 7 ERROR_DELIVERING_MESSAGE | 23 DELIVERY_FAILURE
008 | 8 OK | 2 QUEUED
009 | 9 ROUTING_ERROR | 100 ROUTING_ERROR
010 | 10 MESSAGE_EXPIRED | 20 EXPIRED
011 | 11 MESSAGE_QUEUED_FOR_LATER_DELIVERY | 3 SCHEDULED
012 | 12 OUT_OF_CREDIT | 25 INSUFFICIENT_ACCOUNT_BALANCE
014 | 14 MAXIMUM_MT_LIMIT_EXCEEDED | 26 VOLUME_LIMIT
"""


def test_every_legacy_status_renders_as_the_reference_table_says():
    expected_platform, expected_one = {}, {}
    for line in STATUS_TABLE.strip().splitlines():
        legacy, platform, one = (cell.split() for cell in line.split(" | "))
        expected_platform[int(legacy[0])] = (int(platform[0]), platform[1])
        expected_one[int(legacy[0])] = (int(one[0]), one[1])
    assert dict(PLATFORM_STATUSES) == expected_platform
    assert dict(ONE_API_STATUSES) == expected_one


@pytest.mark.parametrize("api", ["http", "rest", "platform", "one"])
def test_a_message_the_lifecycle_expires_at_once_is_refunded_through_every_api(
    make_fake: MakeFake, api: str
):
    # No callback anywhere: the refund must not wait for a status to be pushed.
    fake = make_fake(scenario({**ACCOUNTS, "lifecycle": [{"status": 10, "after": 0}]}))
    if api == "http":
        assert fake.call("sendmsg", to="27999000001", text="hi", **LEGACY).startswith("ID: ")
    elif api == "rest":
        sent = call(
            fake,
            "POST",
            "/rest/message",
            {"to": ["27999000001"], "text": "hi"},
            None,
            {"Authorization": "Bearer rest-token", "X-Version": "1"},
        )
        assert sent[0] == 202, sent
    elif api == "platform":
        platform_one(fake)
    else:
        one_one(fake)
    (message,) = fake.messages()
    assert (message["status"], message["charge"]) == ("010", "0")
    assert fake.call("getbalance", **LEGACY) == "Credit: 1267.93"
