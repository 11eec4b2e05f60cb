"""The admin API's listings: the gateway's state as JSON-ready dicts, a page at a time.

Each function reads the gateway (the caller holds its lock) and builds only the page asked
for, so a listing costs what its page holds, not what the fake holds; turning the page into
JSON text is left to the caller, outside the lock.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from .gateway import Gateway
from .journal import JournalEntry
from .lifecycle import Message
from .paging import Page


@dataclass(frozen=True, slots=True)
class MessageFilter:
    """Which messages a listing keeps (every field given must hold)."""

    to: str | None = None
    status: int | None = None
    api_id: str | None = None
    climsgid: str | None = None
    #: Accepted at or after this virtual time.
    since: float | None = None
    #: Sent through this API (``http``, ``rest``).
    api: str | None = None

    def keeps(self, message: Message) -> bool:
        """True when ``message`` passes every condition given."""
        return (
            (self.api is None or message.options.api == self.api)
            and (self.to is None or message.to == self.to)
            and (self.status is None or message.status == self.status)
            and (self.api_id is None or message.account[0] == self.api_id)
            and (self.climsgid is None or message.climsgid == self.climsgid)
            and (self.since is None or message.accepted_at >= self.since)
        )


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """Which journal entries a listing keeps (every field given must hold)."""

    #: The command (``sendmsg``), or ``""`` for requests that reached no command.
    command: str | None = None
    path: str | None = None
    #: The HTTP status the client got; ``0`` for no reply at all (a fault).
    status: int | None = None
    since: float | None = None
    #: The API it came to; ``""`` for requests outside every API.
    api: str | None = None

    def keeps(self, entry: JournalEntry) -> bool:
        """True when ``entry`` passes every condition given."""
        return (
            (self.api is None or entry.api == self.api)
            and (self.command is None or entry.command == self.command)
            and (self.path is None or entry.path == self.path)
            and (self.status is None or (entry.status or 0) == self.status)
            and (self.since is None or entry.time >= self.since)
        )


def _page(items: Collection[Any], keep: Any, offset: int, limit: int | None) -> Page[Any]:
    """The page of ``items`` that ``keep`` (a filter, or ``None``) lets through."""
    if keep is None:
        return Page.of(items, len(items), offset, limit)
    kept = [item for item in items if keep.keeps(item)]
    return Page.of(kept, len(kept), offset, limit)


def messages(
    gateway: Gateway,
    offset: int = 0,
    limit: int | None = None,
    where: MessageFilter | None = None,
) -> dict[str, Any]:
    """Accepted messages, oldest first (statuses brought up to date first)."""
    gateway.tick()
    page = _page(gateway.messages.values(), where, offset, limit)
    return {"messages": [message.to_json() for message in page.items], "page": page.info()}


def journal(
    gateway: Gateway,
    offset: int = 0,
    limit: int | None = None,
    after: int | None = None,
    where: RequestFilter | None = None,
) -> dict[str, Any]:
    """The request journal, oldest first; ``after`` (a ``seq``) starts past that entry."""
    kept = gateway.journal
    entries: Iterable[JournalEntry] = kept.entries()
    if after is not None:
        entries = [entry for entry in entries if entry.seq > after]
    page = _page(list(entries), where, offset, limit)
    return {
        "limit": kept.limit,
        "char_limit": kept.char_limit,
        "total": kept.total,
        "requests": [entry.to_json() for entry in page.items],
        "page": page.info(),
    }


def accounts(gateway: Gateway, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """Every account: the scenario's, then those made on first use in open mode."""
    everyone = gateway.accounts.all()
    page = Page.of(everyone, len(everyone), offset, limit)
    return {"accounts": [account.to_json() for account in page.items], "page": page.info()}


def pushes(gateway: Gateway, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """Every push (status callbacks and inbound messages) with its attempts, oldest first."""
    everything = gateway.outbox.all()
    page = Page.of(everything, len(everything), offset, limit)
    return {"pushes": [push.to_json() for push in page.items], "page": page.info()}


def inbound(gateway: Gateway, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """Every inbound message part injected, oldest first."""
    parts = gateway.inbound
    page = Page.of(parts, len(parts), offset, limit)
    return {"inbound": [part.to_json() for part in page.items], "page": page.info()}
