"""Intercept mode: its dispatch next to Flask's test client, and a 200-test file next to
pytest-httpserver (suite ``intercept``).

* **dispatch**: CPU time per sendmsg answered by intercept mode's own seam, without a client
  library: a request as a library hands it over (method, URL, headers), its WSGI environ, the
  fake's app, and the reply framed as the server would send it. Baseline: the same request to
  the same kind of app through Flask's ``test_client()`` (what an in-process test would
  otherwise use); for scale, a bare Flask app answering a constant through ``test_client()``.
  Thread CPU time, the fastest of ten batches (as the breakdown does), variants alternating.
* **200-test file**: each test making 5 sendmsg calls, run with ``python -m pytest`` in a
  subprocess once per round, the variants rotating: an app hard-coding
  ``https://api.clickatell.com`` under ``--clickatell-intercept``, and the same calls to
  pytest-httpserver's stubs; once with ``requests.get`` per call (a new connection each time,
  as most apps call it) and once with a module-level ``httpx.Client``.
"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from .breakdown import time_per_call
from .config import Config
from .fixtures import CONFTEST, HTTPSERVER_MISSING, PHONE, SENDS, TESTS, run_suite
from .machine import pin_self, unpin_self
from .payloads import BENCH_SCENARIO, CREDENTIALS, TEXT
from .stats import Better, Report, Target

DISPATCH_SECTION = "intercept dispatch"
FILE_SECTION = "intercept mode, 200-test file"
LIBRARIES = ("requests", "httpx")

DISPATCH = "intercept.dispatch.fake"
TEST_CLIENT = "intercept.dispatch.test_client"
BARE_FLASK = "intercept.dispatch.bare_flask"
WALL = {
    (mode, library): f"intercept.file.{mode}.{library}"
    for mode in ("intercept", "httpserver")
    for library in LIBRARIES
}
DISPATCH_LABELS = {
    DISPATCH: "sendmsg through intercept mode's seam",
    TEST_CLIENT: "the same through Flask's test_client()",
    BARE_FLASK: "a bare Flask app's constant through test_client()",
}
FILE_LABELS = {
    WALL["intercept", "requests"]: "200 tests, requests, intercept mode",
    WALL["httpserver", "requests"]: "200 tests, requests, pytest-httpserver",
    WALL["intercept", "httpx"]: "200 tests, httpx, intercept mode",
    WALL["httpserver", "httpx"]: "200 tests, httpx, pytest-httpserver",
}
URL = "https://api.clickatell.com/http/sendmsg"
QUERY = urlencode({**CREDENTIALS, "to": PHONE, "text": TEXT})


def declare(report: Report) -> None:
    """The sections, metrics and rows of this suite."""
    report.section(DISPATCH_SECTION, "µs CPU per request, in-process, no client library")
    report.section(
        FILE_SECTION, f"{TESTS} tests x {SENDS} sendmsg, `python -m pytest` in a subprocess"
    )
    for key, label in DISPATCH_LABELS.items():
        report.metric(key, label, "µs")
    for key, label in FILE_LABELS.items():
        report.metric(key, label, "s")
    report.row(DISPATCH_SECTION, DISPATCH, TEST_CLIENT, Target(1.5, Better.LOWER))
    report.row(DISPATCH_SECTION, BARE_FLASK, TEST_CLIENT)
    for library in LIBRARIES:
        report.row(
            FILE_SECTION,
            WALL["intercept", library],
            WALL["httpserver", library],
            Target(0.7, Better.LOWER),
        )


# -- dispatch -----------------------------------------------------------------------------------


def dispatch_callers() -> dict[str, Callable[[], bytes]]:
    """One sendmsg per call, each way; each returns the reply body (checked once)."""
    from flask import Flask

    from fake_clickatell import create_app
    from fake_clickatell.interception import Interceptor
    from fake_clickatell.interception.dispatch import Call

    interceptor = Interceptor(create_app(BENCH_SCENARIO))
    call = Call("GET", f"{URL}?{QUERY}", [("User-Agent", "bench"), ("Accept", "*/*")])

    def through_seam() -> bytes:
        return interceptor.answer(call).body

    client = create_app(BENCH_SCENARIO).test_client()

    def through_test_client() -> bytes:
        reply = client.get("/http/sendmsg", query_string=QUERY, headers=call.headers)
        return reply.get_data()

    bare = Flask("bare")
    bare.add_url_rule("/http/sendmsg", "sendmsg", lambda: "ID: " + "0" * 32)
    bare_client = bare.test_client()

    def through_bare_flask() -> bytes:
        reply = bare_client.get("/http/sendmsg", query_string=QUERY, headers=call.headers)
        return reply.get_data()

    return {
        DISPATCH: through_seam,
        TEST_CLIENT: through_test_client,
        BARE_FLASK: through_bare_flask,
    }


# -- the 200-test files ------------------------------------------------------------------------

HEADERS = {
    "requests": "import requests\n\nget = requests.get\n",
    "httpx": "import httpx\n\nget = httpx.Client().get\n",
}
COMMON = 'PARAMS = {"api_id": "3442105", "user": "demo", "password": "secret", "text": "hello"}\n'

INTERCEPT_TEST = """
def test_{n}(clickatell):
    for to in TO:
        reply = get("https://api.clickatell.com/http/sendmsg", params={{**PARAMS, "to": to}})
        assert reply.text.startswith("ID: ")
"""

HTTPSERVER_TEST = """
def test_{n}(httpserver):
    httpserver.expect_request("/http/sendmsg").respond_with_data("ID: " + "0" * 32)
    for to in TO:
        reply = get(httpserver.url_for("/http/sendmsg"), params={{**PARAMS, "to": to}})
        assert reply.text.startswith("ID: ")
    httpserver.check_assertions()
"""


def write_file(directory: Path, mode: str, library: str) -> Path:
    """The test file of one variant."""
    to = [f"{PHONE[:-1]}{n}" for n in range(SENDS)]
    template = INTERCEPT_TEST if mode == "intercept" else HTTPSERVER_TEST
    body = HEADERS[library] + COMMON + f"TO = {to!r}\n"
    body += "".join(template.format(n=n) for n in range(TESTS))
    path = directory / f"test_{mode}_{library}.py"
    path.write_text(body)
    return path


def run(report: Report, config: Config) -> None:
    """Measure everything once per round (see the module docstring)."""
    declare(report)
    missing = [
        name for name in ("pytest_httpserver", "requests") if not importlib.util.find_spec(name)
    ]
    callers = dispatch_callers()
    for call in callers.values():
        if not call().startswith(b"ID: "):
            raise RuntimeError("a dispatch variant did not answer sendmsg")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "pytest.ini").write_text("[pytest]\n")
        (directory / "conftest.py").write_text(CONFTEST)
        files = {variant: write_file(directory, *variant) for variant in WALL}
        for round_ in range(config.rounds):
            pin_self(config.pinning.server_cpu)
            try:
                for key, call in callers.items():
                    report.add(
                        key,
                        DISPATCH_LABELS[key],
                        "µs",
                        time_per_call(call, config.breakdown_time) * 1e6,
                    )
            finally:
                unpin_self()
            if missing:
                continue
            variants = list(WALL)
            shift = round_ % len(variants)
            for variant in variants[shift:] + variants[:shift]:
                mode, _ = variant
                args = ("--clickatell-intercept",) if mode == "intercept" else ()
                wall, _ = run_suite(files[variant], *args)
                report.add(WALL[variant], FILE_LABELS[WALL[variant]], "s", wall)
    if missing:
        for key, label in FILE_LABELS.items():
            report.skip(
                key,
                label,
                "s",
                HTTPSERVER_MISSING if "pytest_httpserver" in missing else "requests not installed",
            )
