"""routeCoverage (four spellings), token_pay vouchers, and MMS/WAP pushes: byte-exact."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from fake_clickatell import load_scenario_text

from .support import Harness, MakeFake, frozen

CREDS = {"api_id": "1", "user": "u", "password": "p"}
OK_SENTENCE = "OK: This prefix is currently supported. Messages sent to this prefix will be routed. Charge: {}"
NO_ROUTE = (
    "ERR: This prefix is not currently supported. Messages sent to this prefix will fail. "
    "Please contact support for assistance."
)
COVERAGE_PATHS = [
    "/utils/routeCoverage",
    "/utils/routeCoverage.php",
    "/utils/routecoverage",
    "/utils/routecoverage.php",
]


def get(fake: Harness, path: str, **params: str) -> str:
    status, body, headers = fake.raw("GET", f"{path}?{urlencode(params)}")
    assert status == 200
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    return body.decode()


@pytest.fixture
def routed(make_fake: MakeFake) -> Harness:
    return make_fake(
        frozen(
            load_scenario_text(
                "routes: [{prefix: '27', charge: 0.8}, {prefix: '44', charge: 1}, {prefix: '33', charge: 0.33}]",
                "c.yaml",
            )
        )
    )


@pytest.mark.parametrize("path", COVERAGE_PATHS)
def test_route_coverage_spellings(routed: Harness, path: str):
    assert get(routed, path, msisdn="27999000001", **CREDS) == OK_SENTENCE.format("0.8")
    assert get(routed, path, msisdn="447700900001", **CREDS) == OK_SENTENCE.format("1")
    assert get(routed, path, msisdn="33612345678", **CREDS) == OK_SENTENCE.format("0.33")
    assert get(routed, path, msisdn="15551234567", **CREDS) == NO_ROUTE


def test_route_coverage_without_routes_uses_the_default_charge(fake: Harness):
    assert get(
        fake, "/utils/routeCoverage.php", msisdn="27999000001", **CREDS
    ) == OK_SENTENCE.format("1")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "ERR: 101, Invalid or missing parameters"),
        ({"msisdn": "+2799"}, "ERR: 105, Invalid destination address"),
        ({"msisdn": "abc"}, "ERR: 105, Invalid destination address"),
    ],
)
def test_route_coverage_errors(routed: Harness, params: dict[str, str], expected: str):
    assert get(routed, "/utils/routeCoverage", **params, **CREDS) == expected


def test_route_coverage_authenticates(routed: Harness):
    assert (
        get(routed, "/utils/routeCoverage", msisdn="27999000001") == "ERR: 005, Missing session ID"
    )
    session = routed.auth()
    assert get(
        routed, "/utils/routecoverage", msisdn="27999000001", session_id=session
    ) == OK_SENTENCE.format("0.8")


VOUCHERS = "vouchers:\n  - {token: '1234567890123456', credit: 50}\n  - {token: '6543210987654321', credit: 2.5}\n"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_token_pay_adds_the_vouchers_credit_once(make_fake: MakeFake, method: str):
    fake = make_fake(frozen(load_scenario_text(VOUCHERS, "v.yaml")))
    assert fake.call("token_pay", method, token="1234567890123456", **CREDS) == "OK: 605"
    assert fake.call("getbalance", **CREDS) == "Credit: 150.00"
    assert (
        fake.call("token_pay", method, token="1234567890123456", **CREDS)
        == "ERR: 101, Invalid or missing parameters"
    )
    assert fake.call("token_pay", token="6543210987654321", **CREDS) == "OK: 605"
    assert fake.call("getbalance", **CREDS) == "Credit: 152.50"
    fake.admin("reset", "POST")  # vouchers are fresh again after a reset
    assert fake.call("token_pay", token="1234567890123456", **CREDS) == "OK: 605"


@pytest.mark.parametrize("token", [None, "", "1111111111111111", "123", "abcdefghijklmnop"])
def test_token_pay_unknown_or_malformed(make_fake: MakeFake, token: str | None):
    fake = make_fake(frozen(load_scenario_text(VOUCHERS, "v.yaml")))
    assert fake.call("token_pay", token=token, **CREDS) == "ERR: 101, Invalid or missing parameters"
    assert fake.call("token_pay", token="1234567890123456") == "ERR: 005, Missing session ID"


IND_PUSH = {
    "from": "27831234567",
    "mms_subject": "Your photo",
    "mms_class": "80",
    "mms_expire": "3600",
    "mms_from": "Studio",
    "mms_url": "http://mms.example.com/m/1",
}
SI_PUSH = {
    "si_id": "42",
    "si_url": "https://example.com/offer",
    "si_text": "An offer",
    "si_action": "signal-high",
}


@pytest.mark.parametrize(
    ("path", "params", "kind", "text"),
    [
        ("/mms/ind_push.php", IND_PUSH, "mms_ind_push", "Your photo"),
        ("/mms/ind_push", IND_PUSH, "mms_ind_push", "Your photo"),
        ("/mms/si_push", SI_PUSH, "wap_si_push", "An offer"),
        ("/mms/si_push.php", SI_PUSH, "wap_si_push", "An offer"),
    ],
)
def test_pushes_answer_one_line_per_number(
    fake: Harness, path: str, params: dict[str, str], kind: str, text: str
):
    body = get(fake, path, to="27999000001,123", **params, **CREDS)
    (message,) = fake.messages()
    assert (
        body
        == f"ID: {message['apimsgid']} To: 27999000001\nERR: 105, Invalid destination address To: 123"
    )
    assert message["kind"] == kind
    assert message["text"] == text
    assert message["parts"] == 1
    assert message["push"]["mms_url" if kind == "mms_ind_push" else "si_url"] == params.get(
        "mms_url", params.get("si_url")
    )
    single = get(fake, path, to="27999000002", **params, **CREDS)
    assert single == f"ID: {fake.messages()[-1]['apimsgid']} To: 27999000002"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        *[
            ("/mms/ind_push.php", {k: v for k, v in IND_PUSH.items() if k != missing})
            for missing in IND_PUSH
            if missing != "from"
        ],
        ("/mms/ind_push.php", {**IND_PUSH, "mms_class": "84"}),
        ("/mms/ind_push.php", {**IND_PUSH, "mms_expire": "soon"}),
        ("/mms/ind_push.php", {**IND_PUSH, "mms_url": "ftp://x"}),
        ("/mms/si_push", {"si_url": "http://x.example"}),
        ("/mms/si_push", {"si_id": "1"}),
        ("/mms/si_push", {**SI_PUSH, "si_action": "shout"}),
        ("/mms/si_push", {**SI_PUSH, "si_created": "yesterday"}),
        ("/mms/si_push", {**SI_PUSH, "si_expires": "2027-01-15 08:00:00"}),
    ],
)
def test_push_parameters_are_validated(fake: Harness, path: str, params: dict[str, str]):
    assert (
        get(fake, path, to="27999000001", **params, **CREDS)
        == "ERR: 101, Invalid or missing parameters"
    )
    assert fake.messages() == []


def test_ind_push_needs_a_valid_sender(fake: Harness):
    params = {**IND_PUSH, "from": "!"}
    assert (
        get(fake, "/mms/ind_push.php", to="27999000001", **params, **CREDS)
        == "ERR: 106, Invalid source address"
    )
    params = {k: v for k, v in IND_PUSH.items() if k != "from"}
    assert (
        get(fake, "/mms/ind_push.php", to="27999000001", **params, **CREDS)
        == "ERR: 101, Invalid or missing parameters"
    )


def test_unknown_commands_under_the_api_prefixes(fake: Harness):
    for path in (
        "/http_batch/sendmsg",
        "/utils/coverage",
        "/mms/push",
        "/utils/sendmsg",
        "/http/startbatch",
    ):
        assert get(fake, path, **CREDS) == "ERR: 101, Invalid or missing parameters"


def test_every_command_has_a_handler():
    from fake_clickatell.core.endpoints import COMMANDS
    from fake_clickatell.core.handlers import HANDLERS

    assert set(COMMANDS) == set(HANDLERS)
