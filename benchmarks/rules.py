"""Rule matching cost: the in-process sendmsg path with 0 rules versus 200 rules.

Run: ``.venv/bin/python -m benchmarks.rules``. Each variant is timed in alternating rounds in
the same process (so drift hits all alike), and reported as a median with spread and as a ratio
against the no-rules baseline. Two 200-rule variants:

* ``200 rules, other commands``: rules spread over the other commands (the common case: the
  command index skips them all);
* ``200 rules, all on sendmsg``: every rule names sendmsg and is checked (the worst case),
  none fires (recipient and parameter conditions that do not hold).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from fake_clickatell import Gateway, create_app, load_scenario_text
from fake_clickatell.core.commands import Params
from fake_clickatell.core.gateway import ApiRequest

COMMANDS = ["auth", "ping", "querymsg", "delmsg", "getbalance", "getmsgcharge"]
BASE = "seed: 1\nclock: {start: 1800000000, frozen: true}\ndefault_balance: 100000000\n"


def _scenario(rules: str) -> str:
    return BASE + ("rules:\n" + rules if rules else "")


def _rule(when: str) -> str:
    return f"  - {{when: {{{when}}}, then: {{error: 901}}}}\n"


def other_commands(n: int) -> str:
    # Conditions that never hold, so that the session's auth is not refused either.
    return "".join(
        _rule(f"command: {COMMANDS[i % len(COMMANDS)]}, user: nobody{i}") for i in range(n)
    )


def all_on_sendmsg(n: int) -> str:
    return "".join(
        _rule(f"command: sendmsg, recipient: {{prefix: '44{i:04d}'}}")
        if i % 2
        else _rule(f"command: sendmsg, params: {{from: 'SENDER{i}*'}}")
        for i in range(n)
    )


def wsgi_loop(rules: str) -> Callable[[int], float]:
    """Send ``n`` messages through the Flask app (test client); returns the seconds taken."""
    app = create_app(load_scenario_text(_scenario(rules), "bench.yaml"))
    client = app.test_client()
    session = client.get("/http/auth?api_id=1&user=u&password=p").get_data(as_text=True)[4:]
    target = f"/http/sendmsg?session_id={session}&to=27999000001&text=hello+world"

    def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            client.get(target)
        return time.perf_counter() - started

    assert client.get(target).get_data(as_text=True).startswith("ID: "), "not a real send"
    run(200)  # warm up
    return run


def gateway_loop(rules: str) -> Callable[[int], float]:
    """Send ``n`` messages straight into the gateway (no HTTP at all)."""
    gateway = Gateway(load_scenario_text(_scenario(rules), "bench.yaml"), time_source=time.time)
    auth = Params([("api_id", "1"), ("user", "u"), ("password", "p")])
    session = gateway.handle(ApiRequest("auth", auth)).body[4:]
    params = Params([("session_id", session), ("to", "27999000001"), ("text", "hello world")])
    request = ApiRequest("sendmsg", params)

    def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            gateway.handle(request)
        return time.perf_counter() - started

    assert gateway.handle(request).body.startswith("ID: "), "not a real send"
    run(200)
    return run


def measure(
    title: str, loop: Callable[[str], Callable[[int], float]], rounds: int, per_round: int
) -> None:
    variants = {
        "no rules (baseline)": loop(""),
        "200 rules, other commands": loop(other_commands(200)),
        "200 rules, all on sendmsg": loop(all_on_sendmsg(200)),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):  # alternate variants so that machine load hits all alike
        for name, run in variants.items():
            samples[name].append(run(per_round) / per_round * 1e6)
    base = statistics.median(samples["no rules (baseline)"])
    print(f"{title}, {rounds} rounds x {per_round} requests")
    print(f"  {'variant':30} {'median us/req':>14} {'IQR':>8} {'ratio':>7}")
    for name, values in samples.items():
        q1, _, q3 = statistics.quantiles(values, n=4)
        median = statistics.median(values)
        print(f"  {name:30} {median:14.1f} {q3 - q1:8.1f} {median / base:7.2f}")


def main(rounds: int = 15, per_round: int = 1000) -> None:
    measure("in-process sendmsg through the Flask app", wsgi_loop, rounds, per_round)
    measure("sendmsg straight into the gateway (no HTTP)", gateway_loop, rounds, per_round)


if __name__ == "__main__":
    main()
