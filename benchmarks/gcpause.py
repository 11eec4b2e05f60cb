"""The garbage collector under load: latency of sendmsg x10 with each GC mode (suite ``gc``).

``sendmsg`` to 10 recipients stores ten messages per request, so the message store grows by
tens of thousands of messages per second of load, and CPython's full collections walk all of
it: the pauses grow with the store and set the p99. The fake on our server is run once per
mode of :data:`benchmarks.serve.GC_MODES` (``serve``: what ``fake-clickatell serve`` does;
``default``; ``startup``; ``timer``; ``off``, the floor), each loaded like the throughput
suite's keep-alive x10 rows (reset before each run, every reply checked as accepted), the modes
back to back within each round. The slowest request of a run is wrk's maximum latency.
"""

from __future__ import annotations

import statistics

from .config import Config
from .serve import GC_MODES
from .stats import Report
from .targets import Server, ServerError, Servers
from .throughput import Load, accepted_since_reset, open_session, request_target
from .wrk import WRK_MISSING, WrkError, run_wrk, wrk_command

SECTION = "garbage collector"
LOAD = Load("ours/fake", 10, "keepalive")
LABELS = {
    "serve": "GC as fake-clickatell serve runs it",
    "default": "GC with CPython's defaults",
    "startup": "GC frozen once at start-up",
    "timer": "GC collected + frozen every second",
    "off": "GC off (floor; would leak cycles)",
}
_METRICS = (("rps", "req/s", "req/s"), ("p99", "p99", "ms"), ("max", "slowest", "ms"))


def _key(mode: str, suffix: str) -> str:
    return f"gc.{mode}.{suffix}"


def declare(report: Report, config: Config) -> None:
    """The section, metrics and rows (no target: the p99 target is the throughput suite's)."""
    how = f"sendmsg x10 keep-alive, wrk -t1 -c{config.connections}, {config.duration:g} s"
    report.section(SECTION, f"{how}; baseline: CPython's default GC")
    for mode in GC_MODES:
        for suffix, what, unit in _METRICS:
            report.metric(_key(mode, suffix), f"{LABELS[mode]}: {what}", unit)
    for suffix, _, _ in _METRICS:
        for mode in GC_MODES:
            if mode == "default":
                report.row(SECTION, _key(mode, suffix))
            else:
                report.row(SECTION, _key(mode, suffix), _key("default", suffix))


def _skip(report: Report, modes: list[str], reason: str) -> None:
    for mode in modes:
        for suffix, what, unit in _METRICS:
            report.skip(_key(mode, suffix), f"{LABELS[mode]}: {what}", unit, reason)


def run(report: Report, config: Config) -> None:
    """Load every mode once per round."""
    declare(report, config)
    if config.wrk is None:
        _skip(report, list(GC_MODES), WRK_MISSING)
        return
    stored: list[int] = []
    with Servers(config.pinning) as servers:
        started: dict[str, Server] = {}
        for mode in GC_MODES:
            try:
                started[mode] = servers.start_python("ours", "fake", mode)
            except (ServerError, OSError) as error:
                _skip(report, [mode], f"ours/fake/{mode} unavailable: {error}")
        for server in started.values():
            _run(config, server, 1.0)  # settle allocator and caches, as the throughput suite
        for round_ in range(config.rounds):
            modes = list(started)
            shift = round_ % len(modes) if modes else 0
            for mode in modes[shift:] + modes[:shift]:
                try:
                    result = _run(config, started[mode], config.duration)
                except (WrkError, ServerError, OSError) as error:
                    report.notes.append(f"gc {mode} round {round_ + 1}: {error}")
                    continue
                rps, p99, slowest, messages = result
                stored.append(messages)
                for suffix, value in (("rps", rps), ("p99", p99), ("max", slowest)):
                    report.metrics[_key(mode, suffix)].samples.append(value)
    if stored:
        report.notes.append(
            f"gc: each run ended with a median of {statistics.median(stored):,.0f} stored "
            f"messages (max {max(stored):,})"
        )


def _run(config: Config, server: Server, seconds: float) -> tuple[float, float, float, int]:
    """One checked wrk run: (req/s, p99 ms, slowest ms, messages stored)."""
    assert config.wrk is not None
    if not server.alive():
        raise ServerError(f"{server.name} is no longer running")
    command = wrk_command(
        config.wrk,
        server.url(request_target(server, LOAD, open_session(server))),
        duration=seconds,
        connections=config.connections,
        pinning=config.pinning,
    )
    result = run_wrk(command, server_pid=server.pid, timeout=seconds + 30)
    accepted = accepted_since_reset(server)
    expected = result.requests * LOAD.recipients
    if result.socket_errors or result.non_2xx or accepted < expected:
        raise ServerError(
            f"{result.socket_errors} socket errors, {result.non_2xx} non-2xx, {accepted} of "
            f"{expected} messages accepted (round not counted)"
        )
    slowest = result.max_latency if result.max_latency is not None else float("nan")
    return result.requests_per_second, result.p99 * 1e3, slowest * 1e3, accepted
