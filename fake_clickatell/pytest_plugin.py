"""The pytest plugin: the fake as fixtures, reset for each test. Registered as ``pytest11``.

Fixtures:

* ``clickatell_listen_address`` (session): ``("127.0.0.1", 0)``; override it by name.
* ``clickatell_server`` (session): the fake this process uses, a
  :class:`~fake_clickatell.testing.LocalBackend` (a server thread, one per xdist worker) or a
  :class:`~fake_clickatell.testing.RemoteBackend` (``--clickatell-url`` / ``FAKE_CLICKATELL_URL``).
* ``clickatell_in_process`` (session): the fake intercept mode uses, a
  :class:`~fake_clickatell.testing.InProcessBackend` (no server, no port).
* ``clickatell`` (function): a :class:`~fake_clickatell.testing.FakeClickatell` handle, the fake
  reset to the test's scenario; at teardown, exceptions raised inside the fake fail the test.

Marker ``clickatell_scenario(path_or_dict)`` and ini option ``clickatell_scenario`` choose the
scenario. Marker ``clickatell_intercept(hosts=..., strict=...)``, ``--clickatell-intercept`` and
ini option ``clickatell_intercept`` switch the ``clickatell`` fixture to intercept mode: the
app's requests to Clickatell's hosts are answered in-process (:mod:`fake_clickatell.interception`).

This module stays thin and lazy: pytest imports it in every project that has fake_clickatell
installed, so everything else is imported inside the fixtures.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .testing import Backend, FakeClickatell, InProcessBackend, LoadedScenario

#: The environment variable that selects a running fake, like ``--clickatell-url``.
URL_ENV = "FAKE_CLICKATELL_URL"
#: The environment variable with that fake's admin token, like ``--clickatell-admin-token``.
TOKEN_ENV = "FAKE_CLICKATELL_ADMIN_TOKEN"
MARKER = "clickatell_scenario"
INI_SCENARIO = "clickatell_scenario"
INTERCEPT_MARKER = "clickatell_intercept"
INI_INTERCEPT = "clickatell_intercept"

_BASE: pytest.StashKey[LoadedScenario | None] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--clickatell-url`` and the ``clickatell_scenario`` ini option."""
    group = parser.getgroup("fake_clickatell", "fake Clickatell (fake_clickatell)")
    group.addoption(
        "--clickatell-url",
        dest="clickatell_url",
        metavar="URL",
        default=None,
        help=(
            "drive an already running fake-clickatell at URL over its admin API instead of"
            f" starting one in this process (default: ${URL_ENV})"
        ),
    )
    group.addoption(
        "--clickatell-admin-token",
        dest="clickatell_admin_token",
        metavar="TOKEN",
        default=None,
        help=(
            "the admin token of the fake at --clickatell-url (needed when it listens on"
            f" anything but loopback; default: ${TOKEN_ENV})"
        ),
    )
    group.addoption(
        "--clickatell-intercept",
        dest="clickatell_intercept",
        action="store_true",
        default=None,
        help=(
            "intercept mode for every test: the app's requests to api.clickatell.com and"
            " platform.clickatell.com are answered in-process, no server started"
            f" (default: ini option {INI_INTERCEPT})"
        ),
    )
    parser.addini(
        INI_INTERCEPT,
        "intercept mode for every test using the clickatell fixture (true/false)",
        type="bool",
        default=False,
    )
    parser.addini(
        INI_SCENARIO,
        "scenario file every test using the clickatell fixture starts from"
        " (relative to the ini file); default: open mode",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker; validate the ini scenario now, so a broken one stops the run once."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(path_or_dict): the scenario the clickatell fixture loads for this test"
        " (a path relative to the test file, else the rootdir; or a dict)",
    )
    config.addinivalue_line(
        "markers",
        f"{INTERCEPT_MARKER}(hosts=(), strict=False): intercept mode for this test: requests"
        " to Clickatell's hosts (and hosts) are answered by the fake in-process; strict=True"
        " refuses every other host",
    )
    config.stash[_BASE] = None
    if _intercept_all(config) and _remote_url(config):
        raise pytest.UsageError(
            "--clickatell-intercept and --clickatell-url exclude each other: intercept mode"
            " answers in this process, with no server"
        )
    name = str(config.getini(INI_SCENARIO)).strip()
    if name:
        from .scenario import ScenarioError
        from .testing import read_scenario

        base = config.inipath.parent if config.inipath else config.rootpath
        try:
            config.stash[_BASE] = read_scenario(base / name)
        except ScenarioError as error:
            raise pytest.UsageError(f"ini option {INI_SCENARIO}: {error}") from None


@pytest.fixture(scope="session")
def clickatell_listen_address() -> tuple[str, int]:
    """Where the in-process fake listens: ``("127.0.0.1", 0)`` (0: a free port per process).

    Override it by name in a ``conftest.py`` to pin a host or port.
    """
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def clickatell_server(
    request: pytest.FixtureRequest, clickatell_listen_address: tuple[str, int]
) -> Iterator[Backend]:
    """The fake this test process uses, started once (or the running one given by URL)."""
    from .testing import LocalBackend, RemoteBackend, RemoteBackendError
    from .testing.scenarios import DEFAULT_LOADED

    config = request.config
    url = _remote_url(config)
    backend: Backend
    if url:
        workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
        if workers > 1:
            pytest.fail(
                f"{url} cannot serve {workers} xdist workers at once: each test resets it."
                " Run one worker (-n 0), or let each worker start its own fake.",
                pytrace=False,
            )
        problem = ""
        try:
            token = config.getoption("clickatell_admin_token") or os.environ.get(TOKEN_ENV)
            backend = RemoteBackend(url, token=token)
            backend.ping()
        except RemoteBackendError as error:
            problem = str(error)
        if problem:
            pytest.fail(f"--clickatell-url / ${URL_ENV}: {problem}", pytrace=False)
    else:
        host, port = clickatell_listen_address
        backend = LocalBackend.start(host, port, config.stash[_BASE] or DEFAULT_LOADED)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def clickatell_in_process(request: pytest.FixtureRequest) -> Iterator[InProcessBackend]:
    """The fake intercept mode answers from: no server, no port (one per xdist worker)."""
    from .testing import InProcessBackend
    from .testing.scenarios import DEFAULT_LOADED

    backend = InProcessBackend.start(request.config.stash[_BASE] or DEFAULT_LOADED)
    yield backend
    backend.close()


@pytest.fixture
def clickatell(request: pytest.FixtureRequest) -> Iterator[FakeClickatell]:
    """The fake, reset to this test's scenario; exceptions raised inside it fail the test.

    In intercept mode the app's requests to Clickatell's hosts reach it with no socket.
    """
    from .scenario import ScenarioError
    from .testing import FakeClickatell, read_scenario
    from .testing.scenarios import DEFAULT_LOADED

    search = (Path(request.path).parent, request.config.rootpath)
    scenario = request.config.stash[_BASE] or DEFAULT_LOADED
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if len(marker.args) != 1 or marker.kwargs:
            pytest.fail(
                f"@pytest.mark.{MARKER} takes one argument, a path or a dict;"
                f" got args={marker.args!r} kwargs={marker.kwargs!r}",
                pytrace=False,
            )
        if not isinstance(marker.args[0], str | os.PathLike | Mapping):
            pytest.fail(
                f"@pytest.mark.{MARKER} takes a path or a dict, got {marker.args[0]!r}",
                pytrace=False,
            )
        problem = ""
        try:
            scenario = read_scenario(marker.args[0], search)
        except ScenarioError as error:
            problem = str(error)
        if problem:  # failed outside the except block: the ScenarioError traceback is noise
            pytest.fail(f"@pytest.mark.{MARKER}: {problem}", pytrace=False)
    intercepting = _intercept_options(request)
    if intercepting is None:
        backend: Backend = request.getfixturevalue("clickatell_server")
        handle = FakeClickatell(backend, search=search, scenario=scenario)
        yield handle
    else:
        from .interception import Interceptor

        in_process: InProcessBackend = request.getfixturevalue("clickatell_in_process")
        handle = FakeClickatell(in_process, search=search, scenario=scenario)
        interceptor = Interceptor(in_process.app, **intercepting)
        interceptor.start()
        try:
            yield handle
        finally:
            interceptor.stop()
    __tracebackhide__ = True  # the report shows the server-side error, not this fixture
    handle.check()


def _remote_url(config: pytest.Config) -> str | None:
    """The running fake to drive (``--clickatell-url`` or its environment variable)."""
    url: str | None = config.getoption("clickatell_url") or os.environ.get(URL_ENV)
    return url


def _intercept_all(config: pytest.Config) -> bool:
    """True when every test runs in intercept mode (the option, else the ini option)."""
    option = config.getoption("clickatell_intercept")
    return bool(config.getini(INI_INTERCEPT) if option is None else option)


def _intercept_options(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    """The interceptor's arguments when this test runs in intercept mode, else ``None``."""
    marker = request.node.get_closest_marker(INTERCEPT_MARKER)
    if marker is None:
        return {} if _intercept_all(request.config) else None
    hosts = marker.kwargs.get("hosts", ())
    strict = marker.kwargs.get("strict", False)
    unknown = sorted(set(marker.kwargs) - {"hosts", "strict"})
    problem = ""
    if marker.args:
        problem = f"takes no positional arguments, got {marker.args!r}"
    elif unknown:
        problem = f"takes hosts= and strict=, not {', '.join(unknown)}="
    elif isinstance(hosts, str) or not all(isinstance(host, str) for host in hosts):
        problem = f"hosts= takes a list of host names, got {hosts!r}"
    elif not isinstance(strict, bool):
        problem = f"strict= takes True or False, got {strict!r}"
    if problem:
        pytest.fail(f"@pytest.mark.{INTERCEPT_MARKER}: {problem}", pytrace=False)
    return {"hosts": tuple(hosts), "strict": strict}
