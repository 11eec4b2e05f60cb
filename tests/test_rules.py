"""Scenario rules, routes, recipient scripts, IP lockdown and senders, end to end."""

from __future__ import annotations

import re

import pytest

from fake_clickatell import create_app, load_scenario_text
from fake_clickatell.app import runtime_of

from .support import T0, Harness, MakeFake, frozen

CREDS = {"api_id": "1", "user": "u", "password": "p"}
ID = re.compile(r"ID: [0-9a-f]{32}")


def scenario(text: str):
    return frozen(load_scenario_text(text, "t.yaml"))


def make(make_fake: MakeFake, text: str) -> Harness:
    return make_fake(scenario(text))


def send(fake: Harness, to: str = "27999000001", **params: str) -> str:
    return fake.call("sendmsg", to=to, text="hi", **CREDS, **params)


def outcomes(fake: Harness, n: int, **params: str) -> list[str]:
    return [
        "ID" if ID.fullmatch(body) else body for body in (send(fake, **params) for _ in range(n))
    ]


ERR_901 = "ERR: 901, Internal error"


@pytest.mark.parametrize(
    ("when", "pattern"),
    [
        ("first: 2", [ERR_901, ERR_901, "ID", "ID", "ID", "ID"]),
        ("call: 3", ["ID", "ID", ERR_901, "ID", "ID", "ID"]),
        ("every: 2", ["ID", ERR_901, "ID", ERR_901, "ID", ERR_901]),
        ("after: 4", ["ID", "ID", "ID", "ID", ERR_901, ERR_901]),
        ("{}", [ERR_901] * 6),
    ],
)
def test_call_counting(make_fake: MakeFake, when: str, pattern: list[str]):
    fake = make(
        make_fake,
        f"rules:\n  - when: {{command: sendmsg, {when.strip('{}')}}}\n    then: {{error: 901}}\n",
    )
    assert outcomes(fake, 6) == pattern


def test_times_limits_a_rule(make_fake: MakeFake):
    fake = make(
        make_fake, "rules:\n  - when: {command: sendmsg}\n    then: {error: 901}\n    times: 2\n"
    )
    assert outcomes(fake, 4) == [ERR_901, ERR_901, "ID", "ID"]


def test_counts_only_matching_requests(make_fake: MakeFake):
    fake = make(
        make_fake, "rules:\n  - when: {command: sendmsg, first: 1}\n    then: {error: 901}\n"
    )
    assert fake.call("getbalance", **CREDS) == "Credit: 100.00"  # not a sendmsg: not counted
    assert outcomes(fake, 2) == [ERR_901, "ID"]


def test_first_rule_that_fires_wins(make_fake: MakeFake):
    fake = make(
        make_fake,
        """
rules:
  - name: a
    when: {command: sendmsg, every: 2}
    then: {error: 114}
  - name: b
    when: {command: sendmsg}
    then: {error: 901}
    times: 2
""",
    )
    assert outcomes(fake, 4) == [
        ERR_901,
        "ERR: 114, Cannot route message",
        ERR_901,
        "ERR: 114, Cannot route message",
    ]
    rules = fake.admin("rules")
    assert [(r["name"], r["matched"], r["fired"]) for r in rules["rules"]] == [
        ("a", 4, 2),
        ("b", 2, 2),
    ]
    assert rules["never_fired"] == []


@pytest.mark.parametrize(
    ("condition", "fires", "misses"),
    [
        ("api_id: '1'", CREDS, {"api_id": "2", "user": "u", "password": "p"}),
        ("user: u", CREDS, {"api_id": "1", "user": "v", "password": "p"}),
        ("params: {from: 'ACME*'}", {**CREDS, "from": "ACME Corp"}, {**CREDS, "from": "Other"}),
        ("params: {climsgid: ''}", {**CREDS, "climsgid": ""}, {**CREDS, "climsgid": "x"}),
        (
            "recipient: '27999000001'",
            {**CREDS, "to": "27999000001"},
            {**CREDS, "to": "27999000002"},
        ),
        (
            "recipient: {prefix: '2799900'}",
            {**CREDS, "to": "27999000001"},
            {**CREDS, "to": "27888000001"},
        ),
        (
            "recipient: {glob: '27?99*'}",
            {**CREDS, "to": "27999000001"},
            {**CREDS, "to": "28999000001"},
        ),
    ],
)
def test_conditions(
    make_fake: MakeFake, condition: str, fires: dict[str, str], misses: dict[str, str]
):
    fake = make(
        make_fake,
        f"rules:\n  - when: {{command: sendmsg, {condition}}}\n    then: {{error: 901}}\n",
    )
    params = {"to": "27999000001", "text": "hi"}
    assert fake.call("sendmsg", **{**params, **misses}).startswith("ID: ")
    assert fake.call("sendmsg", **{**params, **fires}) == ERR_901


def test_an_account_condition_needs_the_whole_account_named(make_fake: MakeFake):
    # api_id without user names no account: the rule keyed on it does not fire, and the
    # request is refused as the gateway refuses it.
    fake = make(
        make_fake, "rules:\n  - when: {command: getbalance, api_id: '1'}\n    then: {error: 901}\n"
    )
    assert fake.call("getbalance", api_id="1", password="p") == "ERR: 001, Authentication failed"
    assert fake.call("getbalance", **CREDS) == ERR_901


def test_account_condition_follows_the_session(make_fake: MakeFake):
    fake = make(
        make_fake, "rules:\n  - when: {command: getbalance, user: u}\n    then: {error: 901}\n"
    )
    session = fake.auth("1", "u", "p")
    other = fake.auth("1", "v", "p")
    assert fake.call("getbalance", session_id=session) == ERR_901
    assert fake.call("getbalance", session_id=other) == "Credit: 100.00"


def test_clock_window(make_fake: MakeFake):
    fake = make(
        make_fake,
        f"rules:\n  - when: {{command: sendmsg, clock: {{from: {T0 + 60}, until: {T0 + 120}}}}}\n    then: {{error: 901}}\n",
    )
    assert outcomes(fake, 1) == ["ID"]
    fake.advance(60)
    assert outcomes(fake, 1) == [ERR_901]
    fake.advance(59)
    assert outcomes(fake, 1) == [ERR_901]
    fake.advance(1)
    assert outcomes(fake, 1) == ["ID"]


PROBABILITY = (
    "seed: 5\nrules:\n  - when: {command: sendmsg, probability: 0.5}\n    then: {error: 901}\n"
)


def test_probability_is_seeded_and_repeats(make_fake: MakeFake):
    first = outcomes(make(make_fake, PROBABILITY), 40)
    second = outcomes(make(make_fake, PROBABILITY), 40)
    assert first == second
    assert 5 < first.count(ERR_901) < 35  # about half, exactly the same each run


def test_recipient_error_hits_only_matching_recipients(make_fake: MakeFake):
    fake = make(
        make_fake,
        "rules:\n  - when: {command: sendmsg, recipient: {prefix: '44'}}\n    then: {recipient_error: 122}\n",
    )
    body = send(fake, to="27999000001,447700900001,27999000002")
    lines = body.split("\n")
    assert lines[1] == "ERR: 122, Destination mobile opted out To: 447700900001"
    assert ID.match(lines[0])
    assert ID.match(lines[2])
    assert send(fake, to="447700900002") == "ERR: 122, Destination mobile opted out"


def test_recipient_error_without_recipient_condition_hits_all(make_fake: MakeFake):
    fake = make(
        make_fake,
        "rules:\n  - when: {command: sendmsg, first: 1}\n    then: {recipient_error: 128}\n",
    )
    assert send(fake, to="27999000001,27999000002") == (
        "ERR: 128, Number delisted To: 27999000001\nERR: 128, Number delisted To: 27999000002"
    )
    assert fake.messages() == []
    assert fake.call("getbalance", **CREDS) == "Credit: 100.00"


def test_http_reply(make_fake: MakeFake):
    fake = make(
        make_fake,
        "rules:\n  - when: {command: sendmsg}\n    then: {http: {status: 503, body: Service Unavailable}}\n",
    )
    status, body, headers = fake.raw(
        "GET", "/http/sendmsg?api_id=1&user=u&password=p&to=27999000001&text=x"
    )
    assert (status, body) == (503, b"Service Unavailable")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert fake.messages() == []
    (entry,) = fake.admin("requests")["requests"]
    assert (entry["status"], entry["rule"]) == (503, "rules[0]")


def test_expire_session_now(make_fake: MakeFake):
    fake = make(
        make_fake,
        "rules:\n  - when: {command: sendmsg, call: 2}\n    then: {expire_session: true}\n",
    )
    session = fake.auth()
    assert fake.call("sendmsg", session_id=session, to="27999000001", text="x").startswith("ID: ")
    assert (
        fake.call("sendmsg", session_id=session, to="27999000001", text="x")
        == "ERR: 003, Session ID expired"
    )
    assert fake.call("ping", session_id=session) == "ERR: 003, Session ID expired"


def test_quota_answers_130_until_the_window_ends(make_fake: MakeFake):
    fake = make(
        make_fake,
        "rules:\n  - when: {command: sendmsg}\n    then: {quota: {calls: 2, window: 60}}\n",
    )
    until = int(T0) + 60
    assert outcomes(fake, 3) == ["ID", "ID", f"ERR: 130, Maximum MT limit exceeded until {until}"]
    fake.advance(59)
    assert outcomes(fake, 1) == [f"ERR: 130, Maximum MT limit exceeded until {until}"]
    fake.advance(1)
    assert outcomes(fake, 3) == [
        "ID",
        "ID",
        f"ERR: 130, Maximum MT limit exceeded until {until + 60}",
    ]


def test_latency_sleeps_outside_the_gateway():
    app = create_app(scenario("rules:\n  - when: {command: ping}\n    then: {latency: 2.5}\n"))
    slept: list[float] = []
    runtime_of(app).sleep = slept.append
    body = app.test_client().get("/http/ping?session_id=x").get_data()
    assert body == b"ERR: 003, Session ID expired"  # answered normally, after the delay
    assert slept == [2.5]


def test_garbage_is_a_200_outside_the_grammar(make_fake: MakeFake):
    from fake_clickatell.core.grammar import GrammarError, parse

    fake = make(
        make_fake, "seed: 3\nrules:\n  - when: {command: ping}\n    then: {fault: garbage}\n"
    )
    status, body, _ = fake.raw("GET", "/http/ping?session_id=x")
    assert status == 200
    with pytest.raises((GrammarError, UnicodeDecodeError)):
        parse(body.decode("utf-8"))
    again = make(
        make_fake, "seed: 3\nrules:\n  - when: {command: ping}\n    then: {fault: garbage}\n"
    )
    assert again.raw("GET", "/http/ping?session_id=x")[1] == body  # seeded: the same bytes


@pytest.mark.parametrize("fault", ["reset", "empty", "truncate", "hang"])
def test_transport_faults_in_process_raise(fault: str):
    from fake_clickatell.app import TransportFault

    app = create_app(
        scenario(f"rules:\n  - when: {{command: ping}}\n    then: {{fault: {fault}}}\n")
    )
    with pytest.raises(TransportFault) as info:
        app.test_client().get("/http/ping?session_id=x")
    assert info.value.fault.value == fault
    entry = app.test_client().get("/__admin/requests").get_json()["requests"][0]
    # The journal says what a client on a socket gets: no reply at all, or half of one.
    if fault == "truncate":
        assert (entry["status"], entry["body"]) == (200, "ERR: 003, Sess")  # 14 of 28 bytes
    else:
        assert entry["status"] is None
        assert entry["body"].startswith(f"<{fault}: ")
    assert entry["reason"].startswith(f"scenario rule 'rules[0]' (match 1) scripted a {fault}")


def test_a_dropped_request_changes_nothing_and_process_true_does(make_fake: MakeFake):
    target = "/http/sendmsg?api_id=1&user=u&password=p&to=27999000001&text=hi"
    dropped = make(make_fake, "rules:\n  - when: {command: sendmsg}\n    then: {fault: garbage}\n")
    assert dropped.raw("GET", target)[0] == 200
    assert dropped.messages() == []
    processed = make(
        make_fake,
        "rules:\n  - when: {command: sendmsg}\n    then: {fault: garbage, process: true}\n",
    )
    assert processed.raw("GET", target)[0] == 200
    assert len(processed.messages()) == 1


def test_rules_can_be_switched_off_and_on(make_fake: MakeFake):
    fake = make(
        make_fake, "rules:\n  - name: down\n    when: {command: sendmsg}\n    then: {error: 901}\n"
    )
    assert outcomes(fake, 1) == [ERR_901]
    listing = fake.admin("rules/down", "POST", {"enabled": False})
    assert listing["rules"][0]["enabled"] is False
    assert outcomes(fake, 1) == ["ID"]
    fake.admin("rules/0", "POST", {"enabled": True})
    assert outcomes(fake, 1) == [ERR_901]
    status, _, _ = fake.raw(
        "POST", "/__admin/rules/nope", b'{"enabled": false}', {"Content-Type": "application/json"}
    )
    assert status == 404
    status, _, _ = fake.raw(
        "POST", "/__admin/rules/down", b'{"enabled": "no"}', {"Content-Type": "application/json"}
    )
    assert status == 400


def test_never_fired_and_reset_restores_counters(make_fake: MakeFake):
    fake = make(
        make_fake,
        "rules:\n  - name: used\n    when: {command: sendmsg}\n    then: {error: 901}\n"
        "  - name: idle\n    when: {command: delmsg}\n    then: {error: 901}\n",
    )
    outcomes(fake, 2)
    fake.admin("rules/used", "POST", {"enabled": False})
    assert fake.admin("rules")["never_fired"] == ["idle"]
    fake.admin("reset", "POST")
    listing = fake.admin("rules")
    assert [(r["enabled"], r["matched"], r["fired"]) for r in listing["rules"]] == [
        (True, 0, 0),
        (True, 0, 0),
    ]
    assert listing["never_fired"] == ["used", "idle"]


# -- routes, recipients, accounts ------------------------------------------------------------


def test_routes_price_by_longest_prefix_and_refuse_the_rest(make_fake: MakeFake):
    fake = make(
        make_fake,
        "routes:\n  - {prefix: '27', charge: 0.8}\n  - {prefix: '2799', charge: 2}\n  - {prefix: '44', charge: 1.5}\n",
    )
    body = send(fake, to="27830000001,27990000001,447700900001,33612345678")
    assert body.split("\n")[3] == "ERR: 114, Cannot route message To: 33612345678"
    assert [m["charge"] for m in fake.messages()] == ["0.8", "2", "1.5"]
    assert fake.call("getbalance", **CREDS) == "Credit: 95.70"


def test_recipient_scripts(make_fake: MakeFake):
    fake = make(
        make_fake,
        """
recipients:
  - {number: '27999000001', error: 121}
  - {prefix: '2799900', statuses: [{status: '003', after: 2}, {status: '007', after: 30}]}
  - {glob: '44*', status: '005'}
  - {glob: '33*', status: '008'}
""",
    )
    assert send(fake, to="27999000001") == "ERR: 121, Destination mobile number blocked"
    send(fake, to="27999000002")
    send(fake, to="447700900001")
    send(fake, to="33612345678")
    fake.advance(100)
    history = {
        m["to"]: [(h["status"], h["time"] - T0) for h in m["status_history"]]
        for m in fake.messages()
    }
    assert history == {
        "27999000002": [("002", 0), ("003", 2), ("007", 32)],
        "447700900001": [("003", 0), ("005", 5)],
        "33612345678": [("008", 0)],
    }


def test_allowed_ips_lock_the_account(make_fake: MakeFake):
    fake = make(
        make_fake,
        "accounts:\n  - {api_id: '1', user: u, password: p, allowed_ips: ['10.0.0.0/8']}\n"
        "  - {api_id: '2', user: u, password: p, allowed_ips: ['127.0.0.1']}\n",
    )
    assert fake.call("auth", **CREDS) == "ERR: 007, IP Lockdown violation"
    assert fake.call("getbalance", **CREDS) == "ERR: 007, IP Lockdown violation"
    assert fake.call("auth", api_id="2", user="u", password="p").startswith("OK: ")


def test_senders_list_refuses_unapproved_sender_ids(make_fake: MakeFake):
    fake = make(
        make_fake,
        "accounts:\n  - {api_id: '1', user: u, password: p, senders: [ACME, 27831234567]}\n",
    )
    assert send(fake, **{"from": "ACME"}).startswith("ID: ")
    assert send(fake).startswith("ID: ")  # no sender: the gateway's own number
    assert send(fake, **{"from": "EVIL"}) == "ERR: 123, Invalid Sender ID"


def test_error_text_override_of_130_keeps_the_time(make_fake: MakeFake):
    fake = make(
        make_fake,
        "error_texts: {130: 'MT limit until {until} {other}'}\n"
        "rules:\n  - when: {command: sendmsg}\n    then: {quota: {calls: 1, window: 10}}\n",
    )
    assert outcomes(fake, 2) == ["ID", f"ERR: 130, MT limit until {int(T0) + 10} {{other}}"]


DETERMINISTIC = """
seed: 11
clock: {start: 1800000000, frozen: true}
routes: [{prefix: '27', charge: 0.5}]
recipients: [{glob: '2788*', statuses: [{status: '003'}, {status: '007', after: 3}]}]
rules:
  - {when: {command: sendmsg, probability: 0.3}, then: {error: 901}}
  - {when: {command: getbalance, every: 3}, then: {fault: garbage}}
  - {when: {command: sendmsg, recipient: {prefix: '2777'}}, then: {recipient_error: 121}}
"""


def _workload() -> list[bytes]:
    app = create_app(load_scenario_text(DETERMINISTIC, "d.yaml"))
    client = app.test_client()
    bodies = [client.get("/http/auth?api_id=1&user=u&password=p").get_data()]
    session = bodies[0].decode()[4:]
    for n in range(30):
        to = f"2788{n:07d},2777{n:07d},44{n:09d}"
        bodies.append(
            client.get(f"/http/sendmsg?session_id={session}&to={to}&text=m{n}").get_data()
        )
        bodies.append(client.get(f"/http/getbalance?session_id={session}").get_data())
        client.post("/__admin/clock", json={"advance": 1})
    bodies.append(client.get("/__admin/messages").get_data())
    return bodies


def test_same_scenario_and_seed_give_byte_identical_runs():
    first, second = _workload(), _workload()
    assert first == second
    assert any(b"ERR: 901" in body for body in first)  # the workload really exercised the rules
    assert any(b"ERR: 121" in body for body in first)
    assert any(not body.isascii() for body in first)  # garbage
