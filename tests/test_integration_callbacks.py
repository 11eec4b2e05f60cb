"""The Platform's and One API's callbacks against a loopback receiver, on the virtual clock:
status callbacks and replies (inbound messages), each API and method, byte for byte, with
their retries; and what the admin API shows of them (the key masked)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote

from flask import Flask
from flask.testing import FlaskClient

from fake_clickatell import create_app

from .integration_support import ONE_KEY, PLATFORM_KEY, scenario
from .support import T0, Receiver

T0_MS = int(T0 * 1000)
NAME = "My integration"
INTEGRATION_ID = "fa8090815f05d5ed015f0b5b56080cd2"


def fake_with(integration: dict[str, Any], **account: Any) -> tuple[Flask, FlaskClient]:
    """A fake whose one account has this integration."""
    data = {"accounts": [{"integrations": [integration], **account}]}
    app = create_app(scenario(data))
    return app, app.test_client()


def flush(client: FlaskClient) -> list[dict[str, Any]]:
    """Send the pushes due now; every push the fake knows."""
    result: dict[str, Any] = client.post("/__admin/callbacks/flush").get_json()
    assert result["flushed"] is True
    pushes: list[dict[str, Any]] = result["pushes"]
    return pushes


def advance(client: FlaskClient, seconds: float) -> None:
    client.post("/__admin/clock", json={"advance": seconds})


def platform(receiver: Receiver, **hooks: Any) -> dict[str, Any]:
    """A Platform REST integration with these hooks (``status``/``reply``: their settings)."""
    integration: dict[str, Any] = {
        "api": "platform",
        "api_key": PLATFORM_KEY,
        "id": INTEGRATION_ID,
        "name": NAME,
        "numbers": ["27990000000"],
    }
    for name, settings in hooks.items():
        integration[f"{name}_callback"] = {"url": f"{receiver.url}/{name}", **settings}
    return integration


def one(receiver: Receiver, **hooks: Any) -> dict[str, Any]:
    """A One API integration with these hooks."""
    return {**platform(receiver, **hooks), "api": "one", "api_key": ONE_KEY}


def send_platform(client: FlaskClient, **fields: Any) -> str:
    body = {"content": "hi", "to": ["27999000001"], "from": "27990000000", **fields}
    reply = client.post("/messages", data=json.dumps(body), headers={"Authorization": PLATFORM_KEY})
    assert reply.status_code == 202, reply.get_data(as_text=True)
    apimsgid: str = reply.get_json()["messages"][0]["apiMessageId"]
    return apimsgid


def send_one(client: FlaskClient, **fields: Any) -> str:
    body = {"messages": [{"channel": "sms", "to": "27999000001", "content": "Hi", **fields}]}
    reply = client.post("/v1/message", data=json.dumps(body), headers={"Authorization": ONE_KEY})
    assert reply.status_code == 202, reply.get_data(as_text=True)
    apimsgid: str = reply.get_json()["messages"][0]["apiMessageId"]
    return apimsgid


def inject(client: FlaskClient, text: str, sender: str = "27999000001", **more: str) -> list[str]:
    payload = {"to": "27990000000", "from": sender, "text": text, **more}
    reply = client.post("/__admin/mo", json=payload)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    ids: list[str] = reply.get_json()["moMsgIds"]
    return ids


# -- the Platform's status callback --------------------------------------------------------------


def platform_status(
    apimsgid: str, request_id: str, code: int, name: str, text: str, ms: int
) -> str:
    return (
        f'{{"integrationName":"{NAME}","apiKey":"{PLATFORM_KEY}","messageId":"{apimsgid}",'
        f'"requestId":"{request_id}","clientMessageId":"c-1","to":"27999000001",'
        f'"from":"27990000000","statusCode":{code},"status":"{name}",'
        f'"statusDescription":"{text}","timestamp":{ms}}}'
    )


def test_platform_status_callbacks_by_post_are_json_for_every_status():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, status={}))
        apimsgid = send_platform(client, clientMessageId="c-1")
        flush(client)
        advance(client, 5)
        pushes = flush(client)
    first, second = receiver.requests
    request_id = json.loads(first.body)["requestId"]
    assert len(request_id) == 32
    assert request_id != apimsgid
    assert [r.body.decode() for r in receiver.requests] == [
        platform_status(
            apimsgid, request_id, 3, "DELIVERED_TO_GATEWAY", "Delivered to gateway", T0_MS
        ),
        platform_status(
            apimsgid, request_id, 4, "RECEIVED_BY_RECIPIENT", "Received by recipient", T0_MS + 5000
        ),
    ]
    for request in (first, second):
        assert (request.method, request.path) == ("POST", "/status")
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"] == "fake_clickatell"
    shown = [push["body"] for push in pushes]
    assert PLATFORM_KEY not in "".join(shown)
    assert '"apiKey":"********"' in shown[0]
    assert [(p["kind"], p["api"], p["integration"], p["status"]) for p in pushes] == [
        ("callback", "platform", INTEGRATION_ID, "003"),
        ("callback", "platform", INTEGRATION_ID, "004"),
    ]


def test_platform_status_callbacks_by_get_are_the_same_fields_in_a_query():
    with Receiver() as receiver:
        settings = {"method": "GET", "statuses": ["004"], "api_key": False}
        _, client = fake_with(platform(receiver, status=settings))
        apimsgid = send_platform(client)
        flush(client)
        advance(client, 5)
        (push,) = flush(client)
    (request,) = receiver.requests
    assert (request.method, request.path, request.body) == ("GET", "/status", b"")
    fields = parse_qsl(request.query, keep_blank_values=True)
    assert [name for name, _ in fields] == [
        "integrationName",
        "messageId",
        "requestId",
        "clientMessageId",
        "to",
        "from",
        "statusCode",
        "status",
        "statusDescription",
        "timestamp",
    ]
    values = dict(fields)
    assert (values["messageId"], values["clientMessageId"], values["statusCode"]) == (
        apimsgid,
        "",
        "4",
    )
    assert (values["status"], values["timestamp"]) == ("RECEIVED_BY_RECIPIENT", str(T0_MS + 5000))
    assert push["url"] == f"{receiver.url}/status?{request.query}"  # no key in it to mask


def test_a_get_callback_url_with_a_query_keeps_it_and_names_the_fake():
    with Receiver() as receiver:
        settings = {"method": "GET", "statuses": [3], "api_key": False}
        integration = platform(receiver, status=settings)
        integration["status_callback"]["url"] += "?tenant=7"
        _, client = fake_with(integration)
        send_platform(client)
        flush(client)
    (request,) = receiver.requests
    assert request.path == "/status"
    assert request.query.startswith("tenant=7&integrationName=")
    assert request.headers["user-agent"] == "fake_clickatell"


def test_a_get_callback_with_the_key_shows_it_masked():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, status={"method": "GET", "statuses": [3]}))
        send_platform(client)
        (push,) = flush(client)
    (request,) = receiver.requests
    assert dict(parse_qsl(request.query))["apiKey"] == PLATFORM_KEY
    assert quote(PLATFORM_KEY, safe="") not in push["url"]
    assert "apiKey=********" in push["url"]


def test_a_status_callback_that_fails_is_retried_on_the_virtual_clock():
    with Receiver(statuses=[500, 503]) as receiver:
        _, client = fake_with(platform(receiver, status={"statuses": ["003"]}))
        send_platform(client)
        flush(client)
        advance(client, 119)
        flush(client)
        assert len(receiver.requests) == 1  # not due yet
        advance(client, 1)
        flush(client)
        advance(client, 240)
        (push,) = flush(client)
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1  # the same push each time
    assert push["state"] == "delivered"
    assert [(a["attempt"], a["time"] - T0, a["ok"], a["detail"]) for a in push["attempts"]] == [
        (1, 0, False, "HTTP 500"),
        (2, 120, False, "HTTP 503"),
        (3, 360, True, "HTTP 200"),
    ]


def test_retry_minutes_and_giving_up():
    with Receiver(statuses=[500] * 5) as receiver:
        settings = {"statuses": [3], "retry_minutes": [1, 1]}
        _, client = fake_with(platform(receiver, status=settings))
        send_platform(client)
        advance(client, 3600)
        (push,) = flush(client)
    assert [a["time"] - T0 for a in push["attempts"]] == [0, 60, 120]
    assert push["state"] == "failed"


def test_messages_of_other_apis_push_nothing_to_an_integration():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, status={}), api_id="1", user="u", password="p")
        client.get("/http/sendmsg?api_id=1&user=u&password=p&to=27999000001&text=x&callback=7")
        advance(client, 5)
        assert flush(client) == []
    assert receiver.requests == []


# -- the One API's status callback ---------------------------------------------------------------


def test_one_api_status_callbacks_are_message_status_updates():
    with Receiver() as receiver:
        _, client = fake_with(one(receiver, status={}))
        apimsgid = send_one(client, clientMessageId="c-1")
        flush(client)
        advance(client, 5)
        pushes = flush(client)
        second = send_one(client, scheduledDeliveryTime=int(T0) + 60)
        flush(client)
    updates = [
        (apimsgid, '"c-1"', T0_MS, "SENT_TO_SUPPLIER", 4),
        (apimsgid, '"c-1"', T0_MS + 5000, "DEVICE_ACK", 5),
        (second, "null", T0_MS + 5000, "SCHEDULED", 3),
    ]
    assert [r.body.decode() for r in receiver.requests] == [
        f'{{"integrationId":"{INTEGRATION_ID}","integrationName":"{NAME}","event":'
        f'{{"messageStatusUpdate":[{{"channel":"sms","messageId":"{message}",'
        f'"clientMessageId":{client_id},"timestamp":{ms},"status":"{name}","statusCode":{code}}}]}}}}'
        for message, client_id, ms, name, code in updates
    ]
    assert {(r.method, r.headers["content-type"]) for r in receiver.requests} == {
        ("POST", "application/json")
    }
    assert [p["api"] for p in pushes] == ["one", "one"]


# -- replies (inbound messages) ------------------------------------------------------------------


def platform_reply(
    message_id: str, reply_id: str, text: str, charset: str = "UTF-8", network: str = ""
) -> str:
    return (
        f'{{"integrationId":"{INTEGRATION_ID}","integrationName":"{NAME}",'
        f'"messageId":"{message_id}","replyMessageId":"{reply_id}","apiKey":"{PLATFORM_KEY}",'
        f'"fromNumber":"27999000001","toNumber":"27990000000","timestamp":{T0_MS},'
        f'"text":"{text}","charset":"{charset}","udh":"","network":"{network}","keyword":""}}'
    )


def test_a_reply_carries_the_network_the_injection_names():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, reply={}))
        (reply_id,) = inject(client, "yes", network="65510")
        flush(client)
        inbound = client.get("/__admin/mo").get_json()["inbound"]
    assert [r.body.decode() for r in receiver.requests] == [
        platform_reply(reply_id, reply_id, "yes", network="65510")
    ]
    assert [(part["moMsgId"], part["network"]) for part in inbound] == [(reply_id, "65510")]
    with Receiver() as receiver:
        _, client = fake_with(one(receiver, reply={}))
        inject(client, "yes", network="65510")
        flush(client)
    (request,) = receiver.requests
    assert json.loads(request.body)["event"]["moText"][0]["sms"] == {"network": "65510"}


def test_a_platform_reply_names_the_message_it_answers():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, reply={}))
        (unrelated,) = inject(client, "hello?", sender="27999000009")
        apimsgid = send_platform(client)
        (answer,) = inject(client, "yes please")
        pushes = flush(client)
    assert [r.body.decode() for r in receiver.requests] == [
        platform_reply(unrelated, unrelated, "hello?").replace("27999000001", "27999000009"),
        platform_reply(apimsgid, answer, "yes please"),
    ]
    assert {(r.method, r.path) for r in receiver.requests} == {("POST", "/reply")}
    assert [(p["kind"], p["api"], p["moMsgId"]) for p in pushes] == [
        ("mo", "platform", unrelated),
        ("mo", "platform", answer),
    ]
    assert PLATFORM_KEY not in json.dumps(pushes)


def test_a_platform_reply_by_get_in_the_legacy_encodings():
    with Receiver() as receiver:
        settings = {"method": "GET", "charset": "legacy", "api_key": False}
        _, client = fake_with(platform(receiver, reply=settings))
        inject(client, "hello!")
        inject(client, "Привет")
        flush(client)
    latin, unicode = (dict(parse_qsl(r.query, encoding="latin-1")) for r in receiver.requests)
    assert (latin["text"], latin["charset"]) == ("hello!", "ISO-8859-1")
    assert "apiKey" not in latin
    assert unicode["charset"] == "UTF-16BE"
    assert unicode["text"].encode("latin-1").decode("utf-16-be") == "Привет"
    assert "text=%04%1F%04%40" in receiver.requests[1].query  # raw UTF-16BE, percent-encoded


def test_a_platform_reply_by_post_in_the_legacy_encodings_is_percent_encoded():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, reply={"charset": "legacy"}))
        (latin,) = inject(client, "hello!")
        (wide,) = inject(client, "mex€")
        flush(client)
    assert [r.body.decode() for r in receiver.requests] == [
        platform_reply(latin, latin, "hello%21", "ISO-8859-1"),
        platform_reply(wide, wide, "%00m%00e%00x%20%AC", "UTF-16BE"),
    ]


def test_a_one_api_reply_is_a_mo_text_event():
    with Receiver() as receiver:
        _, client = fake_with(one(receiver, reply={}))
        (first,) = inject(client, "hi")
        apimsgid = send_one(client, clientMessageId="order-7")
        (second,) = inject(client, "ok")
        flush(client)
    related = [("null", "null"), (f'"{apimsgid}"', '"order-7"')]
    assert [r.body.decode() for r in receiver.requests] == [
        f'{{"integrationId":"{INTEGRATION_ID}","integrationName":"{NAME}","event":{{"moText":['
        f'{{"channel":"sms","messageId":"{mo_id}","relatedMessageId":{message},'
        f'"relatedClientMessageId":{client_id},"from":"27999000001","to":"27990000000",'
        f'"timestamp":{T0_MS},"content":"{text}","charset":"UTF-8","sms":{{"network":""}}}}]}}}}'
        for mo_id, text, (message, client_id) in zip(
            (first, second), ("hi", "ok"), related, strict=True
        )
    ]


def test_a_reply_after_seven_days_answers_nothing():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, reply={}))
        send_platform(client)
        advance(client, 7 * 86400 + 1)
        (reply_id,) = inject(client, "late")
        flush(client)
    (request,) = receiver.requests
    assert json.loads(request.body)["messageId"] == reply_id


def test_a_long_reply_arrives_in_parts_with_their_udh():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, reply={}))
        ids = inject(client, "x" * 200)
        flush(client)
    parts = [json.loads(r.body) for r in receiver.requests]
    assert [p["replyMessageId"] for p in parts] == ids
    assert [p["udh"][-4:] for p in parts] == ["0201", "0202"]
    assert "".join(p["text"] for p in parts) == "x" * 200


def test_a_stop_to_an_integrations_number_opts_the_handset_out_everywhere():
    with Receiver() as receiver:
        _, client = fake_with(platform(receiver, reply={}), api_id="1", user="u", password="p")
        inject(client, "STOP")
        flush(client)
        refused = client.post(
            "/messages",
            data=json.dumps({"content": "x", "to": ["27999000001"], "from": "27990000000"}),
            headers={"Authorization": PLATFORM_KEY},
        ).get_json()["messages"][0]
        legacy = client.get("/http/sendmsg?api_id=1&user=u&password=p&to=27999000001&text=x")
    assert (refused["errorCode"], refused["error"]) == (122, "Destination mobile opted out")
    assert legacy.get_data(as_text=True) == "ERR: 122, Destination mobile opted out"
    assert len(receiver.requests) == 1


def test_an_integration_without_a_reply_url_keeps_the_inbound_message():
    _, client = fake_with({"api": "platform", "api_key": PLATFORM_KEY, "numbers": ["27990000000"]})
    (mo_id,) = inject(client, "hi")
    assert flush(client) == []
    (part,) = client.get("/__admin/mo").get_json()["inbound"]
    assert (part["moMsgId"], part["to"], part["text"]) == (mo_id, "27990000000", "hi")
    elsewhere = {"to": "27990000001", "from": "27999000001", "text": "x", "api_id": "account-1"}
    refused = client.post("/__admin/mo", json=elsewhere)
    assert refused.status_code == 400
    assert "not one of the account's numbers" in refused.get_json()["error"]
