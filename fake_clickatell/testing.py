"""Test helpers: the handle the ``clickatell`` pytest fixture gives a test, and its value types.

:class:`FakeClickatell` drives one fake through a small :class:`Backend` interface with two
implementations: :class:`LocalBackend` (a :class:`~fake_clickatell.FakeServer` in a background
thread of the test process, driven by direct calls under the app's lock) and
:class:`RemoteBackend` (an already running ``fake-clickatell serve``, driven over the JSON admin
API). The handle reads the same JSON shapes from both, so a test cannot tell them apart.

This module imports neither pytest nor a third-party HTTP client: it works in any test runner.

Exceptions::

    AssertionError
     +-- (raised by assert_sent, assert_not_sent, assert_requested, wait_for_messages)
    Exception
     +-- FakeServerError      the fake raised while handling a request (check(), fixture teardown)
     +-- RemoteBackendError   a remote fake could not be reached or refused an admin call
    ValueError
     +-- ScenarioError        (fake_clickatell.scenario) a scenario that cannot be loaded
     +-- ClockError           (fake_clickatell.core.clock) a clock move that makes no sense
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from .core.clock import ClockError
from .core.config import DEFAULT_SCENARIO, Scenario
from .core.journal import MASK, SECRET_PARAMS, JournalEntry
from .scenario import ScenarioError, load_scenario_text, scenario_from_data, scenario_to_yaml

if TYPE_CHECKING:
    from flask import Flask

    from .server import FakeServer

__all__ = [
    "DEFAULT_CREDENTIALS",
    "AccountState",
    "Backend",
    "Clock",
    "FakeClickatell",
    "FakeServerError",
    "JournalEntry",
    "LoadedScenario",
    "LocalBackend",
    "PushAttempt",
    "PushRecord",
    "RecordedError",
    "RemoteBackend",
    "RemoteBackendError",
    "RuleState",
    "SentMessage",
    "StatusChange",
    "read_scenario",
]

#: Credentials the handle offers in open mode (any credentials work; these are the docs' ones).
DEFAULT_CREDENTIALS = ("3442105", "demo", "secret")

#: Seconds between two looks at the fake while :meth:`FakeClickatell.wait_for_messages` waits.
POLL_INTERVAL = 0.005

_SHOWN = 20  # messages or requests listed in an assertion's failure message


# -- value types -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A message reached ``status`` (three digits, e.g. ``"004"``) at virtual ``time``."""

    status: str
    time: float


@dataclass(frozen=True, slots=True)
class SentMessage:
    """One message the fake accepted (one per recipient), as ``GET /__admin/messages`` shows it.

    ``to`` is the normalised MSISDN (digits only); ``sender`` is the ``from`` parameter;
    ``status`` is the current status, three digits (``"004"``); ``charge`` is exact.
    """

    apimsgid: str
    to: str
    text: str
    sender: str | None
    climsgid: str | None
    api_id: str
    user: str
    status: str
    charge: Decimal
    parts: int
    unicode: bool
    coding: str
    udh: str | None
    data: str | None
    accepted_at: float
    release_at: float
    status_history: tuple[StatusChange, ...]
    #: The remaining sendmsg options (callback, deliv_ack, concat, max_credits, ...).
    options: Mapping[str, Any] = field(hash=False, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SentMessage:
        """Build one from the admin API's JSON shape."""
        return cls(
            apimsgid=data["apimsgid"],
            to=data["to"],
            text=data["text"],
            sender=data["from"],
            climsgid=data["climsgid"],
            api_id=data["api_id"],
            user=data["user"],
            status=data["status"],
            charge=Decimal(data["charge"]),
            parts=data["parts"],
            unicode=data["unicode"],
            coding=data["coding"],
            udh=data["udh"],
            data=data["data"],
            accepted_at=data["accepted_at"],
            release_at=data["release_at"],
            status_history=tuple(
                StatusChange(step["status"], step["time"]) for step in data["status_history"]
            ),
            options=MappingProxyType(dict(data["options"])),
        )

    def describe(self) -> str:
        """One line for failure messages: who, what, and where it stands."""
        return (
            f"to={self.to!r} text={_short(self.text)!r} from={self.sender!r} status={self.status!r}"
            f" api_id={self.api_id!r} user={self.user!r} apimsgid={self.apimsgid!r}"
        )


@dataclass(frozen=True, slots=True)
class AccountState:
    """An account as the fake holds it now."""

    api_id: str
    user: str
    balance: Decimal
    frozen: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AccountState:
        """Build one from the admin API's JSON shape."""
        return cls(data["api_id"], data["user"], Decimal(data["balance"]), data["frozen"])


@dataclass(frozen=True, slots=True)
class RuleState:
    """A scenario rule and its counters, as ``GET /__admin/rules`` shows them."""

    index: int
    name: str
    enabled: bool
    #: Requests that met its conditions.
    matched: int
    #: Times it acted.
    fired: int
    #: Most times it may act (``None``: no limit).
    times: int | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleState:
        """Build one from the admin API's JSON shape."""
        return cls(
            data["index"],
            data["name"],
            data["enabled"],
            data["matched"],
            data["fired"],
            data["times"],
        )


@dataclass(frozen=True, slots=True)
class PushAttempt:
    """One attempt to deliver a push: when (virtual time), and how it went."""

    attempt: int
    time: float
    ok: bool
    detail: str
    status_code: int | None


@dataclass(frozen=True, slots=True)
class PushRecord:
    """A status callback or inbound-message push the fake made (or is still making)."""

    id: int
    kind: str  # "callback" or "mo"
    state: str  # pending, delivered, failed, refused, dropped
    method: str
    url: str
    body: str | None
    api_id: str
    apimsgid: str | None
    status: str | None
    mo_msg_id: str | None
    attempts: tuple[PushAttempt, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PushRecord:
        """Build one from ``GET /__admin/callbacks``' shape."""
        return cls(
            id=data["id"],
            kind=data["kind"],
            state=data["state"],
            method=data["method"],
            url=data["url"],
            body=data["body"],
            api_id=data["api_id"],
            apimsgid=data.get("apimsgid"),
            status=data.get("status"),
            mo_msg_id=data.get("moMsgId"),
            attempts=tuple(PushAttempt(**attempt) for attempt in data["attempts"]),
        )

    @property
    def fields(self) -> dict[str, str]:
        """The pushed form fields (of the query string for GET, of the body for POST)."""
        query = self.url.partition("?")[2] if self.method == "GET" else self.body or ""
        return dict(parse_qsl(query, keep_blank_values=True, encoding="latin-1"))


def journal_entry(data: Mapping[str, Any]) -> JournalEntry:
    """A :class:`JournalEntry` from the admin API's JSON shape."""
    return JournalEntry(
        seq=data["seq"],
        time=data["time"],
        method=data["method"],
        path=data["path"],
        command=data["command"],
        params=MappingProxyType(dict(data["params"])),
        client_ip=data["client_ip"],
        status=data["status"],
        body=data["body"],
    )


@dataclass(frozen=True, slots=True)
class RecordedError:
    """An exception the fake raised while handling a request (the request line is kept)."""

    method: str
    #: Path and query string, passwords masked.
    path: str
    #: ``repr()`` of the exception.
    error: str
    #: The server-side traceback, as text.
    traceback: str
    #: The exception itself when the fake runs in this process (``None`` for a remote fake).
    exception: BaseException | None = field(default=None, compare=False)
    #: The request's parameters (query string and form body), passwords masked.
    params: Mapping[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordedError:
        """Build one from ``GET /__admin/errors``."""
        return cls(
            data["method"],
            _mask_path(data["path"]),
            data["error"],
            data["traceback"],
            params=dict(data.get("params", {})),
        )

    def request_line(self) -> str:
        """``METHOD path`` and, when the body carried parameters, those too (masked)."""
        shown = dict(parse_qsl(self.path.partition("?")[2], keep_blank_values=True))
        extra = {name: value for name, value in self.params.items() if shown.get(name) != value}
        if not extra:
            return f"{self.method} {self.path}"
        body = " ".join(f"{name}={_short(value)!r}" for name, value in extra.items())
        return f"{self.method} {self.path} [{body}]"


def _mask_path(path: str) -> str:
    """``path`` with secret query values masked; werkzeug's ``full_path`` ends in ``?``."""
    path, _, query = path.partition("?")
    if not query:
        return path
    pairs = parse_qsl(query, keep_blank_values=True, encoding="latin-1")
    masked = [(name, MASK if name.lower() in SECRET_PARAMS else value) for name, value in pairs]
    return f"{path}?{urlencode(masked, safe='*', encoding='latin-1')}"


class FakeServerError(Exception):
    """The fake raised while handling requests of this test; the first one is the cause.

    ``errors`` holds every one, each with the request that caused it.
    """

    def __init__(self, errors: Sequence[RecordedError]) -> None:
        self.errors = tuple(errors)
        count = _n(len(self.errors), "exception")
        lines = [f"the fake raised {count} while handling this test's requests"]
        for error in self.errors:
            lines.append(f"  {error.request_line()}: {error.error}")
        first = self.errors[0]
        if first.exception is None:  # else it is the __cause__, shown with its traceback
            lines.append("")
            lines.append(f"Server-side traceback of the first ({first.method} {first.path}):")
            lines.append(first.traceback.rstrip())
        super().__init__("\n".join(lines))


class RemoteBackendError(Exception):
    """A remote fake could not be reached, or answered an admin call unexpectedly."""


# -- scenarios -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadedScenario:
    """A validated scenario and the YAML text a remote fake is sent (``PUT /__admin/scenario``)."""

    scenario: Scenario
    text: str

    @property
    def source(self) -> str:
        """Where it came from (a path, ``<dict>`` or ``<default>``)."""
        return self.scenario.source


DEFAULT_LOADED = LoadedScenario(DEFAULT_SCENARIO, "{}\n")

ScenarioLike = str | os.PathLike[str] | Mapping[str, Any]


def read_scenario(source: ScenarioLike, search: Sequence[Path] = ()) -> LoadedScenario:
    """Validate a scenario given as a file path or as data (a dict, the YAML's shape).

    A relative path is looked up in each of ``search`` in turn, then in the working directory.
    Raises :class:`~fake_clickatell.ScenarioError` (with file and key path) when it is invalid.
    """
    if isinstance(source, Mapping):
        scenario = scenario_from_data(dict(source), "<dict>")
        return LoadedScenario(scenario, scenario_to_yaml(source))
    path = _find(Path(source), search)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        tried = [] if path.is_absolute() else [base / path for base in search]
        where = ", ".join(str(candidate) for candidate in [*tried, path])
        raise ScenarioError(
            os.fspath(source),
            "",
            f"cannot read the file: {error.strerror or error} (tried {where})",
        ) from None
    except UnicodeDecodeError:
        raise ScenarioError(os.fspath(path), "", "the file is not UTF-8 text") from None
    return LoadedScenario(load_scenario_text(text, os.fspath(path)), text)


def _find(path: Path, search: Sequence[Path]) -> Path:
    if path.is_absolute():
        return path
    for base in search:
        if (base / path).is_file():
            return base / path
    return path


# -- backends ------------------------------------------------------------------------------------


class Backend(Protocol):
    """What the handle needs from a fake: the admin operations, in-process or over HTTP."""

    #: The base URL (``http://127.0.0.1:PORT``).
    url: str
    #: The scenario last loaded through this backend (``None``: not known yet).
    current: LoadedScenario | None

    def reset(self) -> int:
        """Back to the current scenario's initial state; recorded errors are dropped.

        Returns the highest push id that exists right after (pushes the reset dropped): what
        the handle's :meth:`FakeClickatell.pushes` leaves out, as it belongs to earlier tests.
        """

    def load(self, loaded: LoadedScenario) -> int:
        """Replace the scenario and reset; returns the push id floor as :meth:`reset`."""

    def clock(
        self, *, advance: float | None = None, set: float | None = None, freeze: bool | None = None
    ) -> dict[str, Any]:
        """Move the clock (``ClockError`` when the move makes no sense); the clock's JSON."""

    def messages(self) -> list[dict[str, Any]]:
        """``GET /__admin/messages``' list."""

    def journal(self) -> dict[str, Any]:
        """``GET /__admin/requests``."""

    def accounts(self) -> list[dict[str, Any]]:
        """``GET /__admin/accounts``' list."""

    def rules(self) -> list[dict[str, Any]]:
        """``GET /__admin/rules``' list."""

    def enable_rule(self, key: str, enabled: bool) -> None:
        """Switch the rule named (or at index) ``key`` on or off; ``LookupError`` if none."""

    def errors(self) -> list[RecordedError]:
        """Exceptions recorded since the last reset or load, oldest first."""

    def pushes(self, *, flush: bool = False) -> list[dict[str, Any]]:
        """``GET /__admin/callbacks``' list; with ``flush``, pushes due now are sent first."""

    def send_mo(self, payload: Mapping[str, str]) -> list[str]:
        """``POST /__admin/mo``: the moMsgIds; ``ValueError`` when the fake refuses it."""

    def close(self) -> None:
        """Release what the backend holds (stop the server it started)."""


class LocalBackend:
    """A fake in a background thread of this process, driven by direct calls under its lock."""

    def __init__(self, server: FakeServer) -> None:
        from .app import get_state

        self.server = server
        self.url = server.url
        self.current: LoadedScenario | None = None
        self._state = get_state(server.app)

    @classmethod
    def start(
        cls, host: str = "127.0.0.1", port: int = 0, loaded: LoadedScenario = DEFAULT_LOADED
    ) -> LocalBackend:
        """Start a :class:`~fake_clickatell.FakeServer` on ``host``:``port`` (0: a free one)."""
        from .server import FakeServer

        backend = cls(FakeServer(loaded.scenario, host=host, port=port).start())
        backend.current = loaded
        return backend

    @property
    def app(self) -> Flask:
        """The Flask app (for ``httpx.WSGITransport`` or Flask's test client)."""
        return self.server.app

    def reset(self) -> int:
        with self._state.lock:
            self._state.gateway.reset()
            self._state.errors.clear()
            return self._state.gateway.outbox.last_id

    def load(self, loaded: LoadedScenario) -> int:
        with self._state.lock:
            self._state.gateway.load(loaded.scenario)
            self._state.errors.clear()
            floor = self._state.gateway.outbox.last_id
        self.current = loaded
        return floor

    def clock(
        self, *, advance: float | None = None, set: float | None = None, freeze: bool | None = None
    ) -> dict[str, Any]:
        with self._state.lock:
            gateway = self._state.gateway
            if freeze is not None:
                gateway.freeze_clock(freeze)
            if set is not None:
                gateway.set_clock(set)
            if advance is not None:
                gateway.advance_clock(advance)
            self._state.poke()  # as the admin API does: send the pushes that fell due
            return gateway.clock_json()

    def messages(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return self._state.gateway.messages_json()

    def journal(self) -> dict[str, Any]:
        with self._state.lock:
            return self._state.gateway.journal_json()

    def accounts(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return self._state.gateway.accounts_json()

    def rules(self) -> list[dict[str, Any]]:
        with self._state.lock:
            rules: list[dict[str, Any]] = self._state.gateway.rules.to_json()["rules"]
            return rules

    def enable_rule(self, key: str, enabled: bool) -> None:
        with self._state.lock:
            found = self._state.gateway.rules.set_enabled(key, enabled)
        if not found:
            raise LookupError(f"no rule named {key!r}")

    def errors(self) -> list[RecordedError]:
        with self._state.lock:
            recorded = list(self._state.errors)
        return [
            RecordedError(
                error.method,
                _mask_path(error.path),
                repr(error.error),
                error.traceback,
                error.error,
                params=dict(error.params),
            )
            for error in recorded
        ]

    def pushes(self, *, flush: bool = False) -> list[dict[str, Any]]:
        if flush:
            self._state.dispatcher.flush()
        with self._state.lock:
            pushes: list[dict[str, Any]] = self._state.gateway.pushes_json()["pushes"]
            return pushes

    def send_mo(self, payload: Mapping[str, str]) -> list[str]:
        with self._state.lock:
            ids = self._state.gateway.inject_mo(
                to=payload["to"],
                sender=payload["from"],
                text=payload["text"],
                api_id=payload.get("api_id"),
                user=payload.get("user"),
            )
            self._state.poke()
        return ids

    def close(self) -> None:
        self.server.stop()


class RemoteBackend:
    """An already running ``fake-clickatell serve``, driven over its JSON admin API.

    Each call opens its own connection: admin calls are few, and a fresh connection is never
    a stale keep-alive one (retrying a POST on one could apply it twice).
    """

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteBackendError(f"expected an http:// or https:// URL, got {url!r}")
        self.url = url.rstrip("/")
        self.current: LoadedScenario | None = None
        self._parts = parts
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout

    def _call(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, Any]:
        parts = self._parts
        factory = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        conn = factory(parts.hostname or "", parts.port, timeout=self._timeout)
        headers = {"Content-Type": content_type} if content_type else {}
        try:
            conn.request(method, self._prefix + path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise RemoteBackendError(
                f"cannot reach the fake at {self.url} ({method} {path}): {error}"
            ) from None
        finally:
            conn.close()
        try:
            payload = json.loads(data) if data else None
        except ValueError:
            if response.status != 200:  # an error page: the caller reports status and text
                return response.status, data[:200].decode("utf-8", "replace")
            raise RemoteBackendError(
                f"{method} {self.url}{path} answered 200 with something other than JSON;"
                f" is {self.url} a fake-clickatell? {data[:200]!r}"
            ) from None
        return response.status, payload

    def _ok(
        self,
        method: str,
        path: str,
        json_body: object = None,
        *,
        yaml_body: str | None = None,
        errors: Mapping[int, Callable[[str], Exception]] | None = None,
    ) -> Any:
        """The JSON a 200 answer carries; another status raises ``errors[status](its error)``,
        else :class:`RemoteBackendError`."""
        if yaml_body is not None:
            status, payload = self._call(
                method, path, yaml_body.encode("utf-8"), "application/yaml"
            )
        elif json_body is not None:
            status, payload = self._call(
                method, path, json.dumps(json_body).encode(), "application/json"
            )
        else:
            status, payload = self._call(method, path)
        if status == 200:
            return payload
        detail = payload["error"] if isinstance(payload, dict) and "error" in payload else payload
        make = (errors or {}).get(status)
        if make is not None:
            raise make(str(detail))
        raise RemoteBackendError(f"{method} {self.url}{path} answered {status}: {detail}")

    def ping(self) -> None:
        """Check that the URL is a fake-clickatell answering its admin API."""
        self._ok("GET", "/__admin/clock")

    def reset(self) -> int:
        floor: int = self._ok("POST", "/__admin/reset")["last_push_id"]
        return floor

    def load(self, loaded: LoadedScenario) -> int:
        # Validated here first: a refusal means the remote fake is another version.
        def refused(error: str) -> ScenarioError:
            return ScenarioError(loaded.source, "", f"refused by {self.url}: {error}")

        answer = self._ok("PUT", "/__admin/scenario", yaml_body=loaded.text, errors={400: refused})
        self.current = loaded
        floor: int = answer["last_push_id"]
        return floor

    def clock(
        self, *, advance: float | None = None, set: float | None = None, freeze: bool | None = None
    ) -> dict[str, Any]:
        changes = {
            key: value
            for key, value in (("advance", advance), ("set", set), ("freeze", freeze))
            if value is not None
        }
        method = "POST" if changes else "GET"
        state: dict[str, Any] = self._ok(
            method, "/__admin/clock", changes or None, errors={400: ClockError}
        )
        return state

    def messages(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._ok("GET", "/__admin/messages")["messages"]
        return result

    def journal(self) -> dict[str, Any]:
        result: dict[str, Any] = self._ok("GET", "/__admin/requests")
        return result

    def accounts(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._ok("GET", "/__admin/accounts")["accounts"]
        return result

    def rules(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._ok("GET", "/__admin/rules")["rules"]
        return result

    def enable_rule(self, key: str, enabled: bool) -> None:
        def missing(error: str) -> LookupError:
            return LookupError(f"no rule named {key!r}")

        path = f"/__admin/rules/{quote(key, safe='')}"
        self._ok("POST", path, {"enabled": enabled}, errors={404: missing})

    def errors(self) -> list[RecordedError]:
        recorded = self._ok("GET", "/__admin/errors")["errors"]
        return [RecordedError.from_json(item) for item in recorded]

    def pushes(self, *, flush: bool = False) -> list[dict[str, Any]]:
        if flush:
            result: list[dict[str, Any]] = self._ok("POST", "/__admin/callbacks/flush")["pushes"]
            return result
        listed: list[dict[str, Any]] = self._ok("GET", "/__admin/callbacks")["pushes"]
        return listed

    def send_mo(self, payload: Mapping[str, str]) -> list[str]:
        ids: list[str] = self._ok("POST", "/__admin/mo", dict(payload), errors={400: ValueError})[
            "moMsgIds"
        ]
        return ids

    def close(self) -> None:
        """Nothing to release: the remote fake keeps running."""


# -- the handle ----------------------------------------------------------------------------------


class Clock:
    """The fake's virtual clock: everything time-dependent (sessions, statuses) reads it."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    @property
    def now(self) -> float:
        """The virtual time, unix seconds."""
        now: float = self._backend.clock()["now"]
        return now

    @property
    def datetime(self) -> dt.datetime:
        """The virtual time as an aware UTC datetime."""
        return dt.datetime.fromtimestamp(self.now, dt.timezone.utc)

    @property
    def frozen(self) -> bool:
        """True while the clock moves only when told to."""
        frozen: bool = self._backend.clock()["frozen"]
        return frozen

    def advance(self, seconds: float | dt.timedelta) -> float:
        """Move forward; whatever became due on the way happens at its own time. The new time."""
        if isinstance(seconds, dt.timedelta):
            seconds = seconds.total_seconds()
        now: float = self._backend.clock(advance=seconds)["now"]
        return now

    def set(self, when: float | dt.datetime) -> float:
        """Jump to ``when`` (unix seconds, or a datetime; naive means UTC). The new time."""
        if isinstance(when, dt.datetime):
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            when = when.timestamp()
        now: float = self._backend.clock(set=when)["now"]
        return now

    def freeze(self) -> float:
        """Stop the clock where it stands; it then moves only by :meth:`advance` and :meth:`set`."""
        now: float = self._backend.clock(freeze=True)["now"]
        return now

    def unfreeze(self) -> float:
        """Let the clock follow the wall clock again, from where it stands."""
        now: float = self._backend.clock(freeze=False)["now"]
        return now

    def __repr__(self) -> str:
        state = self._backend.clock()
        return f"<Clock now={state['now']!r} frozen={state['frozen']!r}>"


Matcher = str | re.Pattern[str]

#: The message fields :meth:`FakeClickatell.assert_sent` matches on, by keyword.
_MESSAGE_FIELDS = ("to", "text", "sender", "climsgid", "api_id", "user", "status", "apimsgid")


def _matches(value: str | None, expected: Matcher) -> bool:
    if value is None:
        return False
    if isinstance(expected, re.Pattern):
        return expected.search(value) is not None
    return value == expected


def _criteria_text(criteria: Mapping[str, Matcher]) -> str:
    def show(value: Matcher) -> str:
        return f"re.compile({value.pattern!r})" if isinstance(value, re.Pattern) else repr(value)

    return " ".join(f"{name}={show(value)}" for name, value in criteria.items())


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _listing(lines: Sequence[str], what: str) -> list[str]:
    shown = [f"  [{number}] {line}" for number, line in enumerate(lines, 1)][-_SHOWN:]
    if len(lines) > _SHOWN:
        shown.insert(0, f"  ... {len(lines) - _SHOWN} earlier {what} not shown")
    return shown


class FakeClickatell:
    """One fake Clickatell as a test sees it: where it is, what was sent, and its clock.

    The ``clickatell`` fixture gives one, reset to its scenario for each test. Outside pytest,
    build one on a backend: ``FakeClickatell(LocalBackend.start())``.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        search: Sequence[Path] = (),
        scenario: LoadedScenario | None = None,
    ) -> None:
        self._backend = backend
        self._search = tuple(search)
        self._errors_seen = 0
        self._pending: list[RecordedError] = []
        self.clock = Clock(backend)
        """The virtual clock: ``advance(seconds)``, ``set(when)``, ``freeze()``, ``unfreeze()``."""
        # A fresh start: the scenario's initial state, without reloading what is loaded already.
        loaded = scenario or backend.current or DEFAULT_LOADED
        if backend.current is loaded:
            self._push_floor = backend.reset()
        else:
            self._push_floor = backend.load(loaded)
        self._loaded = loaded

    # -- where, and as whom --------------------------------------------------------------------

    @property
    def backend(self) -> Backend:
        """The backend this handle drives (:class:`LocalBackend` or :class:`RemoteBackend`)."""
        return self._backend

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:40123``: what an app calls Clickatell's URL."""
        return self._backend.url

    @property
    def api_url(self) -> str:
        """The legacy HTTP API's URL: ``url + "/http"`` (commands are ``api_url + "/sendmsg"``)."""
        return self._backend.url + "/http"

    @property
    def scenario(self) -> Scenario:
        """The scenario the fake runs now."""
        return self._loaded.scenario

    @property
    def api_id(self) -> str:
        """The default account's api_id: the scenario's first account, else ``"3442105"``."""
        return self._credentials[0]

    @property
    def user(self) -> str:
        """The default account's user: the scenario's first account, else ``"demo"``."""
        return self._credentials[1]

    @property
    def password(self) -> str:
        """The default account's password: the scenario's first account, else ``"secret"``."""
        return self._credentials[2]

    @property
    def credentials(self) -> dict[str, str]:
        """``{"api_id": ..., "user": ..., "password": ...}``, ready to send as parameters."""
        return dict(zip(("api_id", "user", "password"), self._credentials, strict=True))

    @property
    def _credentials(self) -> tuple[str, str, str]:
        accounts = self._loaded.scenario.accounts
        if accounts:
            return accounts[0].api_id, accounts[0].user, accounts[0].password
        return DEFAULT_CREDENTIALS

    # -- state -----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the scenario's initial state: accounts, clock, ids; no sessions or messages."""
        self._collect_errors()
        self._push_floor = self._backend.reset()
        self._errors_seen = 0

    def load_scenario(self, source: ScenarioLike) -> Scenario:
        """Replace the scenario (a file path, or a dict shaped like the YAML) and reset.

        A relative path is looked up next to the test file, then in the rootdir, then in the
        working directory. The default credentials become the scenario's first account.
        """
        loaded = read_scenario(source, self._search)
        self._collect_errors()
        self._push_floor = self._backend.load(loaded)
        self._loaded = loaded
        self._errors_seen = 0
        return loaded.scenario

    @property
    def messages(self) -> list[SentMessage]:
        """Every message the fake accepted, oldest first (one per recipient)."""
        return [SentMessage.from_json(item) for item in self._backend.messages()]

    @property
    def requests(self) -> list[JournalEntry]:
        """The request journal: every API request and its reply, oldest first, passwords masked."""
        return [journal_entry(item) for item in self._backend.journal()["requests"]]

    @property
    def accounts(self) -> list[AccountState]:
        """Every account: the scenario's, then those made on first use in open mode."""
        return [AccountState.from_json(item) for item in self._backend.accounts()]

    @property
    def rules(self) -> list[RuleState]:
        """The scenario's rules with their counters (how often each matched and fired)."""
        return [RuleState.from_json(item) for item in self._backend.rules()]

    def rule(self, name: str) -> RuleState:
        """The rule called ``name`` (``LookupError`` listing the names if there is none)."""
        rules = self.rules
        for state in rules:
            if state.name == name:
                return state
        names = ", ".join(repr(state.name) for state in rules) or "none"
        raise LookupError(f"no rule named {name!r}; the scenario's rules: {names}")

    def enable_rule(self, name: str) -> None:
        """Switch a rule back on (rules start enabled)."""
        self._backend.enable_rule(name, True)

    def disable_rule(self, name: str) -> None:
        """Switch a rule off: it neither counts nor fires until enabled again."""
        self._backend.enable_rule(name, False)

    def balance(self, api_id: str | None = None, user: str | None = None) -> Decimal:
        """The credit left on an account (default: the default account)."""
        key = (api_id or self.api_id, user or self.user)
        for account in self.accounts:
            if (account.api_id, account.user) == key:
                return account.balance
        raise LookupError(f"no account api_id={key[0]!r} user={key[1]!r} (yet)")

    # -- callbacks and inbound messages ------------------------------------------------------

    def pushes(self, *, flush: bool = True) -> list[PushRecord]:
        """Every status callback and MO push, oldest first, with its attempts.

        With ``flush`` (the default), pushes that are due now are sent first and this waits
        for them, so a test sees the result of every push the clock has made due. Pushes from
        before the last reset (an earlier test's, dropped undelivered) are left out; the admin
        API (``GET /__admin/callbacks``) still lists them as ``dropped``.
        """
        return [
            PushRecord.from_json(item)
            for item in self._backend.pushes(flush=flush)
            if item["id"] > self._push_floor
        ]

    def send_mo(
        self,
        text: str,
        *,
        sender: str,
        to: str,
        api_id: str | None = None,
        user: str | None = None,
    ) -> list[str]:
        """Inject an inbound SMS from handset ``sender`` to the account number ``to``.

        It is pushed to the account's MO URL (a long text as several parts); a STOP opts the
        sender out. Returns the parts' moMsgIds. The account is the one owning ``to``; in open
        mode (no accounts declared) it is the default account unless ``api_id``/``user`` say.
        """
        if api_id is None and not self.scenario.accounts:
            api_id, user = self.api_id, user or self.user
        payload = {"to": to, "from": sender, "text": text}
        if api_id is not None:
            payload["api_id"] = api_id
        if user is not None:
            payload["user"] = user
        return self._backend.send_mo(payload)

    # -- assertions ------------------------------------------------------------------------------

    def find_messages(self, **criteria: Matcher) -> list[SentMessage]:
        """The messages whose fields match: ``to="27999000001"``, ``text=re.compile("code")``.

        Fields: to, text, sender (the ``from``), climsgid, api_id, user, status, apimsgid. A
        string must be equal; a compiled pattern must be found in the field (``re.search``).
        """
        self._check_fields(criteria)
        return [message for message in self.messages if self._match(message, criteria)]

    def assert_sent(self, *, count: int | None = None, **criteria: Matcher) -> SentMessage:
        """Assert a message matching ``criteria`` was sent (exactly ``count`` of them, if given).

        Returns the first match. The failure message lists what was sent instead, and the
        sendmsg requests the fake refused.
        """
        __tracebackhide__ = True
        self._check_fields(criteria)
        messages = self.messages
        found = [message for message in messages if self._match(message, criteria)]
        if found and (count is None or len(found) == count):
            return found[0]
        wanted = _criteria_text(criteria) or "(any)"
        if count is None:
            head = f"no message matches {wanted}"
        else:
            head = f"expected {_n(count, 'message')} matching {wanted}, found {len(found)}"
        raise AssertionError(self._report(head, messages))

    def assert_not_sent(self, **criteria: Matcher) -> None:
        """Assert no message matches ``criteria`` (with none given: nothing was sent at all)."""
        __tracebackhide__ = True
        self._check_fields(criteria)
        messages = self.messages
        found = [message for message in messages if self._match(message, criteria)]
        if found:
            wanted = _criteria_text(criteria) or "(any)"
            raise AssertionError(
                self._report(
                    f"{_n(len(found), 'message')} matching {wanted}, expected none", messages
                )
            )

    def assert_requested(
        self, command: str, *, count: int | None = None, **params: Matcher
    ) -> JournalEntry:
        """Assert the API was called with ``command`` (and these parameter values, if given).

        ``count`` asserts the exact number of such calls. Returns the first. Passwords are
        masked in the journal, so match on them only as ``"********"``.
        """
        __tracebackhide__ = True
        requests = self.requests
        found = [
            entry
            for entry in requests
            if entry.command == command
            and all(_matches(entry.params.get(name), value) for name, value in params.items())
        ]
        if found and (count is None or len(found) == count):
            return found[0]
        wanted = _criteria_text({"command": command, **params})
        if count is None:
            head = f"no request matches {wanted}"
        else:
            head = f"expected {_n(count, 'request')} matching {wanted}, found {len(found)}"
        lines = [head]
        if requests:
            lines.append(f"{_n(len(requests), 'request')} reached the fake:")
            lines.extend(_listing([_describe_request(entry) for entry in requests], "requests"))
        else:
            lines.append(f"no request reached the fake at {self.url}")
        lines.extend(self._unchecked_errors_note())
        raise AssertionError("\n".join(lines))

    def wait_for_messages(self, count: int, *, timeout: float = 5.0) -> list[SentMessage]:
        """Wait (real time) until at least ``count`` messages were accepted; all of them.

        For apps that send from background threads. It polls every few milliseconds and fails
        after ``timeout`` seconds, listing what was sent.
        """
        __tracebackhide__ = True
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages
            if len(messages) >= count:
                return messages
            if time.monotonic() >= deadline:
                head = f"waited {timeout} s for {_n(count, 'message')}, {len(messages)} sent"
                raise AssertionError(self._report(head, messages))
            time.sleep(POLL_INTERVAL)

    # -- server-side errors ----------------------------------------------------------------------

    @property
    def errors(self) -> list[RecordedError]:
        """Exceptions the fake raised while handling requests since this test's last reset."""
        return self._backend.errors()

    def check(self) -> None:
        """Raise :class:`FakeServerError` for exceptions the fake raised since the last check.

        The fixture calls it at teardown, so the test whose request broke the fake fails.
        """
        __tracebackhide__ = True
        self._collect_errors()
        new, self._pending = self._pending, []
        if new:
            raise FakeServerError(new) from new[0].exception

    def _collect_errors(self) -> None:
        """Move errors not yet seen into ``_pending`` (before a reset or load drops them)."""
        recorded = self._backend.errors()
        self._pending.extend(recorded[self._errors_seen :])
        self._errors_seen = len(recorded)

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _check_fields(criteria: Mapping[str, Matcher]) -> None:
        unknown = sorted(set(criteria) - set(_MESSAGE_FIELDS))
        if unknown:
            known = ", ".join(_MESSAGE_FIELDS)
            raise TypeError(f"unknown message field(s) {', '.join(unknown)}; expected {known}")

    @staticmethod
    def _match(message: SentMessage, criteria: Mapping[str, Matcher]) -> bool:
        return all(_matches(getattr(message, name), value) for name, value in criteria.items())

    def _report(self, head: str, messages: Sequence[SentMessage]) -> str:
        lines = [head]
        if messages:
            lines.append(f"sent: {_n(len(messages), 'message')}")
            lines.extend(_listing([message.describe() for message in messages], "messages"))
        else:
            lines.append("no message was sent")
        refused = [  # any recipient refused, or no reply in the grammar at all
            entry
            for entry in self.requests
            if entry.command == "sendmsg"
            and not all(line.startswith("ID: ") for line in entry.body.split("\n"))
        ]
        if refused:
            lines.append(f"refused: {_n(len(refused), 'sendmsg request')}")
            lines.extend(_listing([_describe_request(entry) for entry in refused], "requests"))
        lines.extend(self._unchecked_errors_note())
        return "\n".join(lines)

    def _unchecked_errors_note(self) -> list[str]:
        errors = self._pending + self._backend.errors()[self._errors_seen :]
        if not errors:
            return []
        note = [f"the fake also raised {_n(len(errors), 'exception')} (re-raised at teardown):"]
        note.extend(f"  {error.request_line()}: {error.error}" for error in errors)
        return note

    def __repr__(self) -> str:
        return f"<FakeClickatell {self.url} scenario={self._loaded.source!r}>"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe_request(entry: JournalEntry) -> str:
    params = " ".join(f"{name}={_short(value)!r}" for name, value in entry.params.items())
    return f"{entry.method} {entry.path} {params} -> {_short(entry.body, 80)!r}"
