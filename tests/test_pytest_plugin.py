"""The pytest plugin, run inside pytest with ``pytester``: fixtures, marker, options, xdist."""

from __future__ import annotations

import json
import socket
import textwrap
from collections.abc import Iterator
from importlib.metadata import entry_points

# pytester's inline runs drop the modules first imported inside them. httpx imports httpcore
# lazily and keeps a map of its exception classes: a copy imported inside an inner run would
# leave httpx unable to translate the errors of the next copy. So import it here, up front.
import httpcore  # noqa: F401
import pytest

from fake_clickatell.pytest_plugin import URL_ENV

from .test_cli import get, start

SEND = """
import httpx

def send(clickatell, to="27999000001", text="hello"):
    params = {**clickatell.credentials, "to": to, "text": text}
    return httpx.get(clickatell.api_url + "/sendmsg", params=params).text
"""


def with_send(test_source: str) -> str:
    """A test module: the ``send`` helper above, then ``test_source``."""
    return SEND + textwrap.dedent(test_source)


@pytest.fixture(autouse=True)
def inner_runs(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner runs start their own fake unless a test says otherwise, without unneeded plugins.

    (Hypothesis' plugin would import and assertion-rewrite all of hypothesis in each run. The
    pytester fixture clears PYTEST_ADDOPTS, so this runs after it.)
    """
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)  # if this suite runs with -n
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:hypothesispytest -p no:anyio -p no:randomly")


@pytest.fixture
def served() -> Iterator[str]:
    """A ``fake-clickatell serve --port 0`` subprocess; its URL."""
    process, url = start("--quiet")
    yield url
    process.terminate()
    process.communicate(timeout=10)


def test_registered_once_through_a_uniquely_named_entry_point():
    plugins = [
        ep for ep in entry_points(group="pytest11") if ep.value.startswith("fake_clickatell")
    ]
    assert [(ep.name, ep.value) for ep in plugins] == [
        ("fake_clickatell", "fake_clickatell.pytest_plugin")
    ]


def test_the_plugin_is_loaded_without_configuration(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        def test_loaded(request):
            assert request.config.pluginmanager.has_plugin("fake_clickatell")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester):
    result = pytester.runpytest("-p", "no:fake_clickatell", "--fixtures")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.no_fnmatch_line("clickatell*")  # no fixture listed


def test_fixtures_are_listed_with_their_scopes(pytester: pytest.Pytester):
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(
        [
            "*fixtures defined from fake_clickatell.pytest_plugin*",
            "clickatell_listen_address [[]session scope[]] -- *",
            "clickatell_server [[]session scope[]] -- *",
            "clickatell_in_process [[]session scope[]] -- *",
            "clickatell -- *pytest_plugin.py:*",
            "    The fake, reset to this test's scenario; *",
        ]
    )


def test_one_server_per_session_and_a_fresh_handle_per_test(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        seen = []

        def test_first(clickatell, clickatell_server):
            seen.append((clickatell, clickatell_server))

        def test_second(clickatell, clickatell_server):
            (first_handle, first_server), = seen
            assert clickatell_server is first_server
            assert clickatell is not first_handle
            assert clickatell.url == clickatell_server.url
            assert clickatell.url.startswith("http://127.0.0.1:")
            assert not clickatell.url.endswith(":0")
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_state_does_not_leak_between_tests(pytester: pytest.Pytester):
    pytester.makepyfile(
        with_send(
            """
        def test_dirty(clickatell):
            clickatell.load_scenario({"accounts": [{"api_id": 1, "user": "u", "password": "p"}]})
            assert send(clickatell).startswith("ID: ")
            clickatell.clock.freeze()
            clickatell.clock.advance(3600)

        def test_clean(clickatell):
            assert clickatell.scenario.source == "<default>"
            assert clickatell.api_id == "3442105"
            assert clickatell.messages == []
            assert clickatell.requests == []
            assert clickatell.accounts == []
            assert not clickatell.clock.frozen
            assert send(clickatell).startswith("ID: ")
            assert clickatell.balance() == 99  # a fresh account
        """
        )
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_listen_address_fixture_can_be_overridden(pytester: pytest.Pytester):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def clickatell_listen_address():
            return ("127.0.0.1", {port})
        """
    )
    pytester.makepyfile(
        f"""
        def test_port(clickatell):
            assert clickatell.url == "http://127.0.0.1:{port}"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_marker_loads_a_scenario_next_to_the_test_file(pytester: pytest.Pytester):
    pytester.mkdir("sub")
    pytester.mkdir("sub/scenarios")
    pytester.path.joinpath("sub/scenarios/strict.yaml").write_text(
        "accounts: [{api_id: 42, user: near, password: pw}]\n"
    )
    pytester.mkdir("scenarios")
    pytester.path.joinpath("scenarios/root.yaml").write_text(
        "accounts: [{api_id: 7, user: root, password: pw}]\n"
    )
    pytester.path.joinpath("sub/test_marked.py").write_text(
        """
import pytest

@pytest.mark.clickatell_scenario("scenarios/strict.yaml")
def test_next_to_the_test_file(clickatell):
    assert (clickatell.api_id, clickatell.user) == ("42", "near")
    assert clickatell.scenario.source.endswith("strict.yaml")

@pytest.mark.clickatell_scenario("scenarios/root.yaml")
def test_else_in_the_rootdir(clickatell):
    assert clickatell.user == "root"

@pytest.mark.clickatell_scenario({"seed": 3, "clock": {"start": 1800000000, "frozen": True}})
def test_a_dict(clickatell):
    assert clickatell.clock.now == 1800000000

@pytest.mark.clickatell_scenario("scenarios/root.yaml")
class TestOnAClass:
    def test_in_class(self, clickatell):
        assert clickatell.user == "root"

def test_unmarked(clickatell):
    assert clickatell.scenario.source == "<default>"
"""
    )
    pytester.runpytest().assert_outcomes(passed=5)


def test_marker_mistakes_are_reported_clearly(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.clickatell_scenario("missing.yaml")
        def test_missing(clickatell):
            pass

        @pytest.mark.clickatell_scenario({"accounts": [{"user": "u"}]})
        def test_invalid(clickatell):
            pass

        @pytest.mark.clickatell_scenario()
        def test_no_argument(clickatell):
            pass

        @pytest.mark.clickatell_scenario(42)
        def test_wrong_type(clickatell):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.clickatell_scenario: missing.yaml: cannot read the file:"
            " No such file or directory (tried */missing.yaml, */missing.yaml, missing.yaml;"
            " shipped scenarios: accounts, *)",
            "*@pytest.mark.clickatell_scenario: <dict>: accounts[[]0[]].api_id:"
            " required key is missing",
            "*@pytest.mark.clickatell_scenario takes one argument, a path or a dict;"
            " got args=() kwargs={}",
            "*@pytest.mark.clickatell_scenario takes a path or a dict, got 42",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


def test_the_marker_is_declared(pytester: pytest.Pytester):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.clickatell_scenario(path_or_dict): *"])


def test_the_ini_option_sets_the_default_scenario(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nclickatell_scenario = scenarios/base.yaml\n")
    pytester.mkdir("scenarios")
    pytester.path.joinpath("scenarios/base.yaml").write_text(
        "clock: {start: 1800000000, frozen: true}\n"
        "accounts: [{api_id: 5, user: base, password: pw}]\n"
    )
    pytester.makepyfile(
        """
        import pytest

        def test_base(clickatell):
            assert clickatell.user == "base"
            assert clickatell.clock.now == 1800000000
            clickatell.clock.advance(10)

        @pytest.mark.clickatell_scenario({})
        def test_the_marker_wins(clickatell):
            assert clickatell.user == "demo"

        def test_base_again(clickatell):
            assert clickatell.user == "base"
            assert clickatell.clock.now == 1800000000
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_a_broken_ini_scenario_stops_the_run_once(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nclickatell_scenario = base.yaml\n")
    pytester.path.joinpath("base.yaml").write_text("clock: {frozen: maybe}\n")
    pytester.makepyfile("def test_never(clickatell): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*ini option clickatell_scenario: */base.yaml: clock.frozen: expected true or false*"]
    )


def test_a_failing_assertion_helper_shows_what_was_sent(pytester: pytest.Pytester):
    pytester.makepyfile(
        with_send(
            """
        def test_wrong_number(clickatell):
            send(clickatell, to="27999000002", text="Your code is 1234")
            clickatell.assert_sent(to="27999000001", text="Your code is 1234")
        """
        )
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '>*clickatell.assert_sent(to="27999000001", text="Your code is 1234")',
            "E*AssertionError: no message matches to='27999000001' text='Your code is 1234'",
            "E*sent: 1 message",
            "E*[[]1[]] to='27999000002' text='Your code is 1234' from=None status='003'*",
        ]
    )
    # __tracebackhide__: the report points at the test, not into the helper.
    result.stdout.no_fnmatch_line("*testing.py*")


def test_a_server_side_exception_fails_the_test_that_caused_it(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import httpx
        from fake_clickatell.core.handlers import HANDLERS

        def boom(*args):
            raise RuntimeError("kaboom")

        def test_before(clickatell):
            assert httpx.get(clickatell.api_url + "/ping", params={"session_id": "s"}).text

        def test_breaks_the_fake(clickatell, monkeypatch):
            monkeypatch.setitem(HANDLERS, "ping", boom)
            params = {"session_id": "s", "password": "hunter2"}
            reply = httpx.get(clickatell.api_url + "/ping", params=params)
            assert reply.text == "ERR: 901, Internal error"

        def test_after(clickatell):
            reply = httpx.get(clickatell.api_url + "/ping", params={"session_id": "s"})
            assert reply.text == "ERR: 003, Session ID expired"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_breaks_the_fake*",
            "*RuntimeError: kaboom",
            "*The above exception was the direct cause of the following exception*",
            "E*FakeServerError: the fake raised 1 exception while handling this test's requests",
            "*GET /http/ping?session_id=s&password=********: RuntimeError('kaboom')",
            "*ERROR test_a_server_side_exception_fails_the_test_that_caused_it.py::"
            "test_breaks_the_fake*",
        ]
    )


def test_external_mode_drives_a_running_fake_clickatell_serve(
    pytester: pytest.Pytester, served: str
):
    pytester.makepyfile(
        with_send(
            f"""
        import pytest
        from fake_clickatell.testing import RemoteBackend

        def test_uses_the_running_fake(clickatell, clickatell_server):
            assert isinstance(clickatell_server, RemoteBackend)
            assert clickatell.url == "{served}"
            assert send(clickatell).startswith("ID: ")
            clickatell.assert_sent(to="27999000001", text="hello")
            clickatell.clock.freeze()
            clickatell.clock.advance(60)

        def test_back_to_open_mode(clickatell):
            assert clickatell.requests == []
            assert not clickatell.clock.frozen
            assert send(clickatell, text="open").startswith("ID: ")

        @pytest.mark.clickatell_scenario({{"accounts": [{{"api_id": 9, "user": "u", "password": "p"}}]}})
        def test_marker_over_the_admin_api(clickatell):
            assert clickatell.api_id == "9"
            assert clickatell.messages == []
            assert send(clickatell, text="strict").startswith("ID: ")
            other = {{"api_id": "1", "user": "x", "password": "y"}}
            assert httpx.get(clickatell.api_url + "/auth", params=other).text.startswith("ERR")
        """
        )
    )
    result = pytester.runpytest(f"--clickatell-url={served}")
    result.assert_outcomes(passed=3)
    # When the session ends, the running fake is back to the scenario it was started with
    # (open mode), reset: the last test's strict scenario and its message are gone.
    assert json.loads(get(f"{served}/__admin/messages"))["messages"] == []
    assert get(f"{served}/http/auth?api_id=1&user=x&password=y").startswith("OK: ")


def test_local_mode_admin_reset_restores_the_sessions_scenario(pytester: pytest.Pytester):
    # The fixture's own server starts from the ini scenario; a test's marker replaces it for
    # that test; POST /__admin/reset brings back the one the server started with.
    pytester.makeini("[pytest]\nclickatell_scenario = base.yaml\n")
    pytester.makefile(".yaml", base="accounts: [{api_id: 5, user: base, password: p}]\n")
    pytester.makepyfile(
        with_send(
            """
        import pytest

        @pytest.mark.clickatell_scenario({"accounts": [{"api_id": 9, "user": "u", "password": "p"}]})
        def test_reset_over_the_admin_api(clickatell):
            assert clickatell.api_id == "9"
            reply = httpx.post(clickatell.url + "/__admin/reset").json()
            assert reply["scenario"].endswith("base.yaml")
            base = {"api_id": "5", "user": "base", "password": "p"}
            assert httpx.get(clickatell.api_url + "/auth", params=base).text.startswith("OK: ")
        """
        )
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_external_mode_from_the_environment(
    pytester: pytest.Pytester, served: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(URL_ENV, served)
    pytester.makepyfile(
        f"""
        def test_remote(clickatell):
            assert clickatell.url == "{served}"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_external_mode_fails_clearly_when_nothing_answers(pytester: pytest.Pytester):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"  # bound, not listening: refused
        pytester.makepyfile("def test_remote(clickatell): pass")
        result = pytester.runpytest(f"--clickatell-url={url}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*--clickatell-url / $FAKE_CLICKATELL_URL: cannot reach the fake at {url}*"]
    )


def test_external_mode_refuses_several_xdist_workers(
    pytester: pytest.Pytester, served: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "4")
    pytester.makepyfile("def test_remote(clickatell): pass")
    result = pytester.runpytest(f"--clickatell-url={served}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{served} cannot serve 4 xdist workers at once*"])


@pytest.mark.slow
def test_each_xdist_worker_gets_its_own_server(pytester: pytest.Pytester):
    out = pytester.mkdir("urls")
    pytester.makepyfile(
        with_send(
            f"""
        import os
        import pathlib
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_send(clickatell, n):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            pathlib.Path({str(out)!r}, f"{{worker}}-{{n}}.url").write_text(clickatell.url)
            assert send(clickatell, text=f"test {{n}}").startswith("ID: ")
            (message,) = clickatell.messages  # only this test's, though workers run at once
            assert message.text == f"test {{n}}"
        """
        )
    )
    result = pytester.runpytest_subprocess("-n", "4")
    result.assert_outcomes(passed=8)
    urls: dict[str, set[str]] = {}
    for path in out.glob("gw*.url"):
        urls.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert len(urls) == 4, urls  # four workers ran tests
    assert all(len(worker_urls) == 1 for worker_urls in urls.values())  # one server each
    assert len(set().union(*urls.values())) == 4  # and no two share one
