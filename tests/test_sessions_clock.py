"""Sessions expire after 15 idle minutes of virtual time; every use renews them (Part A §5)."""

from __future__ import annotations

import pytest

from fake_clickatell.core.clock import ClockError, VirtualClock
from fake_clickatell.core.scenario_model import Scenario

from .support import T0, Harness, clock_json, frozen


def test_session_expires_after_15_minutes_and_1_second(fake: Harness):
    session = fake.auth()
    fake.advance(15 * 60)
    assert fake.call("getbalance", session_id=session) == "Credit: 100.00"  # renewed at 15:00
    fake.advance(15 * 60 + 1)
    assert fake.call("getbalance", session_id=session) == "ERR: 003, Session ID expired"
    assert fake.call("ping", session_id=session) == "ERR: 003, Session ID expired"


def test_idle_session_expires(fake: Harness):
    session = fake.auth()
    fake.advance(15 * 60 + 1)
    assert fake.call("ping", session_id=session) == "ERR: 003, Session ID expired"


@pytest.mark.parametrize("command", ["ping", "getbalance", "sendmsg", "querymsg"])
def test_any_command_at_14_minutes_keeps_the_session_for_another_15(fake: Harness, command: str):
    session = fake.auth()
    fake.advance(14 * 60)
    fake.call(command, session_id=session, to="27999000001", text="hi", apimsgid="x")
    fake.advance(15 * 60)
    assert fake.call("ping", session_id=session) == "OK: "
    fake.advance(15 * 60 + 1)
    assert fake.call("ping", session_id=session) == "ERR: 003, Session ID expired"


def test_ping_does_not_revive_an_expired_session(fake: Harness):
    session = fake.auth()
    fake.advance(16 * 60)
    fake.admin("clock", "POST", {"set": T0})  # even back in time, it stays gone
    assert fake.call("ping", session_id=session) == "ERR: 003, Session ID expired"


def test_session_ttl_is_configurable(make_fake):
    fake = make_fake(frozen(Scenario(session_ttl=60)))
    session = fake.auth()
    fake.advance(61)
    assert fake.call("ping", session_id=session) == "ERR: 003, Session ID expired"


def test_clock_admin_api(fake: Harness):
    assert fake.admin("clock") == clock_json(T0)
    assert fake.admin("clock", "POST", {"advance": 90}) == clock_json(T0 + 90)
    assert fake.admin("clock", "POST", {"set": 1_900_000_000}) == clock_json(1_900_000_000)
    running = fake.admin("clock", "POST", {"freeze": False})
    assert running["frozen"] is False
    assert running["now"] >= 1_900_000_000
    assert fake.admin("clock", "POST", {"freeze": True})["frozen"] is True


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"advance": -1},
        {"advance": "soon"},
        {"set": None},
        {"freeze": "yes"},
        {"rewind": 3},
        [1],
        "x",
    ],
)
def test_clock_admin_api_rejects_nonsense(fake: Harness, payload: object):
    import json

    status, body, _ = fake.raw(
        "POST", "/__admin/clock", json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    assert status == 400
    assert "error" in json.loads(body)
    assert fake.admin("clock") == clock_json(T0)


class FakeWallClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_virtual_clock_follows_its_source_unless_frozen():
    wall = FakeWallClock(1000.0)
    clock = VirtualClock(wall)
    assert clock.now() == 1000.0
    wall.now = 1010.0
    assert clock.now() == 1010.0
    clock.advance(5)
    assert clock.now() == 1015.0
    clock.freeze()
    wall.now = 2000.0
    assert clock.now() == 1015.0
    clock.advance(5)
    assert clock.now() == 1020.0
    clock.unfreeze()
    wall.now = 2010.0
    assert clock.now() == 1030.0
    clock.set(50)
    assert clock.now() == 50
    wall.now = 2011.0
    assert clock.now() == 51


def test_virtual_clock_start_and_frozen():
    wall = FakeWallClock(1000.0)
    assert VirtualClock(wall, start=5.0, frozen=True).now() == 5.0
    running = VirtualClock(wall, start=5.0)
    wall.now = 1001.0
    assert running.now() == 6.0


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "1", True])
def test_virtual_clock_refuses_bad_advances(bad: object):
    clock = VirtualClock(lambda: 0.0)
    with pytest.raises(ClockError):
        clock.advance(bad)  # type: ignore[arg-type]
    assert clock.now() == 0.0
