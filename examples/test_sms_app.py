"""sms_app's tests, against the fake through the ``clickatell`` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sms_app import SmsError, SmsSender

from fake_clickatell import FakeClickatell

PHONE = "27999000001"


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff pauses the sender asked for (it never really sleeps in these tests)."""
    return []


@pytest.fixture
def sender(clickatell: FakeClickatell, sleeps: list[float]) -> Iterator[SmsSender]:
    """The app's sender, configured with the fake's URL and default account."""
    sms = SmsSender(
        clickatell.url, clickatell.api_id, clickatell.user, clickatell.password, sleep=sleeps.append
    )
    yield sms
    sms.close()


def sendmsg_replies(clickatell: FakeClickatell) -> list[str]:
    return [entry.body for entry in clickatell.requests if entry.command == "sendmsg"]


def test_sends_a_message(clickatell: FakeClickatell, sender: SmsSender) -> None:
    apimsgid = sender.send(PHONE, "Your code is 1234", sender="ACME")

    sent = clickatell.assert_sent(to=PHONE, text="Your code is 1234")
    assert sent.apimsgid == apimsgid
    assert sent.sender == "ACME"


def test_authenticates_once_for_many_messages(
    clickatell: FakeClickatell, sender: SmsSender
) -> None:
    for number in range(3):
        sender.send(PHONE, f"message {number}")

    clickatell.assert_requested("auth", count=1)
    clickatell.assert_sent(count=3, to=PHONE)


def test_authenticates_again_when_the_session_expires(
    clickatell: FakeClickatell, sender: SmsSender
) -> None:
    sender.send(PHONE, "before lunch")
    clickatell.clock.advance(16 * 60)  # sessions expire after 15 idle minutes

    sender.send(PHONE, "after lunch")

    clickatell.assert_requested("auth", count=2)
    first, expired, resent = sendmsg_replies(clickatell)
    assert expired == "ERR: 003, Session ID expired"
    assert first.startswith("ID: ")
    assert resent.startswith("ID: ")
    clickatell.assert_sent(text="after lunch")


@pytest.mark.clickatell_scenario("scenarios/flaky.yaml")
def test_retries_when_clickatell_fails_with_901(
    clickatell: FakeClickatell, sender: SmsSender, sleeps: list[float]
) -> None:
    sender.send(PHONE, "hello")

    assert sendmsg_replies(clickatell)[:2] == ["ERR: 901, Internal error"] * 2
    assert sleeps == [0.5, 1.0]  # exponential backoff between the three attempts
    clickatell.assert_sent(count=1, to=PHONE, text="hello")


@pytest.mark.clickatell_scenario(
    {"rules": [{"name": "down", "when": {"command": "sendmsg"}, "then": {"error": 901}}]}
)
def test_gives_up_after_three_attempts(
    clickatell: FakeClickatell, sender: SmsSender, sleeps: list[float]
) -> None:
    with pytest.raises(SmsError) as raised:
        sender.send(PHONE, "hello")

    assert (raised.value.code, raised.value.text) == ("901", "Internal error")
    clickatell.assert_requested("sendmsg", count=3)
    clickatell.assert_not_sent()


@pytest.mark.clickatell_scenario("scenarios/accounts.yaml")
def test_a_wrong_password_is_not_retried(clickatell: FakeClickatell, sleeps: list[float]) -> None:
    sms = SmsSender(
        clickatell.url, clickatell.api_id, clickatell.user, "wrong", sleep=sleeps.append
    )
    with pytest.raises(SmsError) as raised:
        sms.send(PHONE, "hello")
    sms.close()

    assert (raised.value.code, raised.value.text) == ("001", "Authentication failed")
    clickatell.assert_requested("auth", count=1)
    assert sleeps == []


@pytest.mark.clickatell_scenario("scenarios/accounts.yaml")
def test_runs_out_of_credit(clickatell: FakeClickatell, sender: SmsSender) -> None:
    for number in range(5):
        sender.send(PHONE, f"message {number}")  # 1 credit each; the account holds 5

    with pytest.raises(SmsError) as raised:
        sender.send(PHONE, "one too many")

    assert raised.value.code == "301"
    assert clickatell.balance() == 0


def test_sends_from_a_background_thread(clickatell: FakeClickatell, sender: SmsSender) -> None:
    thread = sender.send_in_background(PHONE, "queued")

    (message,) = clickatell.wait_for_messages(1, timeout=5)
    thread.join(timeout=5)
    assert message.text == "queued"
