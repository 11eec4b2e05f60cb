"""The JSON admin API under /__admin/: messages, journal, reset, clock, scenario."""

from __future__ import annotations

import json

from fake_clickatell import create_app
from fake_clickatell.core.journal import MASK

from .support import T0, Harness, clock_json, frozen, step

SCENARIO_YAML = b"""
seed: 7
clock: {start: 2027-01-15T08:00:00Z, frozen: true}
accounts:
  - {api_id: 3442105, user: demo, password: secret, balance: 12.5}
"""


def test_messages_show_every_accepted_message(fake: Harness):
    session = fake.auth("3442105", "demo", "pw")
    body = fake.call(
        "sendmsg",
        session_id=session,
        to="27999000001,27999000002",
        text="caf\u00e9",
        charset="UTF-8",
        climsgid="c1",
        **{"from": "ACME"},
    )
    messages = fake.messages()
    assert [line.split(" ")[1] for line in body.split("\n")] == [m["apimsgid"] for m in messages]
    first = messages[0]
    assert first == {
        "apimsgid": first["apimsgid"],
        "api": "http",
        "integration": None,
        "climsgid": "c1",
        "api_id": "3442105",
        "user": "demo",
        "to": "27999000001",
        "from": "ACME",
        "text": "caf\u00e9",
        "unicode": False,
        "coding": "gsm7",
        "udh": None,
        "data": None,
        "kind": "sms",
        "push": None,
        "parts": 1,
        "charge": "1",
        "status": "003",
        "status_history": [step("003", T0)],
        "accepted_at": T0,
        "accepted_at_iso": "2027-01-15T08:00:00.000Z",
        "release_at": T0,
        "release_at_iso": "2027-01-15T08:00:00.000Z",
        "options": first["options"],
    }


def test_requests_journal_masks_passwords(fake: Harness):
    fake.call("auth", api_id="1", user="u", password="hunter2")
    fake.call("getbalance", api_id="1", user="u", password="hunter2")
    journal = fake.admin("requests")
    assert journal["total"] == 2
    first, second = journal["requests"]
    assert first["params"] == {"api_id": "1", "user": "u", "password": MASK}
    assert first["command"] == "auth"
    assert first["path"] == "/http/auth"
    assert first["body"].startswith("OK: ")
    assert second["body"] == "Credit: 100.00"
    assert "hunter2" not in json.dumps(journal)


def test_requests_journal_is_bounded():
    from fake_clickatell.core.gateway import Gateway

    gateway = Gateway(frozen(), time_source=lambda: T0, journal_limit=3)
    app = create_app(gateway=gateway)
    client = app.test_client()
    for _ in range(5):
        client.get("/http/ping?session_id=x")
    journal = client.get("/__admin/requests").get_json()
    assert journal["limit"] == 3
    assert journal["total"] == 5
    assert [entry["seq"] for entry in journal["requests"]] == [3, 4, 5]


def test_reset_goes_back_to_the_initial_state(fake: Harness):
    session = fake.auth()
    fake.call("sendmsg", session_id=session, to="27999000001", text="hi")
    fake.advance(100)
    assert fake.admin("reset", "POST")["reset"] is True
    assert fake.messages() == []
    assert fake.admin("requests")["requests"] == []
    assert fake.admin("clock") == clock_json(T0)
    assert fake.call("ping", session_id=session) == "ERR: 003, Session ID expired"
    assert fake.call("getbalance", api_id="1", user="u", password="p") == "Credit: 100.00"


def test_reset_repeats_ids_with_a_seed(fake: Harness):
    first = fake.auth()
    fake.admin("reset", "POST")
    assert fake.auth() == first


def test_put_scenario_replaces_and_resets(fake: Harness):
    fake.auth()
    status, body, _ = fake.raw(
        "PUT", "/__admin/scenario", SCENARIO_YAML, {"Content-Type": "application/yaml"}
    )
    assert status == 200, body
    assert json.loads(body)["accounts"] == 1
    assert (
        fake.call("auth", api_id="1", user="u", password="p")
        == "ERR: 108, Invalid or missing api_id"
    )
    session = fake.auth("3442105", "demo", "secret")
    assert fake.call("getbalance", session_id=session) == "Credit: 12.50"
    assert fake.admin("clock") == clock_json(T0)


def test_reset_restores_the_scenario_the_server_started_with(fake: Harness):
    status, body, _ = fake.raw(
        "PUT", "/__admin/scenario", SCENARIO_YAML, {"Content-Type": "application/yaml"}
    )
    assert status == 200, body
    kept = fake.admin("reset?scenario=current", "POST")
    assert kept["scenario"] == "<PUT /__admin/scenario>"
    assert fake.call("auth", api_id="1", user="u", password="p").startswith("ERR: 108")
    restored = fake.admin("reset", "POST")  # the default: the scenario it started with
    assert restored["scenario"] == fake.gateway.scenario.source != "<PUT /__admin/scenario>"
    assert fake.call("auth", api_id="1", user="u", password="p").startswith("OK: ")
    status, body, _ = fake.raw("POST", "/__admin/reset?scenario=first")
    assert (status, json.loads(body)) == (
        400,
        {"error": "scenario: expected initial or current, got 'first'"},
    )


def test_put_scenario_rejects_a_bad_one_and_keeps_the_old(fake: Harness):
    status, body, _ = fake.raw("PUT", "/__admin/scenario", b"accounts:\n  - {api_id: 1, user: u}\n")
    assert status == 400
    assert json.loads(body)["error"] == (
        "<PUT /__admin/scenario>: accounts[0].password: required key is missing"
    )
    assert fake.auth().isalnum()  # still open mode


def test_put_scenario_rejects_non_utf8(fake: Harness):
    status, body, _ = fake.raw("PUT", "/__admin/scenario", b"\xff\xfe")
    assert status == 400
    assert "UTF-8" in json.loads(body)["error"]


def test_accounts_view(strict: Harness):
    accounts = strict.admin("accounts")["accounts"]
    assert accounts[0] == {
        "api_id": "3442105",
        "user": "demo",
        "balance": "12.5",
        "frozen": False,
        "currency": "ZAR",
        "integrations": [],
    }
    assert accounts[2]["frozen"] is True


def test_unknown_admin_path_is_a_plain_404(fake: Harness):
    status, body, headers = fake.raw("GET", "/__admin/nothing")
    assert (status, body) == (404, b"404 Not Found")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_wrong_method_on_admin_is_405(fake: Harness):
    status, body, _ = fake.raw("DELETE", "/__admin/messages")
    assert (status, body) == (405, b"405 Method Not Allowed")


def test_the_journal_cuts_long_values_and_keeps_at_most_100_parameters():
    from fake_clickatell.core.journal import Journal

    journal = Journal(limit=10, char_limit=1_000_000)
    params = {"text": "x" * 20_000, "n" * 12_000: "1", **{f"p{n}": "v" for n in range(200)}}
    entry = journal.record(
        time=0.0,
        method="POST",
        path="/http/sendmsg",
        command="sendmsg",
        params=params,
        client_ip="127.0.0.1",
        status=200,
        body="ERR: 101, Invalid or missing parameters",
    )
    assert len(entry.params) == 100
    assert entry.params["text"] == "x" * 10_000 + "...[10000 more characters]"
    assert entry.params["n" * 10_000 + "...[2000 more characters]"] == "1"


def test_the_journal_is_bounded_in_characters_too():
    from fake_clickatell.core.journal import Journal

    journal = Journal(limit=1000, char_limit=50_000)
    for n in range(20):
        journal.record(
            time=float(n),
            method="GET",
            path="/http/sendmsg",
            command="sendmsg",
            params={"text": "y" * 9_000},
            client_ip="127.0.0.1",
            status=200,
            body="ID: x",
        )
    kept = [entry.seq for entry in journal.entries()]
    assert kept == list(range(16, 21))  # the newest five fit 50,000 characters
    assert journal.total == 20


def test_the_journal_masks_secrets_whatever_their_case():
    from fake_clickatell.core.journal import MASK, mask_params

    assert mask_params({"user": "demo", "PassWord": "hunter2", "token": "t-1"}) == {
        "user": "demo",
        "PassWord": MASK,
        "token": MASK,
    }
    plain = {"session_id": "abc", "to": "27999000001"}
    masked = mask_params(plain)
    assert masked == plain
    assert masked is not plain  # a copy, never the caller's dict


def test_messages_filter_by_to_status_api_id_climsgid_and_since(fake: Harness):
    first = fake.call("sendmsg", api_id="1", user="u", password="p", to="27999000001", text="a")
    fake.advance(10)
    fake.call(
        "sendmsg", api_id="2", user="v", password="p", to="27999000002", text="b", climsgid="mine"
    )
    ids = {m["text"]: m["apimsgid"] for m in fake.messages()}
    assert first == f"ID: {ids['a']}"

    def texts(query: str) -> list[str]:
        return [m["text"] for m in fake.admin(f"messages?{query}")["messages"]]

    assert texts("to=27999000001") == ["a"]
    assert texts("api_id=2") == ["b"]
    assert texts("climsgid=mine") == ["b"]
    assert texts("status=004") == ["a"]  # delivered 5 s after it was sent
    assert texts("status=003") == ["b"]
    assert texts(f"since={T0 + 5}") == ["b"]
    assert texts("since=2027-01-15T08:00:05Z") == ["b"]
    assert texts("since=2027-01-15T10:00:05%2B02:00") == ["b"]
    assert texts("to=27999000001&api_id=2") == []
    assert fake.admin("messages?to=27999000001")["page"]["total"] == 1
    status, body, _ = fake.raw("GET", "/__admin/messages?status=4")
    assert (status, json.loads(body)["error"].startswith("status: expected a message status")) == (
        400,
        True,
    )


def test_requests_filter_by_command_path_status_and_since(fake: Harness):
    fake.auth()
    fake.advance(10)
    fake.call("ping", session_id="nope")
    fake.raw("GET", "/sendmsg?to=1")

    def paths(query: str) -> list[str]:
        return [r["path"] for r in fake.admin(f"requests?{query}")["requests"]]

    assert paths("command=ping") == ["/http/ping"]
    assert paths("command=") == ["/sendmsg"]  # reached no command
    assert paths("path=/http/auth") == ["/http/auth"]
    assert paths("status=404") == ["/sendmsg"]
    assert paths(f"since={T0 + 1}") == ["/http/ping", "/sendmsg"]


def test_every_time_comes_with_its_iso_form(fake: Harness):
    fake.call("sendmsg", api_id="1", user="u", password="p", to="27999000001", text="a")
    (message,) = fake.messages()
    assert message["accepted_at_iso"] == "2027-01-15T08:00:00.000Z"
    (entry,) = fake.admin("requests")["requests"]
    assert entry["time_iso"] == "2027-01-15T08:00:00.000Z"
    assert fake.admin("clock")["now_iso"] == "2027-01-15T08:00:00.000Z"


def test_health_is_cheap_and_says_so(fake: Harness):
    from fake_clickatell import __version__
    from fake_clickatell.app import runtime_of

    runtime = runtime_of(fake.app)
    with runtime.lock:  # answers even while the fake is busy: it takes no lock
        assert fake.admin("health") == {"status": "ok", "version": __version__}
