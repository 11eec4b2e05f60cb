"""Intercept mode from outside the app: the context manager and decorator, the plugin's
switches, patches restored whatever happens, xdist, and no server at all."""

from __future__ import annotations

import asyncio
import textwrap
import urllib.request
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests
import requests.adapters

import fake_clickatell
from fake_clickatell import FakeClickatell, intercept
from fake_clickatell.interception import registry

from .sms_app import CLICKATELL, CREDENTIALS, with_httpx, with_requests, with_urllib

SEND = {**CREDENTIALS, "to": "27831234567", "text": "hi"}


def patched_methods() -> list[Callable[..., Any]]:
    """The methods intercept mode replaces, as they stand now."""
    return [
        urllib.request.HTTPHandler.http_open,
        urllib.request.HTTPSHandler.https_open,
        httpx.HTTPTransport.handle_request,
        httpx.AsyncHTTPTransport.handle_async_request,
        requests.adapters.HTTPAdapter.send,
    ]


ORIGINALS = patched_methods()


def test_the_context_manager_gives_the_handle() -> None:
    with intercept() as fake:
        assert isinstance(fake, FakeClickatell)
        reply = with_requests("sendmsg", SEND)
        assert patched_methods() != ORIGINALS
    assert reply == f"ID: {fake.messages[0].apimsgid}"
    assert patched_methods() == ORIGINALS


def test_it_is_the_public_api() -> None:
    assert fake_clickatell.intercept is intercept
    assert "intercept" in fake_clickatell.__all__


def test_the_decorator_passes_the_handle_last() -> None:
    @intercept({"accounts": [{"api_id": 3442105, "user": "demo", "password": "secret"}]})
    def app_test(to: str, fake: FakeClickatell) -> int:
        with_httpx("sendmsg", {**SEND, "to": to})
        return len(fake.messages)

    assert app_test("27831234567") == 1
    assert app_test("27831234568") == 1  # a fresh fake for each call
    assert patched_methods() == ORIGINALS


def test_the_decorator_runs_coroutines_inside() -> None:
    @intercept()
    async def app_test(fake: FakeClickatell) -> str:
        async with httpx.AsyncClient() as client:
            reply = await client.post(f"{CLICKATELL}/sendmsg", data=SEND)
        return reply.text

    reply = asyncio.run(app_test())
    assert reply.startswith("ID: ")
    assert patched_methods() == ORIGINALS


def test_a_scenario_by_name_and_strict_mode() -> None:
    with intercept("out-of-credit", strict=True) as fake:
        assert fake.scenario.source.endswith("out-of-credit.yaml")
        with pytest.raises(requests.ConnectionError, match=r"example\.org is not intercepted"):
            requests.get("http://example.org/", timeout=1)


def test_patches_come_out_when_the_code_inside_raises() -> None:
    inside: list[Callable[..., Any]] = []

    def app_code() -> None:
        inside.extend(patched_methods())
        _ = 1 / 0

    with pytest.raises(ZeroDivisionError), intercept():
        app_code()
    assert inside != ORIGINALS
    assert patched_methods() == ORIGINALS
    assert not registry.active()


def test_nested_intercepts_answer_from_the_innermost() -> None:
    with intercept() as outer:
        with intercept(hosts=["sms.internal"]) as inner:
            with_urllib("sendmsg", SEND)
            with_urllib("sendmsg", SEND, "http://sms.internal/http")
        assert patched_methods() != ORIGINALS  # the outer one is still active
        with_urllib("sendmsg", SEND)
    assert (len(outer.messages), len(inner.messages)) == (1, 2)
    assert patched_methods() == ORIGINALS


# -- the plugin ----------------------------------------------------------------------------------

APP = """
import urllib.parse, urllib.request

def send(text):
    query = urllib.parse.urlencode(
        {"api_id": "1", "user": "u", "password": "p", "to": "27831234567", "text": text}
    )
    with urllib.request.urlopen("https://api.clickatell.com/http/sendmsg?" + query) as reply:
        return reply.read().decode()
"""


def test_a_failing_test_leaves_no_patch_behind(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        sms=APP,
        test_app=textwrap.dedent(
            """
            import httpx, pytest, requests.adapters, urllib.request
            from sms import send

            ORIGINALS = [
                urllib.request.HTTPHandler.http_open,
                urllib.request.HTTPSHandler.https_open,
                httpx.HTTPTransport.handle_request,
                httpx.AsyncHTTPTransport.handle_async_request,
                requests.adapters.HTTPAdapter.send,
            ]

            def now():
                return [
                    urllib.request.HTTPHandler.http_open,
                    urllib.request.HTTPSHandler.https_open,
                    httpx.HTTPTransport.handle_request,
                    httpx.AsyncHTTPTransport.handle_async_request,
                    requests.adapters.HTTPAdapter.send,
                ]

            @pytest.mark.clickatell_intercept
            def test_1_fails(clickatell):
                send("hello")
                assert now() != ORIGINALS
                assert clickatell.messages == []  # fails: one was sent

            @pytest.mark.clickatell_intercept
            def test_2_errors(clickatell):
                raise RuntimeError("the app broke")

            def test_3_patches_are_out():
                assert now() == ORIGINALS
            """
        ),
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=2)


NO_SERVER = """
import os, threading
import pytest
from sms import send

def listening_sockets():
    own = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            own.add(int(target[8:-1]))
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            listening.update(int(r.split()[9]) for r in rows if r.split()[3] == "0A")
    return own & listening

@pytest.mark.parametrize("n", range(6))
def test_send(clickatell, n):
    assert send(f"message {n}").startswith("ID: ")
    clickatell.assert_sent(text=f"message {n}", count=1)
    assert len(clickatell.messages) == 1
    assert listening_sockets() == set()
    # The main thread, and xdist's own (execnet's) when it runs the test: none of the fake's.
    assert [t.name for t in threading.enumerate() if "execnet" not in t.name] == ["MainThread"]
"""


def test_the_ini_option_runs_every_test_with_no_server(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nclickatell_intercept = true\n")
    pytester.makepyfile(sms=APP, test_app=NO_SERVER)
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=6)


def test_the_option_works_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(sms=APP, test_app=NO_SERVER)
    result = pytester.runpytest_subprocess("-n", "2", "--clickatell-intercept")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*2 workers*"])


def test_without_intercept_mode_the_app_is_not_answered(pytester: pytest.Pytester) -> None:
    # The same app, the fixture in its usual mode: the app calls the real host, and a strict
    # intercept around the test shows it never reached the fake.
    pytester.makepyfile(
        sms=APP,
        test_app="""
            import urllib.error, pytest
            from fake_clickatell import intercept
            from sms import send

            def test_socket_mode(clickatell):
                assert clickatell.url.startswith("http://127.0.0.1:")
                with intercept(hosts=["unused.test"]) as other:
                    send("to the in-process one")
                assert clickatell.messages == []
                assert len(other.messages) == 1
            """,
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
        ("clickatell_intercept(True)", "takes no positional arguments, got (True,)"),
        ("clickatell_intercept(host=['a.test'])", "takes hosts= and strict=, not host="),
        ("clickatell_intercept(hosts='a.test')", "hosts= takes a list of host names, got 'a.test'"),
        ("clickatell_intercept(hosts=[1])", "hosts= takes a list of host names, got [[]1[]]"),
        ("clickatell_intercept(strict='yes')", "strict= takes True or False, got 'yes'"),
    ],
)
def test_a_bad_marker_fails_the_test_saying_why(
    pytester: pytest.Pytester, marker: str, problem: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_it(clickatell):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"@pytest.mark.clickatell_intercept: {problem}"])


def test_intercept_and_a_remote_fake_exclude_each_other(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_it(): pass")
    result = pytester.runpytest("--clickatell-intercept", "--clickatell-url", "http://x.test")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--clickatell-intercept and --clickatell-url exclude each other*"]
    )
