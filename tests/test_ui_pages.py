"""The web UI's pages through Flask's test client: what each shows, that everything a user
sent is escaped, that odd input never fails a page, and the headers every page carries.
The browser tests (tests/browser/) drive the same pages in Chromium."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_clickatell import create_app, load_scenario_text
from fake_clickatell.app import runtime_of
from fake_clickatell.app.ui.pages import CONTENT_SECURITY_POLICY, hexdump

XSS = "<img src=x onerror=alert(1)>"
DASH = "\N{EN DASH}"  # as in "1 DASH 50 of 120 messages"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"

SCENARIO = """
seed: 5
clock: {start: 2027-01-15T08:00:00Z, frozen: true}
accounts:
  - api_id: "1"
    user: u
    password: hunter2
    callback: {url: "http://127.0.0.1:9/status"}
    mo: {numbers: ["27999000009"], url: "http://127.0.0.1:9/mo"}
  - {api_id: "2", user: v, password: other}
rules:
  - {name: "no-pings", when: {command: ping}, then: {error: 901}}
"""


def make_app() -> Flask:
    return create_app(load_scenario_text(SCENARIO, "ui.yaml"))


@pytest.fixture
def app() -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def send(client: FlaskClient, account: str = "1", **params: str) -> str:
    credentials = {"1": ("u", "hunter2"), "2": ("v", "other")}[account]
    query = {"api_id": account, "user": credentials[0], "password": credentials[1], **params}
    body = client.get("/http/sendmsg?" + urlencode(query)).get_data(as_text=True)
    assert body.startswith("ID: "), body
    return body.removeprefix("ID: ")


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def inject(client: FlaskClient, text: str, sender: str = "27999000001") -> Any:
    response = client.post("/__admin/mo", json={"to": "27999000009", "from": sender, "text": text})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["moMsgIds"]


def rows(html: str) -> list[str]:
    """The message texts of a list page, in order."""
    return re.findall(r'<p class="text">\s*(?:<a [^>]*>)?([^<]*)', html)


# -- what the pages show ----------------------------------------------------------------------


def test_the_inbox_lists_every_message_newest_first_with_its_facts(client: FlaskClient):
    assert "Nothing yet" in page(client, "/")
    first = send(client, to="27999000001", text="first", **{"from": "27999000009"})
    send(client, to="27999000002", text="x" * 200)  # two parts
    inject(client, "an answer")
    html = page(client, "/")
    assert [text.strip() for text in rows(html)] == ["an answer", "x" * 159 + "…", "first"]
    assert f"1{DASH}3 of 3 messages" in html
    assert html.count('<span class="badge pending" title="Delivered to gateway">003 ') == 2
    assert '<span class="badge inbound">inbound</span>' in html
    assert "2 parts" in html
    assert "charge 2" in html
    assert f'href="/__ui/messages/{first}"' in html
    assert 'href="/__ui/conversations/27999000001"' in html
    assert "2027-01-15T08:00:00.000Z" in html


def test_the_inbox_searches_numbers_texts_and_ids_and_filters_status_and_account(
    client: FlaskClient,
):
    apimsgid = send(client, to="27999000001", text="Hello Alice")
    client.post("/__admin/clock", json={"advance": 10})  # Alice's message reaches 004
    send(client, "2", to="27999000002", text="Hello Bob")
    inject(client, "reply from Carol", sender="27999000003")

    def found(**query: str) -> list[str]:
        return [text.strip() for text in rows(page(client, "/?" + urlencode(query)))]

    assert found(q="alice") == ["Hello Alice"]  # text, any case
    assert found(q="27999000002") == ["Hello Bob"]  # number
    assert found(q=apimsgid[:12]) == ["Hello Alice"]  # id
    assert found(q="27999000003") == ["reply from Carol"]  # an inbound sender
    assert found(account="2/v") == ["Hello Bob"]
    assert found(status="004") == ["Hello Alice"]
    assert found(status="003") == ["Hello Bob"]  # and inbound messages have no status
    assert found(status="006") == []
    assert "0 in all" not in page(client, "/?q=nothing-like-this")


def test_the_inbox_comes_a_page_at_a_time(client: FlaskClient):
    for n in range(55):
        send(client, to="27999000001", text=f"message {n}")
    first = rows(page(client, "/"))
    assert len(first) == 50
    assert first[0].strip() == "message 54"
    second = page(client, "/?page=2")
    assert [text.strip() for text in rows(second)] == [f"message {n}" for n in range(4, -1, -1)]
    assert "Page 2 of 2" in second
    assert rows(page(client, "/?page=99")) == rows(second)  # past the last: the last


def test_a_conversation_holds_both_directions_in_the_order_they_happened(client: FlaskClient):
    send(client, to="27999000001", text="Your code is 1234", **{"from": "27999000009"})
    inject(client, "Thanks!")
    send(client, to="27999000001", text="You're welcome")
    send(client, to="27999000002", text="someone else")
    listing = page(client, "/__ui/conversations")
    assert listing.index("27999000002") < listing.index("27999000001")  # most recent first
    assert "2 sent, 1 received" in listing
    thread = page(client, "/__ui/conversations/27999000001")
    texts = re.findall(r'<p class="text">([^<]*)</p>', thread)
    assert texts == ["Your code is 1234", "Thanks!", "You&#39;re welcome"]
    # The reply box answers from this handset, to the number the app used, as its account.
    assert 'id="reply-to" name="to" type="text" value="27999000009"' in thread
    assert re.search(r'<option value="1" data-user="u" selected>', thread)


def test_a_message_shows_its_parts_options_timeline_request_and_callbacks(client: FlaskClient):
    text = "y" * 160 + "z"  # GSM-7: two parts of 153 and 8 septets
    apimsgid = send(client, to="27999000001", text=text, callback="3", climsgid="order-7")
    client.post("/__admin/clock", json={"advance": 10})
    html = page(client, f"/__ui/messages/{apimsgid}")
    assert "GSM-7" in html
    assert "2 parts, 161 septets" in html
    assert "153 of 153 septets" in html
    assert "8 of 153 septets" in html
    reference = f"{int(apimsgid[:2], 16):02X}"
    assert f"050003{reference}0201" in html
    assert f"050003{reference}0202" in html
    assert "order-7" in html
    assert re.search(r"<dt>callback</dt><dd>3</dd>", html)
    assert re.search(r"<dt>deliv_ack</dt><dd>false</dd>", html)
    # The timeline on the virtual clock.
    assert re.search(r">003</span> Delivered to gateway <time>2027-01-15T08:00:00.000Z", html)
    assert re.search(r">004</span> Received by recipient <time>2027-01-15T08:00:05.000Z", html)
    # The exact request, password masked, and the exact reply.
    assert "password=********" in html
    assert "hunter2" not in html
    assert f"ID: {apimsgid}</pre>" in html
    assert "HTTP 200, 36 bytes" in html
    assert "00000000  49 44 3a 20" in html  # "ID: "
    # Both callbacks (003 and 004), each with its attempt (nothing listens on port 9).
    assert html.count('class="push"') == 2
    client.post("/__admin/callbacks/flush")
    html = page(client, f"/__ui/messages/{apimsgid}")
    assert "Attempt 1 at" in html
    assert "next attempt" in html


@pytest.mark.parametrize(
    ("params", "coding", "length"),
    [
        ({"text": "0416043B044F", "unicode": "1"}, "UCS-2", "3 UCS-2 units"),
        ({"udh": "050003010201", "data": "ab" * 10}, "8-bit", "16 octets"),
    ],
)
def test_a_message_names_its_encoding(
    client: FlaskClient, params: dict[str, str], coding: str, length: str
):
    apimsgid = send(client, to="27999000001", **params)
    html = page(client, f"/__ui/messages/{apimsgid}")
    assert f"<dt>Encoding</dt><dd>{coding}</dd>" in html
    assert length in html


def test_an_unknown_message_is_a_404_page(client: FlaskClient):
    html = page(client, f"/__ui/messages/{quote(XSS)}", 404)
    assert "No such message" in html
    assert XSS not in html
    assert ESCAPED in html


def test_the_requests_page_shows_the_journal_with_reasons_and_filters(client: FlaskClient):
    send(client, to="27999000001", text="hi")
    client.get("/http/ping?api_id=1&user=u&password=hunter2")  # a rule answers 901
    client.get("/http/sendmsg?api_id=1&user=u&password=wrong&to=1&text=x")
    client.get("/sendmsg")  # outside the API
    html = page(client, "/__ui/requests")
    assert f"1{DASH}4 of 4 requests, newest first" in html
    assert "scenario rule &#39;no-pings&#39;" in html
    assert "wrong password for user &#39;u&#39;" in html
    assert "hunter2" not in html  # passwords masked
    assert "wrong&amp;" not in html
    outside = page(client, "/__ui/requests?command=-")
    assert f"1{DASH}1 of 1 request," in outside
    assert "outside the API" in outside
    assert f"1{DASH}1 of 1 request," in page(client, "/__ui/requests?command=ping")
    assert f"1{DASH}1 of 1 request," in page(client, "/__ui/requests?status=404")
    assert f"1{DASH}3 of 3 requests" in page(client, "/__ui/requests?q=sendmsg")  # and /sendmsg


def test_the_control_page_shows_rules_accounts_and_pushes(client: FlaskClient):
    send(client, to="27999000001", text="hi", callback="3")
    html = page(client, "/__ui/control")
    assert 'role="switch"' in html
    assert 'aria-checked="true"' in html
    assert "no-pings" in html
    assert "<td>1/u</td><td>99</td>" in html  # the balance after one message
    assert "27999000009" in html
    assert "1 pending" in html  # the 003 callback (nothing listens on port 9)
    client.post("/__admin/rules/no-pings", json={"enabled": False})
    assert 'aria-checked="false"' in page(client, "/__ui/control")


# -- escaping ---------------------------------------------------------------------------------


def test_everything_a_user_sent_is_escaped_everywhere(client: FlaskClient):
    apimsgid = send(client, to="27999000001", text=XSS, climsgid="a<b>&c")
    inject(client, XSS, sender=XSS)
    client.get("/http/ping?" + urlencode({"api_id": XSS, "user": XSS, "password": "p"}))
    client.get("/" + quote(XSS))  # a path outside the API
    client.post("/__admin/callbacks/flush")
    pages = [
        "/",
        "/?" + urlencode({"q": XSS, "api": XSS, "account": XSS}),
        "/__ui/conversations",
        "/__ui/conversations/" + quote(XSS),
        "/__ui/conversations/27999000001",
        f"/__ui/messages/{apimsgid}",
        "/__ui/requests",
        "/__ui/requests?" + urlencode({"q": XSS, "command": XSS, "status": XSS, "api": XSS}),
        "/__ui/control",
    ]
    for path in pages:
        html = page(client, path)
        assert "<img" not in html, path
        assert "onerror=alert(1)>" not in html, path
    assert ESCAPED in page(client, f"/__ui/messages/{apimsgid}")
    assert ESCAPED in page(client, "/__ui/conversations/" + quote(XSS))


# -- input never fails a page -----------------------------------------------------------------

ODD = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=40)
@given(
    path=st.sampled_from(["/", "/__ui/conversations", "/__ui/requests", "/__ui/control"]),
    args=st.dictionaries(
        st.sampled_from(["q", "status", "account", "page", "command", "api"]), ODD
    ),
)
def test_odd_queries_never_fail_a_page(path: str, args: dict[str, str]):
    client = APP.test_client()
    response = client.get(path + "?" + urlencode(args))
    assert response.status_code == 200
    assert not runtime_of(APP).errors


@settings(max_examples=40)
@given(key=ODD)
def test_odd_ids_and_numbers_never_fail_a_page(key: str):
    client = APP.test_client()
    quoted = quote(key, safe="")
    assert client.get(f"/__ui/messages/{quoted}").status_code in (404, 200)
    assert client.get(f"/__ui/conversations/{quoted}").status_code in (200, 404)
    assert not runtime_of(APP).errors


APP = make_app()
_seed = APP.test_client()
send(_seed, to="27999000001", text="hello")


# -- headers, the door, the journal -----------------------------------------------------------


def test_every_page_carries_a_strict_policy_and_is_never_cached(client: FlaskClient):
    for path in ["/", "/__ui/conversations", "/__ui/requests", "/__ui/control"]:
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_no_page_has_inline_script_style_or_handlers(client: FlaskClient):
    send(client, to="27999000001", text="hi")
    for path in ["/", "/__ui/conversations/27999000001", "/__ui/requests", "/__ui/control"]:
        html = page(client, path)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html, path
        assert " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


@pytest.mark.parametrize(
    ("name", "mimetype"),
    [("ui.js", "text/javascript"), ("ui.css", "text/css"), ("icon.svg", "image/svg+xml")],
)
def test_the_static_files_ship_with_the_package(client: FlaskClient, name: str, mimetype: str):
    response = client.get(f"/__ui/static/{name}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    response.close()


def test_the_script_never_writes_markup(client: FlaskClient):
    response = client.get("/__ui/static/ui.js")
    script = response.get_data(as_text=True)
    response.close()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_the_ui_is_not_journaled_as_outside_the_api(app: Flask, client: FlaskClient):
    send(client, to="27999000001", text="hi")
    before = runtime_of(app).gateway.journal.total
    for path in [
        "/",
        "/__ui/conversations",
        "/__ui/requests",
        "/__ui/control",
        "/__ui/static/ui.js",
        "/__ui/static/icon.svg",
        "/favicon.ico",
    ]:
        client.get(path).close()
    assert runtime_of(app).gateway.journal.total == before


def test_hexdump_shows_offsets_hex_and_printable_bytes():
    assert hexdump("ID: é\x00") == "00000000  49 44 3a 20 c3 a9 00" + " " * 27 + "  ID: ..."
    long = hexdump("a" * 5000)
    assert long.endswith("... 904 more bytes")


def test_the_fixtures_url_shows_the_inbox(clickatell: Any):
    import httpx

    params = {**clickatell.credentials, "to": "27999000001", "text": "from the fixture"}
    assert httpx.get(f"{clickatell.url}/http/sendmsg", params=params).text.startswith("ID: ")
    html = httpx.get(f"{clickatell.url}/").text
    assert "<h1>Inbox</h1>" in html
    assert "from the fixture" in html


@pytest.mark.parametrize(
    "path", ["/", "/__ui/requests", "/__ui/conversations", "/__admin/messages", "/__admin/mo"]
)
def test_query_bytes_that_are_not_utf8_never_fail_a_page(app: Flask, path: str):
    environ = {"QUERY_STRING": "status=\xff&q=\xfe\xff&page=\xff"}  # raw bytes, unescaped
    response = app.test_client().get(path, environ_overrides=environ)
    assert response.status_code in (200, 400)
    assert not runtime_of(app).errors


# -- the APIs: each message shows the one it came through --------------------------------------

PLATFORM_KEY = "7A620z5FTKab_CeziIuZhg=="
HTTP_KEY = "CY1Tv-d8SOys3y7Hjt3Jfg=="
ONE_KEY = "TLKC2f0xRriDorZdvcx05A=="
KEYS = (PLATFORM_KEY, HTTP_KEY, ONE_KEY, "hunter2", "rest-token")

APIS_SCENARIO = f"""
seed: 5
clock: {{start: 2027-01-15T08:00:00Z, frozen: true}}
accounts:
  - api_id: "1"
    user: u
    password: hunter2
    rest_tokens: [rest-token]
    mo: {{numbers: ["27999000009"], url: "http://127.0.0.1:9/mo"}}
    integrations:
      - api: platform
        api_key: "{PLATFORM_KEY}"
        name: "Shop <b>&"
        numbers: ["27990000001"]
        status_callback: {{url: "http://127.0.0.1:9/status"}}
      - {{api: platform, kind: http, api_key: "{HTTP_KEY}"}}
      - {{api: one, api_key: "{ONE_KEY}", name: Alerts, numbers: ["27990000002"]}}
"""


@pytest.fixture
def apis() -> FlaskClient:
    """A fake with one account that sends through every API; one message through each, oldest
    first: HTTP, REST, Platform REST, Platform HTTP, One API; then an inbound message to the
    account's legacy number and one to each integration's."""
    client = create_app(load_scenario_text(APIS_SCENARIO, "apis.yaml")).test_client()
    send(client, to="27999000001", text="by http")
    rest = {"Authorization": "Bearer rest-token", "X-Version": "1"}
    platform, one = {"Authorization": PLATFORM_KEY}, {"Authorization": ONE_KEY}
    body = {"content": "by platform", "to": ["27999000003"], "from": "27990000001"}
    query = urlencode({"apiKey": HTTP_KEY, "to": "27999000004", "content": "by platform http"})
    messages = {"messages": [{"to": "27999000005", "content": "by one"}]}
    for response in [
        client.post("/rest/message", json={"text": "by rest", "to": ["27999000002"]}, headers=rest),
        client.post("/messages", json=body, headers=platform),
        client.get(f"/messages/http/send?{query}"),
        client.post("/v1/message", json=messages, headers=one),
    ]:
        assert response.status_code == 202, response.get_data(as_text=True)
    for to, text in [
        ("27999000009", "to http"),
        ("27990000001", "to platform"),
        ("27990000002", "to one"),
    ]:
        response = client.post("/__admin/mo", json={"to": to, "from": "27999000001", "text": text})
        assert response.status_code == 200, response.get_data(as_text=True)
    return client


def shown_apis(html: str) -> list[tuple[str, str]]:
    """Each line's (or a thread's bubble's) text and the API it names, in order."""
    lines = re.findall(
        r'<(?:article class="line (?:in|out)"|li class="bubble (?:in|out)")>(.*?)</(?:article|li)>',
        html,
        re.DOTALL,
    )
    found = []
    for line in lines:
        (api,) = re.findall(r'<span class="api" data-api="([a-z]+)">via ([^<]+)</span>', line)
        (text,) = rows(line)
        found.append((text.strip(), f"{api[0]}:{api[1]}"))
    return found


def test_each_line_of_the_inbox_names_its_api(apis: FlaskClient):
    assert shown_apis(page(apis, "/")) == [
        ("to one", "one:One API"),  # an integration's number: pushed in its API's format
        ("to platform", "platform:Platform"),
        ("to http", "http:HTTP"),  # the legacy number: the HTTP API's two-way format
        ("by one", "one:One API"),
        ("by platform http", "platform:Platform"),
        ("by platform", "platform:Platform"),
        ("by rest", "rest:REST"),
        ("by http", "http:HTTP"),
    ]
    thread = page(apis, "/__ui/conversations/27999000001")  # a thread's lines too
    assert shown_apis(thread) == [
        ("by http", "http:HTTP"),
        ("to http", "http:HTTP"),
        ("to platform", "platform:Platform"),
        ("to one", "one:One API"),
    ]


@pytest.mark.parametrize(
    ("api", "texts"),
    [
        ("http", ["to http", "by http"]),
        ("rest", ["by rest"]),
        ("platform", ["to platform", "by platform http", "by platform"]),
        ("one", ["to one", "by one"]),
        ("pigeon", None),  # not an API: the filter is off
    ],
)
def test_the_inbox_filters_by_api(apis: FlaskClient, api: str, texts: list[str] | None):
    html = page(apis, "/?" + urlencode({"api": api}))
    found = [text.strip() for text in rows(html)]
    if texts is None:
        assert len(found) == 8
        assert '<option value="">any</option>' in html
        assert " selected>" not in html.partition('id="api"')[2].partition("</select>")[0]
    else:
        assert found == texts
        assert f'<option value="{api}" selected>' in html
        assert "found (8 in all)" in html


def test_a_message_names_its_api_and_integration(apis: FlaskClient):
    by_text = {
        m["text"]: m["apimsgid"] for m in apis.get("/__admin/messages").get_json()["messages"]
    }
    platform = page(apis, f"/__ui/messages/{by_text['by platform']}")
    assert "<dt>API</dt><dd>Platform</dd>" in platform
    assert re.search(
        r"<dt>Integration</dt><dd>Shop &lt;b&gt;&amp; <code>[0-9a-f]{32}</code>", platform
    )
    assert "to the Platform API" in platform  # the request that sent it
    assert "callback=0" not in platform  # its pushes are the integration's
    one = page(apis, f"/__ui/messages/{by_text['by one']}")
    assert "<dt>API</dt><dd>One API</dd>" in one
    assert re.search(r"<dt>Integration</dt><dd>Alerts <code>", one)
    assert "to the One API</p>" in one
    assert "the integration has no status callback URL" in one
    rest = page(apis, f"/__ui/messages/{by_text['by rest']}")
    assert "<dt>API</dt><dd>REST</dd>" in rest
    assert "<dt>Integration</dt>" not in rest
    assert "to the REST API</p>" in rest
    assert "<dt>API</dt><dd>HTTP</dd>" in page(apis, f"/__ui/messages/{by_text['by http']}")


def test_the_requests_page_names_each_requests_api_and_filters_by_it(apis: FlaskClient):
    apis.get("/nowhere")
    html = page(apis, "/__ui/requests")
    summaries = re.findall(
        r'<details id="request-\d+">\s*<summary>(.*?)</summary>', html, re.DOTALL
    )
    named = [re.findall(r'<span class="api" data-api="(\w+)">([^<]+)</span>', s) for s in summaries]
    assert named == [
        [],
        [("one", "One API")],
        [("platform", "Platform")],
        [("platform", "Platform")],
        [("rest", "REST")],
        [("http", "HTTP")],
    ]
    for api, count in [("http", 1), ("rest", 1), ("platform", 2), ("one", 1)]:
        filtered = page(apis, f"/__ui/requests?api={api}")
        assert f"1{DASH}{count} of {count} request" in filtered
        assert f'<option value="{api}" selected>' in filtered
    assert f"1{DASH}6 of 6 requests" in page(apis, "/__ui/requests?api=nothing")


def test_api_keys_are_masked_wherever_passwords_are(apis: FlaskClient):
    # A key in the query string of a GET and in a POST form, a key in a JSON body, and one in
    # the Authorization header of each API; some refused, so their reasons show too.
    form = {"apiKey": HTTP_KEY, "to": "27999000006", "content": "by form"}
    assert apis.post("/messages/http/send", data=form).status_code == 202
    apis.get(f"/messages/http/send?APIKEY={quote(HTTP_KEY)}&to=1&content=x")
    apis.post(
        "/messages",
        json={"content": "x", "to": ["1"], "apiKey": PLATFORM_KEY},
        headers={"Authorization": "not-" + PLATFORM_KEY},
    )
    apis.get("/public-client/balance", headers={"Authorization": PLATFORM_KEY})
    apis.get("/v1/balance?apiKey=" + quote(ONE_KEY), headers={"Authorization": ONE_KEY})
    apis.post("/__admin/callbacks/flush")
    ids = [m["apimsgid"] for m in apis.get("/__admin/messages").get_json()["messages"]]
    pages = [
        "/",
        "/__ui/requests",
        "/__ui/control",
        "/__ui/conversations",
        *(f"/__ui/messages/{i}" for i in ids),
    ]
    for path in pages:
        html = page(apis, path)
        for key in KEYS:
            assert key not in html, (path, key)
            assert quote(key, safe="") not in html, (path, key)
    requests = page(apis, "/__ui/requests")
    assert requests.count("apiKey=********") >= 3  # the request lines, rebuilt masked
    assert "APIKEY=********" in requests
    by_form = {
        m["text"]: m["apimsgid"] for m in apis.get("/__admin/messages").get_json()["messages"]
    }["by form"]
    detail = page(apis, f"/__ui/messages/{by_form}")
    assert (
        "POST /messages/http/send?apiKey=********&amp;to=27999000006&amp;content=by+form" in detail
    )
