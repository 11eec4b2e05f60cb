"""Every example in scenarios/ loads, and its behaviour works end to end over a real socket."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest

from fake_clickatell import FakeServer, load_scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"
EXAMPLES = sorted(SCENARIOS.glob("*.yaml"))


def test_there_are_examples():
    assert EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_loads_and_starts_with_a_comment_header(path: Path):
    load_scenario(path)
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(f"# {path.name}: ")


def get(server: FakeServer, target: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", target)
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def test_accounts_example():
    with FakeServer(load_scenario(SCENARIOS / "accounts.yaml")) as server:
        assert (
            get(server, "/http/auth?api_id=1&user=u&password=p")
            == "ERR: 108, Invalid or missing api_id"
        )
        assert (
            get(server, "/http/auth?api_id=3442105&user=demo&password=x")
            == "ERR: 001, Authentication failed"
        )
        assert (
            get(server, "/http/auth?api_id=777&user=ice&password=cold")
            == "ERR: 004, Account frozen"
        )
        session = get(server, "/http/auth?api_id=3442105&user=demo&password=secret")[4:]
        assert get(server, f"/http/getbalance?session_id={session}") == "Credit: 12.50"
