"""What the pytest fixture costs, next to pytest-httpserver doing the same job (suite ``fixtures``).

In this process, the two libraries alternating call by call so that machine load hits both
alike, each round's value the median of its calls:

* **start to first reply**: what the session fixture does on first use (a
  :class:`~fake_clickatell.testing.LocalBackend` started: a :class:`~fake_clickatell.FakeServer`
  thread), then one request answered over a fresh connection (``GET /http/ping``);
  pytest-httpserver: start, a stub, the same request. Warm: the first start of the process
  (imports) is not counted;
* **reset**: what the ``clickatell`` fixture does for each test, after a test that sent five
  messages: a new :class:`~fake_clickatell.testing.FakeClickatell` handle on the session's
  backend (which resets the fake to the scenario) and, at teardown, ``check()``;
  pytest-httpserver's function fixture: ``clear()``. Also the same reset of a running
  ``fake-clickatell serve`` over its admin API (``--clickatell-url``), for scale;
* **stop**: the session fixture's teardown (``LocalBackend.close()``) with an idle keep-alive
  connection open; pytest-httpserver: ``stop()``.

Then a 200-test file, each test taking the fixture and making 5 sendmsg calls (each reply
checked), run with ``python -m pytest`` in a subprocess, once per round, the variants rotating:
against the ``clickatell`` fixture, against pytest-httpserver stubs answering ``ID: ...``,
against the ``clickatell`` fixture driving an already running ``fake-clickatell serve``
(external mode), and 200 empty tests (pytest's own cost). Rows: the process's wall time, the
cost per test over the empty file, and the fixture's own setup + teardown per test as pytest
times it (hook wrappers in the file's ``conftest.py``).
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .machine import pin_self, unpin_self
from .stats import Better, Report, Target, difference

if TYPE_CHECKING:
    import httpx

SECTION = "pytest fixture"
FILE_SECTION = "200-test pytest file"
TESTS = 200
SENDS = 5
PHONE = "27999000001"
#: Starts and stops per round and library (and five times as many resets).
CALLS = 10
HTTPSERVER_MISSING = "pytest-httpserver not installed (pip install -e '.[test]')"

# Metric keys.
START, START_BASE = "fixtures.start.fake", "fixtures.start.httpserver"
RESET, RESET_REMOTE, RESET_BASE = (
    "fixtures.reset.fake",
    "fixtures.reset.remote",
    "fixtures.reset.httpserver",
)
STOP, STOP_BASE = "fixtures.stop.fake", "fixtures.stop.httpserver"
VARIANTS = ("empty", "fake", "httpserver", "external")
WALL = {name: f"fixtures.file.{name}" for name in VARIANTS}
PER_TEST = {name: f"fixtures.per_test.{name}" for name in ("fake", "httpserver", "external")}
IN_PYTEST = {name: f"fixtures.in_pytest.{name}" for name in ("fake", "httpserver", "empty")}

LABELS = {
    START: "clickatell: start + first reply (warm)",
    START_BASE: "pytest-httpserver: start + first reply",
    RESET: "clickatell: per-test reset (handle + reset + check)",
    RESET_REMOTE: "clickatell, external: reset over the admin API",
    RESET_BASE: "pytest-httpserver: per-test clear()",
    STOP: "clickatell: stop, idle keep-alive connection open",
    STOP_BASE: "pytest-httpserver: stop, idle keep-alive connection open",
    WALL["empty"]: "200 empty tests (pytest's own cost)",
    WALL["fake"]: "200 tests on the clickatell fixture",
    WALL["httpserver"]: "200 tests on pytest-httpserver stubs",
    WALL["external"]: "200 tests on clickatell, external serve",
    PER_TEST["fake"]: "per test over empty: clickatell",
    PER_TEST["httpserver"]: "per test over empty: pytest-httpserver",
    PER_TEST["external"]: "per test over empty: clickatell, external",
    IN_PYTEST["fake"]: "clickatell fixture setup + teardown, in pytest",
    IN_PYTEST["httpserver"]: "httpserver fixture setup + teardown, in pytest",
    IN_PYTEST["empty"]: "teardown of an empty test, in pytest",
}
UNITS = {
    START: "ms",
    START_BASE: "ms",
    RESET: "µs",
    RESET_REMOTE: "µs",
    RESET_BASE: "µs",
    STOP: "ms",
    STOP_BASE: "ms",
    **dict.fromkeys(WALL.values(), "s"),
    **dict.fromkeys(PER_TEST.values(), "ms"),
    **dict.fromkeys(IN_PYTEST.values(), "µs"),
}


def _add(report: Report, key: str, value: float) -> None:
    report.add(key, LABELS[key], UNITS[key], value)


def declare(report: Report) -> None:
    """The sections, metrics and rows of this suite (targets from issue 7)."""
    report.section(SECTION, "in-process, median of each round's calls; pytest-httpserver alike")
    report.section(
        FILE_SECTION,
        f"{TESTS} tests x {SENDS} sendmsg (httpx), `python -m pytest` in a subprocess",
    )
    for key, label in LABELS.items():
        report.metric(key, label, UNITS[key])
    report.row(SECTION, START, START_BASE, Target(10, Better.LOWER, on_ratio=False))
    report.row(SECTION, RESET, RESET_BASE, Target(100, Better.LOWER, on_ratio=False))
    report.row(SECTION, RESET_REMOTE, RESET)
    report.row(SECTION, STOP, STOP_BASE, Target(20, Better.LOWER, on_ratio=False))
    report.row(FILE_SECTION, WALL["fake"], WALL["httpserver"], Target(1.0, Better.LOWER))
    report.row(FILE_SECTION, WALL["external"], WALL["httpserver"])
    report.row(FILE_SECTION, WALL["empty"], WALL["httpserver"])
    report.row(FILE_SECTION, PER_TEST["fake"], PER_TEST["httpserver"])
    report.row(FILE_SECTION, PER_TEST["external"], PER_TEST["httpserver"])
    report.row(FILE_SECTION, IN_PYTEST["fake"], IN_PYTEST["httpserver"])
    report.row(FILE_SECTION, IN_PYTEST["empty"], IN_PYTEST["httpserver"])


# -- in-process: start, reset, stop -----------------------------------------------------------


def _first_reply(port: int, target: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", target)
        return conn.getresponse().read()
    finally:
        conn.close()


_PING = "/http/ping?session_id=x"
_EXPIRED = b"ERR: 003, Session ID expired"


def start_fake() -> float:
    """Seconds from nothing to the first reply of a started fake (then stopped)."""
    from fake_clickatell.testing import LocalBackend

    started = time.perf_counter()
    backend = LocalBackend.start()
    body = _first_reply(backend.server.port, _PING)
    elapsed = time.perf_counter() - started
    backend.close()
    if body != _EXPIRED:
        raise RuntimeError(f"the fake answered {body!r}")
    return elapsed


def start_httpserver() -> float:
    """The same for pytest-httpserver with one stub."""
    from pytest_httpserver import HTTPServer

    started = time.perf_counter()
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/http/ping").respond_with_data(_EXPIRED.decode())
    body = _first_reply(server.port, _PING)
    elapsed = time.perf_counter() - started
    server.stop()
    if body != _EXPIRED:
        raise RuntimeError(f"pytest-httpserver answered {body!r}")
    return elapsed


def stop_fake() -> float:
    """Seconds the session fixture's teardown takes with an idle keep-alive connection open."""
    from fake_clickatell.testing import LocalBackend

    backend = LocalBackend.start()
    return _time_stop(backend.server.port, backend.close)


def stop_httpserver() -> float:
    """The same for pytest-httpserver."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/x").respond_with_data("ok")
    return _time_stop(server.port, server.stop)


def _time_stop(port: int, stop: Callable[[], None]) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/x")
    conn.getresponse().read()  # the connection stays open, idle
    started = time.perf_counter()
    stop()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def _send_five(client: httpx.Client, url: str) -> None:
    params = {"api_id": "3442105", "user": "demo", "password": "secret", "text": "hello"}
    for n in range(SENDS):
        reply = client.get(url + "/http/sendmsg", params={**params, "to": f"{PHONE[:-1]}{n}"})
        if not reply.text.startswith("ID: "):
            raise RuntimeError(f"sendmsg answered {reply.text!r}")


def reset_timer(kind: str, cleanup: ExitStack, url: str | None = None) -> Callable[[], float]:
    """A function timing one per-test reset after a five-message test.

    ``kind``: ``local`` (the clickatell fixture on its in-process server), ``remote`` (the
    same against the running fake at ``url``) or ``httpserver``.
    """
    import httpx

    client = cleanup.enter_context(httpx.Client())
    if kind == "httpserver":
        from pytest_httpserver import HTTPServer

        server = HTTPServer(host="127.0.0.1", port=0)
        server.start()
        cleanup.callback(server.stop)

        def dirty_then_clear() -> float:
            server.expect_request("/http/sendmsg").respond_with_data("ID: " + "0" * 32)
            _send_five(client, server.url_for("").rstrip("/"))
            started = time.perf_counter()
            server.clear()  # what its function-scoped fixture does after each test
            return time.perf_counter() - started

        return dirty_then_clear
    from fake_clickatell.testing import (
        Backend,
        FakeClickatell,
        LocalBackend,
        RemoteBackend,
    )
    from fake_clickatell.testing.scenarios import DEFAULT_LOADED

    backend: Backend
    if kind == "local":
        local = LocalBackend.start()
        cleanup.callback(local.close)
        backend = local
    else:
        assert url is not None
        backend = RemoteBackend(url)
    search = (Path(__file__).parent, Path.cwd())  # as the fixture passes: test dir, rootdir
    FakeClickatell(backend, search=search, scenario=DEFAULT_LOADED)

    def dirty_then_new_handle() -> float:
        _send_five(client, backend.url)
        started = time.perf_counter()
        # The clickatell fixture's own work for one test: a handle (which resets the fake to
        # the test's scenario) and, at teardown, the check for errors raised inside the fake.
        handle = FakeClickatell(backend, search=search, scenario=DEFAULT_LOADED)
        handle.check()
        return time.perf_counter() - started

    return dirty_then_new_handle


# -- a 200-test file --------------------------------------------------------------------------

HEADER = """import httpx

client = httpx.Client()
PARAMS = {"api_id": "3442105", "user": "demo", "password": "secret", "text": "hello"}
"""

FAKE_TEST = """
def test_{n}(clickatell):
    for to in TO:
        reply = client.get(clickatell.api_url + "/sendmsg", params={{**PARAMS, "to": to}})
        assert reply.text.startswith("ID: ")
"""

HTTPSERVER_TEST = """
def test_{n}(httpserver):
    httpserver.expect_request("/http/sendmsg").respond_with_data("ID: " + "0" * 32)
    for to in TO:
        reply = client.get(httpserver.url_for("/http/sendmsg"), params={{**PARAMS, "to": to}})
        assert reply.text.startswith("ID: ")
    httpserver.check_assertions()
"""

EMPTY_TEST = """
def test_{n}():
    pass
"""

#: Times each fixture's setup and each test's teardown inside pytest (written to $BENCH_TIMES).
CONFTEST = """
import json, os, time

import pytest

SETUP, TEARDOWN = [], []


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    started = time.perf_counter()
    yield
    if fixturedef.argname in ("clickatell", "httpserver"):
        SETUP.append(time.perf_counter() - started)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    started = time.perf_counter()
    yield
    if nextitem is not None:  # the last one also tears the session fixtures down
        TEARDOWN.append(time.perf_counter() - started)


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_TIMES"], "w") as out:
        json.dump({"setup": SETUP, "teardown": TEARDOWN}, out)
"""


def write_suite(directory: Path, name: str, template: str) -> Path:
    """A test file of ``TESTS`` tests from ``template``."""
    to = [f"{PHONE[:-1]}{n}" for n in range(SENDS)]
    body = HEADER + f"TO = {to!r}\n" + "".join(template.format(n=n) for n in range(TESTS))
    path = directory / name
    path.write_text(body)
    return path


def child_env() -> dict[str, str]:
    """The environment of the measured subprocesses: a user's (bytecode caches written, no
    fake selected by URL)."""
    drop = ("FAKE_CLICKATELL_URL", "PYTHONDONTWRITEBYTECODE")
    return {key: value for key, value in os.environ.items() if key not in drop}


def run_suite(path: Path, *args: str) -> tuple[float, float]:
    """Run one file: (wall time of the process, median fixture setup + teardown per test)."""
    # Hypothesis' and schemathesis' plugins are installed here (for this repository's own
    # tests) but used by neither library, and a user's project has neither: keep their imports
    # (~0.3 s a process) out.
    plugins = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:schemathesis"]
    command = [sys.executable, "-m", "pytest", "-q", *plugins, str(path), *args]
    times = path.with_suffix(".times.json")
    env = {**child_env(), "BENCH_TIMES": str(times)}
    started = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=path.parent, env=env, timeout=300
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or f"{TESTS} passed" not in result.stdout:
        raise RuntimeError(f"{path.name} {args} did not pass:\n{result.stdout[-2000:]}")
    recorded = json.loads(times.read_text())
    teardown = statistics.median(recorded["teardown"])
    setup = statistics.median(recorded["setup"]) if recorded["setup"] else 0.0
    return elapsed, setup + teardown


@contextmanager
def serve() -> Iterator[str]:
    """A running ``fake-clickatell serve`` (stopped on exit); yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_clickatell", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**child_env(), "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        match = re.search(r"serving on (http://\S+)", process.stdout.readline())
        if match is None:
            raise RuntimeError("fake-clickatell serve did not print its URL")
        yield match[1]
    finally:
        process.kill()
        process.wait(timeout=10)


# -- the suite --------------------------------------------------------------------------------


def run(report: Report, config: Config) -> None:
    """Measure everything once per round (see the module docstring)."""
    declare(report)
    if importlib.util.find_spec("pytest_httpserver") is None:
        for key in LABELS:
            if "httpserver" in key:
                report.skip(key, LABELS[key], UNITS[key], HTTPSERVER_MISSING)
        return
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # pytest-httpserver's request log
    # In-process work runs on the server CPU, as the breakdown does: the threads started while
    # this one is pinned (the servers' threads) stay there too; pytest runs are not pinned.
    pin_self(config.pinning.server_cpu)
    try:
        _run(report, config)
    finally:
        unpin_self()
    metrics = report.metrics
    for name, key in PER_TEST.items():
        per_run = difference(metrics[WALL[name]].samples, metrics[WALL["empty"]].samples)
        metrics[key].samples = [seconds / TESTS * 1e3 for seconds in per_run]


def _run(report: Report, config: Config) -> None:
    start_fake(), start_httpserver()  # imports: "warm" means they are done
    with tempfile.TemporaryDirectory() as tmp, serve() as url, ExitStack() as cleanup:
        directory = Path(tmp)
        (directory / "pytest.ini").write_text("[pytest]\n")
        (directory / "conftest.py").write_text(CONFTEST)
        files = {
            "empty": (write_suite(directory, "test_empty.py", EMPTY_TEST), ()),
            "fake": (write_suite(directory, "test_fake.py", FAKE_TEST), ()),
            "httpserver": (write_suite(directory, "test_httpserver.py", HTTPSERVER_TEST), ()),
            "external": (directory / "test_fake.py", (f"--clickatell-url={url}",)),
        }
        resets = {
            RESET: reset_timer("local", cleanup),
            RESET_REMOTE: reset_timer("remote", cleanup, url),
            RESET_BASE: reset_timer("httpserver", cleanup),
        }
        for round_ in range(config.rounds):
            pin_self(config.pinning.server_cpu)
            _in_process_round(report, CALLS, resets)
            unpin_self()
            order = VARIANTS[round_ % len(VARIANTS) :] + VARIANTS[: round_ % len(VARIANTS)]
            for name in order:
                path, args = files[name]
                wall, fixture = run_suite(path, *args)
                _add(report, WALL[name], wall)
                if name in IN_PYTEST:
                    _add(report, IN_PYTEST[name], fixture * 1e6)


def _in_process_round(report: Report, calls: int, resets: dict[str, Callable[[], float]]) -> None:
    samples: dict[str, list[float]] = {}
    for _ in range(calls):
        for key, measure in (
            (START, start_fake),
            (START_BASE, start_httpserver),
            (STOP, stop_fake),
            (STOP_BASE, stop_httpserver),
        ):
            samples.setdefault(key, []).append(measure() * 1e3)
        for _ in range(5):
            for key, reset in resets.items():
                samples.setdefault(key, []).append(reset() * 1e6)
    for key, values in samples.items():
        _add(report, key, statistics.median(values))
