"""The admin API's door and bounds: token off loopback, Host names, no cross-site changes,
paged listings built outside the lock, YAML bombs, bounded open mode and pushes.

Traffic goes to 127.0.0.1 only (a server bound to 0.0.0.0 is reached through loopback), and
every wait is bounded.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from fake_clickatell import FakeServer, Scenario, ScenarioError, create_app, load_scenario_text
from fake_clickatell.app import runtime_of
from fake_clickatell.app.access import COOKIE
from fake_clickatell.core.outbox import HostPolicy
from fake_clickatell.testing import RemoteBackend

from .support import T0, frozen

ROOT = Path(__file__).resolve().parent.parent


def call(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# -- the door on a server bound to every address ------------------------------------------------


@pytest.fixture
def exposed() -> Iterator[FakeServer]:
    """A fake listening on 0.0.0.0 (so its admin API needs a token), reached via loopback."""
    with FakeServer(frozen(), host="0.0.0.0", admin_hosts=["fake.internal"]) as server:
        yield server


def test_off_loopback_the_admin_api_needs_the_token(exposed: FakeServer):
    token = exposed.admin_token
    assert token is not None
    assert len(token) >= 32
    assert call(exposed.port, "GET", "/__admin/messages")[0] == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert call(exposed.port, "GET", "/__admin/messages", headers=wrong)[0] == 401
    assert call(exposed.port, "POST", "/__admin/reset")[0] == 401
    right = {"Authorization": f"Bearer {token}"}
    status, _, body = call(exposed.port, "GET", "/__admin/messages", headers=right)
    assert (status, json.loads(body)["messages"]) == (200, [])


def test_refusals_are_journaled_with_their_reason(exposed: FakeServer):
    call(exposed.port, "POST", "/__admin/reset?token=guess")
    (entry,) = runtime_of(exposed.app).journal()["requests"]
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/__admin/reset", 401)
    assert entry["params"] == {"token": "********"}
    assert "admin token" in entry["body"]


def test_the_clickatell_api_needs_no_token_and_takes_any_host(exposed: FakeServer):
    headers = {"Host": "api.clickatell.com"}
    status, _, body = call(
        exposed.port, "GET", "/http/auth?api_id=1&user=u&password=p", headers=headers
    )
    assert status == 200
    assert body.startswith(b"OK: ")


def test_the_sign_in_link_gives_a_browser_a_strict_http_only_cookie(exposed: FakeServer):
    token = exposed.admin_token
    status, headers, _ = call(exposed.port, "GET", f"/?token={token}")
    assert (status, headers["Location"]) == (303, "/")  # on to the web inbox
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}={token};")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    browser = {"Cookie": f"{COOKIE}={token}"}
    assert call(exposed.port, "GET", "/__admin/clock", headers=browser)[0] == 200
    assert call(exposed.port, "GET", "/", headers=browser)[0] == 200  # the inbox
    assert call(exposed.port, "GET", "/")[0] == 401
    assert call(exposed.port, "GET", "/__ui/static/ui.js")[0] == 401
    assert call(exposed.port, "GET", "/?token=wrong")[0] == 401


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 421),  # DNS rebinding: a page's own name pointing here
        ("evil.example:8765", 421),
        ("localhost:8765", 200),
        ("app.localhost", 200),
        ("127.0.0.1:1", 200),
        ("[::1]:8765", 200),
        ("10.1.2.3:8765", 200),  # an address names no site
        ("fake.internal:8765", 200),  # given with admin_hosts (--admin-host)
    ],
)
def test_the_admin_api_answers_only_to_its_own_names(exposed: FakeServer, host: str, status: int):
    headers = {"Host": host, "Authorization": f"Bearer {exposed.admin_token}"}
    assert call(exposed.port, "GET", "/__admin/clock", headers=headers)[0] == status


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "same-site"}, 403),
        ({"Origin": "http://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "same-origin"}, 200),
        ({"Sec-Fetch-Site": "none"}, 200),  # typed in the address bar
        ({}, 200),  # curl, the plugin, a script
    ],
)
def test_a_cross_site_request_cannot_change_state(headers: dict[str, str], status: int):
    # On loopback too: any web page the developer opens could otherwise reset the fake.
    with FakeServer(frozen()) as fake:
        call(fake.port, "GET", "/http/auth?api_id=1&user=u&password=p")
        port = fake.port
        headers = {**headers, "Content-Type": "text/plain"}
        assert call(port, "POST", "/__admin/reset", body=b"x", headers=headers)[0] == status
        accounts = runtime_of(fake.app).accounts()["accounts"]
        assert len(accounts) == (1 if status == 403 else 0)


def test_a_cross_site_read_is_still_only_a_read():
    with FakeServer(frozen()) as fake:
        headers = {"Sec-Fetch-Site": "cross-site"}
        assert call(fake.port, "GET", "/__admin/clock", headers=headers)[0] == 200


def test_the_origin_of_the_server_itself_may_change_state():
    with FakeServer(frozen()) as fake:
        headers = {"Origin": f"http://127.0.0.1:{fake.port}"}
        assert call(fake.port, "POST", "/__admin/reset", headers=headers)[0] == 200


def test_loopback_needs_no_token_but_checks_the_host():
    with FakeServer(frozen()) as fake:
        assert fake.admin_token is None
        assert call(fake.port, "GET", "/__admin/clock")[0] == 200
        assert call(fake.port, "GET", "/__admin/clock", headers={"Host": "evil.example"})[0] == 421


def test_the_plugins_remote_backend_sends_the_token(exposed: FakeServer):
    with pytest.raises(Exception, match="401"):
        RemoteBackend(f"http://127.0.0.1:{exposed.port}").ping()
    backend = RemoteBackend(f"http://127.0.0.1:{exposed.port}", token=exposed.admin_token)
    backend.ping()
    assert backend.messages() == []


def test_serve_on_every_address_prints_a_token_and_a_sign_in_link():
    with subprocess.Popen(
        [sys.executable, "-m", "fake_clickatell", "serve", "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            port = int(re.search(r":(\d+) ", banner)[1])  # type: ignore[index]
            notice = process.stdout.readline()
            token = re.search(r"Bearer ([\w-]+)'", notice)[1]  # type: ignore[index]
            assert f"/?token={token}" in notice
            assert call(port, "GET", "/__admin/clock")[0] == 401
            auth = {"Authorization": f"Bearer {token}"}
            assert call(port, "GET", "/__admin/clock", headers=auth)[0] == 200
        finally:
            process.terminate()


# -- where pushes may go --------------------------------------------------------------------------


def test_a_scenario_put_over_the_network_narrows_push_hosts_and_never_widens_them():
    start = frozen(load_scenario_text("allowed_hosts: [hooks.example.com]", "start.yaml"))
    with FakeServer(start) as fake:

        def policy() -> HostPolicy:
            return runtime_of(fake.app).gateway.outbox.policy

        def put(text: str) -> None:
            status, _, body = call(fake.port, "PUT", "/__admin/scenario", body=text.encode())
            assert status == 200, body

        assert policy().allows("http://hooks.example.com/cb")
        put("allowed_hosts: [evil.example, hooks.example.com]")
        assert not policy().allows("http://evil.example/cb")  # not the operator's to give
        assert policy().allows("http://hooks.example.com/cb")
        put("allowed_hosts: [127.0.0.1]")
        assert not policy().allows("http://hooks.example.com/cb")  # narrowed
        assert policy().allows("http://127.0.0.1:9/cb")
        put("{}")
        assert policy().allows("http://hooks.example.com/cb")  # the operator's set again
        # In-process code is the operator: its scenario widens as before.
        runtime_of(fake.app).load(load_scenario_text("allowed_hosts: [evil.example]", "x"))
        assert policy().allows("http://evil.example/cb")


# -- paged listings -------------------------------------------------------------------------------


RICH = frozen(Scenario(default_balance=Decimal(100_000)))


def _send_many(port: int, count: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for n in range(count):
            path = f"/http/sendmsg?api_id=1&user=u&password=p&to=2799{n:07d}&text=x"
            conn.request("GET", path)
            assert conn.getresponse().read().startswith(b"ID: ")
    finally:
        conn.close()


def test_listings_come_in_pages_and_the_remote_backend_reads_them_all():
    with FakeServer(RICH) as fake:
        _send_many(fake.port, 2500)
        status, _, body = call(fake.port, "GET", "/__admin/messages")
        first = json.loads(body)
        assert status == 200
        assert len(first["messages"]) == 1000  # the default page
        assert first["page"] == {"offset": 0, "limit": 1000, "total": 2500, "next_offset": 1000}
        last = json.loads(call(fake.port, "GET", "/__admin/messages?offset=2000&limit=600")[2])
        assert len(last["messages"]) == 500
        assert last["page"]["next_offset"] is None
        remote = RemoteBackend(fake.url)
        assert len(remote.messages()) == 2500
        assert len(remote.journal()["requests"]) == 2500
        assert call(fake.port, "GET", "/__admin/messages?limit=0")[0] == 400
        assert call(fake.port, "GET", "/__admin/messages?limit=10001")[0] == 400
        assert call(fake.port, "GET", "/__admin/requests?after=x")[0] == 400


def test_the_journal_pages_by_seq_while_requests_keep_coming():
    with FakeServer(RICH) as fake:
        _send_many(fake.port, 300)
        stop = threading.Event()

        def load() -> None:  # more requests while the journal is read
            conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10)
            for _ in range(2000):
                if stop.is_set():
                    break
                conn.request("GET", "/http/ping?session_id=x")
                conn.getresponse().read()
            conn.close()

        loader = threading.Thread(target=load)
        loader.start()
        seen: list[int] = []
        after = 0
        try:
            for _ in range(50):  # bounded: pages of 50 entries
                page = json.loads(
                    call(fake.port, "GET", f"/__admin/requests?after={after}&limit=50")[2]
                )
                seqs = [entry["seq"] for entry in page["requests"]]
                if not seqs:
                    break
                seen.extend(seqs)
                after = seqs[-1]
        finally:
            stop.set()
            loader.join(timeout=30)
        assert seen == list(range(1, len(seen) + 1))  # every entry once, in order, no gap
        assert len(seen) > 300


def test_a_listing_is_encoded_outside_the_lock(monkeypatch: pytest.MonkeyPatch):
    from fake_clickatell.app import admin

    app = create_app(frozen())
    runtime = runtime_of(app)
    held: list[bool] = []
    real_dumps = json.dumps

    def dumps(payload: Any, **kwargs: Any) -> str:
        held.append(runtime.lock.locked())
        return real_dumps(payload, **kwargs)

    monkeypatch.setattr(admin, "json", SimpleNamespace(dumps=dumps))
    client = app.test_client()
    for path in ("messages", "requests", "accounts", "callbacks", "mo", "rules", "clock"):
        assert client.get(f"/__admin/{path}").status_code == 200
    assert held
    assert not any(held)


# -- admin input never raises ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "error"),
    [
        ("clock", b'{"advance": 1' + b"0" * 400 + b"}", "advance: expected a finite number"),
        ("clock", b'{"set": -1}', "set: expected a finite number"),
        ("clock", b'{"freeze": "yes"}', "freeze: expected true or false"),
        ("clock", b"[1, 2]", "expected a JSON object"),
        ("mo", b'{"to": "1", "from": "2", "text": "\\ud800"}', "text: not valid text"),
        ("mo", b'{"to": ["1"]}', "to: expected a non-empty string"),
        ("mo", b'{"to": "1", "text": "x"}', "missing: from"),
        ("rules/x", b'{"enabled": 1}', "enabled: expected true or false"),
        ("rules/x", b"not json", "expected a JSON object"),
    ],
)
def test_bad_admin_input_gets_400_with_a_reason(path: str, body: bytes, error: str):
    app = create_app(frozen())
    reply = app.test_client().post(
        f"/__admin/{path}", data=body, headers={"Content-Type": "application/json"}
    )
    assert reply.status_code == 400
    assert reply.get_json()["error"].startswith(error)
    assert runtime_of(app).errors == []


def test_a_json_body_sent_as_form_data_is_told_so():
    app = create_app(frozen())
    reply = app.test_client().post("/__admin/clock", data=b'{"advance": 60}')
    assert reply.status_code == 400
    assert "Content-Type: application/json" in reply.get_json()["error"]


# -- YAML bombs -----------------------------------------------------------------------------------

#: Nine levels of ten aliases each: 10**9 values once expanded (413 bytes).
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
#: Nested merge keys: each level merges the one below twice (exponential in PyYAML 6.0.x).
MERGES = "a0: &a0 {x0: 1}\n" + "".join(
    f"a{i}: &a{i}\n  <<: *a{i - 1}\n  b{i}: {{<<: *a{i - 1}}}\n  c{i}: {{<<: *a{i - 1}}}\n"
    for i in range(1, 25)
)
BOMBS = {"laughs": LAUGHS, "merges": MERGES, "itself": "a: &a [1, *a]\n"}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_yaml_bombs_fail_fast_with_a_clear_error(name: str):
    with pytest.raises(ScenarioError, match=r"expanded|contains itself"):
        load_scenario_text(BOMBS[name], f"{name}.yaml")


def test_a_bomb_put_through_the_admin_api_gets_400():
    app = create_app(frozen())
    reply = app.test_client().put("/__admin/scenario", data=MERGES.encode())
    assert reply.status_code == 400
    assert "expanded" in reply.get_json()["error"]


def test_scenario_files_are_capped_in_size(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_text("rules:\n" + "  - {then: {error: 901}}\n" * 60_000)
    result = subprocess.run(
        [sys.executable, "-m", "fake_clickatell", "check", str(big)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "larger than 1048576 bytes" in result.stderr


def test_a_refused_value_is_quoted_not_echoed_whole():
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("seed: '" + "x" * 100_000 + "'", "long.yaml")
    assert len(str(error.value)) < 300


_BOMB_CHECK = """
import sys, yaml
from fake_clickatell.scenario import ScenarioError, load_scenario_text
print(yaml.__version__)
for name, text in {bombs!r}.items():
    try:
        load_scenario_text(text, name)
    except ScenarioError as error:
        print(name, "refused:", error)
    else:
        print(name, "LOADED")
"""


@pytest.mark.slow
def test_yaml_bombs_on_the_lowest_pyyaml_the_project_admits(tmp_path: Path):
    floor = re.search(r'"pyyaml>=([0-9.]+)"', (ROOT / "pyproject.toml").read_text())
    assert floor is not None
    lowest = floor[1]
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--target", str(target), f"pyyaml=={lowest}"],
        check=True,
        timeout=300,
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", _BOMB_CHECK.format(bombs=BOMBS)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)])},
    )
    lines = result.stdout.splitlines()
    assert lines[0] == lowest, result.stderr
    assert [line.split()[1] for line in lines[1:]] == ["refused:"] * len(BOMBS)


# -- bounded open mode and pushes -----------------------------------------------------------------


def test_open_mode_bounds_the_accounts_it_makes():
    scenario = frozen(load_scenario_text("open_accounts: {max_key_length: 8, max_accounts: 2}"))
    client = create_app(scenario).test_client()

    def auth(api_id: str, user: str) -> str:
        query = {"api_id": api_id, "user": user, "password": "p"}
        return str(client.get("/http/auth", query_string=query).get_data(as_text=True))

    assert auth("123456789", "u") == "ERR: 108, Invalid or missing api_id"
    assert auth("1", "toolonguser") == "ERR: 001, Authentication failed"
    assert auth("1", "a").startswith("OK: ")
    assert auth("2", "b").startswith("OK: ")
    assert auth("3", "c") == "ERR: 001, Authentication failed"  # one account too many
    assert auth("1", "a").startswith("OK: ")  # those it has still work
    assert len(runtime_of(client.application).accounts()["accounts"]) == 2


def test_open_mode_keys_have_a_default_bound():
    client = create_app(frozen()).test_client()
    query = {"api_id": "1" * 65, "user": "u", "password": "p"}
    body = client.get("/http/auth", query_string=query).get_data(as_text=True)
    assert body == "ERR: 108, Invalid or missing api_id"


class TrickleReceiver:
    """Accepts a push and answers one byte every 0.2 s, for at most 10 s."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"[:50]:
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

    def close(self) -> None:
        self.sock.close()


def test_a_receiver_that_trickles_bytes_is_cut_at_the_push_deadline():
    receiver = TrickleReceiver()
    text = f"""
clock: {{start: {T0}, frozen: true}}
accounts:
  - api_id: "1"
    user: u
    password: p
    callback: {{url: "http://127.0.0.1:{receiver.port}/cb", timeout: 0.5}}
"""
    app = create_app(load_scenario_text(text, "trickle.yaml"))
    client = app.test_client()
    query = {"api_id": "1", "user": "u", "password": "p", "to": "27999000001", "text": "x"}
    assert client.get("/http/sendmsg", query_string={**query, "callback": "1"}).status_code == 200
    started = time.monotonic()
    (push,) = client.post("/__admin/callbacks/flush").get_json()["pushes"]
    took = time.monotonic() - started
    receiver.close()
    assert push["attempts"][0]["detail"] == "timeout after 0.5 s"
    assert took < 5  # a whole reply would have taken 8 s: the deadline cut it
