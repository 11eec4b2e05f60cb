"""The test handle (fake_clickatell.testing) over both backends: in-process and admin API."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest

from fake_clickatell import FakeClickatell, FakeServer, FakeServerError, ScenarioError, SentMessage
from fake_clickatell.core import gateway as gateway_module
from fake_clickatell.core.clock import ClockError
from fake_clickatell.core.handlers import HANDLERS
from fake_clickatell.core.journal import MASK
from fake_clickatell.testing import (
    DEFAULT_CREDENTIALS,
    AccountState,
    LoadedScenario,
    LocalBackend,
    RemoteBackend,
    RemoteBackendError,
    RuleState,
    StatusChange,
    read_scenario,
)

from .support import T0, Receiver

FROZEN = {"seed": 5, "clock": {"start": T0, "frozen": True}}
PHONE = "27999000001"


@pytest.fixture(params=["local", "remote"])
def handle(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FakeClickatell]:
    """A handle on a fresh fake, driven in-process or over the admin API."""
    if request.param == "local":
        backend = LocalBackend.start()
        yield FakeClickatell(backend, search=[tmp_path])
        backend.close()
    else:
        with FakeServer() as server:
            yield FakeClickatell(RemoteBackend(server.url + "/"), search=[tmp_path])


@pytest.fixture
def broken_ping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the fake raise inside its handler for /http/ping."""

    def boom(*args: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setitem(HANDLERS, "ping", boom)


def send(fake: FakeClickatell, to: str = PHONE, text: str = "hello", **params: str) -> str:
    reply = httpx.get(
        fake.api_url + "/sendmsg", params={**fake.credentials, "to": to, "text": text, **params}
    )
    return reply.text


def test_urls_and_default_credentials(handle: FakeClickatell):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", handle.url)
    assert handle.api_url == handle.url + "/http"
    assert (handle.api_id, handle.user, handle.password) == DEFAULT_CREDENTIALS
    assert handle.credentials == {"api_id": "3442105", "user": "demo", "password": "secret"}
    assert handle.scenario.source == "<default>"
    assert repr(handle) == f"<FakeClickatell {handle.url} scenario='<default>'>"


def test_messages_are_typed_values(handle: FakeClickatell):
    handle.load_scenario(FROZEN)
    body = send(handle, text="caf\u00e9", climsgid="c1", charset="UTF-8", **{"from": "ACME"})
    handle.clock.advance(5)

    (message,) = handle.messages
    assert isinstance(message, SentMessage)
    assert body == f"ID: {message.apimsgid}"
    assert (message.to, message.text, message.sender, message.climsgid) == (
        PHONE,
        "caf\u00e9",
        "ACME",
        "c1",
    )
    assert (message.api_id, message.user, message.status) == ("3442105", "demo", "004")
    assert (message.charge, message.parts, message.unicode, message.coding) == (
        Decimal(1),
        1,
        False,
        "gsm7",
    )
    assert (message.udh, message.data, message.accepted_at, message.release_at) == (
        None,
        None,
        T0,
        T0,
    )
    assert message.status_history == (StatusChange("003", T0), StatusChange("004", T0 + 5))
    assert message.options["callback"] == 0
    assert hash(message) == hash(SentMessage.from_json(handle.backend.messages()[0]))
    assert "apimsgid=" in message.describe()
    assert "options" not in repr(message)


def test_requests_are_journal_entries_with_passwords_masked(handle: FakeClickatell):
    send(handle)
    (entry,) = handle.requests
    assert (entry.seq, entry.method, entry.path, entry.command) == (
        1,
        "GET",
        "/http/sendmsg",
        "sendmsg",
    )
    assert entry.params["password"] == MASK
    assert entry.body.startswith("ID: ")


def test_accounts_and_balance(handle: FakeClickatell):
    assert handle.accounts == []
    with pytest.raises(LookupError, match="no account api_id='3442105' user='demo'"):
        handle.balance()
    send(handle)
    assert handle.accounts == [AccountState("3442105", "demo", Decimal(99), False)]
    assert handle.balance() == Decimal(99)
    assert handle.balance("3442105", "demo") == Decimal(99)


def test_clock_control(handle: FakeClickatell):
    clock = handle.clock
    assert not clock.frozen
    frozen_at = clock.freeze()
    assert clock.frozen
    assert clock.now == frozen_at
    assert clock.advance(30) == frozen_at + 30
    assert clock.advance(dt.timedelta(minutes=1)) == frozen_at + 90
    assert clock.set(T0) == T0
    assert clock.datetime == dt.datetime.fromtimestamp(T0, dt.timezone.utc)
    assert clock.set(dt.datetime(2027, 1, 16, 8, 0)) == T0 + 86_400  # naive means UTC
    aware = dt.datetime(2027, 1, 16, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert clock.set(aware) == T0 + 86_400
    assert repr(clock) == "<Clock now=1800086400.0 frozen=True>"
    with pytest.raises(ClockError):
        clock.advance(-1)
    clock.unfreeze()
    assert not clock.frozen
    assert clock.now >= T0 + 86_400


def test_the_clock_drives_sessions(handle: FakeClickatell):
    handle.clock.freeze()
    session = httpx.get(handle.api_url + "/auth", params=handle.credentials).text[4:]
    handle.clock.advance(15 * 60 + 1)
    reply = httpx.get(handle.api_url + "/ping", params={"session_id": session})
    assert reply.text == "ERR: 003, Session ID expired"


def test_load_scenario_from_a_dict_sets_the_default_account(handle: FakeClickatell):
    scenario = handle.load_scenario(
        {"accounts": [{"api_id": 77, "user": "shop", "password": "pw", "balance": 3}]}
    )
    assert scenario.source == "<dict>"
    assert handle.credentials == {"api_id": "77", "user": "shop", "password": "pw"}
    assert send(handle).startswith("ID: ")
    assert handle.balance() == Decimal(2)
    assert httpx.get(handle.api_url + "/auth", params={"api_id": "1"}).text.startswith("ERR: 108")


def test_load_scenario_finds_relative_paths_in_the_search_dirs(
    handle: FakeClickatell, tmp_path: Path
):
    (tmp_path / "strict.yaml").write_text("accounts: [{api_id: 9, user: u, password: p}]\n")
    handle.load_scenario("strict.yaml")
    assert handle.scenario.source == str(tmp_path / "strict.yaml")
    assert handle.api_id == "9"
    handle.load_scenario(tmp_path / "strict.yaml")
    assert handle.api_id == "9"


def test_load_scenario_errors_name_the_file_and_what_was_tried(
    handle: FakeClickatell, tmp_path: Path
):
    with pytest.raises(ScenarioError, match=r"<dict>: accounts\[0\]\.api_id: required key"):
        handle.load_scenario({"accounts": [{"user": "u", "password": "p"}]})
    with pytest.raises(ScenarioError) as missing:
        handle.load_scenario("nope.yaml")
    assert str(missing.value) == (
        f"nope.yaml: cannot read the file: No such file or directory"
        f" (tried {tmp_path / 'nope.yaml'}, nope.yaml; shipped scenarios: accounts,"
        " connection-resets, flaky, happy-path, mixed-recipients, out-of-credit, rate-limited,"
        " scheduled-sends, session-expiry, slow-network)"
    )
    (tmp_path / "latin1.yaml").write_bytes(b"seed: 1 # \xe9\n")
    with pytest.raises(ScenarioError, match="the file is not UTF-8 text"):
        handle.load_scenario("latin1.yaml")
    assert handle.scenario.source == "<default>"  # nothing was loaded


def test_reset_keeps_the_scenario(handle: FakeClickatell):
    handle.load_scenario({**FROZEN, "default_balance": 7})
    send(handle)
    handle.clock.advance(60)
    handle.reset()
    assert handle.messages == []
    assert handle.requests == []
    assert handle.clock.now == T0
    send(handle)
    assert handle.balance() == Decimal(6)


def test_assert_sent_returns_the_match_and_counts(handle: FakeClickatell):
    first = send(handle, text="code 1234")
    send(handle, to="27999000002", text="code 9999")
    sent = handle.assert_sent(to=PHONE, text=re.compile(r"\d{4}"))
    assert f"ID: {sent.apimsgid}" == first
    handle.assert_sent(count=2, text=re.compile("^code"))
    assert [m.to for m in handle.find_messages(status="003")] == [PHONE, "27999000002"]
    with pytest.raises(TypeError, match=r"unknown message field\(s\) colour; expected to, text"):
        handle.assert_sent(colour="red")


def test_assert_sent_failure_lists_what_was_sent_and_what_was_refused(handle: FakeClickatell):
    send(handle, text="hello")
    send(handle, to="+27999000002", text="hello")
    with pytest.raises(AssertionError) as failure:
        handle.assert_sent(to="27999000002", text="hello")
    (message,) = handle.messages
    assert str(failure.value).splitlines() == [
        "no message matches to='27999000002' text='hello'",
        "sent: 1 message",
        f"  [1] {message.describe()}",
        "refused: 1 sending request",
        "  [1] GET /http/sendmsg api_id='3442105' user='demo' password='********'"
        " to='+27999000002' text='hello' -> 'ERR: 105, Invalid destination address'"
        " (why: '+27999000002' is not an international number: a leading + or 00"
        " (send the country code and number, digits only))",
    ]


def test_a_failure_lists_requests_that_missed_the_api(handle: FakeClickatell):
    httpx.get(f"{handle.url}/sendmsg", params={**handle.credentials, "to": "27999000001"})
    with pytest.raises(AssertionError) as failure:
        handle.assert_sent(to="27999000001")
    lines = str(failure.value).splitlines()
    assert lines[:3] == [
        "no message matches to='27999000001'",
        "no message was sent",
        "outside the API: 1 request (wrong base URL?)",
    ]
    assert lines[3].startswith(
        "  [1] GET /sendmsg api_id='3442105' user='demo' password='********' to='27999000001'"
        " -> '404 Not Found: /sendmsg is not a path of the fake"
    )


def test_a_partly_refused_sendmsg_counts_as_refused(handle: FakeClickatell):
    send(handle, to="27999000001,+2799", text="line one\nline two" + "!" * 60)
    with pytest.raises(AssertionError) as failure:
        handle.assert_sent(to="2799")
    lines = str(failure.value).splitlines()
    assert lines[1] == "sent: 1 message"
    assert "text='line one\\nline two!!!" in lines[2]
    assert lines[3:] == [
        "refused: 1 sending request",
        "  [1] GET /http/sendmsg api_id='3442105' user='demo' password='********'"
        " to='27999000001,+2799' text='line one\\nline two!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!...'"
        f" -> 'ID: {handle.messages[0].apimsgid} To: 27999000001\\nERR: 105, Invalid destin...'"
        " (why: +2799: '+2799' is not an international number: a leading + or 00"
        " (send the country code and number, digits only))",
    ]


def test_assert_sent_with_count_and_nothing_sent(handle: FakeClickatell):
    with pytest.raises(AssertionError) as failure:
        handle.assert_sent(count=2, text=re.compile("a+"))
    assert str(failure.value).splitlines() == [
        "expected 2 messages matching text=re.compile('a+'), found 0",
        "no message was sent",
    ]


def test_long_listings_are_cut(handle: FakeClickatell):
    to = ",".join(f"2799900{n:04d}" for n in range(25))
    send(handle, to=to, text="x" * 70)
    with pytest.raises(AssertionError) as failure:
        handle.assert_sent(to="1")
    lines = str(failure.value).splitlines()
    assert lines[1:3] == ["sent: 25 messages", "  ... 5 earlier messages not shown"]
    assert len(lines) == 3 + 20
    assert lines[3].startswith(f"  [6] to='27999000005' text='{'x' * 57}...'")
    assert lines[-1].startswith("  [25] to='27999000024'")


def test_assert_not_sent(handle: FakeClickatell):
    handle.assert_not_sent()
    send(handle)
    handle.assert_not_sent(to="27999000002")
    with pytest.raises(AssertionError, match=r"^1 message matching \(any\), expected none"):
        handle.assert_not_sent()


def test_assert_requested(handle: FakeClickatell):
    with pytest.raises(AssertionError) as nothing:
        handle.assert_requested("auth")
    assert str(nothing.value).splitlines() == [
        "no request matches command='auth'",
        f"no request reached the fake at {handle.url}",
    ]
    send(handle)
    send(handle, to="27999000002")
    entry = handle.assert_requested("sendmsg", count=2, to=re.compile("^2799"))
    assert entry.params["to"] == PHONE
    handle.assert_requested("sendmsg", password=MASK, to="27999000002")
    with pytest.raises(AssertionError) as failure:
        handle.assert_requested("sendmsg", count=1)
    lines = str(failure.value).splitlines()
    assert lines[:2] == [
        "expected 1 request matching command='sendmsg', found 2",
        "2 requests reached the fake:",
    ]
    assert lines[2].startswith("  [1] GET /http/sendmsg api_id='3442105'")


def test_wait_for_messages_sent_from_another_thread(handle: FakeClickatell):
    thread = threading.Thread(target=send, args=(handle,))
    thread.start()
    (message,) = handle.wait_for_messages(1, timeout=10)
    thread.join()
    assert message.text == "hello"


def test_wait_for_messages_gives_up_after_the_timeout(handle: FakeClickatell):
    send(handle)
    with pytest.raises(AssertionError) as failure:
        handle.wait_for_messages(2, timeout=0.02)
    assert str(failure.value).splitlines()[:2] == [
        "waited 0.02 s for 2 messages, 1 sent",
        "sent: 1 message",
    ]


@pytest.mark.usefixtures("broken_ping")
def test_check_raises_what_the_fake_raised_with_the_request(handle: FakeClickatell):
    handle.check()  # nothing yet
    reply = httpx.get(handle.api_url + "/ping", params={"session_id": "s", "password": "pw"})
    assert reply.text == "ERR: 901, Internal error"
    (recorded,) = handle.errors
    assert (recorded.method, recorded.path) == ("GET", f"/http/ping?session_id=s&password={MASK}")
    with pytest.raises(FakeServerError) as failure:
        handle.check()
    message = str(failure.value)
    assert message.splitlines()[:2] == [
        "the fake raised 1 exception while handling this test's requests",
        f"  GET /http/ping?session_id=s&password={MASK}: RuntimeError('kaboom')",
    ]
    assert failure.value.errors == (recorded,)
    if isinstance(handle.backend, LocalBackend):  # the original exception, traceback and all
        assert isinstance(failure.value.__cause__, RuntimeError)
        assert "Server-side traceback" not in message
    else:  # the server's traceback, as text
        assert failure.value.__cause__ is None
        assert "Server-side traceback of the first (GET /http/ping" in message
        assert 'raise RuntimeError("kaboom")' in message
    handle.check()  # each error is raised once


@pytest.mark.usefixtures("broken_ping")
def test_errors_survive_a_reset_until_checked(handle: FakeClickatell):
    httpx.get(handle.api_url + "/ping", params={"session_id": "s"})
    with pytest.raises(AssertionError) as failure:
        handle.assert_sent()
    assert str(failure.value).splitlines()[-2:] == [
        "the fake also raised 1 exception (re-raised at teardown):",
        "  GET /http/ping?session_id=s: RuntimeError('kaboom')",
    ]
    handle.reset()
    handle.load_scenario(FROZEN)
    assert handle.errors == []
    with pytest.raises(FakeServerError, match="raised 1 exception"):
        handle.check()


def test_a_new_handle_on_a_backend_starts_afresh():
    backend = LocalBackend.start()
    try:
        first = FakeClickatell(backend)
        first.load_scenario(FROZEN)
        send(first)
        second = FakeClickatell(backend)  # keeps the loaded scenario, resets its state
        assert second.scenario is first.scenario
        assert second.messages == []
        assert second.clock.now == T0
        other = read_scenario({"accounts": [{"api_id": 1, "user": "u", "password": "p"}]})
        third = FakeClickatell(backend, scenario=other)
        assert backend.current is other
        assert third.api_id == "1"
    finally:
        backend.close()


def test_local_backend_exposes_the_app():
    backend = LocalBackend.start()
    try:
        assert backend.app is backend.server.app
        assert backend.app.test_client().get("/__admin/clock").status_code == 200
    finally:
        backend.close()


def test_remote_backend_refuses_bad_urls_and_unreachable_fakes():
    with pytest.raises(RemoteBackendError, match="expected an http:// or https:// URL"):
        RemoteBackend("127.0.0.1:8765")
    with FakeServer() as server:
        url = server.url
        with pytest.raises(RemoteBackendError, match=r"answered 200 with something other than"):
            RemoteBackend(url + "/http").ping()  # the API answers text, not JSON
        with pytest.raises(RemoteBackendError, match=r"/nope/__admin/clock answered 404"):
            RemoteBackend(url + "/nope").ping()
    with pytest.raises(RemoteBackendError, match=f"cannot reach the fake at {url}"):
        RemoteBackend(url).ping()
    with pytest.raises(RemoteBackendError, match="cannot reach"):
        RemoteBackend("https://127.0.0.1:1").ping()


def test_remote_backend_reports_a_scenario_the_server_refuses():
    with FakeServer() as server:
        remote = RemoteBackend(server.url)
        # Valid here, but the text sent is not: a fake of another version would refuse it.
        with pytest.raises(ScenarioError, match=r"refused by http://.*: .*unknown key"):
            remote.load(LoadedScenario(read_scenario({}).scenario, "surprise: 1\n"))
        assert remote.current is None


def test_remote_backend_reports_internal_errors_of_admin_calls(monkeypatch: pytest.MonkeyPatch):
    def boom(*args: object) -> None:
        raise RuntimeError("admin kaboom")

    with FakeServer() as server:
        remote = RemoteBackend(server.url)
        monkeypatch.setattr(gateway_module.Gateway, "load", boom)
        with pytest.raises(RemoteBackendError, match=r"/__admin/scenario answered 500"):
            remote.load(read_scenario({}))
        monkeypatch.setattr(gateway_module.Gateway, "advance_clock", boom)
        with pytest.raises(RemoteBackendError, match=r"/__admin/clock answered 500"):
            remote.clock(advance=1)


def test_rules_show_their_counters_and_can_be_switched(handle: FakeClickatell):
    handle.load_scenario(
        {
            "rules": [
                {
                    "name": "flaky",
                    "when": {"command": "sendmsg", "first": 2},
                    "then": {"error": 901},
                }
            ]
        }
    )
    assert send(handle) == "ERR: 901, Internal error"
    assert handle.rules == [RuleState(0, "flaky", True, 1, 1, None)]
    handle.disable_rule("flaky")
    assert send(handle).startswith("ID: ")
    assert handle.rule("flaky") == RuleState(0, "flaky", False, 1, 1, None)
    handle.enable_rule("flaky")
    assert send(handle) == "ERR: 901, Internal error"
    assert handle.rule("flaky").fired == 2
    with pytest.raises(LookupError, match="no rule named 'nope'; the scenario's rules: 'flaky'"):
        handle.rule("nope")
    with pytest.raises(LookupError, match="no rule named 'no/pe'"):
        handle.disable_rule("no/pe")
    handle.load_scenario({})
    with pytest.raises(LookupError, match="the scenario's rules: none"):
        handle.rule("flaky")


def test_moving_the_clock_sends_the_callbacks_that_fell_due(handle: FakeClickatell):
    with Receiver() as receiver:
        handle.load_scenario({**FROZEN, "callback": {"url": receiver.url, "format": "HTTP_GET"}})
        send(handle, callback="3")  # 003 now, 004 five seconds later
        # Wait until the 003 push went out and the sender thread is idle: from then on only
        # a wake-up (what the admin API's clock does) makes it look at the clock again.
        assert httpx.post(handle.url + "/__admin/callbacks/flush").json()["flushed"]
        assert len(receiver.requests) == 1
        handle.clock.advance(5)
        deadline = time.monotonic() + 10  # the push leaves from a background thread
        while len(receiver.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
    statuses = [dict(parse_qsl(received.query))["status"] for received in receiver.requests]
    assert statuses == ["003", "004"]


# -- callbacks and inbound messages through the handle ---------------------------------------


def test_pushes_and_send_mo(handle: FakeClickatell):
    with Receiver(statuses=[500]) as receiver:
        handle.load_scenario(
            {
                **FROZEN,
                "accounts": [
                    {
                        "api_id": "1",
                        "user": "u",
                        "password": "p",
                        "callback": {"url": receiver.url + "/cb", "format": "HTTP_GET"},
                        "mo": {"numbers": [PHONE], "url": receiver.url + "/mo"},
                    }
                ],
            }
        )
        apimsgid = send(handle, to="27831234567", callback="1")[4:]
        (push,) = handle.pushes()
        assert (push.kind, push.state, push.apimsgid, push.status) == (
            "callback",
            "pending",
            apimsgid,
            "003",
        )
        assert [(a.attempt, a.ok, a.detail) for a in push.attempts] == [(1, False, "HTTP 500")]
        assert push.fields["apiMsgId"] == apimsgid
        handle.clock.advance(120)
        (push,) = handle.pushes()
        assert push.state == "delivered"
        assert [a.time - T0 for a in push.attempts] == [0, 120]

        (mo_id,) = handle.send_mo("STOP", sender="27831234567", to=PHONE)
        mo = handle.pushes()[-1]
        assert (mo.kind, mo.state, mo.mo_msg_id) == ("mo", "delivered", mo_id)
        assert mo.fields["text"] == "STOP"
        assert send(handle, to="27831234567") == "ERR: 122, Destination mobile opted out"
        with pytest.raises(ValueError, match="not one of the account's numbers"):
            handle.send_mo("hi", sender="27831234567", to="27999000002", api_id="1")
    assert [r.path for r in receiver.requests] == ["/cb", "/cb", "/mo"]


def test_send_mo_names_the_network_an_integrations_reply_callback_carries(
    handle: FakeClickatell,
):
    with Receiver() as receiver:
        integration = {
            "api": "platform",
            "api_key": "K",
            "numbers": [PHONE],
            "reply_callback": {"url": receiver.url + "/reply"},
        }
        handle.load_scenario({**FROZEN, "accounts": [{"integrations": [integration]}]})
        (mo_id,) = handle.send_mo("yes", sender="27831234567", to=PHONE, network="65510")
        (push,) = handle.pushes()
        assert (push.kind, push.api, push.mo_msg_id) == ("mo", "platform", mo_id)
    (request,) = receiver.requests
    assert json.loads(request.body)["network"] == "65510"


def test_a_rule_name_with_a_slash_can_be_switched(handle: FakeClickatell):
    handle.load_scenario(
        {"rules": [{"name": "sms/down", "when": {"command": "sendmsg"}, "then": {"error": 901}}]}
    )
    assert send(handle) == "ERR: 901, Internal error"
    handle.disable_rule("sms/down")
    assert send(handle).startswith("ID: ")


def test_server_errors_show_the_form_parameters_masked(handle: FakeClickatell, broken_ping: None):
    reply = httpx.post(
        handle.api_url + "/ping",
        data={"session_id": "abc", "password": "hunter2"},
    )
    assert reply.text == "ERR: 901, Internal error"
    with pytest.raises(FakeServerError) as info:
        handle.check()
    message = str(info.value)
    assert (
        "POST /http/ping [session_id='abc' password='********']: RuntimeError('kaboom')" in message
    )
    assert "hunter2" not in message


def test_pushes_of_an_earlier_test_are_not_this_tests(handle: FakeClickatell):
    handle.load_scenario({**FROZEN, "callback": {"url": "http://127.0.0.1:9/cb"}})
    send(handle, callback="1")
    assert [p.state for p in handle.pushes()] == ["pending"]  # nobody listens on port 9
    next_test = FakeClickatell(handle.backend)  # what the fixture builds for the next test
    assert next_test.pushes() == []
    send(next_test, callback="1")
    assert [p.state for p in next_test.pushes()] == ["pending"]
