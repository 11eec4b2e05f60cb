"""Throughput, latency and server CPU per request over real sockets, with wrk.

Every server is started once, checked (it must answer the expected bytes), warmed up, and then
loaded round-robin: each round runs every (server, payload, connection mode) once, so slow
drift on a shared machine touches every row alike and ratios are taken within a round. Before
each run against the fake, its state is reset and a fresh session opened; after it, the
account's balance proves that every reply wrk counted was an *accepted* message.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from .config import Config
from .payloads import (
    BENCH_BALANCE,
    CREDENTIALS,
    JSON_SENDS,
    JsonSend,
    reply_body,
    sendmsg_query,
    stub_path,
)
from .stats import Better, Report, Target
from .targets import Server, ServerError, Servers, find_wiremock
from .wrk import WRK_MISSING, WrkError, WrkResult, run_wrk, wrk_command

MODES = {"keepalive": "keep-alive", "close": "connection per request"}
_MODE_SHORT = {"keepalive": "keep-alive", "close": "conn/request"}

#: Server name -> its short name in the report (the legend is in the report header).
SERVERS = {
    # The compared trio first, so that within a round they run back to back.
    "ours/fake": "fake@ours",
    "ours/fake-rest": "REST@ours",
    "ours/fake-platform": "Platform@ours",
    "ours/fake-one": "OneAPI@ours",
    "wiremock": "WireMock",
    "ours/bare": "bare@ours",
    "ours/raw": "raw@ours",
    "ours/fake-logged": "fake+log@ours",
    "werkzeug/fake": "fake@werkzeug",
    "werkzeug/bare": "bare@werkzeug",
    "waitress/fake": "fake@waitress",
    "waitress/bare": "bare@waitress",
}

LEGEND = (
    "fake = fake-clickatell's app (full sendmsg: session auth, validation, credit, storage, "
    "journal); fake+log = the same logging each request to stderr, as `fake-clickatell serve` "
    "does without --quiet; bare = a Flask route answering the same bytes; raw = a WSGI callable "
    "answering the same bytes, no Flask; WireMock = WireMock standalone serving a static stub "
    "with the same bytes; REST, Platform, OneAPI = the same fake answering that API's send of the "
    "same text to one recipient (POST /rest/message with a bearer token, POST /messages and "
    "POST /v1/message with an API key; JSON) instead of sendmsg. "
    "@ours = fake_clickatell.server.WSGIServer, @werkzeug = werkzeug's threaded dev server, "
    "@waitress = waitress (4 threads). xN = recipients per sendmsg."
)


@dataclass(frozen=True, slots=True)
class Load:
    """One (server, recipients, connection mode) combination loaded once per round."""

    server: str
    recipients: int
    mode: str

    @property
    def key(self) -> str:
        """The metric key prefix, e.g. ``ours/fake.1.keepalive``."""
        return f"{self.server}.{self.recipients}.{self.mode}"

    @property
    def fake(self) -> bool:
        """True when the server runs the fake (needs a session, has an account to check)."""
        return self.server.split("/")[-1].startswith("fake")

    @property
    def json_send(self) -> JsonSend | None:
        """The JSON API's send this load POSTs (body and headers), or None for sendmsg."""
        app = self.server.split("/")[-1]
        return JSON_SENDS.get(app.removeprefix("fake-")) if app.startswith("fake-") else None

    def label(self, what: str) -> str:
        """``fake@ours x1 keep-alive req/s``."""
        return f"{SERVERS[self.server]} x{self.recipients} {_MODE_SHORT[self.mode]} {what}"


def loads() -> list[Load]:
    """Every load, in the order a round runs them."""
    result = []
    for mode in MODES:
        for n in (1, 10):
            for server in SERVERS:
                other_api = server.removeprefix("ours/fake-") in JSON_SENDS
                if (server == "ours/fake-logged" or other_api) and mode != "keepalive":
                    continue  # the log's cost, and the JSON APIs against sendmsg: keep-alive
                if other_api and n != 1:
                    continue
                if n == 1 or server in ("ours/fake", "ours/bare", "wiremock"):
                    result.append(Load(server, n, mode))
    return result


def declare_rows(report: Report, config: Config) -> None:
    """The table rows of this suite (declared even when nothing can be measured)."""
    for load in loads():
        for suffix, what, unit in _METRICS:
            report.metric(f"{load.key}.{suffix}", load.label(what), unit)
    how = f"wrk -t1 -c{config.connections}, {config.duration:g} s x {config.rounds} rounds"
    for mode, title in MODES.items():
        section = f"sendmsg, {title}"
        report.section(section, how + ("" if mode == "keepalive" else ", Connection: close"))
        # Targets apply to keep-alive (issue 7); connection per request is shown for context.
        targeted = mode == "keepalive"
        for n in (1, 10):
            fake, bare, stub = (
                Load(s, n, mode).key for s in ("ours/fake", "ours/bare", "wiremock")
            )
            # One recipient: at least twice a warmed-up WireMock's stub; ten: at least level.
            higher = Target(2.0 if n == 1 else 1.0, Better.HIGHER) if targeted else None
            quarter = Target(0.75, Better.HIGHER) if targeted else None
            lower = Target(1.0, Better.LOWER) if targeted else None
            report.row(section, f"{fake}.rps", f"{stub}.rps", higher)
            report.row(section, f"{fake}.rps", f"{bare}.rps", quarter)
            report.row(section, f"{fake}.p50", f"{stub}.p50")
            report.row(section, f"{fake}.p99", f"{stub}.p99", lower)
            report.row(section, f"{bare}.rps", f"{stub}.rps")
        if targeted:
            fake = Load("ours/fake", 1, mode).key
            for api in JSON_SENDS:
                other = Load(f"ours/fake-{api}", 1, mode).key
                report.row(section, f"{other}.rps", f"{fake}.rps", Target(0.8, Better.HIGHER))
                report.row(section, f"{other}.p99", f"{fake}.p99")
    section = "serving stacks"
    report.section(section, "the same apps on each stack, sendmsg x1; baseline: our server")
    for mode in MODES:
        for app in ("fake", "bare"):
            ours = Load(f"ours/{app}", 1, mode).key
            for stack in ("werkzeug", "waitress"):
                other = Load(f"{stack}/{app}", 1, mode).key
                report.row(section, f"{other}.rps", f"{ours}.rps")
                report.row(section, f"{other}.p99", f"{ours}.p99")
        raw, bare = Load("ours/raw", 1, mode).key, Load("ours/bare", 1, mode).key
        report.row(section, f"{raw}.rps", f"{bare}.rps")
    logged, quiet = (
        Load("ours/fake-logged", 1, "keepalive").key,
        Load("ours/fake", 1, "keepalive").key,
    )
    report.row(section, f"{logged}.rps", f"{quiet}.rps")
    section = "server CPU per request"
    report.section(section, "CPU time of the server process / requests served (keep-alive)")
    cpu = {s: Load(s, 1, "keepalive").key + ".cpu" for s in SERVERS}
    report.row(section, cpu["ours/raw"], cpu["ours/fake"])
    report.row(section, cpu["ours/bare"], cpu["ours/fake"])
    report.row(section, cpu["ours/fake"], cpu["wiremock"])
    report.row(section, Load("ours/fake", 10, "keepalive").key + ".cpu", cpu["ours/fake"])
    report.row(section, cpu["werkzeug/fake"], cpu["ours/fake"])
    report.row(section, cpu["waitress/fake"], cpu["ours/fake"])


def _skip_all(report: Report, todo: list[Load], reason: str) -> None:
    for load in todo:
        _skip(report, load, reason)


def _skip(report: Report, load: Load, reason: str) -> None:
    for suffix, what, unit in _METRICS:
        report.skip(f"{load.key}.{suffix}", load.label(what), unit, reason)


_METRICS = (
    ("rps", "req/s", "req/s"),
    ("p50", "p50", "ms"),
    ("p99", "p99", "ms"),
    ("cpu", "CPU/req", "µs"),
)


def run(report: Report, config: Config) -> None:
    """Measure every load ``config.rounds`` times (or mark each one skipped, with the reason)."""
    declare_rows(report, config)
    todo = loads()
    if config.wrk is None:
        _skip_all(report, todo, WRK_MISSING)
        return
    others: list[float] = []
    read_errors: dict[str, int] = {}
    with Servers(config.pinning) as servers:
        started = _start_servers(report, config, servers, todo)
        todo = [load for load in todo if load.server in started]
        for server in started.values():
            _warm_up(config, server, todo)
        for round_ in range(config.rounds):
            shift = round_ % len(todo) if todo else 0
            for load in todo[shift:] + todo[:shift]:
                server = started[load.server]
                try:
                    result = _measure(report, config, server, load, read_errors)
                except (WrkError, ServerError, OSError) as error:
                    report.notes.append(f"{load.key} round {round_ + 1}: {error}")
                    continue
                if result.others_cpu is not None and result.duration:
                    others.append(result.others_cpu / result.duration)
    for key, count in read_errors.items():
        report.notes.append(
            f"{key}: wrk counted read errors ({count} in the last run) as the server ended "
            "close-delimited responses (no Content-Length) by closing; the responses count"
        )
    if others:
        report.notes.append(
            "CPU used by other processes while wrk ran: median "
            f"{statistics.median(others):.0%} of one CPU, max {max(others):.0%} "
            "(from /proc/stat; the machine is shared, hence rounds and ratios)"
        )


def _start_servers(
    report: Report, config: Config, servers: Servers, todo: list[Load]
) -> dict[str, Server]:
    started: dict[str, Server] = {}
    jar, why_not = find_wiremock()
    for name in dict.fromkeys(load.server for load in todo):
        mine = [load for load in todo if load.server == name]
        try:
            if name == "wiremock":
                if jar is None:
                    _skip_all(report, mine, why_not or "WireMock unavailable")
                    continue
                server = servers.start_wiremock(jar)
            else:
                stack, app = name.split("/")
                if app.removeprefix("fake-") in JSON_SENDS:
                    app = "fake"  # the same app, another of its APIs
                if (
                    importlib.util.find_spec(stack if stack != "ours" else "fake_clickatell")
                    is None
                ):
                    _skip_all(report, mine, f"{stack} not installed (pip install -e '.[bench]')")
                    continue
                server = servers.start_python(stack, app)
            for load in mine:
                _check_reply(server, load)
        except (ServerError, OSError) as error:
            _skip_all(report, mine, f"{name} unavailable: {error}")
            continue
        started[name] = server
    return started


def request_target(server: Server, load: Load, session_id: str = "0" * 32) -> str:
    """The path and query wrk sends for ``load``."""
    if load.json_send is not None:
        return load.json_send.path
    path = "/http/sendmsg" if load.fake else stub_path(load.recipients)
    return f"{path}?{sendmsg_query(session_id, load.recipients)}"


def open_session(server: Server) -> str:
    """Reset the fake and authenticate: the session id of a fresh run."""
    status, body = server.request("POST", "/__admin/reset")
    if status != 200:
        raise ServerError(f"{server.name}: reset answered {status}")
    status, body = server.request("GET", "/http/auth?" + urlencode(CREDENTIALS))
    if status != 200 or not body.startswith(b"OK: "):
        raise ServerError(f"{server.name}: auth answered {status} {body[:80]!r}")
    return body[4:].decode()


def accepted_since_reset(server: Server, send: JsonSend | None = None) -> int:
    """Messages accepted since the last reset, from the account's balance (charge 1 each):
    the sendmsg account's, or the account of the JSON ``send``'s credential."""
    status, body = server.request("GET", "/__admin/accounts")
    if status != 200:
        raise ServerError(f"{server.name}: /__admin/accounts answered {status}")
    key = send.account if send is not None else (CREDENTIALS["api_id"], CREDENTIALS["user"])
    for account in json.loads(body)["accounts"]:
        if (account["api_id"], account["user"]) == key:
            return int(BENCH_BALANCE - Decimal(account["balance"]))
    return 0


def send_script(load: Load) -> str | None:
    """The path of the wrk script that makes each request the load's JSON send, if it has one."""
    if load.json_send is None:
        return None
    path = Path(tempfile.gettempdir()) / f"fake-clickatell-bench-{load.json_send.api}-send.lua"
    path.write_text(load.json_send.script(), encoding="utf-8")
    return str(path)


def _check_reply(server: Server, load: Load) -> None:
    """One request before any load: the server must answer what the benchmark expects."""
    send = load.json_send
    if send is not None:
        open_session(server)
        status, body = server.request("POST", send.path, send.body, headers=send.headers)
        ok = send.accepted(status, body)
    elif load.fake:
        target = request_target(server, load, open_session(server))
        status, body = server.request("GET", target)
        lines = body.decode().split("\n")
        ok = status == 200 and len(lines) == load.recipients
        ok = ok and all(line.startswith("ID: ") for line in lines)
    else:
        status, body = server.request("GET", request_target(server, load))
        ok = status == 200 and body.decode() == reply_body(load.recipients)
    if not ok:
        raise ServerError(f"{server.name} answered {status} {body[:120]!r}")


def _warm_up(config: Config, server: Server, todo: list[Load]) -> None:
    """WireMock: ``config.warmup`` s of load spread over its payloads and modes (its JIT).

    Our Python servers have no JIT: one second on one load settles their allocator and caches.
    """
    assert config.wrk is not None
    mine = [load for load in todo if load.server == server.name]
    if server.name != "wiremock":
        mine = mine[:1]
    seconds = max(1.0, config.warmup / len(mine)) if server.name == "wiremock" else 1.0
    for load in mine:
        session = open_session(server) if load.fake else "0" * 32
        command = wrk_command(
            config.wrk,
            server.url(request_target(server, load, session)),
            duration=seconds,
            connections=config.connections,
            keep_alive=load.mode == "keepalive",
            pinning=config.pinning,
            script=send_script(load),
        )
        run_wrk(command, server_pid=None, timeout=seconds + 30)


def _measure(
    report: Report, config: Config, server: Server, load: Load, read_errors: dict[str, int]
) -> WrkResult:
    assert config.wrk is not None
    if not server.alive():
        raise ServerError(f"{server.name} is no longer running")
    session = open_session(server) if load.fake else "0" * 32
    if server.name == "wiremock":
        server.request("DELETE", "/__admin/requests")  # its journal, like the fake's reset
    command = wrk_command(
        config.wrk,
        server.url(request_target(server, load, session)),
        duration=config.duration,
        connections=config.connections,
        keep_alive=load.mode == "keepalive",
        pinning=config.pinning,
        script=send_script(load),
    )
    result = run_wrk(command, server_pid=server.pid, timeout=config.duration + 30)
    problems = []
    errors = result.socket_errors
    if load.mode == "close" and result.read_errors <= result.requests:
        # A response without Content-Length ends when the server closes the connection (WireMock
        # does this with Connection: close); wrk counts a read error for each, yet counts the
        # response too. Such a run is valid; the note says so.
        errors -= result.read_errors
        if result.read_errors:
            read_errors[load.key] = result.read_errors
    if errors or result.non_2xx:
        problems.append(f"{errors} socket errors, {result.non_2xx} non-2xx")
    if load.fake:
        accepted = accepted_since_reset(server, load.json_send)
        expected = result.requests * load.recipients
        if accepted < expected:
            problems.append(f"only {accepted} of {expected} messages were accepted")
    if problems:
        raise ServerError("; ".join(problems) + " (round not counted)")
    report.add(f"{load.key}.rps", load.label("req/s"), "req/s", result.requests_per_second)
    report.add(f"{load.key}.p50", load.label("p50"), "ms", result.p50 * 1e3)
    report.add(f"{load.key}.p99", load.label("p99"), "ms", result.p99 * 1e3)
    per_request = result.server_cpu_per_request
    if per_request is not None:
        report.add(f"{load.key}.cpu", load.label("CPU/req"), "µs", per_request * 1e6)
    return result
