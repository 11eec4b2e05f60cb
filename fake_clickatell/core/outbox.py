"""The outbox: pushes waiting, in flight and done, with their retry schedule on the virtual clock.

The gateway adds a push when a message reaches a status its callback asks for, or an inbound
message arrives; the app's push sender takes the due ones, performs the HTTP request, and
reports back. Attempts are stamped with the virtual time they were *due*, so a receiver that
fails twice shows attempts at T, T+2 min and T+6 min however late anyone looked. A push to a host
the :class:`HostPolicy` does not allow is refused, and kept as such: nothing is dropped unseen.
"""

from __future__ import annotations

import enum
import ipaddress
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .accounts import AccountKey
from .clock import iso_time
from .journal import MASK
from .push_payloads import PushRequest, mask_url, secret_forms
from .scenario_model import LOOPBACK_HOSTS, PushTarget

#: Finished pushes kept for the admin API; pending ones are always kept.
PUSH_HISTORY_LIMIT = 10_000


class HostPolicy:
    """Which hosts pushes may reach: names compared as written, addresses by network.

    Names are not resolved, so a name is allowed only when listed itself (a DNS answer cannot
    widen the policy).
    """

    __slots__ = ("_also", "_names", "_networks")

    def __init__(
        self, allowed: Iterable[str] = LOOPBACK_HOSTS, *, also: HostPolicy | None = None
    ) -> None:
        #: Another policy a URL must satisfy too (see :meth:`within`).
        self._also = also
        self._names: set[str] = set()
        self._networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allowed:
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self._names.add(entry.lower().rstrip("."))

    def within(self, other: HostPolicy) -> HostPolicy:
        """A policy that allows what both this one and ``other`` allow."""
        narrowed = HostPolicy((), also=other)
        narrowed._names, narrowed._networks = self._names, self._networks
        return narrowed

    def allows(self, url: str) -> bool:
        """True when ``url`` is http(s) to an allowed host."""
        if self._also is not None and not self._also.allows(url):
            return False
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return host.lower().rstrip(".") in self._names
        return any(address in network for network in self._networks)


# -- the outbox ------------------------------------------------------------------------------


class PushState(enum.Enum):
    """Where a push stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # every retry failed
    REFUSED = "refused"  # its host is not allowed: never attempted
    DROPPED = "dropped"  # the fake was reset before it was delivered


@dataclass(frozen=True, slots=True)
class Attempt:
    """One delivery attempt: when (virtual, as scheduled), and how it went."""

    number: int
    time: float
    ok: bool
    detail: str
    status_code: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "attempt": self.number,
            "time": self.time,
            "time_iso": iso_time(self.time),
            "ok": self.ok,
            "detail": self.detail,
            "status_code": self.status_code,
        }


@dataclass(eq=False, slots=True)
class Push:
    """One push (a callback or an MO part) and its attempts."""

    push_id: int
    kind: str  # "callback" or "mo"
    account: AccountKey
    subject: dict[str, str]
    request: PushRequest
    timeout: float
    retries: tuple[float, ...]
    created_at: float
    next_due: float | None
    state: PushState = PushState.PENDING
    in_flight: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    #: A secret the push carries (an integration's API key): never shown, only sent.
    secret: str | None = None

    def _masked(self, text: str) -> str:
        if self.secret:
            for form in secret_forms(self.secret):
                text = text.replace(form, MASK)
        return text

    def shown_url(self) -> str:
        """The URL as the admin API and the log show it: passwords and secrets masked."""
        return self._masked(mask_url(self.request.url))

    def shown_body(self) -> str | None:
        """The body as the admin API shows it (bytes as Latin-1), secrets masked."""
        body = self.request.body
        return None if body is None else self._masked(body.decode("latin-1"))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view (the admin API's shape), secrets masked."""
        request = self.request
        next_at = self.next_due if self.state is PushState.PENDING else None
        return {
            "id": self.push_id,
            "kind": self.kind,
            "api_id": self.account[0],
            "user": self.account[1],
            **self.subject,
            "state": self.state.value,
            "method": request.method,
            "url": self.shown_url(),
            "body": self.shown_body(),
            "created_at": self.created_at,
            "created_at_iso": iso_time(self.created_at),
            "next_attempt_at": next_at,
            "next_attempt_at_iso": None if next_at is None else iso_time(next_at),
            "attempts": [attempt.to_json() for attempt in self.attempts],
        }


@dataclass(frozen=True, slots=True)
class PushResult:
    """What the dispatcher saw: delivered (2xx) or not, with a short reason."""

    ok: bool
    detail: str
    status_code: int | None = None


class Outbox:
    """Pushes waiting, in flight, and done; the retry schedule on the virtual clock."""

    __slots__ = ("_done", "_pending", "last_id", "policy")

    def __init__(self, policy: HostPolicy, first_id: int = 1) -> None:
        self.policy = policy
        self._pending: dict[int, Push] = {}
        self._done: deque[Push] = deque(maxlen=PUSH_HISTORY_LIMIT)
        #: The highest id handed out so far (ids keep growing across resets).
        self.last_id = first_id - 1

    def add(
        self,
        *,
        kind: str,
        account: AccountKey,
        subject: dict[str, str],
        request: PushRequest,
        target: PushTarget,
        now: float,
        secret: str | None = None,
    ) -> Push:
        """Queue a push, due at once; one to a host not allowed is refused and journaled."""
        self.last_id += 1
        push = Push(
            self.last_id,
            kind,
            account,
            subject,
            request,
            target.timeout,
            target.retries,
            now,
            now,
            secret=secret,
        )
        if not self.policy.allows(request.url):
            push.state, push.next_due = PushState.REFUSED, None
            push.attempts.append(Attempt(0, now, False, "refused: host not allowed"))
            self._done.append(push)
        else:
            self._pending[push.push_id] = push
        return push

    def take_due(self, now: float) -> list[Push]:
        """The pushes due by ``now`` and not in flight, oldest first; marks them in flight."""
        due = [
            push
            for push in self._pending.values()
            if not push.in_flight and push.next_due is not None and push.next_due <= now
        ]
        due.sort(key=lambda push: (push.next_due or 0.0, push.push_id))
        for push in due:
            push.in_flight = True
        return due

    def next_due(self) -> float | None:
        """When the next push not in flight falls due, if any."""
        times = [
            push.next_due
            for push in self._pending.values()
            if not push.in_flight and push.next_due is not None
        ]
        return min(times) if times else None

    def report(self, push_id: int, result: PushResult) -> Push | None:
        """Record an attempt's result; schedule the retry or finish. None if not ours."""
        push = self._pending.get(push_id)
        if push is None or not push.in_flight or push.next_due is None:
            return None
        number = len(push.attempts) + 1
        at = push.next_due
        push.attempts.append(Attempt(number, at, result.ok, result.detail, result.status_code))
        push.in_flight = False
        if result.ok:
            push.state, push.next_due = PushState.DELIVERED, None
        elif number <= len(push.retries):
            push.next_due = at + push.retries[number - 1]
        else:
            push.state, push.next_due = PushState.FAILED, None
        if push.next_due is None:
            del self._pending[push_id]
            self._done.append(push)
        return push

    def drop_all(self, now: float) -> list[Push]:
        """Drop every push not yet delivered (the fake is being reset)."""
        dropped = list(self._pending.values())
        for push in dropped:
            push.state, push.next_due, push.in_flight = PushState.DROPPED, None, False
            push.attempts.append(Attempt(0, now, False, "dropped: the fake was reset"))
        self._pending.clear()
        return dropped

    def keep(self, pushes: Iterable[Push]) -> None:
        """Carry finished pushes over (dropped ones survive a reset in the journal)."""
        self._done.extend(pushes)

    def all(self) -> list[Push]:
        """Every push known, oldest first."""
        return sorted((*self._done, *self._pending.values()), key=lambda push: push.push_id)

    def __len__(self) -> int:
        return len(self._pending)
