"""Browser tests: Playwright for Python driving Debian's Chromium (``/usr/bin/chromium``).

Playwright never downloads a browser here: it launches the system's Chromium
(``executable_path``), headless, with the flags below and a fresh, temporary user-data
directory of its own (Playwright makes a new one on every launch and deletes
it at the end); each test gets a new browser context (no cookies or storage shared).

``make test`` installs Chromium first when it is missing and it runs as root. When it is still
missing, this file installs it (as root, with apt-get), or skips every browser test with the
reason; under CI (``CI`` set) a missing browser fails instead, so CI always runs them.

A failing test leaves a screenshot and a Playwright trace (``playwright show-trace``) under
``.artifacts/browser/<test>/`` (git ignores it). Every test fails if its page logged a console
error that the test did not expect.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fake_clickatell import FakeServer, load_scenario_text

from ..support import Receiver

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / ".artifacts" / "browser"


def _install_chromium() -> str | None:
    """Install Debian's Chromium as ``make test`` would; why not, when it cannot."""
    if getattr(os, "geteuid", lambda: -1)() != 0 or shutil.which("apt-get") is None:
        return (
            f"{CHROMIUM} is missing and this user cannot install it"
            " (as root: apt-get install chromium; make test does it)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}"
    return None if CHROMIUM.exists() else f"apt-get installed chromium, but not at {CHROMIUM}"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for these tests. Package-scoped: Playwright's sync API runs an
    event loop on this thread while it is open, which asyncio.run() elsewhere would trip on."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        why = _install_chromium()
        if why is not None:
            _unavailable(why)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, for the page fixture to see whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Console:
    """Console errors and uncaught exceptions a page reported."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """An error the test expects (e.g. the 401 a page without the token gets)."""
        self._allowed.append(re.compile(pattern))

    def record(self, text: str) -> None:
        if not any(pattern.search(text) for pattern in self._allowed):
            self.errors.append(text)


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def context_factory(
    browser: Any,
    request: pytest.FixtureRequest,
    console: Console,
    make_fake: Callable[..., FakeServer],
) -> Iterator[Callable[..., Any]]:
    """New browser contexts (each traced); on failure, a screenshot and the trace are kept.
    (It needs ``make_fake`` so that pages close before the fakes they show stop.)"""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
        context.tracing.start(screenshots=True, snapshots=True)
        context.on("console", lambda m: console.record(m.text) if m.type == "error" else None)
        context.on("weberror", lambda e: console.record(f"uncaught: {e.error}"))
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    failed = report is None or report.failed
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    for index, context in enumerate(contexts):
        if failed:
            folder.mkdir(parents=True, exist_ok=True)
            for number, page in enumerate(context.pages):
                page.screenshot(path=folder / f"screenshot-{index}-{number}.png", full_page=True)
            context.tracing.stop(path=folder / f"trace-{index}.zip")
        else:
            context.tracing.stop()
        context.close()
    if not failed:
        assert console.errors == [], "the page logged errors"


@pytest.fixture
def page(context_factory: Callable[..., Any]) -> Any:
    """A page in a fresh context, 1280 by 900."""
    return context_factory().new_page()


# -- the fake the pages show ------------------------------------------------------------------

#: The key of the account's Platform integration.
PLATFORM_KEY = "7A620z5FTKab_CeziIuZhg=="

SCENARIO = """
seed: 11
clock: {{start: 2027-01-15T08:00:00Z, frozen: {frozen}}}
accounts:
  - api_id: "1"
    user: u
    password: p
    callback: {{url: "{receiver}/status"}}
    mo: {{numbers: ["27999000009"], url: "{receiver}/mo"}}
    integrations: [{{api: platform, api_key: "{platform_key}", name: Shop}}]
rules:
  - {{name: maintenance, when: {{command: sendmsg, params: {{text: "down*"}}}}, then: {{error: 901}}}}
"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """The app's callback and MO endpoints, on 127.0.0.1."""
    with Receiver() as running:
        yield running


@pytest.fixture
def make_fake(receiver: Receiver) -> Iterator[Callable[..., FakeServer]]:
    """Start a fake (clock frozen at 2027-01-15T08:00:00Z unless ``frozen=False``)."""
    started: list[FakeServer] = []

    def make(*, frozen: bool = True, **options: Any) -> FakeServer:
        text = SCENARIO.format(
            frozen=str(frozen).lower(), receiver=receiver.url, platform_key=PLATFORM_KEY
        )
        server = FakeServer(load_scenario_text(text, "browser.yaml"), **options).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def fake(make_fake: Callable[..., FakeServer]) -> FakeServer:
    return make_fake()
