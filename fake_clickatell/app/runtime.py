"""The runtime: one running fake, and the one place its operations are written.

A :class:`Runtime` owns a gateway, the lock that makes each operation on it atomic, the errors
the fake raised while handling requests, and the sender of its pushes. The API adapter, the
admin API and the test handle's local backend all drive the fake through its methods: take the
lock, call the gateway, wake the push sender when pushes may be due, and keep what went wrong.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ..core import views
from ..core.gateway import Gateway
from ..core.journal import mask_params, mask_query
from ..core.outbox import PushResult
from ..core.request import ApiRequest, Outcome
from ..core.scenario_model import Scenario
from .access import AdminAccess
from .errors import RecordedError
from .events import ChangeFeed
from .push_sender import DuePushes, PushSender, Send, http_send
from .request_log import log_line, push_line

if TYPE_CHECKING:
    from flask import Flask

#: Where a Flask app made by ``create_app`` keeps its runtime (``app.extensions``).
EXTENSION = "fake_clickatell"

#: Seconds a flush waits for the pushes due now before it gives up.
FLUSH_TIMEOUT = 30.0

T = TypeVar("T")


class Runtime:
    """One running fake: its gateway, its lock, its recorded errors and its push sender."""

    def __init__(
        self,
        gateway: Gateway,
        *,
        log: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        send: Send = http_send,
        access: AdminAccess | None = None,
    ) -> None:
        self.gateway = gateway
        #: The scenario it started with: what :meth:`restore` brings back.
        self.initial = gateway.scenario
        #: Who may use the admin API (:mod:`.access`); a server bound off loopback tightens it.
        self.access = access or AdminAccess()
        #: Held around every use of the gateway: each request and each operation is atomic.
        self.lock = threading.Lock()
        #: Where one line per request goes (``None``: nowhere).
        self.log = log
        #: How a scripted latency waits (real time, outside the lock).
        self.sleep = sleep
        self._errors: list[RecordedError] = []
        #: Told of every change while anyone watches (the web UI's event streams).
        self.changes = ChangeFeed()
        #: The moMsgId of each inbound message's first part -> how many messages had been
        #: accepted before it: the web UI shows both kinds in the order they happened, even
        #: on a frozen clock (where their times are all the same).
        self.inbound_marks: dict[str, int] = {}
        self.push_sender = PushSender(self._take_due, self._report, self._push_failed, send)

    # -- the API ---------------------------------------------------------------------------

    def handle(self, request: ApiRequest) -> Outcome:
        """Answer one API request atomically; pushes it made due are sent in the background."""
        with self.lock:
            outcome = self.gateway.handle(request)
            self._wake_pushes()
            self._changed()
        return outcome

    def record_error(
        self,
        error: BaseException,
        traceback: str,
        *,
        method: str,
        path: str,
        query: str = "",
        params: Mapping[str, str] | None = None,
    ) -> RecordedError:
        """Keep an exception raised while handling a request, secrets masked; log it."""
        masked = mask_query(query) if query else ""
        recorded = RecordedError(
            method,
            f"{path}?{masked}" if masked else path,
            repr(error),
            traceback,
            error,
            mask_params(params or {}),
        )
        with self.lock:
            self._errors.append(recorded)
            self._changed()
        if self.log is not None:
            self.log(f"internal error on {method} {path}: {error!r}")
        return recorded

    def outside(
        self,
        environ: Mapping[str, Any],
        status: int,
        body: str,
        reason: str,
        api: str = "",
    ) -> None:
        """A request that reached no command (a path outside the API, an admin call refused
        at the door, one the fake failed on, ``api`` the API it came to): journaled and
        logged, with its reason."""
        method = str(environ.get("REQUEST_METHOD", "GET"))
        path = str(environ.get("PATH_INFO", ""))
        query = str(environ.get("QUERY_STRING", ""))
        client = str(environ.get("REMOTE_ADDR") or "")
        with self.lock:
            self.gateway.journal_outside(method, path, query, client, status, body, reason, api)
            self._changed()
        if self.log is not None:
            log_line(self.log, client, method, path, query, status, body, reason)

    def refused(self, environ: Mapping[str, Any], status: int, reason: str) -> None:
        """An admin request refused at the door (token, Host, cross-site)."""
        self.outside(environ, status, f"{status} {reason}", reason)

    @property
    def errors(self) -> list[RecordedError]:
        """Exceptions raised while handling requests since the last reset or load."""
        with self.lock:
            return list(self._errors)

    # -- operations ------------------------------------------------------------------------

    def restore(self) -> int:
        """Back to the scenario the runtime started with (whatever was loaded since), reset;
        returns the push id floor as :meth:`reset`."""
        return self.load(self.initial)

    def reset(self) -> int:
        """Back to the current scenario's initial state; recorded errors are dropped.

        Returns the highest push id that exists right after: pushes up to it (dropped ones
        among them) come from before the reset.
        """
        with self.lock:
            self.gateway.reset()
            self._errors.clear()
            self.inbound_marks.clear()
            self._changed()
            return self.gateway.outbox.last_id

    def load(self, scenario: Scenario, *, trusted: bool = True) -> int:
        """Replace the scenario and reset; returns the push id floor as :meth:`reset`.

        A scenario from the network (``trusted=False``) can narrow where pushes may go, never
        widen it.
        """
        with self.lock:
            self.gateway.load(scenario, trusted=trusted)
            self._errors.clear()
            self.inbound_marks.clear()
            self._changed()
            return self.gateway.outbox.last_id

    def move_clock(
        self, *, advance: float | None = None, set: float | None = None, freeze: bool | None = None
    ) -> dict[str, Any]:
        """Freeze or unfreeze, set, then advance the clock (``ClockError`` when a move makes no
        sense); whatever fell due on the way happens at its own time. The clock's JSON."""
        with self.lock:
            gateway = self.gateway
            if freeze is not None:
                gateway.freeze_clock(freeze)
            if set is not None:
                gateway.set_clock(set)
            if advance is not None:
                gateway.advance_clock(advance)
            self._wake_pushes()
            self._changed()
            return gateway.clock_json()

    def inject_mo(
        self,
        *,
        to: str,
        sender: str,
        text: str,
        api_id: str | None = None,
        user: str | None = None,
        network: str = "",
    ) -> list[str]:
        """An inbound SMS (``InboundError`` when the fake cannot take it); its moMsgIds."""
        with self.lock:
            ids = self.gateway.inject_mo(
                to=to, sender=sender, text=text, api_id=api_id, user=user, network=network
            )
            if ids:
                self.inbound_marks[ids[0]] = len(self.gateway.messages)
            self._wake_pushes()
            self._changed()
        return ids

    def set_rule_enabled(self, key: str, enabled: bool) -> bool:
        """Switch the rule named (or at index) ``key`` on or off; False when there is none."""
        with self.lock:
            done = self.gateway.rules.set_enabled(key, enabled)
            self._changed()
            return done

    def flush_pushes(self, timeout: float = FLUSH_TIMEOUT) -> bool:
        """Send every push due now and wait for them; True when none is left due."""
        return self.push_sender.flush(timeout)

    def close(self) -> None:
        """Stop sending pushes and end the event streams (the fake's state stays readable)."""
        self.push_sender.close()
        self.changes.close()

    # -- views (the admin API's JSON shapes, a page at a time; ``limit=None``: all) -------

    def read(self, build: Callable[[Gateway], T]) -> T:
        """``build(gateway)`` under the lock, statuses brought up to date first: one consistent
        view for a web page. ``build`` only copies out what the page shows (rendering it is
        left to the caller, outside the lock)."""
        with self.lock:
            self.gateway.tick()
            self._wake_pushes()
            if self.changes.listeners:
                self.changes.schedule(self._due_in())
            return build(self.gateway)

    def clock(self) -> dict[str, Any]:
        """``{"now": unix_time, "frozen": bool}``."""
        with self.lock:
            return self.gateway.clock_json()

    def messages(
        self,
        offset: int = 0,
        limit: int | None = None,
        where: views.MessageFilter | None = None,
    ) -> dict[str, Any]:
        """Accepted messages, oldest first: ``{"messages": [...], "page": {...}}``."""
        with self.lock:
            return views.messages(self.gateway, offset, limit, where)

    def journal(
        self,
        offset: int = 0,
        limit: int | None = None,
        after: int | None = None,
        where: views.RequestFilter | None = None,
    ) -> dict[str, Any]:
        """The request journal with its bounds; ``after`` a ``seq`` to start past."""
        with self.lock:
            return views.journal(self.gateway, offset, limit, after, where)

    def accounts(self, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
        """Every account with its balance."""
        with self.lock:
            return views.accounts(self.gateway, offset, limit)

    def rules(self) -> dict[str, Any]:
        """The scenario's rules with their counters, and those that never fired."""
        with self.lock:
            return self.gateway.rules.to_json()

    def pushes(self, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
        """Every push with its attempts."""
        with self.lock:
            return views.pushes(self.gateway, offset, limit)

    def inbound(self, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
        """Every inbound message part injected."""
        with self.lock:
            return views.inbound(self.gateway, offset, limit)

    # -- the push sender's side ------------------------------------------------------------

    def _wake_pushes(self) -> None:
        """Wake the push sender when pushes are waiting (the lock is held)."""
        if len(self.gateway.outbox):
            self.push_sender.wake()

    def _changed(self) -> None:
        """The state changed (the lock is held): tell the event streams, if any listen."""
        changes = self.changes
        if changes.listeners:
            changes.changed(self._due_in())

    def _due_in(self) -> float | None:
        """Seconds until a status changes by itself on the running clock (``None``: none
        scheduled, or the clock is frozen)."""
        gateway = self.gateway
        due = gateway.timeline.next_due()
        if due is None or gateway.clock.frozen:
            return None
        return due - gateway.now()

    def _take_due(self) -> DuePushes:
        with self.lock:
            gateway = self.gateway
            due = gateway.take_due_pushes()
            return DuePushes(due, gateway.outbox.next_due(), gateway.now(), gateway.clock.frozen)

    def _report(self, push_id: int, result: PushResult) -> None:
        with self.lock:
            push = self.gateway.report_push(push_id, result)
            line = None if push is None else push_line(push)
            self._changed()
        if line is not None and self.log is not None:
            self.log(line)

    def _push_failed(self, error: BaseException, traceback: str) -> None:
        self.record_error(error, traceback, method="PUSH", path="<push sender>")


def runtime_of(app: Flask) -> Runtime:
    """The :class:`Runtime` an app made by ``create_app`` serves."""
    runtime: Runtime = app.extensions[EXTENSION]
    return runtime
