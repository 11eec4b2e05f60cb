"""Scenario files: valid ones load into frozen values; broken ones give an exact, located error."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fake_clickatell import ScenarioError, load_scenario, load_scenario_text
from fake_clickatell.core.scenario_model import AccountSpec, StatusStep


def test_accounts_and_settings_load(tmp_path: Path):
    path = tmp_path / "ok.yaml"
    path.write_text(
        """
seed: 42
session_ttl: 600
default_balance: 50
default_charge: "0.8"
clock: {start: 1800000000, frozen: true}
error_texts: {"108": "Invalid or missing API ID"}
recipient_limits: {get: 100, post: 300}
lifecycle:
  - {status: "003"}
  - {status: 4, after: 2.5}
accounts:
  - api_id: 3442105
    user: demo
    password: "0123"
    balance: 12.50
    frozen: false
    session_ttl: 60
    dial_prefix: "27"
    error_texts: {301: "No Credit Left"}
""",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.source == str(path)
    assert scenario.seed == 42
    assert scenario.session_ttl == 600
    assert scenario.default_balance == Decimal(50)
    assert scenario.default_charge == Decimal("0.8")
    assert scenario.clock.start == 1_800_000_000
    assert scenario.clock.frozen is True
    assert dict(scenario.error_texts) == {108: "Invalid or missing API ID"}
    assert (scenario.recipient_limits.get, scenario.recipient_limits.post) == (100, 300)
    assert scenario.lifecycle == (StatusStep(3, 0), StatusStep(4, 2.5))
    (account,) = scenario.accounts
    assert account == AccountSpec(
        "3442105",
        "demo",
        "0123",
        balance=Decimal("12.5"),
        session_ttl=60,
        dial_prefix="27",
        error_texts=account.error_texts,
    )
    assert dict(account.error_texts) == {301: "No Credit Left"}
    assert scenario.strict


def test_empty_file_is_open_mode():
    scenario = load_scenario_text("", "empty.yaml")
    assert not scenario.strict
    assert scenario.accounts == ()


def test_iso_clock_start():
    scenario = load_scenario_text("clock: {start: '2027-01-15T08:00:00Z'}", "c.yaml")
    assert scenario.clock.start == 1_800_000_000


BROKEN = [
    ("- just\n- a list\n", "b.yaml: expected a mapping at the top level, got a list"),
    (
        "acounts: []\n",
        "b.yaml: acounts: unknown key; expected one of seed, clock, accounts, error_texts, session_ttl, default_balance, default_charge, lifecycle, recipient_limits, rest, platform, one_api, open_accounts, routes, recipients, rules, vouchers, allowed_hosts, callback, mo",
    ),
    ("accounts: {api_id: 1}\n", "b.yaml: accounts: expected a list, got a mapping"),
    (
        "accounts:\n  - {api_id: 1, user: u}\n",
        "b.yaml: accounts[0].password: required key is missing",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p, balance: lots}\n",
        "b.yaml: accounts[0].balance: expected a number from 0 to 1000000000000 with at most 6 decimals, got 'lots'",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p, balance: -1}\n",
        "b.yaml: accounts[0].balance: expected a number from 0 to 1000000000000 with at most 6 decimals, got -1",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p, frozen: 'no'}\n",
        "b.yaml: accounts[0].frozen: expected true or false, got 'no'",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p, pasword: q}\n",
        "b.yaml: accounts[0].pasword: unknown key; expected one of api_id, user, password, balance, frozen, session_ttl, error_texts, dial_prefix, allowed_ips, senders, callback, mo, rest_tokens, integrations, currency",
    ),
    (
        "accounts:\n  - {api_id: [1], user: u, password: p}\n",
        "b.yaml: accounts[0].api_id: expected a non-empty string, got a list",
    ),
    (
        "accounts:\n  - {api_id: '', user: u, password: p}\n",
        "b.yaml: accounts[0].api_id: expected a non-empty string, got ''",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p}\n  - {api_id: 1, user: u, password: q}\n",
        "b.yaml: accounts[1]: api_id '1' with user 'u' is declared twice",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p, dial_prefix: '+27'}\n",
        "b.yaml: accounts[0].dial_prefix: expected a country calling code of digits, such as 27, got '+27'",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p, session_ttl: 0}\n",
        "b.yaml: accounts[0].session_ttl: expected a number > 0 and <= 31536000, got 0",
    ),
    ("seed: abc\n", "b.yaml: seed: expected an integer, got 'abc'"),
    ("seed: true\n", "b.yaml: seed: expected an integer, got True"),
    (
        "clock: {start: yesterday}\n",
        "b.yaml: clock.start: expected a unix time or an ISO 8601 time such as 2026-01-01T00:00:00Z, 1970 to 9999, got 'yesterday'",
    ),
    ("clock: {frozen: 1}\n", "b.yaml: clock.frozen: expected true or false, got 1"),
    (
        "error_texts: {1000: x}\n",
        "b.yaml: error_texts.1000: expected an error code from 001 to 999, got 1000",
    ),
    ("error_texts: {108: ''}\n", "b.yaml: error_texts.108: expected a non-empty string, got ''"),
    (
        'error_texts: {108: "two\\nlines"}\n',
        "b.yaml: error_texts.108: expected a single line of text without ' To: ', got 'two\\nlines'",
    ),
    ("lifecycle: []\n", "b.yaml: lifecycle: expected at least one status step, got a list"),
    (
        "lifecycle:\n  - {status: 13}\n",
        "b.yaml: lifecycle[0].status: expected a message status (001, 002, 003, 004, 005, 006, 007, 008, 009, 010, 011, 012, 014), got 13",
    ),
    (
        "lifecycle:\n  - {status: 4, after: -1}\n",
        "b.yaml: lifecycle[0].after: expected a number from 0 to 31536000, got -1",
    ),
    (
        "recipient_limits: {get: 0}\n",
        "b.yaml: recipient_limits.get: expected an integer >= 1, got 0",
    ),
    (
        "open_accounts: {max_accounts: 0}\n",
        "b.yaml: open_accounts.max_accounts: expected an integer from 1 to 1000000, got 0",
    ),
    (
        "open_accounts: {max_key: 5}\n",
        "b.yaml: open_accounts.max_key: unknown key; expected one of max_key_length, max_accounts",
    ),
    ("session_ttl: .inf\n", "b.yaml: session_ttl: expected a number > 0 and <= 31536000, got inf"),
    ("seed: 1\nseed: 2\n", "b.yaml: line 2, column 1: invalid YAML: duplicate key 'seed'"),
    (
        "accounts: [\n",
        "b.yaml: line 2, column 1: invalid YAML: while parsing a flow node; expected the node content, but found '<stream end>'",
    ),
    (
        "routes: [{prefix: '+27', charge: 1}]\n",
        "b.yaml: routes[0].prefix: expected a number prefix of digits, such as 27, got '+27'",
    ),
    (
        "routes: [{prefix: '27', charge: 1}, {prefix: 27, charge: 2}]\n",
        "b.yaml: routes[1].prefix: expected a prefix not routed already, got 27",
    ),
    ("routes: [{prefix: '27'}]\n", "b.yaml: routes[0].charge: required key is missing"),
    (
        "recipients: [{error: 121}]\n",
        "b.yaml: recipients[0]: expected exactly one of number, prefix, glob, got none",
    ),
    (
        "recipients: [{number: '1', prefix: '2', error: 121}]\n",
        "b.yaml: recipients[0]: expected exactly one of number, prefix, glob, got number and prefix",
    ),
    (
        "recipients: [{number: '27999000001'}]\n",
        "b.yaml: recipients[0]: expected exactly one of error, status, statuses, got none",
    ),
    (
        "recipients: [{number: '27999000001', status: 15}]\n",
        "b.yaml: recipients[0].status: expected a message status (001, 002, 003, 004, 005, 006, 007, 008, 009, 010, 011, 012, 014), got 15",
    ),
    (
        "recipients: [{number: 'abc', error: 121}]\n",
        "b.yaml: recipients[0].number: expected digits, such as 27999000001, got 'abc'",
    ),
    (
        "rules: [{when: {command: sendsms}, then: {error: 901}}]\n",
        "b.yaml: rules[0].when.command: expected one of auth, ping, sendmsg, querymsg, delmsg, getbalance, getmsgcharge, token_pay, startbatch, senditem, quicksend, endbatch, routeCoverage, ind_push, si_push, got 'sendsms'",
    ),
    (
        "rules: [{when: {command: [sendmsg, nope]}, then: {error: 901}}]\n",
        "b.yaml: rules[0].when.command[1]: expected one of auth, ping, sendmsg, querymsg, delmsg, getbalance, getmsgcharge, token_pay, startbatch, senditem, quicksend, endbatch, routeCoverage, ind_push, si_push, got 'nope'",
    ),
    ("rules: [{when: {command: sendmsg}}]\n", "b.yaml: rules[0].then: required key is missing"),
    (
        "rules: [{then: {}}]\n",
        "b.yaml: rules[0].then: expected exactly one of error, recipient_error, http, fault, expire_session, quota (latency may go with any), got none",
    ),
    (
        "rules: [{then: {error: 901, fault: reset}}]\n",
        "b.yaml: rules[0].then: expected exactly one of error, recipient_error, http, fault, expire_session, quota (latency may go with any), got error and fault",
    ),
    (
        "rules: [{then: {fault: melt}}]\n",
        "b.yaml: rules[0].then.fault: expected one of reset, empty, garbage, truncate, hang, got 'melt'",
    ),
    (
        "rules: [{then: {error: 901, process: true}}]\n",
        "b.yaml: rules[0].then.process: process goes with fault only",
    ),
    (
        "rules: [{then: {recipient_error: 121}}]\n",
        "b.yaml: rules[0].then.recipient_error: recipient_error needs when.command: one or more of ind_push, quicksend, senditem, sendmsg, si_push",
    ),
    (
        "rules: [{when: {first: 2, every: 3}, then: {error: 901}}]\n",
        "b.yaml: rules[0].when: expected at most one of call, first, every, after, got first and every",
    ),
    (
        "rules: [{when: {first: 0}, then: {error: 901}}]\n",
        "b.yaml: rules[0].when.first: expected an integer >= 1, got 0",
    ),
    (
        "rules: [{when: {probability: 1.5}, then: {error: 901}}]\n",
        "b.yaml: rules[0].when.probability: expected a number > 0 and <= 1, got 1.5",
    ),
    (
        "rules: [{when: {clock: {from: soon}}, then: {error: 901}}]\n",
        "b.yaml: rules[0].when.clock.from: expected a unix time or an ISO 8601 time such as 2026-01-01T00:00:00Z, 1970 to 9999, got 'soon'",
    ),
    (
        "rules: [{when: {every: 2}, then: {quota: {calls: 5, window: 60}}}]\n",
        "b.yaml: rules[0].then.quota: a quota counts calls itself: drop call/first/every/after/probability",
    ),
    (
        "rules: [{then: {quota: {calls: 5}}}]\n",
        "b.yaml: rules[0].then.quota.window: required key is missing",
    ),
    (
        "rules: [{then: {http: {status: 700}}}]\n",
        "b.yaml: rules[0].then.http.status: expected an integer from 200 to 599, got 700",
    ),
    (
        "rules: [{then: {latency: -1}}]\n",
        "b.yaml: rules[0].then.latency: expected a number from 0 to 600, got -1",
    ),
    (
        "rules: [{name: a, then: {error: 1}}, {name: a, then: {error: 2}}]\n",
        "b.yaml: rules[1].name: expected a name no other rule has, got 'a'",
    ),
    (
        "rules: [{then: {error: 901}, times: 0}]\n",
        "b.yaml: rules[0].times: expected an integer >= 1, got 0",
    ),
    (
        "rules: [{when: {recipient: {prefix: '27', glob: '2*'}}, then: {error: 1}}]\n",
        "b.yaml: rules[0].when.recipient: expected exactly one of number, prefix, glob, got prefix and glob",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p, allowed_ips: [localhost]}\n",
        "b.yaml: accounts[0].allowed_ips[0]: expected an IP address or network, such as 127.0.0.1 or 10.0.0.0/8, got 'localhost'",
    ),
    # values that would break the running fake are refused at the edge
    (
        "rules: [{then: {latency: 1.0e+300}}]\n",
        "b.yaml: rules[0].then.latency: expected a number from 0 to 600, got 1e+300",
    ),
    (
        "default_balance: 1.0e+30\n",
        "b.yaml: default_balance: expected a number from 0 to 1000000000000 with at most 6 decimals, got 1e+30",
    ),
    (
        "default_charge: '0.1234567'\n",
        "b.yaml: default_charge: expected a number from 0 to 1000000000000 with at most 6 decimals, got '0.1234567'",
    ),
    (
        "callback: {url: 'http://127.0.0.1/cb', timeout: 1.0e+300}\n",
        "b.yaml: callback.timeout: expected a number > 0 and <= 600, got 1e+300",
    ),
    (
        "clock: {start: 1.0e+300}\n",
        "b.yaml: clock.start: expected a unix time or an ISO 8601 time such as 2026-01-01T00:00:00Z, 1970 to 9999, got 1e+300",
    ),
    (
        "error_texts: {'\u00b2': hi}\n",
        "b.yaml: error_texts.\u00b2: expected an error code from 001 to 999, got '\u00b2'",
    ),
    (
        "lifecycle:\n  - {status: '\u00b2'}\n",
        "b.yaml: lifecycle[0].status: expected a message status (001, 002, 003, 004, 005, 006, 007, 008, 009, 010, 011, 012, 014), got '\u00b2'",
    ),
    (
        "error_texts: {105: 'Bad number To: fix it'}\n",
        "b.yaml: error_texts.105: expected a single line of text without ' To: ', got 'Bad number To: fix it'",
    ),
    (
        "accounts:\n  - {api_id: 1, user: u, password: p, dial_prefix: '\uff12\uff17'}\n",
        "b.yaml: accounts[0].dial_prefix: expected a country calling code of digits, such as 27, got '\uff12\uff17'",
    ),
    (
        "rules: [{then: {http: {status: 204, body: x}}}]\n",
        "b.yaml: rules[0].then.http.body: a 204 reply has no body: HTTP forbids one",
    ),
    (
        "? [a, b]\n: 1\n",
        "b.yaml: line 1, column 3: invalid YAML: a key must be a plain value, not a list or a mapping",
    ),
    ("seed: " + "[" * 5000 + "]" * 5000 + "\n", "b.yaml: invalid YAML: nested too deeply"),
    # safe loading: no Python objects, ever
    (
        "!!python/object/apply:os.system ['true']\n",
        "b.yaml: line 1, column 1: invalid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_broken_scenarios_name_file_path_and_expectation(text: str, message: str):
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "b.yaml")
    assert str(info.value) == message


SHIPPED = [
    "accounts",
    "connection-resets",
    "flaky",
    "happy-path",
    "mixed-recipients",
    "out-of-credit",
    "rate-limited",
    "scheduled-sends",
    "session-expiry",
    "slow-network",
]


def test_unreadable_file(tmp_path: Path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(missing)
    assert str(info.value) == (
        f"{missing}: cannot read the file: No such file or directory (shipped scenarios:"
        f" {', '.join(SHIPPED)})"
    )


def test_a_shipped_scenario_loads_by_name_from_anywhere(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_scenario("flaky").source.endswith("shipped/flaky.yaml")
    assert load_scenario("flaky.yaml").rules[0].name == "flaky-start"
    (tmp_path / "flaky.yaml").write_text("seed: 3\n")  # a file of that name comes first
    assert load_scenario("flaky.yaml").seed == 3


def test_non_utf8_file(tmp_path: Path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"seed: 1 # caf\xe9\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}: the file is not UTF-8 text"
