"""querymsg, delmsg, getmsgcharge, getbalance, and the message lifecycle on the virtual clock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fake_clickatell.core.scenario_model import AccountSpec, Scenario, StatusStep

from .support import T0, Harness, frozen, step


def sent(fake: Harness, **params: str) -> str:
    """Send one message with credentials on the command; returns its apimsgid."""
    params = {"to": "27999000001", "text": "hi", **params}
    body = fake.call("sendmsg", api_id="1", user="u", password="p", **params)
    assert body.startswith("ID: "), body
    return body[4:]


CREDS = {"api_id": "1", "user": "u", "password": "p"}


# -- querymsg --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_querymsg_by_apimsgid_and_climsgid(fake: Harness, method: str):
    apimsgid = sent(fake, climsgid="mine-1")
    assert (
        fake.call("querymsg", method, apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 003"
    )
    assert (
        fake.call("querymsg", method, climsgid="mine-1", **CREDS) == f"ID: {apimsgid} Status: 003"
    )
    assert (
        fake.call("querymsg", method, apiMsgId=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 003"
    )
    assert (
        fake.call("querymsg", method, cliMsgId="mine-1", **CREDS) == f"ID: {apimsgid} Status: 003"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "ERR: 109, Missing message ID"),
        ({"apimsgid": ""}, "ERR: 109, Missing message ID"),
        ({"apimsgid": "0" * 32}, f"ID: {'0' * 32} Status: 001"),
        ({"apimsgid": "whatever"}, "ID: whatever Status: 001"),
        ({"climsgid": "nope"}, "ERR: 104, Unknown client message ID"),
        ({"apimsgid": "a b"}, "ERR: 101, Invalid or missing parameters"),
    ],
)
def test_querymsg_failures(fake: Harness, params: dict[str, str], expected: str):
    assert fake.call("querymsg", **params, **CREDS) == expected


def test_querymsg_apimsgid_wins_over_climsgid(fake: Harness):
    first = sent(fake, climsgid="c1")
    second = sent(fake, climsgid="c2")
    assert (
        fake.call("querymsg", apimsgid=second, climsgid="c1", **CREDS)
        == f"ID: {second} Status: 003"
    )
    assert first != second


def test_another_accounts_message_is_unknown(fake: Harness):
    apimsgid = sent(fake, climsgid="mine")
    other = {"api_id": "2", "user": "x", "password": "y"}
    assert fake.call("querymsg", apimsgid=apimsgid, **other) == f"ID: {apimsgid} Status: 001"
    assert fake.call("querymsg", climsgid="mine", **other) == "ERR: 104, Unknown client message ID"
    assert fake.call("delmsg", apimsgid=apimsgid, **other) == "ERR: 103, Unknown API message ID"
    assert (
        fake.call("getmsgcharge", apimsgid=apimsgid, **other) == "ERR: 103, Unknown API message ID"
    )


def test_a_reused_climsgid_names_the_latest_message(fake: Harness):
    sent(fake, climsgid="again")
    latest = sent(fake, climsgid="again")
    assert fake.call("querymsg", climsgid="again", **CREDS) == f"ID: {latest} Status: 003"


# -- lifecycle -------------------------------------------------------------------------------


def test_default_lifecycle_003_then_004(fake: Harness):
    apimsgid = sent(fake)
    fake.advance(4.9)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 003"
    fake.advance(0.1)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 004"
    history = fake.messages()[0]["status_history"]
    assert history == [step("003", T0), step("004", T0 + 5)]


def test_deliv_time_queues_until_due(fake: Harness):
    apimsgid = sent(fake, deliv_time="10")
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 011"
    fake.advance(599)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 011"
    fake.advance(1)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 003"
    fake.advance(3600)  # one jump past both steps: each is stamped at its due time
    assert fake.messages()[0]["status_history"] == [
        step("011", T0),
        step("003", T0 + 600),
        step("004", T0 + 605),
    ]


@pytest.mark.parametrize("when", [str(int(T0) + 3600), "2027-01-15T09:00:00Z"], ids=["unix", "iso"])
def test_scheduled_time_queues_until_due(fake: Harness, when: str):
    apimsgid = sent(fake, scheduled_time=when)
    assert fake.messages()[0]["release_at"] == T0 + 3600
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 011"
    fake.advance(3599)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 011"
    fake.advance(1)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 003"


def test_scheduled_time_in_the_past_goes_at_once(fake: Harness):
    apimsgid = sent(fake, scheduled_time=str(int(T0) - 60))
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 003"


def test_scripted_lifecycle(make_fake):
    lifecycle = (StatusStep(3, 0), StatusStep(7, 30))
    fake = make_fake(frozen(Scenario(lifecycle=lifecycle)))
    apimsgid = sent(fake)
    fake.advance(30)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 007"


def test_a_lifecycle_that_starts_later_queues_first(make_fake):
    fake = make_fake(frozen(Scenario(lifecycle=(StatusStep(8, 2), StatusStep(4, 1)))))
    apimsgid = sent(fake)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 002"
    fake.advance(2)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 008"
    fake.advance(1)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 004"


# -- delmsg ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_delmsg_on_a_queued_message_cancels_and_refunds(fake: Harness, method: str):
    apimsgid = sent(fake, deliv_time="30", climsgid="later")
    assert fake.call("getbalance", **CREDS) == "Credit: 99.00"
    assert fake.call("delmsg", method, climsgid="later", **CREDS) == f"ID: {apimsgid} Status: 006"
    assert fake.call("getbalance", **CREDS) == "Credit: 100.00"
    assert (
        fake.call("getmsgcharge", apimsgid=apimsgid, **CREDS)
        == f"apiMsgId: {apimsgid} charge: 0 status: 006"
    )
    fake.advance(3600)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 006"
    # a second delmsg answers the status it already has
    assert fake.call("delmsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 006"


def test_delmsg_on_a_delivered_message_answers_its_status(fake: Harness):
    apimsgid = sent(fake)
    fake.advance(60)
    assert fake.call("delmsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 004"
    assert fake.call("getbalance", **CREDS) == "Credit: 99.00"


def test_delmsg_on_a_message_with_the_gateway(fake: Harness):
    apimsgid = sent(fake)
    assert fake.call("delmsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 003"
    fake.advance(60)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 004"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "ERR: 109, Missing message ID"),
        ({"apimsgid": "0" * 32}, "ERR: 103, Unknown API message ID"),
        ({"climsgid": "nope"}, "ERR: 104, Unknown client message ID"),
    ],
)
@pytest.mark.parametrize("command", ["delmsg", "getmsgcharge"])
def test_delmsg_and_getmsgcharge_failures(
    fake: Harness, command: str, params: dict[str, str], expected: str
):
    assert fake.call(command, **params, **CREDS) == expected


# -- getmsgcharge ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("charge", "text", "expected"),
    [
        ("1", "hi", "1"),
        ("0.8", "hi", "0.8"),
        ("1.25", "x" * 200, "2.5"),
        ("0.33", "x" * 400, "0.99"),
        ("2", "x" * 200, "4"),
    ],
)
def test_getmsgcharge_shortest_decimal(make_fake, charge: str, text: str, expected: str):
    fake = make_fake(frozen(Scenario(default_charge=Decimal(charge))))
    apimsgid = sent(fake, text=text)
    assert fake.call("getmsgcharge", apimsgid=apimsgid, **CREDS) == (
        f"apiMsgId: {apimsgid} charge: {expected} status: 003"
    )


def test_getmsgcharge_by_climsgid_follows_status(fake: Harness):
    apimsgid = sent(fake, climsgid="c")
    fake.advance(10)
    assert fake.call("getmsgcharge", method="POST", climsgid="c", **CREDS) == (
        f"apiMsgId: {apimsgid} charge: 1 status: 004"
    )


# -- getbalance ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "expected"),
    [
        ("12.5", "Credit: 12.50"),
        ("500", "Credit: 500.00"),
        ("0", "Credit: 0.00"),
        ("2192.4", "Credit: 2192.40"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_getbalance_two_decimals(make_fake, balance: str, expected: str, method: str):
    fake = make_fake(
        frozen(Scenario(accounts=(AccountSpec("1", "u", "p", balance=Decimal(balance)),)))
    )
    session = fake.auth()
    assert fake.call("getbalance", method, session_id=session) == expected
    assert fake.call("getbalance", method, **CREDS) == expected


# -- validity: a message that waits unsent too long expires ----------------------------------


SLOW = (StatusStep(2, 0), StatusStep(3, 7200), StatusStep(4, 5))


def test_a_message_waiting_past_its_validity_expires_at_no_charge(make_fake):
    fake = make_fake(frozen(Scenario(lifecycle=SLOW)))
    apimsgid = sent(fake, validity="1")
    assert fake.call("getbalance", **CREDS) == "Credit: 99.00"
    fake.advance(59)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 002"
    fake.advance(1)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 010"
    assert (
        fake.call("getmsgcharge", apimsgid=apimsgid, **CREDS)
        == f"apiMsgId: {apimsgid} charge: 0 status: 010"
    )
    assert fake.call("getbalance", **CREDS) == "Credit: 100.00"
    fake.advance(7200)  # the scripted steps never come: 010 is final
    assert [h["status"] for h in fake.messages()[0]["status_history"]] == ["002", "010"]
    assert fake.messages()[0]["status_history"][1]["time"] == T0 + 60


def test_a_message_sent_on_within_its_validity_does_not_expire(make_fake):
    fake = make_fake(
        frozen(Scenario(lifecycle=(StatusStep(2, 0), StatusStep(3, 30), StatusStep(4, 5))))
    )
    apimsgid = sent(fake, validity="1")
    fake.advance(3600)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 004"


def test_validity_counts_from_the_release_of_a_deferred_message(make_fake):
    fake = make_fake(frozen(Scenario(lifecycle=SLOW)))
    apimsgid = sent(fake, validity="1", deliv_time="10")
    fake.advance(600 + 59)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 002"
    fake.advance(1)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 010"


def test_the_default_lifecycle_never_waits_unsent(fake: Harness):
    apimsgid = sent(fake, validity="1")
    fake.advance(3600)
    assert fake.call("querymsg", apimsgid=apimsgid, **CREDS) == f"ID: {apimsgid} Status: 004"
