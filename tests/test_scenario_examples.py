"""Every example in scenarios/ loads, and does what its header says, over a real socket."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fake_clickatell import FakeServer, load_scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"
EXAMPLES = sorted(SCENARIOS.glob("*.yaml"))
T0 = 1_800_000_000  # 2027-01-15T08:00:00Z, where the examples start their clocks
ID = re.compile(r"ID: [0-9a-f]{32}")
DEMO = {"api_id": "3442105", "user": "demo", "password": "secret"}


def test_there_are_examples():
    names = {path.name for path in EXAMPLES}
    assert {
        "happy-path.yaml",
        "session-expiry.yaml",
        "out-of-credit.yaml",
        "flaky.yaml",
        "mixed-recipients.yaml",
        "slow-network.yaml",
        "connection-resets.yaml",
        "rate-limited.yaml",
        "scheduled-sends.yaml",
        "accounts.yaml",
    } <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_loads_and_starts_with_a_comment_header(path: Path):
    load_scenario(path)
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(f"# {path.name}: ")


class Client:
    """A tiny HTTP client for these tests: every call goes over the real socket."""

    def __init__(self, server: FakeServer) -> None:
        self.http = httpx.Client(base_url=server.url, timeout=10)

    def get(self, command: str, **params: str) -> str:
        reply = self.http.get(f"/http/{command}", params=params)
        assert reply.status_code == 200
        return reply.text

    def admin(self, path: str, payload: object = None) -> object:
        if payload is None:
            return self.http.get(f"/__admin/{path}").json()
        return self.http.post(f"/__admin/{path}", json=payload).json()


@pytest.fixture
def run() -> Iterator[object]:
    started: list[tuple[FakeServer, Client]] = []

    def start(name: str) -> Client:
        server = FakeServer(load_scenario(SCENARIOS / name)).start()
        client = Client(server)
        started.append((server, client))
        return client

    yield start
    for server, client in started:
        client.http.close()
        server.stop()


def test_happy_path(run):
    client = run("happy-path.yaml")
    session = client.get("auth", **DEMO)[4:]
    apimsgid = client.get("sendmsg", session_id=session, to="27999000001", text="hello")[4:]
    assert (
        client.get("querymsg", session_id=session, apimsgid=apimsgid)
        == f"ID: {apimsgid} Status: 003"
    )
    client.admin("clock", {"advance": 5})
    assert (
        client.get("querymsg", session_id=session, apimsgid=apimsgid)
        == f"ID: {apimsgid} Status: 004"
    )
    assert client.get("getbalance", session_id=session) == "Credit: 99.00"


def test_happy_path_repeats_exactly(run):
    def replies() -> list[str]:
        client = run("happy-path.yaml")
        session = client.get("auth", **DEMO)[4:]
        return [
            session,
            client.get("sendmsg", session_id=session, to="27999000001,27999000002", text="x"),
        ]

    assert replies() == replies()


def test_session_expiry(run):
    client = run("session-expiry.yaml")
    session = client.get("auth", **DEMO)[4:]
    assert ID.fullmatch(client.get("sendmsg", session_id=session, to="27999000001", text="1"))
    assert ID.fullmatch(client.get("sendmsg", session_id=session, to="27999000001", text="2"))
    assert (
        client.get("sendmsg", session_id=session, to="27999000001", text="3")
        == "ERR: 003, Session ID expired"
    )
    session = client.get("auth", **DEMO)[4:]
    assert ID.fullmatch(client.get("sendmsg", session_id=session, to="27999000001", text="3"))
    client.admin("clock", {"advance": 61})
    assert client.get("ping", session_id=session) == "ERR: 003, Session ID expired"


def test_out_of_credit(run):
    client = run("out-of-credit.yaml")
    for _ in range(3):
        assert ID.fullmatch(client.get("sendmsg", **DEMO, to="27999000001", text="x"))
    assert client.get("sendmsg", **DEMO, to="27999000001", text="x") == "ERR: 301, No credit left"
    assert client.get("getbalance", **DEMO) == "Credit: 0.00"


def test_flaky(run):
    client = run("flaky.yaml")
    bodies = [client.get("sendmsg", **DEMO, to="27999000001", text="x") for _ in range(3)]
    assert bodies[:2] == ["ERR: 901, Internal error"] * 2
    assert ID.fullmatch(bodies[2])
    assert len(client.admin("messages")["messages"]) == 1


def test_mixed_recipients(run):
    client = run("mixed-recipients.yaml")
    to = "27999000001,27999000002,27999000003,27999000009,447700900001,33612345678,123"
    lines = client.get("sendmsg", **DEMO, to=to, text="x").split("\n")
    assert ID.match(lines[0])
    assert lines[1:4] == [
        "ERR: 121, Destination mobile number blocked To: 27999000002",
        "ERR: 122, Destination mobile opted out To: 27999000003",
        "ERR: 128, Number delisted To: 27999000009",
    ]
    assert ID.match(lines[4])
    assert lines[5:] == [
        "ERR: 114, Cannot route message To: 33612345678",
        "ERR: 105, Invalid destination address To: 123",
    ]
    client.admin("clock", {"advance": 30})
    statuses = {m["to"]: (m["status"], m["charge"]) for m in client.admin("messages")["messages"]}
    assert statuses == {"27999000001": ("004", "0.8"), "447700900001": ("007", "1.2")}


def test_slow_network(run):
    client = run("slow-network.yaml")
    started = time.perf_counter()
    client.get("getbalance", **DEMO)
    quick = time.perf_counter() - started
    started = time.perf_counter()
    client.get("querymsg", **DEMO, apimsgid="x")
    slow = time.perf_counter() - started
    assert quick >= 0.25  # lower bounds: the delays the scenario promises
    assert slow >= 1.0
    with pytest.raises(httpx.ReadTimeout):
        client.http.get("/http/querymsg", params={**DEMO, "apimsgid": "x"}, timeout=0.5)


def test_connection_resets(run):
    client = run("connection-resets.yaml")
    assert ID.fullmatch(client.get("sendmsg", **DEMO, to="27999000001", text="x"))
    with pytest.raises(httpx.ReadError):
        client.get("sendmsg", **DEMO, to="27999000001", text="x")
    assert ID.fullmatch(client.get("sendmsg", **DEMO, to="27999000001", text="x"))
    assert len(client.admin("messages")["messages"]) == 2  # the reset one never arrived
    for _ in range(4):
        client.get("getbalance", **DEMO)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("getbalance", **DEMO)


def test_rate_limited(run):
    client = run("rate-limited.yaml")
    bodies = [client.get("sendmsg", **DEMO, to="27999000001", text="x") for _ in range(6)]
    assert all(ID.fullmatch(body) for body in bodies[:5])
    assert bodies[5] == f"ERR: 130, Maximum MT limit exceeded until {T0 + 60}"
    client.admin("clock", {"advance": 60})
    assert ID.fullmatch(client.get("sendmsg", **DEMO, to="27999000001", text="x"))


def test_scheduled_sends(run):
    client = run("scheduled-sends.yaml")
    later = client.get("sendmsg", **DEMO, to="27999000001", text="x", deliv_time="30")[4:]
    at = client.get(
        "sendmsg", **DEMO, to="27999000001", text="y", scheduled_time="2027-01-15T09:00:00Z"
    )[4:]
    assert client.get("querymsg", **DEMO, apimsgid=later) == f"ID: {later} Status: 011"
    assert client.get("delmsg", **DEMO, apimsgid=at) == f"ID: {at} Status: 006"
    assert client.get("getbalance", **DEMO) == "Credit: 9.00"
    client.admin("clock", {"advance": 30 * 60})
    assert client.get("querymsg", **DEMO, apimsgid=later) == f"ID: {later} Status: 003"
    client.admin("clock", {"advance": 10})
    assert client.get("querymsg", **DEMO, apimsgid=later) == f"ID: {later} Status: 004"
    assert client.get("querymsg", **DEMO, apimsgid=at) == f"ID: {at} Status: 006"


def test_accounts_example(run):
    client = run("accounts.yaml")
    assert (
        client.get("auth", api_id="1", user="u", password="p")
        == "ERR: 108, Invalid or missing api_id"
    )
    assert (
        client.get("auth", api_id="3442105", user="demo", password="x")
        == "ERR: 001, Authentication failed"
    )
    assert (
        client.get("auth", api_id="777", user="ice", password="cold") == "ERR: 004, Account frozen"
    )
    session = client.get("auth", **DEMO)[4:]
    assert client.get("getbalance", session_id=session) == "Credit: 12.50"
