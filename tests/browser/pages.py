"""Page objects for the web UI: one per view, each finding its controls by role and name (the
way a screen reader does), plus the app side: what an app sends the fake over HTTP."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Locator, Page, expect

from fake_clickatell import FakeServer
from fake_clickatell.app import runtime_of

from .conftest import PLATFORM_KEY

#: The most Tab presses it takes to reach any control (the header has about twenty).
MAX_TABS = 80
WAIT = 10.0


# -- the app's side: plain HTTP to the fake ---------------------------------------------------


class App:
    """What an application does to the fake: the Clickatell API and the admin API."""

    def __init__(self, fake: FakeServer) -> None:
        self.fake = fake

    def get(self, path: str, **params: str) -> str:
        url = f"{self.fake.url}{path}?{urlencode(params)}"
        with urllib.request.urlopen(url, timeout=WAIT) as reply:
            body: str = reply.read().decode("utf-8")
        return body

    def send(self, to: str, text: str, **params: str) -> str:
        """``sendmsg`` with the account's credentials; the reply's body."""
        return self.get(
            "/http/sendmsg", api_id="1", user="u", password="p", to=to, text=text, **params
        )

    def send_platform(self, to: str, content: str) -> Any:
        """``POST /messages`` with the account's Platform key; the reply's JSON."""
        request = urllib.request.Request(
            f"{self.fake.url}/messages",
            data=json.dumps({"content": content, "to": [to]}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": PLATFORM_KEY},
        )
        with urllib.request.urlopen(request, timeout=WAIT) as reply:
            return json.loads(reply.read())

    def auth(self) -> str:
        body = self.get("/http/auth", api_id="1", user="u", password="p")
        assert body.startswith("OK: "), body
        return body.removeprefix("OK: ")

    def admin(self, path: str, payload: object = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            f"{self.fake.url}/__admin/{path}",
            data=data,
            method="GET" if data is None and path != "callbacks/flush" else "POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=WAIT) as reply:
            return json.loads(reply.read())

    def listeners(self) -> int:
        """Event streams open on the fake (pages following it live)."""
        return runtime_of(self.fake.app).changes.listeners


# -- the UI -----------------------------------------------------------------------------------


class View:
    """What every page has: the header (views, the virtual clock, reset) and the toast."""

    path = "/"

    def __init__(self, page: Page, fake: FakeServer) -> None:
        self.page = page
        self.fake = fake

    def open(self) -> View:
        self.page.goto(self.fake.url + self.path)
        return self

    def wait_live(self) -> None:
        """Wait until the page follows the fake's events (its stream is connected)."""
        deadline = time.monotonic() + WAIT
        while App(self.fake).listeners() < 1:
            assert time.monotonic() < deadline, "the page never opened its event stream"
            time.sleep(0.02)

    # the header
    @property
    def clock(self) -> Locator:
        return self.page.locator("#clock-now")

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    @property
    def toast(self) -> Locator:
        return self.page.get_by_role("status")

    def advance(self, label: str) -> None:
        """Click ``+1 min`` or ``+15 min`` and wait until the fake has moved."""
        self.button(label).click()
        expect(self.toast).to_contain_text("Clock advanced")

    def reset(self) -> None:
        self.button("Reset").click()
        dialog = self.page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Reset everything").click()
        expect(self.toast).to_have_text("The fake was reset")

    # the keyboard
    def tab_to(self, target: Locator) -> None:
        """Press Tab until ``target`` has the focus (the way a keyboard user gets there)."""
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if target.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {target}")

    def scrolls_sideways(self) -> bool:
        """True when the page is wider than the window (it would scroll sideways)."""
        return bool(
            self.page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
                " || document.body.scrollWidth > document.documentElement.clientWidth"
            )
        )


class InboxPage(View):
    """``/``: every message, newest first."""

    path = "/"

    @property
    def lines(self) -> Locator:
        return self.page.locator("#inbox article.line")

    def line(self, text: str) -> Locator:
        return self.lines.filter(has=self.page.get_by_text(text, exact=True))

    @property
    def search(self) -> Locator:
        return self.page.get_by_role("searchbox", name="Search")

    @property
    def empty(self) -> Locator:
        return self.page.get_by_text("Nothing yet")


class ThreadPage(View):
    """``/__ui/conversations/<number>``: one handset's messages and the reply box."""

    def __init__(self, page: Page, fake: FakeServer, number: str) -> None:
        super().__init__(page, fake)
        self.path = f"/__ui/conversations/{number}"

    @property
    def bubbles(self) -> Locator:
        return self.page.locator("#thread .bubble")

    def bubble(self, text: str) -> Locator:
        return self.bubbles.filter(has=self.page.get_by_text(text, exact=True))

    @property
    def reply_box(self) -> Locator:
        return self.page.get_by_role("textbox", name="Reply")

    @property
    def send_button(self) -> Locator:
        return self.button("Send reply")

    def reply(self, text: str) -> None:
        self.reply_box.fill(text)
        self.send_button.click()
        expect(self.toast).to_have_text("Reply sent")


class MessagePage(View):
    """``/__ui/messages/<apimsgid>``: one message."""

    def __init__(self, page: Page, fake: FakeServer, apimsgid: str) -> None:
        super().__init__(page, fake)
        self.path = f"/__ui/messages/{apimsgid}"

    @property
    def timeline(self) -> Locator:
        return self.page.locator(".timeline li")


class RequestsPage(View):
    """``/__ui/requests``: the journal."""

    path = "/__ui/requests"


class ControlPage(View):
    """``/__ui/control``: rules, accounts, pushes."""

    path = "/__ui/control"

    def switch(self, rule: str) -> Locator:
        return self.page.get_by_role("switch", name=rule)
