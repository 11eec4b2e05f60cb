"""Every refusal says why: each error code the fake can produce, each rule outcome, each fault.

The reason is for the user (journal, log), never for the wire: each case checks the reply's
bytes too, so a reason can never leak into what a client parses.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from fake_clickatell import Scenario, create_app, load_scenario_text
from fake_clickatell.app import TransportFault, runtime_of
from fake_clickatell.core.scenario_model import AccountSpec, Route

from .support import T0, frozen

STRICT = frozen(
    Scenario(
        accounts=(
            AccountSpec("1", "u", "p", balance=Decimal("1"), senders=("ACME",)),
            AccountSpec("2", "f", "p", frozen=True),
            AccountSpec("3", "l", "p", allowed_ips=("10.0.0.0/8",)),
        ),
        routes=(Route("27", Decimal("1")),),
    )
)
AUTH = "api_id=1&user=u&password=p"

#: (error code, query string of a request that gets it, the reason, as a regex)
CASES = [
    ("001", "/http/auth?api_id=1&user=u&password=wrong", r"wrong password for user 'u'"),
    ("001", "/http/auth?api_id=1&user=x&password=p", r"api_id '1' has no user 'x'"),
    ("001", "/http/auth?api_id=1&user=u", r"password: missing"),
    ("003", "/http/ping?session_id=abc", r"no session 'abc' \(never opened"),
    ("004", "/http/auth?api_id=2&user=f&password=p", r"the account is frozen"),
    ("005", "/http/sendmsg?to=27999000001&text=x", r"no session_id, and no api_id, user"),
    ("005", "/http/ping", r"ping takes a session_id"),
    ("007", "/http/auth?api_id=3&user=l&password=p", r"client 127\.0\.0\.1 is not in the"),
    ("101", f"/http/sendmsg?{AUTH}&text=x", r"to: missing \(no recipient\)"),
    ("101", f"/http/sendmsg?{AUTH}&to=27999000001", r"text: missing \(and no udh or data\)"),
    ("101", f"/http/sendmsg?{AUTH}&to=27999000001&text=x&concat=99", r"concat: expected a whole"),
    ("101", f"/http/sendmsg?{AUTH}&to=27999000001&text=x&charset=ebcdic", r"charset: 'ebcdic'"),
    ("101", f"/http/sendsms?{AUTH}", r"unknown command '/http/sendsms'; /http/ has auth"),
    ("101", f"/http/token_pay?{AUTH}&token=1234", r"token: not a voucher the scenario lists"),
    ("102", f"/http/sendmsg?{AUTH}&to=27999000001&udh=0500&data=41", r"udh: its first octet"),
    ("103", f"/http/delmsg?{AUTH}&apimsgid=ab12", r"apimsgid: no message 'ab12' of this acc"),
    ("104", f"/http/querymsg?{AUTH}&climsgid=mine", r"climsgid: no message 'mine' of this"),
    ("105", f"/http/sendmsg?{AUTH}&to=%2B27999000001&text=x", r"a leading \+ or 00"),
    ("106", f"/http/sendmsg?{AUTH}&to=27999000001&text=x&from=%21%21", r"from: '!!' is neither"),
    ("107", f"/http/sendmsg?{AUTH}&to=27999000001&text=", r"text: empty"),
    ("108", "/http/auth?api_id=9&user=u&password=p", r"api_id '9' is not one of the scenario"),
    ("108", "/http/auth?user=u&password=p", r"api_id: missing"),
    ("109", f"/http/querymsg?{AUTH}", r"neither apimsgid nor climsgid given"),
    ("112", f"/http/sendmsg?{AUTH}&to=27999000001&text=x&msg_type=SMS_X", r"msg_type: 'SMS_X'"),
    ("113", f"/http/sendmsg?{AUTH}&to=27999000001&concat=1&text={'x' * 161}", r"needs 2 parts"),
    ("114", f"/http/sendmsg?{AUTH}&to=44999000001&text=x", r"no route covers 44999000001"),
    ("116", f"/http/sendmsg?{AUTH}&to=27999000001&unicode=1&text=zz", r"UTF-16BE as hex"),
    ("120", f"/http/sendmsg?{AUTH}&to=27999000001&text=x&scheduled_time=soon", r"neither a unix"),
    ("123", f"/http/sendmsg?{AUTH}&to=27999000001&text=x&from=OTHER", r"from: 'OTHER' is not"),
    ("201", f"/http_batch/senditem?{AUTH}&batch_id=nope&to=27999000001", r"no open batch 'nope'"),
    ("202", f"/http_batch/startbatch?{AUTH}", r"template: missing or empty"),
    ("301", f"/http/sendmsg?{AUTH}&to=27999000001&text={'x' * 161}", r"balance 1 does not cover 2"),
]


@pytest.mark.parametrize(("code", "target", "reason"), CASES, ids=[c[0] for c in CASES])
def test_every_refusal_carries_its_reason(code: str, target: str, reason: str):
    app = create_app(STRICT)
    body = app.test_client().get(target).get_data(as_text=True)
    assert body.startswith(f"ERR: {code}, ")  # the wire, unchanged
    assert "why" not in body
    entry = runtime_of(app).journal()["requests"][-1]
    assert entry["body"] == body
    assert re.search(reason, entry["reason"]), entry["reason"]


def test_an_unknown_command_names_every_command_of_its_prefix():
    app = create_app(STRICT)
    app.test_client().get(f"/http/sendsms?{AUTH}")
    (entry,) = runtime_of(app).journal()["requests"]
    assert entry["reason"] == (
        "unknown command '/http/sendsms'; /http/ has auth, delmsg, getbalance, getmsgcharge, "
        "ping, querymsg, sendmsg, token_pay"
    )


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "reason"),
    [
        ("PUT", "/messages/http/send", {"Authorization": "k"}, 405,
         "PUT /messages/http/send: this resource takes GET, POST"),
        ("GET", "/public-client/nothing", {"Authorization": "k"}, 404,
         "/public-client/nothing is not a resource of the Platform (POST /messages, "
         "GET|POST /messages/http/send, GET /public-client/balance, "
         "GET /public-client/message/status?messageId=)"),
        ("PUT", "/rest/message/abc", {"Authorization": "Bearer t", "X-Version": "1"}, 405,
         "PUT /rest/message/abc: this resource takes GET, DELETE"),
        ("POST", "/v1/balance", {"Authorization": "k"}, 400,
         "POST /v1/balance: this resource takes GET"),
        ("GET", "/v1/nothing", {"Authorization": "k"}, 400,
         "/v1/nothing is not a resource of the One API (POST /v1/message, "
         "GET /v1/message/{id}, GET /v1/balance)"),
    ],
)  # fmt: skip
def test_a_json_api_says_which_resources_and_methods_it_has(
    method: str, path: str, headers: dict[str, str], status: int, reason: str
):
    app = create_app()
    assert app.test_client().open(path, method=method, headers=headers).status_code == status
    (entry,) = runtime_of(app).journal()["requests"]
    assert entry["reason"] == reason


def test_an_accepted_request_has_no_reason():
    app = create_app(STRICT)
    assert app.test_client().get(f"/http/sendmsg?{AUTH}&to=27999000001&text=x").status_code == 200
    assert runtime_of(app).journal()["requests"][-1]["reason"] is None


def test_a_multi_recipient_reply_names_each_refused_recipient():
    app = create_app(STRICT)
    target = f"/http/sendmsg?{AUTH}&to=27999000001,12,44999000001&text=x"
    assert app.test_client().get(target).get_data(as_text=True).count("\n") == 2
    reason = runtime_of(app).journal()["requests"][-1]["reason"]
    assert reason.startswith("12: '12' is not an international number: 2 digits")
    assert "; 44999000001: no route covers 44999000001 (the scenario routes 27)" in reason


def test_a_stop_and_a_recipient_script_say_so():
    text = f"""
clock: {{start: {T0}, frozen: true}}
mo: {{numbers: ["27999000009"]}}
recipients:
  - {{prefix: "2788", error: 121}}
"""
    app = create_app(load_scenario_text(text, "s.yaml"))
    client = app.test_client()
    client.post(
        "/__admin/mo",
        json={
            "to": "27999000009",
            "from": "27999000001",
            "text": "STOP",
            "api_id": "1",
            "user": "u",
        },
    )
    for to, code, reason in [
        ("27999000001", "122", "27999000001 opted out (an inbound STOP)"),
        ("27880000001", "121", "the scenario's recipients (prefix 2788) answer this"),
    ]:
        body = client.get(f"/http/sendmsg?{AUTH}&to={to}&text=x").get_data(as_text=True)
        assert body.startswith(f"ERR: {code}, ")
        assert runtime_of(app).journal()["requests"][-1]["reason"] == reason


def test_an_open_mode_refusal_says_which_bound():
    text = "open_accounts: {max_key_length: 4, max_accounts: 1}"
    client = create_app(frozen(load_scenario_text(text, "o.yaml"))).test_client()
    client.get("/http/auth?api_id=1&user=a&password=p")
    for query, reason in [
        ("api_id=12345&user=a&password=p", "api_id: longer than 4 characters"),
        ("api_id=1&user=abcde&password=p", "user: longer than 4 characters"),
        ("api_id=2&user=b&password=p", "open mode holds 1 accounts already"),
    ]:
        client.get(f"/http/auth?{query}")
        assert runtime_of(client.application).journal()["requests"][-1]["reason"] == reason


# -- rule outcomes and faults ----------------------------------------------------------------------

RULES = """
clock: {start: 1800000000, frozen: true}
rules:
  - {name: boom, when: {command: querymsg, first: 1}, then: {error: 901}}
  - {name: blocked, when: {command: sendmsg, recipient: "27999000002"}, then: {recipient_error: 121}}
  - {name: down, when: {command: getbalance}, then: {http: {status: 503, body: busy}}}
  - {name: slow, when: {command: getmsgcharge}, then: {latency: 0.25}}
  - {name: logout, when: {command: delmsg}, then: {expire_session: true}}
  - {name: quota, when: {command: ping}, then: {quota: {calls: 1, window: 60}}}
"""


def test_every_rule_outcome_names_its_rule_and_why():
    app = create_app(load_scenario_text(RULES, "rules.yaml"))
    runtime = runtime_of(app)
    runtime.sleep = lambda seconds: None
    client = app.test_client()
    session = client.get(f"/http/auth?{AUTH}").get_data(as_text=True)[4:]

    def reason_of(target: str) -> str:
        client.get(target)
        reason: str = runtime.journal()["requests"][-1]["reason"]
        return reason

    assert reason_of(f"/http/querymsg?{AUTH}&apimsgid=x") == (
        "scenario rule 'boom' (match 1 of its first 1) answered 901"
    )
    assert reason_of(f"/http/sendmsg?{AUTH}&to=27999000002&text=x") == (
        "scenario rule 'blocked' answers 121 for this recipient"
    )
    assert (
        reason_of(f"/http/getbalance?{AUTH}") == "scenario rule 'down' (match 1) answered HTTP 503"
    )
    assert reason_of(f"/http/getmsgcharge?{AUTH}&apimsgid=x") == (
        "scenario rule 'slow' (match 1) delayed the reply 0.25 s;"
        " apimsgid: no message 'x' of this account"
    )
    assert reason_of(f"/http/delmsg?session_id={session}&apimsgid=x").startswith(
        "scenario rule 'logout' (match 1) expired the session first; no session"
    )
    # With credentials there is no session to end: the reason does not claim one ended.
    assert reason_of(f"/http/delmsg?{AUTH}&apimsgid=x") == (
        "scenario rule 'logout' (match 2) found no session_id to expire;"
        " apimsgid: no message 'x' of this account"
    )
    client.get("/http/ping?session_id=x")
    assert reason_of("/http/ping?session_id=x") == (
        "scenario rule 'quota' (call 2 in its window, over its quota of 1 per 60 s) answered 130"
    )


@pytest.mark.parametrize(
    ("fault", "status", "body"),
    [
        ("reset", None, "<reset: the connection was reset, no reply>"),
        ("empty", None, "<empty: the connection closed without a byte>"),
        ("hang", None, "<hang: no reply; the connection was held until the client gave up>"),
        ("truncate", 200, "ERR: 003, Sess"),
    ],
)
def test_a_fault_is_journaled_as_the_client_got_it(fault: str, status: int | None, body: str):
    text = f"rules: [{{name: f, when: {{command: ping}}, then: {{fault: {fault}}}}}]"
    app = create_app(load_scenario_text(text, "f.yaml"))
    with pytest.raises(TransportFault):
        app.test_client().get("/http/ping?session_id=x")
    entry = runtime_of(app).journal()["requests"][-1]
    assert (entry["status"], entry["body"]) == (status, body)
    assert entry["reason"].startswith(f"scenario rule 'f' (match 1) scripted a {fault} fault")


def test_garbage_and_a_processed_fault_say_so():
    text = "rules: [{name: g, when: {command: auth}, then: {fault: garbage, process: true}}]"
    app = create_app(load_scenario_text(text, "g.yaml"))
    body = app.test_client().get(f"/http/auth?{AUTH}").get_data()
    entry = runtime_of(app).journal()["requests"][-1]
    assert entry["body"].encode("latin-1") == body
    assert entry["reason"] == (
        "scenario rule 'g' (match 1) scripted a garbage fault, after processing the request"
    )


def test_an_internal_error_is_journaled_with_where_to_look():
    app = create_app(frozen())
    runtime = runtime_of(app)

    def boom(*args: object) -> None:
        raise RuntimeError("kaboom")

    runtime.gateway.handle = boom  # type: ignore[method-assign, assignment]
    assert app.test_client().get("/http/ping").get_data() == b"ERR: 901, Internal error"
    entry = runtime.journal()["requests"][-1]
    assert entry["reason"] == (
        "the fake failed: RuntimeError('kaboom') (GET /__admin/errors has the traceback)"
    )


def test_the_log_shows_the_reason_after_the_reply():
    lines: list[str] = []
    app = create_app(STRICT, log=lines.append)
    app.test_client().get("/http/auth?api_id=1&user=u&password=wrong")
    assert lines[-1].endswith(
        '"GET /http/auth?api_id=1&user=u&password=********" 200 ERR: 001, Authentication failed'
        "  [why: wrong password for user 'u']"
    )
