"""auth and ping, and the authentication precedence every command shares (Part A §4, §5)."""

from __future__ import annotations

import re

import pytest

from .support import Harness

SESSION_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"api_id": "3442105", "user": "demo"}, "ERR: 001, Authentication failed"),
        ({"api_id": "3442105", "password": "secret"}, "ERR: 001, Authentication failed"),
        (
            {"api_id": "3442105", "user": "demo", "password": "nope"},
            "ERR: 001, Authentication failed",
        ),
        (
            {"api_id": "3442105", "user": "nobody", "password": "secret"},
            "ERR: 001, Authentication failed",
        ),
        (
            {"api_id": "3442105", "user": "other", "password": "secret"},
            "ERR: 001, Authentication failed",
        ),
        (
            {"api_id": "999", "user": "demo", "password": "secret"},
            "ERR: 108, Invalid or missing api_id",
        ),
        ({"user": "demo", "password": "secret"}, "ERR: 108, Invalid or missing api_id"),
        (
            {"api_id": "", "user": "demo", "password": "secret"},
            "ERR: 108, Invalid or missing api_id",
        ),
        ({}, "ERR: 108, Invalid or missing api_id"),
        ({"api_id": "777", "user": "ice", "password": "cold"}, "ERR: 004, Account frozen"),
        ({"api_id": "777", "user": "ice", "password": "warm"}, "ERR: 001, Authentication failed"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_auth_failures_strict(strict: Harness, params: dict[str, str], expected: str, method: str):
    assert strict.call("auth", method, **params) == expected


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_auth_success_is_ok_and_32_lowercase_hex(strict: Harness, method: str):
    body = strict.call("auth", method, api_id="3442105", user="demo", password="secret")
    assert body.startswith("OK: ")
    assert SESSION_ID.fullmatch(body[4:])
    assert "\n" not in body


def test_auth_gives_a_new_session_each_time(strict: Harness):
    first = strict.auth("3442105", "demo", "secret")
    second = strict.auth("3442105", "demo", "secret")
    assert first != second
    assert strict.call("ping", session_id=first) == "OK: "
    assert strict.call("ping", session_id=second) == "OK: "


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"api_id": "anything", "user": "u", "password": "p"}, "OK"),
        ({"api_id": "1", "user": "u"}, "ERR: 001, Authentication failed"),
        ({"api_id": "1", "password": "p"}, "ERR: 001, Authentication failed"),
        ({"user": "u", "password": "p"}, "ERR: 108, Invalid or missing api_id"),
    ],
)
def test_auth_open_mode(fake: Harness, params: dict[str, str], expected: str):
    body = fake.call("auth", **params)
    if expected == "OK":
        assert body.startswith("OK: ")
        assert SESSION_ID.fullmatch(body[4:])
    else:
        assert body == expected


def test_open_mode_accounts_are_per_api_id_and_user(fake: Harness):
    fake.call("sendmsg", api_id="1", user="a", password="x", to="27999000001", text="hi")
    assert fake.call("getbalance", api_id="1", user="a", password="y") == "Credit: 99.00"
    assert fake.call("getbalance", api_id="1", user="b", password="x") == "Credit: 100.00"
    assert fake.call("getbalance", api_id="2", user="a", password="x") == "Credit: 100.00"
    accounts = fake.admin("accounts")["accounts"]
    assert [(a["api_id"], a["user"], a["balance"]) for a in accounts] == [
        ("1", "a", "99"),
        ("1", "b", "100"),
        ("2", "a", "100"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "ERR: 005, Missing session ID"),
        ({"session_id": ""}, "ERR: 005, Missing session ID"),
        ({"session_id": "0" * 32}, "ERR: 003, Session ID expired"),
        ({"session_id": "not-a-session"}, "ERR: 003, Session ID expired"),
        # ping takes only a session: credentials do not stand in for one
        (
            {"api_id": "3442105", "user": "demo", "password": "secret"},
            "ERR: 005, Missing session ID",
        ),
    ],
)
def test_ping_failures(strict: Harness, params: dict[str, str], expected: str):
    assert strict.call("ping", **params) == expected


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_ping_success_is_ok_with_one_space(strict: Harness, method: str):
    session = strict.auth("3442105", "demo", "secret")
    assert strict.call("ping", method, session_id=session) == "OK: "


def test_ping_on_a_frozen_account(strict: Harness):
    session = strict.auth("3442105", "demo", "secret")
    strict.gateway.accounts.get(("3442105", "demo")).frozen = True  # type: ignore[union-attr]
    assert strict.call("ping", session_id=session) == "ERR: 004, Account frozen"
    assert strict.call("getbalance", session_id=session) == "ERR: 004, Account frozen"


COMMANDS_WITH_AUTH = ["sendmsg", "querymsg", "delmsg", "getbalance", "getmsgcharge"]


@pytest.mark.parametrize("command", COMMANDS_WITH_AUTH)
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "ERR: 005, Missing session ID"),
        ({"session_id": "f" * 32}, "ERR: 003, Session ID expired"),
        # a session_id wins over credentials, even good ones
        (
            {"session_id": "f" * 32, "api_id": "3442105", "user": "demo", "password": "secret"},
            "ERR: 003, Session ID expired",
        ),
        (
            {"api_id": "999", "user": "demo", "password": "secret"},
            "ERR: 108, Invalid or missing api_id",
        ),
        ({"user": "demo", "password": "secret"}, "ERR: 108, Invalid or missing api_id"),
        ({"api_id": "3442105", "user": "demo", "password": "x"}, "ERR: 001, Authentication failed"),
        ({"api_id": "3442105", "user": "demo"}, "ERR: 001, Authentication failed"),
        ({"api_id": "777", "user": "ice", "password": "cold"}, "ERR: 004, Account frozen"),
    ],
)
def test_authentication_precedence_on_every_command(
    strict: Harness, command: str, params: dict[str, str], expected: str
):
    # Parameters a command needs are present, so only authentication can fail.
    extra = {"to": "27999000001", "text": "hi", "apimsgid": "a" * 32}
    assert strict.call(command, **params, **extra) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("sendmsg", re.compile(r"ID: [0-9a-f]{32}")),
        ("querymsg", re.compile("ID: " + "a" * 32 + " Status: 001")),
        ("delmsg", re.compile("ERR: 103, Unknown API message ID")),
        ("getbalance", re.compile(r"Credit: 12\.50")),
        ("getmsgcharge", re.compile("ERR: 103, Unknown API message ID")),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_credentials_on_the_command_itself(
    strict: Harness, command: str, expected: re.Pattern[str], method: str
):
    body = strict.call(
        command,
        method,
        api_id="3442105",
        user="demo",
        password="secret",
        to="27999000001",
        text="hi",
        apimsgid="a" * 32,
    )
    assert expected.fullmatch(body), body


def test_error_texts_can_be_overridden(make_fake):
    from dataclasses import replace
    from types import MappingProxyType

    from .support import STRICT

    scenario = replace(
        STRICT,
        error_texts=MappingProxyType({108: "Invalid or missing API ID", 1: "Nope"}),
    )
    fake = make_fake(scenario)
    assert (
        fake.call("auth", api_id="x", user="u", password="p")
        == "ERR: 108, Invalid or missing API ID"
    )
    assert fake.call("auth", api_id="3442105", user="u", password="p") == "ERR: 001, Nope"
