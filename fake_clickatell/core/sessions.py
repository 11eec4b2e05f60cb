"""Sessions: 32-hex ids that expire after an idle time, renewed by every command that uses them."""

from __future__ import annotations

from dataclasses import dataclass

from .accounts import AccountKey
from .ids import IdSource

# Expired sessions are dropped lazily; a sweep every this many new sessions bounds the table.
_SWEEP_EVERY = 1024


@dataclass(slots=True)
class Session:
    """One open session of an account."""

    session_id: str
    account: AccountKey
    created_at: float
    last_used: float
    ttl: float

    def expired(self, now: float) -> bool:
        """True once the session has been idle for longer than its ttl."""
        return now - self.last_used > self.ttl


class SessionStore:
    """Open sessions by id."""

    __slots__ = ("_created", "_sessions")

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._created = 0

    def open(self, account: AccountKey, ttl: float, now: float, ids: IdSource) -> Session:
        """Open a new session for ``account``."""
        self._created += 1
        if self._created % _SWEEP_EVERY == 0:
            self.sweep(now)
        session = Session(ids.new_id(self._sessions), account, now, now, ttl)
        self._sessions[session.session_id] = session
        return session

    def use(self, session_id: str, now: float) -> Session | None:
        """The live session ``session_id`` with its idle timer renewed; ``None`` if gone."""
        session = self._sessions.get(session_id)
        if session is None:
            return None
        if session.expired(now):
            del self._sessions[session_id]
            return None
        session.last_used = now
        return session

    def peek(self, session_id: str) -> Session | None:
        """The session ``session_id`` if it is in the table, without renewing it."""
        return self._sessions.get(session_id)

    def sweep(self, now: float) -> None:
        """Drop every session expired by ``now``."""
        self._sessions = {k: s for k, s in self._sessions.items() if not s.expired(now)}

    def expire(self, session_id: str) -> bool:
        """End a session now (scenario rules use this); True if it existed."""
        return self._sessions.pop(session_id, None) is not None

    def __len__(self) -> int:
        return len(self._sessions)

    def all(self) -> list[Session]:
        """Every session still in the table (some may have expired)."""
        return list(self._sessions.values())
