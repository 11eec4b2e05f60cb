"""Rule matching cost: sendmsg in-process with no rules, and with 200 (suite ``rules``).

Two paths, each timed in this process (thread CPU time, the fastest of ten batches, as the
breakdown does), the variants alternating within each round so that drift hits all alike:

* the whole app as a WSGI call (what an in-process client such as ``httpx.WSGITransport``
  pays): the API adapter and the core;
* the core alone: :meth:`Gateway.handle` on a ready request (no HTTP at all), where the rules'
  share is largest.

Two 200-rule scenarios, against the same scenario without rules:

* ``other commands``: 200 rules spread over the other commands (the common case: rules are
  indexed by command, so sendmsg skips them all);
* ``all on sendmsg``: every rule names sendmsg and is checked (the worst case), none fires
  (recipient-prefix and parameter-glob conditions that do not hold).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from .breakdown import time_per_call, wsgi_caller
from .config import Config
from .machine import pin_self, unpin_self
from .stats import Better, Report, Target

SECTION = "scenario rules"
COMMANDS = ["auth", "ping", "querymsg", "delmsg", "getbalance", "getmsgcharge"]
BASE = "seed: 1\nclock: {start: 1800000000, frozen: true}\ndefault_balance: 100000000\n"
RULES = 200
PATHS = {"app": "whole app (WSGI call)", "core": "core alone (Gateway.handle)"}
VARIANTS = {
    "none": "no rules",
    "other": f"{RULES} rules, other commands",
    "sendmsg": f"{RULES} rules, all on sendmsg",
}
CREDENTIALS = {"api_id": "1", "user": "u", "password": "p"}
QUERY = {"to": "27999000001", "text": "hello world"}


def _scenario(rules: str) -> str:
    return BASE + ("rules:\n" + rules if rules else "")


def _rule(when: str) -> str:
    return f"  - {{when: {{{when}}}, then: {{error: 901}}}}\n"


def other_commands(n: int) -> str:
    """``n`` rules on the commands other than sendmsg."""
    # Conditions that never hold, so that the session's auth is not refused either.
    return "".join(
        _rule(f"command: {COMMANDS[i % len(COMMANDS)]}, user: nobody{i}") for i in range(n)
    )


def all_on_sendmsg(n: int) -> str:
    """``n`` rules on sendmsg, none of which fires for the benchmark's request."""
    return "".join(
        _rule(f"command: sendmsg, recipient: {{prefix: '44{i:04d}'}}")
        if i % 2
        else _rule(f"command: sendmsg, params: {{from: 'SENDER{i}*'}}")
        for i in range(n)
    )


SCENARIOS = {"none": "", "other": other_commands(RULES), "sendmsg": all_on_sendmsg(RULES)}


def app_caller(rules: str) -> Callable[[], object]:
    """One sendmsg through the app as a WSGI call, with a session (checked: accepted)."""
    from fake_clickatell import create_app, load_scenario_text

    app = create_app(load_scenario_text(_scenario(rules), "bench.yaml"))
    auth = app.test_client().get("/http/auth?" + urlencode(CREDENTIALS)).get_data(as_text=True)
    query = urlencode({"session_id": auth.removeprefix("OK: "), **QUERY})
    call = wsgi_caller(app, "/http/sendmsg", query)
    body = call()
    if not isinstance(body, bytes) or not body.startswith(b"ID: "):
        raise RuntimeError(f"not a real send: {body!r}")
    return call


def core_caller(rules: str) -> Callable[[], object]:
    """One sendmsg straight into the gateway (checked: accepted)."""
    from fake_clickatell import Gateway, load_scenario_text
    from fake_clickatell.core.commands import Params
    from fake_clickatell.core.request import ApiRequest

    gateway = Gateway(load_scenario_text(_scenario(rules), "bench.yaml"), time_source=time.time)
    auth = gateway.handle(ApiRequest("auth", Params(list(CREDENTIALS.items()))))
    params = Params([("session_id", auth.body.removeprefix("OK: ")), *QUERY.items()])
    request = ApiRequest("sendmsg", params)
    if not gateway.handle(request).body.startswith("ID: "):
        raise RuntimeError("not a real send")
    return lambda: gateway.handle(request)


def _key(path: str, variant: str) -> str:
    return f"rules.{path}.{variant}"


def run(report: Report, config: Config) -> None:
    """Time every (path, variant) once per round, on the server CPU."""
    report.section(SECTION, "µs per sendmsg x1 in-process; baseline: the same without rules")
    for path, where in PATHS.items():
        for variant, what in VARIANTS.items():
            report.metric(_key(path, variant), f"{where}: {what}", "µs")
        report.row(SECTION, _key(path, "none"))
        for variant in ("other", "sendmsg"):
            target = Target(2.0, Better.LOWER)
            report.row(SECTION, _key(path, variant), _key(path, "none"), target)
    callers = {
        _key(path, variant): (app_caller if path == "app" else core_caller)(SCENARIOS[variant])
        for path in PATHS
        for variant in VARIANTS
    }
    pin_self(config.pinning.server_cpu)
    try:
        for _ in range(config.rounds):
            for key, call in callers.items():
                seconds = time_per_call(call, config.breakdown_time)
                report.metrics[key].samples.append(seconds * 1e6)
    finally:
        unpin_self()
