"""The admin API's listings: the gateway's state as JSON-ready dicts, a page at a time.

Each function reads the gateway (the caller holds its lock) and builds only the page asked
for, so a listing costs what its page holds, not what the fake holds; turning the page into
JSON text is left to the caller, outside the lock.
"""

from __future__ import annotations

from typing import Any

from .gateway import Gateway
from .paging import Page


def messages(gateway: Gateway, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """Accepted messages, oldest first (statuses brought up to date first)."""
    gateway.tick()
    found = gateway.messages
    page = Page.of(found.values(), len(found), offset, limit)
    return {"messages": [message.to_json() for message in page.items], "page": page.info()}


def journal(
    gateway: Gateway, offset: int = 0, limit: int | None = None, after: int | None = None
) -> dict[str, Any]:
    """The request journal, oldest first; ``after`` (a ``seq``) starts past that entry."""
    kept = gateway.journal
    if after is not None:
        first_seq = kept.total - len(kept) + 1  # entries are numbered without gaps
        offset = max(0, after - first_seq + 1)
    page = Page.of(kept.entries(), len(kept), offset, limit)
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
