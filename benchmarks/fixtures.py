"""What the pytest fixture costs, next to pytest-httpserver doing the same job.

Run: ``.venv/bin/python -m benchmarks.fixtures [--rounds N] [--runs N]`` (not part of make test).

Part 1, in this process, alternating the two libraries round by round so that machine load hits
both alike:

* **start to first reply**: build and start the server, then one request answered over a fresh
  connection (fake_clickatell: ``GET /http/ping``; pytest-httpserver: a stubbed ``GET``);
* **reset**: what the function-scoped fixture does between tests, after a test that sent five
  messages (fake_clickatell: a new ``FakeClickatell`` handle, i.e. reset; also over the admin
  API; pytest-httpserver: ``clear()``);
* **stop**: shut the server down with an idle keep-alive connection open.

Part 2, a 200-test file, each test taking the fixture and making 5 sendmsg calls (each reply
checked), run with ``python -m pytest`` in a subprocess, wall time: against the ``clickatell``
fixture, against pytest-httpserver stubs answering ``ID: ...``, against the ``clickatell``
fixture driving an already running ``fake-clickatell serve`` (external mode), and a baseline of
200 empty tests (pytest's own cost). The variants alternate within each run. Both the process's
wall time and the session time pytest reports (which leaves out interpreter start and plugin
imports) are shown.

Numbers are medians with [min-max]; the load average is printed because the machine may be
shared.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx
from pytest_httpserver import HTTPServer

from fake_clickatell import FakeServer
from fake_clickatell.testing import FakeClickatell, LocalBackend, RemoteBackend

TESTS = 200
SENDS = 5
PHONE = "27999000001"


def _ms(values: list[float]) -> str:
    low, high = min(values) * 1e3, max(values) * 1e3
    return f"{statistics.median(values) * 1e3:8.2f} ms [{low:.2f}-{high:.2f}]"


def _first_reply(port: int, target: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", target)
    body = conn.getresponse().read()
    conn.close()
    return body


def start_fake() -> float:
    started = time.perf_counter()
    server = FakeServer().start()
    body = _first_reply(server.port, "/http/ping?session_id=x")
    elapsed = time.perf_counter() - started
    assert body == b"ERR: 003, Session ID expired", body
    server.stop()
    return elapsed


def start_httpserver() -> float:
    started = time.perf_counter()
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/http/ping").respond_with_data("ERR: 003, Session ID expired")
    body = _first_reply(server.port, "/http/ping?session_id=x")
    elapsed = time.perf_counter() - started
    assert body == b"ERR: 003, Session ID expired", body
    server.stop()
    return elapsed


def _send_five(client: httpx.Client, url: str) -> None:
    params = {"api_id": "3442105", "user": "demo", "password": "secret", "text": "hello"}
    for n in range(SENDS):
        reply = client.get(url + "/http/sendmsg", params={**params, "to": f"{PHONE[:-1]}{n}"})
        assert reply.text.startswith("ID: "), reply.text


def reset_timer(kind: str, cleanup: ExitStack) -> Callable[[], float]:
    """A function timing one reset after a five-message test."""
    client = cleanup.enter_context(httpx.Client())
    if kind == "httpserver":
        server = HTTPServer(host="127.0.0.1", port=0)
        server.start()
        cleanup.callback(server.stop)

        def dirty_then_reset() -> float:
            server.expect_request("/http/sendmsg").respond_with_data("ID: " + "0" * 32)
            _send_five(client, server.url_for("").rstrip("/"))
            started = time.perf_counter()
            server.clear()
            return time.perf_counter() - started

        return dirty_then_reset
    local = LocalBackend.start()
    cleanup.callback(local.close)
    backend = local if kind == "local" else RemoteBackend(local.url)
    FakeClickatell(backend)

    def dirty_then_new_handle() -> float:
        _send_five(client, local.url)
        started = time.perf_counter()
        FakeClickatell(backend)  # what the clickatell fixture does before each test
        return time.perf_counter() - started

    return dirty_then_new_handle


def stop_timer(kind: str) -> float:
    if kind == "fake":
        fake = FakeServer().start()
        port, stop = fake.port, fake.stop
    else:
        stub = HTTPServer(host="127.0.0.1", port=0)
        stub.start()
        stub.expect_request("/x").respond_with_data("ok")
        port, stop = stub.port, stub.stop
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/x")
    conn.getresponse().read()  # the connection stays open, idle
    started = time.perf_counter()
    stop()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


# -- part 2: a 200-test file ---------------------------------------------------------------------

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


def write_suite(directory: Path, name: str, template: str) -> Path:
    to = [f"{PHONE[:-1]}{n}" for n in range(SENDS)]
    body = HEADER + f"TO = {to!r}\n" + "".join(template.format(n=n) for n in range(TESTS))
    path = directory / name
    path.write_text(body)
    return path


def run_suite(path: Path, *args: str) -> tuple[float, float]:
    """Run one suite; (wall time of the process, the session time pytest reports)."""
    # Hypothesis' plugin is installed here but used by neither library: keep its import out.
    plugins = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
    command = [sys.executable, "-m", "pytest", "-q", *plugins, str(path), *args]
    env = {key: value for key, value in os.environ.items() if key != "FAKE_CLICKATELL_URL"}
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=path.parent, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or f"{TESTS} passed" not in result.stdout:
        raise RuntimeError(f"{path.name} {args} did not pass:\n{result.stdout}\n{result.stderr}")
    session = re.search(rf"{TESTS} passed in ([\d.]+)s", result.stdout)
    assert session, result.stdout
    return elapsed, float(session[1])


def serve() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_clickatell", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    match = re.search(r"serving on (http://\S+)", process.stdout.readline())
    assert match, "fake-clickatell serve did not print its URL"
    return process, match[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="rounds of part 1 (default 30)")
    parser.add_argument("--runs", type=int, default=7, help="runs of each suite (default 7)")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # pytest-httpserver's request log
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average"
          f" {os.getloadavg()[0]:.2f} at start")  # fmt: skip

    starts: dict[str, list[float]] = {"fake_clickatell": [], "pytest-httpserver": []}
    stops: dict[str, list[float]] = {"fake_clickatell": [], "pytest-httpserver": []}
    for _ in range(args.rounds):
        starts["fake_clickatell"].append(start_fake())
        starts["pytest-httpserver"].append(start_httpserver())
        stops["fake_clickatell"].append(stop_timer("fake"))
        stops["pytest-httpserver"].append(stop_timer("httpserver"))

    resets: dict[str, list[float]] = {}
    with ExitStack() as cleanup:
        timers = {
            "fake_clickatell, in-process": reset_timer("local", cleanup),
            "fake_clickatell, admin API": reset_timer("remote", cleanup),
            "pytest-httpserver clear()": reset_timer("httpserver", cleanup),
        }
        for _ in range(args.rounds * 10):
            for name, timer in timers.items():
                resets.setdefault(name, []).append(timer())

    print(f"\nPart 1: median [min-max] of {args.rounds} rounds ({args.rounds * 10} for reset)")
    print("  start to first reply")
    for name, values in starts.items():
        print(f"    {name:32} {_ms(values)}")
    print("  reset after a test that sent 5 messages")
    for name, values in resets.items():
        print(f"    {name:32} {_ms(values)}")
    print("  stop, an idle keep-alive connection open")
    for name, values in stops.items():
        print(f"    {name:32} {_ms(values)}")

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "pytest.ini").write_text("[pytest]\n")
        fake = write_suite(directory, "test_fake.py", FAKE_TEST)
        stub = write_suite(directory, "test_httpserver.py", HTTPSERVER_TEST)
        empty = write_suite(directory, "test_empty.py", EMPTY_TEST)
        process, url = serve()
        variants: dict[str, Callable[[], tuple[float, float]]] = {
            "baseline: 200 empty tests": lambda: run_suite(empty),
            "fake_clickatell fixture": lambda: run_suite(fake),
            "pytest-httpserver stubs": lambda: run_suite(stub),
            "fake_clickatell, external": lambda: run_suite(fake, f"--clickatell-url={url}"),
        }
        walls: dict[str, list[float]] = {name: [] for name in variants}
        sessions: dict[str, list[float]] = {name: [] for name in variants}
        try:
            for run in range(args.runs):
                names = list(variants)
                names = names[run % len(names) :] + names[: run % len(names)]  # rotate the order
                for name in names:
                    wall, session = variants[name]()
                    walls[name].append(wall)
                    sessions[name].append(session)
        finally:
            process.terminate()
            process.communicate(timeout=10)

    print(f"\nPart 2: {TESTS} tests x {SENDS} sendmsg, median [min-max] of {args.runs} runs;")
    print("    per test over the baseline, from the medians and from the fastest runs")
    for title, table in (
        ("wall time of `python -m pytest` (startup and imports included)", walls),
        ("session time pytest reports (collection and tests)", sessions),
    ):
        print(f"  {title}")
        baseline = table["baseline: 200 empty tests"]
        for name, values in table.items():
            spread = f"[{min(values):.3f}-{max(values):.3f}]"
            line = f"    {name:28} {statistics.median(values):7.3f} s {spread}"
            if values is not baseline:
                median = (statistics.median(values) - statistics.median(baseline)) / TESTS * 1e3
                best = (min(values) - min(baseline)) / TESTS * 1e3
                line += f"  {median:6.2f} ms (fastest: {best:5.2f} ms)"
            print(line)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
