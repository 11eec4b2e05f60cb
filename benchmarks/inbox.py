"""The web inbox with 10,000 messages (suite ``inbox``): first render in Chromium, the page's
server time, a search, and a live update.

One fake holds 10,000 messages (and an inbound reply every hundred), sent through the API
in-process before timing starts; another holds none (the baseline). Each round:

* **first render**: a new browser context opens ``/`` in headless Chromium (Debian's, as the
  browser tests use) and reads the page's First Contentful Paint from the browser's own paint
  timing (milliseconds from the start of the navigation): the inbox's first 50 lines drawn;
* **server**: ``GET /`` over a socket, the median of ten (the HTML of the newest 50 of all
  10,000, built under the lock and rendered outside it);
* **search**: ``GET /?q=...`` for one message's text, which scans every message;
* **live**: with the inbox open, from a sendmsg to its line in the page (the event stream,
  the page's refresh, the swap), timed from Python: an upper bound.
"""

from __future__ import annotations

import statistics
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .config import Config
from .stats import Better, Report, Target

SECTION = "web inbox"
MESSAGES = 10_000
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
FIRST = "inbox.first_render"
FIRST_EMPTY = "inbox.first_render.empty"
SERVER = "inbox.server"
SERVER_EMPTY = "inbox.server.empty"
SEARCH = "inbox.search"
LIVE = "inbox.live"
LABELS = {
    FIRST: f"first render, {MESSAGES:,} messages (Chromium FCP)",
    FIRST_EMPTY: "first render, no messages",
    SERVER: f"GET / with {MESSAGES:,} messages (server)",
    SERVER_EMPTY: "GET / with no messages",
    SEARCH: f"search one text among {MESSAGES:,}",
    LIVE: "sendmsg to its line in the open inbox",
}
CREDENTIALS = {"api_id": "1", "user": "u", "password": "p"}
#: What the inbox must do: 10,000 messages load in under a second.
UNDER_A_SECOND = Target(1000, Better.LOWER, on_ratio=False)


def filled(count: int) -> Any:
    """A fake (a Flask app) holding ``count`` messages, one inbound reply every hundred."""
    from fake_clickatell import create_app, load_scenario_text

    scenario = "seed: 1\nclock: {start: 1800000000, frozen: true}\ndefault_balance: 1000000\n"
    app = create_app(load_scenario_text(scenario, "inbox.yaml"))
    client = app.test_client()
    for n in range(count):
        query = urlencode({**CREDENTIALS, "to": f"2799{n % 2000:07d}", "text": f"message {n}"})
        if not client.get(f"/http/sendmsg?{query}").get_data().startswith(b"ID: "):
            raise RuntimeError("not a real send")
        if n % 100 == 99:
            reply = {"to": "x", "from": f"2799{n % 2000:07d}", "text": f"reply {n}", "api_id": "1"}
            client.post("/__admin/mo", json=reply)
    return app


def _get_ms(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as reply:
        if reply.status != 200 or b'class="line' not in reply.read():
            raise RuntimeError(f"{url}: not an inbox with lines")
    return (time.perf_counter() - started) * 1000


def _median_get(url: str, times: int = 10) -> float:
    return statistics.median(_get_ms(url) for _ in range(times))


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed"
    return None if CHROMIUM.exists() else f"{CHROMIUM} missing (apt-get install chromium)"


@contextmanager
def _chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


def first_render(browser: Any, url: str) -> float:
    """Milliseconds from navigating to ``url`` in a new context to its first contentful
    paint, as the browser's paint timing says."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#inbox article.line, #inbox .empty")
        # The paint entry is recorded after the frame is drawn, which can come after the DOM
        # holds the lines (a loaded machine): wait for it rather than read it at once.
        fcp = "performance.getEntriesByName('first-contentful-paint')"
        page.wait_for_function(f"{fcp}.length > 0", timeout=10_000)
        return float(page.evaluate(f"{fcp}[0].startTime"))
    finally:
        context.close()


def live_update(browser: Any, base: str, send: Callable[[str], None], n: int) -> float:
    """Milliseconds from a sendmsg to its line in an open inbox (event, refresh, swap)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + "/")
        page.wait_for_function("document.body.dataset.events")
        time.sleep(0.2)  # let the event stream connect (its first event refreshes once)
        text = f"live {n}"
        started = time.perf_counter()
        send(text)
        page.get_by_text(text, exact=True).wait_for()
        return (time.perf_counter() - started) * 1000
    finally:
        context.close()


def run(report: Report, config: Config) -> None:
    """Fill two fakes, then time each measure once per round."""
    from fake_clickatell import FakeServer

    report.section(SECTION, f"ms; the inbox holding {MESSAGES:,} messages against an empty one")
    for key, label in LABELS.items():
        report.metric(key, label, "ms")
    report.row(SECTION, FIRST, FIRST_EMPTY, UNDER_A_SECOND)
    report.row(SECTION, SERVER, SERVER_EMPTY, UNDER_A_SECOND)
    report.row(SECTION, SEARCH, SERVER_EMPTY)
    report.row(SECTION, LIVE, None, UNDER_A_SECOND)
    missing = _browser_missing()
    if missing is not None:
        for key in (FIRST, FIRST_EMPTY, LIVE):
            report.skip(key, LABELS[key], "ms", missing)
    with FakeServer(app=filled(MESSAGES)) as full, FakeServer(app=filled(0)) as empty:

        def send(text: str) -> None:
            query = urlencode({**CREDENTIALS, "to": "27999000001", "text": text})
            with urllib.request.urlopen(f"{full.url}/http/sendmsg?{query}", timeout=30) as r:
                r.read()

        with _chromium() if missing is None else _nothing() as browser:
            for n in range(config.rounds):
                report.add(SERVER, LABELS[SERVER], "ms", _median_get(full.url + "/"))
                report.add(SERVER_EMPTY, LABELS[SERVER_EMPTY], "ms", _median_get(empty.url + "/"))
                search = full.url + "/?" + urlencode({"q": f"message {n * 997 % MESSAGES}"})
                report.add(SEARCH, LABELS[SEARCH], "ms", _median_get(search))
                if browser is None:
                    continue
                report.add(FIRST, LABELS[FIRST], "ms", first_render(browser, full.url + "/"))
                report.add(FIRST_EMPTY, LABELS[FIRST_EMPTY], "ms", first_render(browser, empty.url))
                report.add(LIVE, LABELS[LIVE], "ms", live_update(browser, full.url, send, n))


@contextmanager
def _nothing() -> Iterator[None]:
    yield None
