"""Memory: RSS per stored message, and the request journal at its bound.

Each measurement runs in a fresh process (``python -m benchmarks.memory PROBE N``) that prints
one JSON line, so nothing else the harness did is counted:

* ``gateway``: N sendmsg accepted through :meth:`Gateway.handle`, each request built the way
  the Flask adapter builds it; then the clock is advanced so every message has finished its
  default lifecycle (003 then 004), the state it stays in. RSS before and after, per message;
  the journal is at its bound by then and is included.
* ``journal``: a :class:`Journal` with the default limit filled with sendmsg-shaped entries
  (its cost at the bound), then fed four times as many more (it must not grow).
* ``raw``: the baseline: N raw request lines kept as ``str``, what the simplest recording stub
  keeps per request.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .config import Config
from .machine import rss_bytes
from .payloads import BENCH_SCENARIO, CREDENTIALS, sendmsg_query
from .stats import Better, Report, Target
from .targets import ROOT

SECTION = "memory"
PROBES = ("gateway", "journal", "raw")


def _rss() -> int:
    gc.collect()
    value = rss_bytes()
    if value is None:
        raise OSError("RSS is not readable here (/proc/self/status)")
    return value


def _request_pairs(query: str) -> list[tuple[str, str]]:
    # As fake_clickatell.app.request_params decodes a query string.
    return parse_qsl(query, keep_blank_values=True, encoding="latin-1")


def probe_gateway(count: int) -> dict[str, Any]:
    """RSS before and after ``count`` accepted messages (see the module docstring)."""
    from fake_clickatell.core.commands import Params
    from fake_clickatell.core.gateway import Gateway
    from fake_clickatell.core.request import ApiRequest
    from fake_clickatell.core.scenario_model import ClockSpec

    scenario = replace(BENCH_SCENARIO, clock=ClockSpec(start=1_800_000_000.0, frozen=True))
    gateway = Gateway(scenario, time_source=time.time)
    auth = ApiRequest("auth", Params(_request_pairs(urlencode(CREDENTIALS))), path="/http/auth")
    session = gateway.handle(auth).body.removeprefix("OK: ")
    query = sendmsg_query(session, 1)
    before = _rss()
    for _ in range(count):
        request = ApiRequest(
            command="sendmsg",
            params=Params(_request_pairs(query)),
            method="GET",
            path="/http/sendmsg",
            client_ip="127.0.0.1",
        )
        gateway.handle(request)
    gateway.advance_clock(60)  # every message reaches its final status
    after = _rss()
    stored = len(gateway.messages)
    if stored != count:
        raise RuntimeError(f"only {stored} of {count} messages were accepted")
    return {"before": before, "after": after, "messages": stored, "journal": len(gateway.journal)}


def probe_journal(count: int) -> dict[str, Any]:
    """RSS of a journal filled to its bound, and after four times as many more entries."""
    from fake_clickatell.core.commands import Params
    from fake_clickatell.core.journal import Journal

    journal = Journal()
    query = sendmsg_query("5f0c2d3a8e4b1c9d7a6f3e2b1c0d9e8f", 1)

    def record(n: int) -> None:
        for _ in range(n):
            journal.record(
                time=1_800_000_000.0,
                method="GET",
                path="/http/sendmsg",
                command="sendmsg",
                params=Params(_request_pairs(query)).as_dict(),
                client_ip="127.0.0.1",
                status=200,
                body=f"ID: {journal.total:032x}",
            )

    before = _rss()
    record(journal.limit)
    at_bound = _rss()
    record(4 * journal.limit)
    past_bound = _rss()
    return {
        "before": before,
        "at_bound": at_bound,
        "past_bound": past_bound,
        "limit": journal.limit,
        "kept": len(journal),
    }


def probe_raw(count: int) -> dict[str, Any]:
    """RSS of ``count`` raw request lines kept in a list."""
    query = sendmsg_query("5f0c2d3a8e4b1c9d7a6f3e2b1c0d9e8f", 1)
    kept: list[str] = []
    before = _rss()
    for _ in range(count):
        kept.append("".join(("GET /http/sendmsg?", query, " HTTP/1.1")))  # a new str each time
    after = _rss()
    return {"before": before, "after": after, "messages": len(kept)}


def _run_probe(config: Config, probe: str, count: int) -> dict[str, Any]:
    command = [*config.pinning.server_prefix(), sys.executable, "-m", "benchmarks.memory"]
    completed = subprocess.run(
        [*command, probe, str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"memory probe {probe} failed: {completed.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def run(report: Report, config: Config) -> None:
    """Run each probe ``min(rounds, 3)`` times in fresh processes."""
    n = config.messages
    report.section(SECTION, f"RSS of a fresh process, {n:,} accepted sendmsg (in-process)")
    per_message = report.metric("memory.per_message", f"RSS per stored message at {n:,}", "B")
    raw = report.metric("memory.raw", "a raw request line kept as str", "B")
    total = report.metric("memory.total", f"RSS growth for {n:,} messages", "B")
    bound = report.metric("memory.journal", "request journal at its bound (10,000)", "B")
    entry = report.metric("memory.journal_entry", "RSS per journal entry", "B")
    growth = report.metric("memory.journal_growth", "journal growth past its bound (+40,000)", "B")
    report.row(SECTION, per_message.key, raw.key, Target(1024, Better.LOWER, on_ratio=False))
    report.row(SECTION, total.key)
    report.row(SECTION, bound.key, total.key)
    report.row(SECTION, entry.key, raw.key)
    report.row(SECTION, growth.key)
    try:
        for _ in range(min(config.rounds, 3)):
            result = _run_probe(config, "gateway", n)
            per_message.samples.append((result["after"] - result["before"]) / n)
            total.samples.append(result["after"] - result["before"])
            result = _run_probe(config, "raw", n)
            raw.samples.append((result["after"] - result["before"]) / n)
            result = _run_probe(config, "journal", 0)
            bound.samples.append(result["at_bound"] - result["before"])
            entry.samples.append((result["at_bound"] - result["before"]) / result["limit"])
            growth.samples.append(result["past_bound"] - result["at_bound"])
    except (RuntimeError, OSError, subprocess.TimeoutExpired, ValueError) as error:
        for metric in (per_message, raw, total, bound, entry, growth):
            if not metric.samples:
                metric.skipped = str(error)
        report.notes.append(f"memory: {error}")


def main(argv: list[str]) -> int:
    """Probe entry point: ``PROBE COUNT`` prints one JSON object."""
    probes = {"gateway": probe_gateway, "journal": probe_journal, "raw": probe_raw}
    if len(argv) != 2 or argv[0] not in probes:
        print(f"usage: python -m benchmarks.memory {{{','.join(PROBES)}}} COUNT", file=sys.stderr)
        return 2
    print(json.dumps(probes[argv[0]](int(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
