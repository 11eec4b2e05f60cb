"""The web inbox in Chromium: live updates, escaping, driving the fake, keyboard, widths,
console, accessibility, the door."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Dialog, Page, expect

from fake_clickatell import FakeServer

from ..support import Receiver
from .conftest import Console
from .pages import App, ControlPage, InboxPage, MessagePage, RequestsPage, ThreadPage, View

XSS = "<img src=x onerror=alert(1)>"
HANDSET = "27999000001"
T0_ISO = "2027-01-15T08:00:00.000Z"


def test_a_message_sent_through_the_api_appears_in_the_open_inbox_within_a_second(
    page: Page, fake: FakeServer
):
    inbox = InboxPage(page, fake)
    inbox.open()
    inbox.wait_live()
    page.evaluate("window.notReloaded = true")
    assert App(fake).send(HANDSET, "Your code is 4321").startswith("ID: ")
    expect(inbox.line("Your code is 4321")).to_be_visible(timeout=1000)
    assert page.evaluate("window.notReloaded") is True  # the same page: no reload
    expect(inbox.lines).to_have_count(1)


def test_each_line_names_its_api_live_and_the_api_filter_keeps_one(page: Page, fake: FakeServer):
    inbox = InboxPage(page, fake)
    inbox.open()
    inbox.wait_live()
    app = App(fake)
    app.send(HANDSET, "through http")
    (entry,) = app.send_platform(HANDSET, "through the platform")["messages"]
    assert entry["accepted"] is True
    expect(inbox.line("through the platform")).to_contain_text("via Platform")
    expect(inbox.line("through http")).to_contain_text("via HTTP")
    page.get_by_label("API").select_option(label="Platform")
    page.get_by_role("button", name="Filter").click()
    expect(inbox.lines).to_have_count(1)
    expect(inbox.line("through the platform")).to_be_visible()
    MessagePage(page, fake, entry["apiMessageId"]).open()
    expect(page.get_by_text("to the Platform API")).to_be_visible()


def test_a_message_like_markup_shows_as_text_and_runs_nothing(page: Page, fake: FakeServer):
    dialogs: list[str] = []

    def dialog_opened(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dialog_opened)
    app = App(fake)
    apimsgid = app.send(HANDSET, XSS).removeprefix("ID: ")
    app.admin("mo", {"to": "27999000009", "from": HANDSET, "text": XSS})
    for view in (
        InboxPage(page, fake),
        ThreadPage(page, fake, HANDSET),
        MessagePage(page, fake, apimsgid),
        RequestsPage(page, fake),
    ):
        view.open()
        page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")
        expect(page.get_by_text(XSS).first).to_be_visible()
        assert page.locator("img").count() == 0
    inbox = InboxPage(page, fake)
    inbox.open()
    inbox.wait_live()
    app.send(HANDSET, XSS + " live")  # and arriving live, through the refresh
    expect(inbox.line(XSS + " live")).to_be_visible()
    assert page.locator("img").count() == 0
    assert dialogs == []


def test_a_reply_typed_in_a_conversation_reaches_the_apps_mo_url_and_the_thread(
    page: Page, fake: FakeServer, receiver: Receiver
):
    app = App(fake)
    app.send(HANDSET, "Reply YES to confirm", **{"from": "27999000009"})
    thread = ThreadPage(page, fake, HANDSET)
    thread.open()
    thread.reply("YES")
    expect(thread.bubble("YES")).to_be_visible()
    expect(thread.bubbles).to_have_count(2)
    classes = (thread.bubbles.nth(1).get_attribute("class") or "").split()
    assert "in" in classes  # the inbound reply, after the message it answers
    app.admin("callbacks/flush")
    mo = [request for request in receiver.requests if request.path == "/mo"]
    assert len(mo) == 1
    form = parse_qs(mo[0].body.decode("latin-1"))
    assert (form["from"], form["to"], form["text"]) == ([HANDSET], ["27999000009"], ["YES"])


def test_fifteen_minutes_on_expire_a_session(page: Page, make_fake: Callable[..., FakeServer]):
    fake = make_fake(frozen=False)  # a running clock: sessions live 15 idle minutes
    app = App(fake)
    session = app.auth()
    assert app.get("/http/ping", session_id=session).startswith("OK")
    view = View(page, fake).open()
    view.advance("+15 min")
    reply = app.get("/http/sendmsg", session_id=session, to=HANDSET, text="late")
    assert reply == "ERR: 003, Session ID expired"


def test_switching_a_rule_off_changes_the_next_reply(page: Page, fake: FakeServer):
    app = App(fake)
    assert app.send(HANDSET, "down for maintenance") == "ERR: 901, Internal error"
    control = ControlPage(page, fake)
    control.open()
    switch = control.switch("maintenance")
    expect(switch).to_have_attribute("aria-checked", "true")
    switch.click()
    expect(control.switch("maintenance")).to_have_attribute("aria-checked", "false")
    assert app.send(HANDSET, "down for maintenance").startswith("ID: ")


def test_reset_empties_the_inbox(page: Page, fake: FakeServer):
    app = App(fake)
    app.send(HANDSET, "one")
    app.send(HANDSET, "two")
    inbox = InboxPage(page, fake)
    inbox.open()
    expect(inbox.lines).to_have_count(2)
    inbox.reset()
    expect(inbox.lines).to_have_count(0)
    expect(inbox.empty).to_be_visible()
    assert app.admin("messages")["messages"] == []


def test_the_timeline_of_a_delivered_message_shows_003_and_004_at_their_virtual_times(
    page: Page, fake: FakeServer
):
    app = App(fake)
    apimsgid = app.send(HANDSET, "track me").removeprefix("ID: ")
    app.admin("clock", {"advance": 10})  # the default lifecycle: 003 now, 004 5 s later
    detail = MessagePage(page, fake, apimsgid)
    detail.open()
    expect(detail.timeline).to_have_text(
        [
            f"003 Delivered to gateway {T0_ISO}",
            "004 Received by recipient 2027-01-15T08:00:05.000Z",
        ]
    )


def test_the_virtual_time_is_always_shown_and_moves_with_the_controls(page: Page, fake: FakeServer):
    view = View(page, fake).open()
    expect(view.clock).to_have_text(T0_ISO)
    view.advance("+1 min")
    expect(view.clock).to_have_text("2027-01-15T08:01:00.000Z")
    page.get_by_text("More").click()
    page.get_by_label("Advance by (minutes)").fill("2.5")
    view.button("Advance").click()
    expect(view.clock).to_have_text("2027-01-15T08:03:30.000Z")
    page.get_by_label("Set to (UTC)").fill("2030-06-01T12:00:00Z")
    view.button("Set").click()
    expect(view.clock).to_have_text("2030-06-01T12:00:00.000Z")
    view.button("Unfreeze").click()
    expect(view.button("Freeze")).to_be_visible()
    assert App(fake).admin("clock")["frozen"] is False
    view.button("Freeze").click()
    expect(view.button("Unfreeze")).to_be_visible()


def test_reply_fifteen_minutes_a_rule_switch_and_reset_by_keyboard_alone(
    page: Page, fake: FakeServer
):
    app = App(fake)
    app.send(HANDSET, "Reply STOP to opt out", **{"from": "27999000009"})
    thread = ThreadPage(page, fake, HANDSET)
    thread.open()
    # Reply: Tab to the box, type, Tab to its button, Enter.
    thread.tab_to(thread.reply_box)
    page.keyboard.type("Hello by keyboard")
    thread.tab_to(thread.send_button)
    page.keyboard.press("Enter")
    expect(thread.bubble("Hello by keyboard")).to_be_visible()
    # +15 min: Tab to it, Enter.
    thread.tab_to(thread.button("+15 min"))
    page.keyboard.press("Enter")
    expect(thread.clock).to_have_text("2027-01-15T08:15:00.000Z")
    # A rule switch: Tab to it, Space.
    control = ControlPage(page, fake)
    control.open()
    control.tab_to(control.switch("maintenance"))
    page.keyboard.press("Space")
    expect(control.switch("maintenance")).to_have_attribute("aria-checked", "false")
    expect(control.switch("maintenance")).to_be_focused()  # kept across the live refresh
    # Reset: Tab to it, Enter; the dialog opens on Cancel; Tab to confirm, Enter.
    control.tab_to(control.button("Reset"))
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Reset everything")).to_be_focused()
    page.keyboard.press("Enter")
    expect(control.toast).to_have_text("The fake was reset")
    assert app.admin("messages")["messages"] == []
    assert app.admin("rules")["rules"][0]["enabled"] is True  # back to the scenario's


def _fill(fake: FakeServer) -> str:
    """Messages with long unbroken texts, ids and parameters (what could widen a page)."""
    app = App(fake)
    apimsgid = app.send(HANDSET, "W" * 300, climsgid="c" * 30).removeprefix("ID: ")
    app.send("27999000002", "Привет " * 20, charset="UTF-8")
    app.admin("mo", {"to": "27999000009", "from": HANDSET, "text": "x" * 400})
    with contextlib.suppress(HTTPError):
        app.get("/" + "nowhere" * 40)  # a path outside the API: answered 404, journaled
    app.admin("clock", {"advance": 10})
    app.admin("callbacks/flush")
    return apimsgid


def _views(page: Page, fake: FakeServer, apimsgid: str) -> list[View]:
    return [
        InboxPage(page, fake),
        View(page, fake),
        ThreadPage(page, fake, HANDSET),
        MessagePage(page, fake, apimsgid),
        RequestsPage(page, fake),
        ControlPage(page, fake),
    ]


def test_nothing_scrolls_sideways_at_phone_width(
    context_factory: Callable[..., Any], fake: FakeServer
):
    page = context_factory(viewport={"width": 390, "height": 844}).new_page()
    apimsgid = _fill(fake)
    views = _views(page, fake, apimsgid)
    views[1].path = "/__ui/conversations"
    for view in views:
        view.open()
        page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")
        assert not view.scrolls_sideways(), view.path


def test_the_pages_log_no_console_errors(page: Page, fake: FakeServer, console: Console):
    apimsgid = _fill(fake)
    views = _views(page, fake, apimsgid)
    views[1].path = "/__ui/conversations"
    for view in views:
        view.open()
        view.wait_live()
        App(fake).send(HANDSET, "while watching")  # a live refresh on every page
        expect(page.locator("#clock-now")).to_be_visible()
    ThreadPage(page, fake, HANDSET).open()
    page.get_by_role("button", name="Send reply").click()  # empty: the browser says so
    assert console.errors == []
    # The pages' own requests (pages, script, styles, icon, events, refreshes) are not
    # journaled as outside the API: the one there is the path _fill asked for.
    outside = App(fake).admin("requests?command=")["requests"]
    assert [entry["path"] for entry in outside] == ["/" + "nowhere" * 40]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(
    context_factory: Callable[..., Any], fake: FakeServer, scheme: str
):
    from axe_playwright_python.sync_playwright import Axe

    page = context_factory(color_scheme=scheme).new_page()
    apimsgid = _fill(fake)
    axe = Axe()
    views = _views(page, fake, apimsgid)
    views[1].path = "/__ui/conversations"
    found = {}
    for view in views:
        view.open()
        violations = axe.run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[view.path] = serious
    assert found == {}


def test_light_and_dark_follow_the_system(context_factory: Callable[..., Any], fake: FakeServer):
    backgrounds = {}
    for scheme in ("light", "dark"):
        page = context_factory(color_scheme=scheme).new_page()
        InboxPage(page, fake).open()
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert backgrounds == {"light": "rgb(246, 247, 249)", "dark": "rgb(15, 17, 21)"}


def test_the_sign_in_link_lands_on_the_inbox_and_its_controls_work(
    context_factory: Callable[..., Any],
    make_fake: Callable[..., FakeServer],
    console: Console,
):
    fake = make_fake(admin_token="s3cret-token")
    console.allow("status of 401")
    page = context_factory().new_page()
    response = page.goto(fake.url + "/")
    assert response is not None
    assert response.status == 401
    page.goto(f"{fake.url}/?token=s3cret-token")
    assert page.url == fake.url + "/"  # redirected: the token is not left in the address
    inbox = InboxPage(page, fake)
    expect(inbox.empty).to_be_visible()
    inbox.advance("+1 min")  # a state change: the cookie and Sec-Fetch-Site pass the door
    expect(inbox.clock).to_have_text("2027-01-15T08:01:00.000Z")
    inbox.wait_live()  # the event stream passes it too
    App(fake).send(HANDSET, "behind the door")
    expect(inbox.line("behind the door")).to_be_visible()


def test_another_site_cannot_change_the_fake(
    page: Page, make_fake: Callable[..., FakeServer], console: Console
):
    target = make_fake()
    App(target).send(HANDSET, "keep me")
    other = make_fake()  # another origin (another port): a page the user also has open
    console.allow("CORS policy|net::ERR_FAILED|status of 403")
    page.goto(other.url + "/__admin/health")  # a page of another origin, with no CSP of ours
    outcome = page.evaluate(
        "url => fetch(url, {method: 'POST'}).then(r => r.status, e => 'unreadable')",
        f"{target.url}/__admin/reset",
    )
    assert outcome == "unreadable"  # CORS hides the answer from the other page...
    refused = App(target).admin("requests?status=403")["requests"]
    assert [entry["path"] for entry in refused] == ["/__admin/reset"]  # ...which was 403
    assert "cross-site" in refused[0]["reason"]
    assert len(App(target).admin("messages")["messages"]) == 1


def test_flushing_sends_the_callbacks_due_and_shows_every_attempt(
    page: Page, fake: FakeServer, receiver: Receiver
):
    receiver.statuses = [500]  # the app's endpoint fails once
    app = App(fake)
    app.send(HANDSET, "with a callback", callback="1")  # 003 is pushed at once
    app.admin("callbacks/flush")
    app.admin("clock", {"advance": 120})  # the retry falls due two minutes later
    control = ControlPage(page, fake)
    control.open()
    control.button("Flush pending callbacks").click()
    expect(control.toast).to_have_text("Pending callbacks sent")
    push = page.locator("article.push").first
    expect(push.locator(".badge")).to_have_text("delivered")
    expect(push.locator(".attempts li")).to_have_text(
        [
            f"Attempt 1 at {T0_ISO}: failed (HTTP 500): HTTP 500",
            "Attempt 2 at 2027-01-15T08:02:00.000Z: ok (HTTP 200): HTTP 200",
        ]
    )
    assert [request.path for request in receiver.requests] == ["/status", "/status"]
