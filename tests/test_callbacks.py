"""Delivery-status callbacks and inbound (MO) pushes: exact bytes, masks, retries, safety."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

import pytest

from fake_clickatell import create_app, load_scenario_text
from fake_clickatell.core.outbox import HostPolicy
from fake_clickatell.core.push_payloads import (
    MoPart,
    build_request,
    callback_fields,
    callback_soap,
    callback_xml,
)
from fake_clickatell.core.scenario_model import PushFormat, PushTarget

from .support import T0, Receiver

# -- byte-exact rendering against the reference's examples -----------------------------------

SPEC_FIELDS = callback_fields(
    api_id="12345",
    apimsgid="996f364775e24b8432f45d77da8eca47",
    climsgid="abc123",
    timestamp=1218007814,
    to="279995631564",
    sender="27833001171",
    status=3,
    charge=Decimal("0.3"),
)


def test_http_get_callback_is_specs_example():
    request = build_request(
        PushTarget("https://www.yoururl.com/script.asp", PushFormat.HTTP_GET),
        SPEC_FIELDS,
        "",
        "",
        user_agent="x",
    )
    assert request.method == "GET"
    assert request.url == (
        "https://www.yoururl.com/script.asp?api_id=12345&apiMsgId=996f364775e24b8432f45d77da8eca47"
        "&cliMsgId=abc123&timestamp=1218007814&to=279995631564&from=27833001171&status=003"
        "&charge=0.300000"
    )
    assert request.body is None


def test_http_post_callback_is_the_same_fields_as_a_form():
    request = build_request(
        PushTarget("http://h/cb", PushFormat.HTTP_POST), SPEC_FIELDS, "", "", user_agent="x"
    )
    assert request.url == "http://h/cb"
    assert request.body == (
        b"api_id=12345&apiMsgId=996f364775e24b8432f45d77da8eca47&cliMsgId=abc123&timestamp=1218007814"
        b"&to=279995631564&from=27833001171&status=003&charge=0.300000"
    )
    assert ("Content-Type", "application/x-www-form-urlencoded") in request.headers


def test_xml_callback_is_specs_example():
    fields = callback_fields(
        api_id="12345",
        apimsgid="996411ad91fa211e7d17bc873aa4a41d",
        climsgid=None,
        timestamp=1218008129,
        to="279995631564",
        sender="27833001171",
        status=4,
        charge=Decimal("0.300000"),
    )
    assert callback_xml(fields) == (
        '<?xml version="1.0"?>\n'
        "<callback>\n"
        " <apiMsgId>996411ad91fa211e7d17bc873aa4a41d</apiMsgId>\n"
        " <cliMsgId></cliMsgId>\n"
        " <timestamp>1218008129</timestamp>\n"
        " <to>279995631564</to>\n"
        " <from>27833001171</from>\n"
        " <charge>0.300000</charge>\n"
        " <status>004</status>\n"
        "</callback>"
    )


def test_soap_callback_envelope():
    soap = callback_soap(SPEC_FIELDS)
    assert soap.startswith('<?xml version="1.0" encoding="ISO-8859-1"?>\n<SOAP-ENV:Envelope ')
    assert 'xmlns:tns="mt_callback"' in soap
    children = [
        '<api_id xsi:type="xsd:int">12345</api_id>',
        '<apimsgid xsi:type="xsd:string">996f364775e24b8432f45d77da8eca47</apimsgid>',
        '<climsgid xsi:type="xsd:string">abc123</climsgid>',
        '<to xsi:type="xsd:string">279995631564</to>',
        '<from xsi:type="xsd:string">27833001171</from>',
        '<timestamp xsi:type="xsd:int">1218007814</timestamp>',
        '<status xsi:type="xsd:int">003</status>',
        '<charge xsi:type="xsd:float">0.300000</charge>',
    ]
    body = soap.split('<tns:mt_callback xmlns:tns="mt_callback">\n', 1)[1]
    assert (
        body == "\n".join(children) + "\n</tns:mt_callback>\n</SOAP-ENV:Body>\n</SOAP-ENV:Envelope>"
    )


def _utc(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()


def test_mo_http_is_a_real_capture_byte_for_byte():
    part = MoPart(
        "3460000",
        "c6b1e0eb9d6b8d549621235aaf089a26",
        "380660000000",
        "491700000000",
        _utc("2014-01-29 00:08:30"),
        "Hi, man",
        "ISO-8859-1",
    )
    request = build_request(
        PushTarget("http://h/mo", PushFormat.HTTP_GET), part.http_fields(), "", "", user_agent="x"
    )
    assert request.url.split("?", 1)[1] == (
        "api_id=3460000&from=380660000000&to=491700000000&timestamp=2014-01-29+02%3A08%3A30"
        "&text=Hi%2C+man&charset=ISO-8859-1&udh=&moMsgId=c6b1e0eb9d6b8d549621235aaf089a26"
    )


def test_mo_unicode_is_utf16be_percent_encoded_like_a_real_capture():
    part = MoPart(
        "3460000",
        "1de97e5e15f76bb1e374f1ea3d33bf65",
        "380660000000",
        "491700000000",
        _utc("2014-01-29 00:05:46"),
        "Привет, жопа!",
        "UTF-16BE",
    )
    request = build_request(
        PushTarget("http://h/mo", PushFormat.HTTP_GET), part.http_fields(), "", "", user_agent="x"
    )
    assert request.url.split("?", 1)[1] == (
        "api_id=3460000&from=380660000000&to=491700000000&timestamp=2014-01-29+02%3A05%3A46"
        "&text=%04%1F%04%40%048%042%045%04B%00%2C%00+%046%04%3E%04%3F%040%00!"
        "&charset=UTF-16BE&udh=&moMsgId=1de97e5e15f76bb1e374f1ea3d33bf65"
    )


def test_mo_post_has_the_fields_of_a_real_post_capture():
    # HCL's captured POST body, field for field (their order differs; values are exact).
    captured = (
        "api_id=3523864&from=919676026708&timestamp=2015-02-04+09%3A30%3A36&text=Test+clicks+tell+103+2-4-2015"
        "&charset=ISO-8859-1&udh=&moMsgId=d2b66016178dda7c3b4a701056797755&to=447860024227"
    )
    part = MoPart(
        "3523864",
        "d2b66016178dda7c3b4a701056797755",
        "919676026708",
        "447860024227",
        _utc("2015-02-04 07:30:36"),
        "Test clicks tell 103 2-4-2015",
        "ISO-8859-1",
    )
    request = build_request(
        PushTarget("http://h/mo", PushFormat.HTTP_POST), part.http_fields(), "", "", user_agent="x"
    )
    assert request.body is not None
    assert sorted(parse_qsl(request.body.decode(), keep_blank_values=True)) == sorted(
        parse_qsl(captured, keep_blank_values=True)
    )


def test_mo_xml_and_soap():
    part = MoPart(
        "1",
        "m" * 32,
        "27831234567",
        "27999000001",
        _utc("2007-02-26 12:36:50"),
        "a<b & c",
        "ISO-8859-1",
    )
    assert part.xml() == (
        '<?xml version="1.0"?><clickmo><api_id>1</api_id><moMsgId>' + "m" * 32 + "</moMsgId>"
        "<from>27831234567</from><to>27999000001</to><timestamp>2007-02-26 14:36:50</timestamp>"
        "<text>a&lt;b &amp; c</text><charset>ISO-8859-1</charset><udh></udh></clickmo>"
    )
    # Byte for byte, like the MT callback envelope above: the envelope of the MT callback with
    # namespace clickatell_mo, element mo_callback and the MO children in the reference's order,
    # lower-case, values XML-escaped.
    assert part.soap() == (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<SOAP-ENV:Envelope SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
        'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" '
        'xmlns:tns="clickatell_mo">\n'
        "<SOAP-ENV:Body>\n"
        '<tns:mo_callback xmlns:tns="clickatell_mo">\n'
        '<api_id xsi:type="xsd:int">1</api_id>\n'
        '<from xsi:type="xsd:string">27831234567</from>\n'
        '<to xsi:type="xsd:string">27999000001</to>\n'
        '<timestamp xsi:type="xsd:string">2007-02-26 14:36:50</timestamp>\n'
        '<charset xsi:type="xsd:string">ISO-8859-1</charset>\n'
        '<udh xsi:type="xsd:string"></udh>\n'
        '<text xsi:type="xsd:string">a&lt;b &amp; c</text>\n'
        '<momsgid xsi:type="xsd:string">' + "m" * 32 + "</momsgid>\n"
        "</tns:mo_callback>\n"
        "</SOAP-ENV:Body>\n"
        "</SOAP-ENV:Envelope>"
    )


def test_host_policy():
    policy = HostPolicy(("127.0.0.0/8", "::1", "localhost", "hooks.example.com", "10.1.0.0/16"))
    assert policy.allows("http://127.0.0.1:8000/cb")
    assert policy.allows("https://localhost/cb")
    assert policy.allows("http://[::1]:9/cb")
    assert policy.allows("http://HOOKS.example.com./cb")
    assert policy.allows("http://10.1.2.3/cb")
    assert not policy.allows("http://10.2.0.1/cb")
    assert not policy.allows("http://example.com/cb")
    assert not policy.allows("http://evil.localhost.example/cb")
    assert not policy.allows("ftp://127.0.0.1/cb")
    assert not policy.allows("http://[::1/cb")
    assert not policy.allows("http:///nohost")


# -- end to end, through a real receiver on loopback ------------------------------------------


def fake_for(receiver: Receiver, fmt: str = "HTTP_POST", extra: str = ""):
    text = f"""
seed: 1
clock: {{start: {T0}, frozen: true}}
accounts:
  - api_id: "12345"
    user: u
    password: p
    callback: {{url: "{receiver.url}/cb?x=1", format: {fmt}{extra}}}
    mo: {{numbers: ["27999000001"], url: "{receiver.url}/mo", format: {fmt}{extra}}}
"""
    app = create_app(load_scenario_text(text, "cb.yaml"))
    return app, app.test_client()


def send(client, **params: str) -> str:
    base = {"api_id": "12345", "user": "u", "password": "p", "to": "27831234567", "text": "hi"}
    body: str = client.get("/http/sendmsg", query_string={**base, **params}).get_data(as_text=True)
    assert body.startswith("ID: "), body
    return body[4:]


def flush(client) -> dict[str, Any]:
    result: dict[str, Any] = client.post("/__admin/callbacks/flush").get_json()
    assert result["flushed"] is True
    return result


#: The form-field, XML and SOAP formats (JSON_POST has its own test, with the REST API's).
FORM_FORMATS = [f.value for f in PushFormat if f is not PushFormat.JSON_POST]


@pytest.mark.parametrize("fmt", FORM_FORMATS)
def test_each_callback_format_arrives_byte_exact(fmt: str):
    with Receiver() as receiver:
        _app, client = fake_for(receiver, fmt, ", username: hook, password: s3cret")
        apimsgid = send(client, callback="3", climsgid="c-1", **{"from": "ACME"})
        flush(client)
        client.post("/__admin/clock", json={"advance": 5})
        flush(client)
    fields = [
        [
            ("api_id", "12345"),
            ("apiMsgId", apimsgid),
            ("cliMsgId", "c-1"),
            ("timestamp", str(int(T0 + delay))),
            ("to", "27831234567"),
            ("from", "ACME"),
            ("status", status),
            ("charge", "1.000000"),
        ]
        for status, delay in (("003", 0), ("004", 5))
    ]
    assert len(receiver.requests) == 2
    for received, expected in zip(receiver.requests, fields, strict=True):
        assert received.method == fmt.rsplit("_", 1)[1]
        assert received.path == "/cb"
        assert received.headers["authorization"] == "Basic aG9vazpzM2NyZXQ="  # hook:s3cret
        payload = (
            received.query.split("&", 1)[1] if received.method == "GET" else received.body.decode()
        )
        if received.method == "GET":
            assert received.query.startswith("x=1&")  # the configured URL's own query is kept
        else:
            assert received.query == "x=1"
            assert received.headers["content-type"] == "application/x-www-form-urlencoded"
        if fmt.startswith("HTTP"):
            assert parse_qsl(payload, keep_blank_values=True) == expected
        else:
            ((name, data),) = parse_qsl(payload, keep_blank_values=True, encoding="latin-1")
            assert name == "data"
            rendered = callback_xml(expected) if fmt.startswith("XML") else callback_soap(expected)
            assert data == rendered


def test_mo_push_each_format_and_stop_opt_out():
    for fmt in FORM_FORMATS:
        with Receiver() as receiver:
            _app, client = fake_for(receiver, fmt)
            reply = client.post(
                "/__admin/mo", json={"to": "27999000001", "from": "27831234567", "text": "STOP"}
            )
            (mo_id,) = reply.get_json()["moMsgIds"]
            flush(client)
            (received,) = receiver.requests
            assert received.path == "/mo"
            assert received.headers["user-agent"] == "Clickatell MO Callback"
            payload = received.query if received.method == "GET" else received.body.decode()
            fields = dict(parse_qsl(payload, keep_blank_values=True, encoding="latin-1"))
            if fmt.startswith("HTTP"):
                assert fields == {
                    "api_id": "12345",
                    "from": "27831234567",
                    "to": "27999000001",
                    "timestamp": "2027-01-15 10:00:00",
                    "text": "STOP",
                    "charset": "ISO-8859-1",
                    "udh": "",
                    "moMsgId": mo_id,
                }
            else:
                (shown,) = client.get("/__admin/mo").get_json()["inbound"]
                part = MoPart(
                    shown["api_id"],
                    mo_id,
                    shown["from"],
                    shown["to"],
                    shown["timestamp"],
                    shown["text"],
                    shown["charset"],
                    shown["udh"],
                )
                assert fields == {"data": part.xml() if fmt.startswith("XML") else part.soap()}
                assert shown["timestamp"] == T0
            # STOP opted the sender out: later MT to it is refused
            body = client.get(
                "/http/sendmsg",
                query_string={
                    "api_id": "12345",
                    "user": "u",
                    "password": "p",
                    "to": "27831234567,27831234568",
                    "text": "x",
                },
            ).get_data(as_text=True)
            assert body.split("\n")[0] == "ERR: 122, Destination mobile opted out To: 27831234567"


def test_long_and_unicode_mo_arrive_in_parts_with_a_concatenation_udh():
    with Receiver() as receiver:
        _app, client = fake_for(receiver, "HTTP_POST")
        ids = client.post(
            "/__admin/mo", json={"to": "27999000001", "from": "27831234567", "text": "Ж" * 100}
        ).get_json()["moMsgIds"]
        flush(client)
    assert len(ids) == 2
    parts = [
        dict(parse_qsl(r.body.decode(), keep_blank_values=True, encoding="latin-1"))
        for r in receiver.requests
    ]
    assert [p["moMsgId"] for p in parts] == ids
    assert [p["charset"] for p in parts] == ["UTF-16BE", "UTF-16BE"]
    reference = parts[0]["udh"][6:8]
    assert [p["udh"] for p in parts] == [f"050003{reference}0201", f"050003{reference}0202"]
    texts = [p["text"].encode("latin-1").decode("utf-16-be") for p in parts]
    assert texts == ["Ж" * 67, "Ж" * 33]
    assert b"text=%04%16%04%16" in receiver.requests[0].body


def test_mo_admin_errors():
    with Receiver() as receiver:
        _app, client = fake_for(receiver)
        for payload, message in [
            (
                {"to": "1", "from": "2", "text": "x"},
                "no account has the number '1'; name its api_id",
            ),
            (
                {"to": "27999000001", "from": "2", "text": "x", "api_id": "9"},
                "no account with api_id '9'",
            ),
            (
                {"to": "27999000002", "from": "2", "text": "x", "api_id": "12345"},
                "'27999000002' is not one of the account's numbers",
            ),
            (
                {"to": "27999000001", "text": "x"},
                "missing: from",
            ),
            ({"to": 5}, "to: expected a non-empty string, got 5"),
            ({"text": "\ud800"}, "text: not valid text (a lone surrogate)"),
            (
                {"to": "27999000001", "colour": "red"},
                "unknown keys: colour (known: to, from, text, api_id, user, network)",
            ),
        ]:
            reply = client.post("/__admin/mo", json=payload)
            assert (reply.status_code, reply.get_json()) == (400, {"error": message})
        assert receiver.requests == []


def test_mo_in_open_mode_with_a_default_target():
    with Receiver() as receiver:
        app = create_app(
            load_scenario_text(f"mo: {{url: '{receiver.url}/mo', format: HTTP_GET}}", "o.yaml")
        )
        client = app.test_client()
        reply = client.post(
            "/__admin/mo",
            json={
                "to": "27999000001",
                "from": "27831234567",
                "text": "hi",
                "api_id": "77",
                "user": "u",
            },
        )
        assert reply.status_code == 200
        flush(client)
        assert dict(parse_qsl(receiver.requests[0].query))["api_id"] == "77"
        assert client.get("/__admin/mo").get_json()["inbound"][0]["text"] == "hi"


# -- which statuses each callback value pushes ------------------------------------------------

# The newer callback table (reference B §7.3), written out here independently of the code.
INTERMEDIATE, FINAL, ERROR = (
    {"003"},
    {"004", "005", "007", "009", "010", "012"},
    {"005", "007", "009", "010", "012"},
)
MASKS = {
    0: set(),
    1: INTERMEDIATE,
    2: FINAL,
    3: INTERMEDIATE | FINAL,
    4: ERROR,
    5: INTERMEDIATE | ERROR,
    6: FINAL | ERROR,
    7: INTERMEDIATE | FINAL | ERROR,
}
SEQUENCES = {
    "27990000001": ["003", "004"],
    "27990000002": ["002", "008", "003", "007"],
    "27990000003": ["003", "005"],
    "27990000004": ["008", "009"],
    "27990000005": ["003", "010"],
    "27990000006": ["002", "003", "012"],
}


@pytest.mark.parametrize("mask", range(8))
def test_callback_mask_table(mask: int):
    recipients = "\n".join(
        "  - {{number: '{}', statuses: [{}]}}".format(
            number, ", ".join(f"{{status: '{s}', after: 1}}" for s in seq)
        )
        for number, seq in SEQUENCES.items()
    )
    text = f"""
seed: 1
clock: {{start: {T0}, frozen: true}}
callback: {{url: "http://blocked.example/cb"}}
recipients:
{recipients}
"""
    app = create_app(load_scenario_text(text, "mask.yaml"))
    from fake_clickatell.app import runtime_of

    # The callback host is not allowed: every push is refused at once, and journaled with what
    # it was for; so the outbox lists exactly the pushes the masks selected, with no I/O at all.
    gateway = runtime_of(app).gateway
    client = app.test_client()
    ids = {}
    for number in SEQUENCES:
        ids[send(client, to=number, callback=str(mask))] = number
    with runtime_of(app).lock:
        gateway.advance_clock(60)
        pushed = [(ids[p.subject["apimsgid"]], p.subject["status"]) for p in gateway.outbox.all()]
    history = {
        m["to"]: [h["status"] for h in m["status_history"]]
        for m in client.get("/__admin/messages").get_json()["messages"]
    }
    assert dict(history.items()) == {
        number: (["002", *seq] if seq[0] != "002" else seq) for number, seq in SEQUENCES.items()
    }
    expected = [
        (number, status)
        for number, seq in SEQUENCES.items()
        for status in seq
        if status in MASKS[mask]
    ]
    assert sorted(pushed) == sorted(expected)


# -- retries, reset, refusal, never blocking ---------------------------------------------------


def test_a_receiver_that_fails_twice_gets_three_attempts_at_the_scheduled_times():
    with Receiver(statuses=[500, 503]) as receiver:
        _app, client = fake_for(receiver, "HTTP_GET")
        apimsgid = send(client, callback="1")
        flush(client)
        assert len(receiver.requests) == 1
        client.post("/__admin/clock", json={"advance": 119})
        flush(client)
        assert len(receiver.requests) == 1  # not due yet
        client.post("/__admin/clock", json={"advance": 1})
        flush(client)
        assert len(receiver.requests) == 2
        client.post("/__admin/clock", json={"advance": 240})
        pushes = flush(client)["pushes"]
        client.post("/__admin/clock", json={"advance": 3 * 86400})
        flush(client)
    assert len(receiver.requests) == 3
    (push,) = pushes
    assert push["apimsgid"] == apimsgid
    assert push["state"] == "delivered"
    assert [(a["attempt"], a["time"] - T0, a["ok"], a["detail"]) for a in push["attempts"]] == [
        (1, 0, False, "HTTP 500"),
        (2, 120, False, "HTTP 503"),
        (3, 360, True, "HTTP 200"),
    ]


def test_callback_retry_schedule_in_one_jump_and_giving_up():
    with Receiver(statuses=[500] * 20) as receiver:
        _app, client = fake_for(receiver, "HTTP_GET")
        send(client, callback="1")
        client.post("/__admin/clock", json={"advance": 10 * 86400})
        (push,) = flush(client)["pushes"]
    times = [a["time"] - T0 for a in push["attempts"]]
    assert times == [0, 120, 360, 840, 1800, 3720, 7560, 15240, 15240 + 3 * 86400]
    assert push["state"] == "failed"
    assert len(receiver.requests) == 9


def test_mo_retry_schedule():
    with Receiver(statuses=[500] * 20) as receiver:
        _app, client = fake_for(receiver, "HTTP_POST")
        client.post(
            "/__admin/mo", json={"to": "27999000001", "from": "27831234567", "text": "hello"}
        )
        client.post("/__admin/clock", json={"advance": 86400})
        (push,) = flush(client)["pushes"]
    assert [a["time"] - T0 for a in push["attempts"]] == [0, 120, 360, 840, 1800, 3300]
    assert push["state"] == "failed"
    assert len(receiver.requests) == 6


def test_connection_failures_and_timeouts_are_failures():
    text = f"""
clock: {{start: {T0}, frozen: true}}
callback: {{url: "http://127.0.0.1:9/cb", format: HTTP_GET}}
"""
    app = create_app(load_scenario_text(text, "c.yaml"))
    client = app.test_client()
    send(client, callback="1")
    (push,) = flush(client)["pushes"]
    assert push["attempts"][0]["ok"] is False
    assert push["attempts"][0]["detail"].startswith("connection failed")
    assert push["next_attempt_at"] == T0 + 120


def test_reset_mid_retry_drops_and_journals():
    with Receiver(statuses=[500] * 5) as receiver:
        _app, client = fake_for(receiver, "HTTP_GET")
        apimsgid = send(client, callback="1")
        flush(client)
        client.post("/__admin/reset")
        client.post("/__admin/clock", json={"advance": 86400})
        (push,) = flush(client)["pushes"]
    assert len(receiver.requests) == 1  # nothing after the reset
    assert push["apimsgid"] == apimsgid
    assert push["state"] == "dropped"
    assert [a["detail"] for a in push["attempts"]] == ["HTTP 500", "dropped: the fake was reset"]


def test_push_ids_keep_growing_across_a_reset():
    with Receiver(statuses=[500] * 5) as receiver:
        _app, client = fake_for(receiver, "HTTP_GET")
        send(client, callback="1")
        flush(client)
        reset = client.post("/__admin/reset").get_json()
        send(client, callback="1")
        pushes = flush(client)["pushes"]
    assert reset["last_push_id"] == 1
    assert [(push["id"], push["state"]) for push in pushes] == [(1, "dropped"), (2, "pending")]


def test_pushes_to_hosts_not_allowed_are_refused_and_journaled():
    text = f"""
clock: {{start: {T0}, frozen: true}}
callback: {{url: "http://hooks.example.com/cb"}}
"""
    app = create_app(load_scenario_text(text, "r.yaml"))
    client = app.test_client()
    send(client, callback="1")
    (push,) = flush(client)["pushes"]
    assert push["state"] == "refused"
    assert push["attempts"] == [
        {
            "attempt": 0,
            "time": T0,
            "time_iso": "2027-01-15T08:00:00.000Z",
            "ok": False,
            "detail": "refused: host not allowed",
            "status_code": None,
        }
    ]
    allowed = create_app(
        load_scenario_text(text + "allowed_hosts: [hooks.example.com]\n", "r.yaml")
    )
    from fake_clickatell.app import runtime_of

    gateway = runtime_of(allowed).gateway
    assert gateway.outbox.policy.allows("http://hooks.example.com/cb")
    widened = create_app(load_scenario_text(text, "r.yaml"), allowed_hosts=["hooks.example.com"])
    assert runtime_of(widened).gateway.outbox.policy.allows("http://hooks.example.com/cb")


def test_a_slow_receiver_never_blocks_the_api():
    import threading

    with Receiver() as receiver:
        receiver.gate = threading.Event()
        _app, client = fake_for(receiver, "HTTP_GET")
        send(client, callback="7")
        # the dispatcher is now stuck in the receiver; the API answers regardless
        for _ in range(3):
            assert (
                client.get("/http/getbalance?api_id=12345&user=u&password=p").get_data()
                == b"Credit: 99.00"
            )
        receiver.gate.set()
        flush(client)
    assert unquote_plus(receiver.requests[0].query).count("status=003") == 1


# -- a receiver that misbehaves never stops the dispatcher -------------------------------------


class RawReceiver:
    """A TCP server on loopback that answers every connection with fixed raw bytes."""

    def __init__(self, reply: bytes) -> None:
        import socket
        import threading

        self.reply = reply
        self.hits = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(body) < length:  # read the whole request: unread bytes would reset
                    body += conn.recv(65536)
                self.hits += 1
                conn.sendall(self.reply)

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize(
    ("reply", "detail"),
    [
        (b"garbage, not http\r\n\r\n", "bad reply: BadStatusLine"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nOK", "bad reply: IncompleteRead"),
    ],
)
def test_a_receiver_that_is_not_http_is_a_failed_attempt_and_others_still_get_theirs(
    reply: bytes, detail: str
):
    bad = RawReceiver(reply)
    with Receiver() as good:
        text = f"""
clock: {{start: {T0}, frozen: true}}
accounts:
  - {{api_id: "1", user: u, password: p, callback: {{url: "{bad.url}/cb"}}}}
  - {{api_id: "2", user: u, password: p, callback: {{url: "{good.url}/cb"}}}}
"""
        app = create_app(load_scenario_text(text, "bad.yaml"))
        client = app.test_client()
        for api_id in ("1", "2"):
            body = client.get(
                "/http/sendmsg",
                query_string={
                    "api_id": api_id,
                    "user": "u",
                    "password": "p",
                    "to": "27831234567",
                    "text": "x",
                    "callback": "1",
                },
            ).get_data(as_text=True)
            assert body.startswith("ID: ")
        first, second = flush(client)["pushes"]
        client.post("/__admin/clock", json={"advance": 120})
        retried = flush(client)["pushes"][0]
    bad.close()
    assert first["attempts"][0]["detail"].startswith(detail)
    assert first["state"] == "pending"  # retried on schedule, like any failure
    assert [a["ok"] for a in retried["attempts"]] == [False, False]
    assert second["state"] == "delivered"
    assert len(good.requests) == 1
    from fake_clickatell.app import runtime_of

    assert runtime_of(app).errors == []


def test_pushes_never_go_through_a_proxy(monkeypatch: pytest.MonkeyPatch):
    with Receiver() as proxy, Receiver() as receiver:
        monkeypatch.setenv("http_proxy", proxy.url)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        _, client = fake_for(receiver, "HTTP_POST", ", username: hook, password: s3cret")
        send(client, callback="1")
        (push,) = flush(client)["pushes"]
    assert push["state"] == "delivered"
    assert proxy.requests == []
    assert len(receiver.requests) == 1


def test_stop_does_not_wait_for_a_push_in_flight():
    import threading

    from fake_clickatell import FakeServer

    with Receiver() as receiver:
        receiver.gate = threading.Event()
        text = f"clock: {{start: {T0}, frozen: true}}\ncallback: {{url: '{receiver.url}/cb', timeout: 60}}\n"
        server = FakeServer(load_scenario_text(text, "s.yaml")).start()
        import httpx

        httpx.get(
            server.url + "/http/sendmsg",
            params={
                "api_id": "1",
                "user": "u",
                "password": "p",
                "to": "27831234567",
                "text": "x",
                "callback": "1",
            },
        )
        while not receiver.requests:  # the push is now held by the receiver
            threading.Event().wait(0.01)
        stopper = threading.Thread(target=server.stop)
        stopper.start()
        stopper.join(timeout=10)
        stopped_while_held = not stopper.is_alive() and not receiver.gate.is_set()
        receiver.gate.set()
    assert stopped_while_held


def test_an_idle_dispatcher_holds_no_thread():
    from fake_clickatell.app import runtime_of

    with Receiver() as receiver:
        app, client = fake_for(receiver, "HTTP_GET")
        send(client, callback="1")
        flush(client)
        dispatcher = runtime_of(app).push_sender
        assert dispatcher._thread is None  # nothing pending: the thread ended
        send(client, callback="1")  # and a new one starts when needed
        assert [p["state"] for p in flush(client)["pushes"]] == ["delivered", "delivered"]


def test_admin_errors_mask_passwords_in_the_path():
    from fake_clickatell.app import runtime_of

    app = create_app()
    state = runtime_of(app)

    def boom(*args: object) -> None:
        raise RuntimeError("kaboom")

    state.gateway.handle = boom  # type: ignore[method-assign, assignment]
    app.test_client().get("/http/getbalance?api_id=1&user=u&password=hunter2")
    (shown,) = app.test_client().get("/__admin/errors").get_json()["errors"]
    assert shown["path"] == "/http/getbalance?api_id=1&user=u&password=********"
    assert "hunter2" not in str(shown)


@pytest.mark.parametrize(
    ("text", "opts_out"),
    [
        ("STOP", True),
        ("stop", True),
        ("  Stop  ", True),
        ("END", True),
        ("CANCEL", True),
        ("UNSUBSCRIBE", True),
        ("QUIT", True),
        ("STOP ALL", True),
        ("stop  all", True),
        ("STOP STOP", True),
        ("STOPPED", False),
        ("please stop", False),
        ("Hello", False),
    ],
)
def test_stop_words(text: str, opts_out: bool):
    app = create_app(load_scenario_text(f"clock: {{start: {T0}, frozen: true}}", "s.yaml"))
    client = app.test_client()
    reply = client.post(
        "/__admin/mo",
        json={"to": "27999000001", "from": "27831234567", "text": text, "api_id": "1", "user": "u"},
    )
    assert reply.status_code == 200
    body = client.get(
        "/http/sendmsg",
        query_string={
            "api_id": "1",
            "user": "u",
            "password": "p",
            "to": "27831234567",
            "text": "x",
        },
    ).get_data(as_text=True)
    assert (body == "ERR: 122, Destination mobile opted out") is opts_out
    assert body.startswith("ID: ") is not opts_out


def test_an_inbound_text_of_more_than_255_parts_is_refused():
    app = create_app()
    reply = app.test_client().post(
        "/__admin/mo",
        json={
            "to": "27999000001",
            "from": "27831234567",
            "text": "x" * (153 * 256),
            "api_id": "1",
            "user": "u",
        },
    )
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "a text of 256 parts; at most 255 fit a UDH"}
