"""Bad input never crashes the fake: arbitrary requests get a grammar reply or a plain 4xx."""

from __future__ import annotations

import io
import string

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import run_wsgi_app

from fake_clickatell import create_app
from fake_clickatell.app import runtime_of
from fake_clickatell.core.grammar import Accepted, ApiError, MultiRecipient, parse

from .support import frozen

API_PREFIXES = ("/http/", "/http_batch/", "/utils/", "/mms/")
COMMANDS = ["auth", "ping", "sendmsg", "querymsg", "delmsg", "getbalance", "getmsgcharge"]
NAMES = [
    "api_id",
    "user",
    "password",
    "session_id",
    "to",
    "text",
    "from",
    "unicode",
    "concat",
    "climsgid",
    "CliMsgId",
    "apimsgid",
    "APIMSGID",
    "callback",
    "msg_callback",
    "deliv_ack",
    "deliv_time",
    "scheduled_time",
    "max_credits",
    "req_feat",
    "queue",
    "escalate",
    "mo",
    "msg_type",
    "udh",
    "data",
    "binary",
    "validity",
    "charset",
    "",
    "x",
]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PROPFIND", "TRACE"]
CONTENT_TYPES = [
    None,
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data; boundary=x",
    "application/json",
    "text/plain",
    "application/octet-stream",
    "garbage/;;;",
]

_segment = st.one_of(
    st.sampled_from([*COMMANDS, *[c + ".php" for c in COMMANDS], "", "..", "%00", "routeCoverage"]),
    st.text(string.printable.strip() + "éΩ", max_size=12).map(
        lambda s: s.replace("?", "").replace("#", "")
    ),
)
paths = st.builds(
    lambda prefix, segments: prefix + "/".join(segments),
    st.sampled_from([*API_PREFIXES, "/http", "/__admin/", "/", "/other/", "/HTTP/"]),
    st.lists(_segment, min_size=0, max_size=3),
)
_values = st.one_of(
    st.sampled_from(
        ["1", "0", "-1", "", "27999000001", "27999000001,123", "00", "ffff", "%", "%zz", "+"]
    ),
    st.text(max_size=30).map(lambda t: t.encode("utf-8").decode("latin-1")),
    st.binary(max_size=30).map(lambda b: b.decode("latin-1")),
)
query_strings = st.one_of(
    st.lists(st.tuples(st.sampled_from(NAMES), _values), max_size=12).map(
        lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)
    ),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)
bodies = st.one_of(
    st.none(), st.binary(max_size=300), query_strings.map(lambda q: q.encode("latin-1"))
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=paths,
    method=st.sampled_from(METHODS),
    query=query_strings,
    body=bodies,
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_arbitrary_requests_never_500_and_api_replies_parse(
    path, method, query, body, content_type
):
    app = create_app(frozen())
    status, reply = call_wsgi(app, method, path, query, body, content_type)
    assert status != 500
    assert runtime_of(app).errors == []
    if path.startswith(API_PREFIXES) or path == "/http":
        assert status == 200
        if method != "HEAD":
            parse(reply.decode("utf-8"))
    else:
        assert status in (200, 400, 404, 405)


def call_wsgi(app, method, path, query, body, content_type) -> tuple[int, bytes]:
    """Call the app as a WSGI server would, with the path and query exactly as given."""
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body or b"")),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body or b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if content_type:
        environ["CONTENT_TYPE"] = content_type
    app_iter, status, _ = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(app_iter)


def _valid_session(client: FlaskClient) -> str:
    body: str = client.get("/http/auth?api_id=1&user=u&password=p").get_data(as_text=True)
    return body[4:]


@settings(max_examples=300, deadline=None)
@given(
    params=st.lists(st.tuples(st.sampled_from(NAMES), _values), max_size=15),
    method=st.sampled_from(["GET", "POST"]),
)
def test_arbitrary_sendmsg_parameters_with_a_valid_session(params, method):
    app = create_app(frozen())
    client = app.test_client()
    session = _valid_session(client)
    pairs = [("session_id", session), *params]
    if method == "GET":
        response = client.get("/http/sendmsg", query_string=pairs)
    else:
        response = client.post("/http/sendmsg", data=MultiDict(pairs))
    assert response.status_code == 200
    reply = parse(response.get_data(as_text=True))
    assert runtime_of(app).errors == []
    # sendmsg answers one message id, one line per recipient, or a request-level error.
    assert isinstance(reply, (Accepted, MultiRecipient, ApiError))


@pytest.mark.parametrize(
    "query",
    [
        b"text=%",
        b"text=%Z1",
        b"to=%%%%",
        b"%FF%FE=%00",
        b"&&&==&",
        b"a" * 100_000,
        b"to=" + b",".join(b"2799900%04d" % n for n in range(2000)) + b"&text=x",
        b"text=" + b"x" * 200_000,
    ],
)
def test_malformed_query_strings(query: bytes):
    app = create_app(frozen())
    client = app.test_client()
    session = _valid_session(client)
    raw = f"session_id={session}&" + query.decode("latin-1")
    response = client.get("/http/sendmsg", query_string=raw)
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("ERR: 1")


def test_duplicated_parameters_first_wins_everywhere():
    app = create_app(frozen())
    client = app.test_client()
    body = client.get("/http/auth?api_id=1&user=u&password=p&api_id=&user=&password=").get_data(
        as_text=True
    )
    assert body.startswith("OK: ")


def test_internal_errors_are_answered_in_the_grammar_and_kept():
    app = create_app(frozen())
    state = runtime_of(app)

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    state.gateway.handle = boom  # type: ignore[method-assign]
    response = app.test_client().get("/http/ping?session_id=x")
    assert (response.status_code, response.get_data()) == (200, b"ERR: 901, Internal error")
    (error,) = state.errors
    assert isinstance(error.exception, RuntimeError)
    assert error.path == "/http/ping?session_id=x"
    assert "kaboom" in error.traceback
    (shown,) = app.test_client().get("/__admin/errors").get_json()["errors"]
    assert shown["error"] == "RuntimeError('kaboom')"
    assert shown["method"] == "GET"
    assert shown["path"] == "/http/ping?session_id=x"
    app.test_client().post("/__admin/reset")
    assert app.test_client().get("/__admin/errors").get_json() == {"errors": []}


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("concat", b"ERR: 101, Invalid or missing parameters"),
        ("callback", b"ERR: 101, Invalid or missing parameters"),
        ("queue", b"ERR: 101, Invalid or missing parameters"),
        ("validity", b"ERR: 101, Invalid or missing parameters"),
        ("req_feat", b"ERR: 101, Invalid or missing parameters"),
        ("unicode", b"ERR: 101, Invalid or missing parameters"),
        ("deliv_time", b"ERR: 120, Invalid delivery time"),
        ("scheduled_time", b"ERR: 120, Invalid delivery time"),
    ],
)
def test_numbers_of_thousands_of_digits_are_invalid_values(param: str, expected: bytes):
    app = create_app(frozen())
    client = app.test_client()
    query = f"api_id=1&user=u&password=p&to=27999000001&text=hi&{param}=" + "9" * 5000
    assert client.get("/http/sendmsg?" + query).get_data() == expected
    assert runtime_of(app).errors == []


@pytest.mark.parametrize("key", ["9" * 5000, "%C2%B2", "999999"])
def test_admin_rule_keys_that_are_not_rules_are_404(key: str):
    app = create_app(frozen())
    reply = app.test_client().post(f"/__admin/rules/{key}", json={"enabled": False})
    assert reply.status_code == 404
    assert runtime_of(app).errors == []
