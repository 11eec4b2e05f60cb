"""What the web UI shows besides messages: the request journal, and the control panel (rules,
accounts, pushes). Like :mod:`.messages`, each ``build_*`` function runs under the runtime's
lock and copies out one page as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.gateway import Gateway
from ...core.grammar import format_decimal
from ...core.journal import JournalEntry
from .messages import PAGE_SIZE, Exchange, account_label, exchange_of
from .paging import Pager

#: The command filter's value for requests that reached no command (paths outside the API,
#: admin calls refused at the door).
OUTSIDE = "-"


@dataclass(frozen=True, slots=True)
class RequestsQuery:
    """The journal's filters: command (``""``: any; :data:`OUTSIDE`: none reached), HTTP
    status (``""``: any; ``none``: no reply), API (``""``: any), and text found in the path,
    a parameter, the reply, the reason or the rule."""

    command: str = ""
    status: str = ""
    q: str = ""
    api: str = ""
    page: int = 1

    def keeps(self, entry: JournalEntry) -> bool:
        """True when ``entry`` passes every filter."""
        if self.api and entry.api != self.api:
            return False
        if self.command and entry.command != ("" if self.command == OUTSIDE else self.command):
            return False
        if self.status and str(entry.status or "none") != self.status:
            return False
        q = self.q.lower()
        return not q or any(
            q in text.lower()
            for text in (
                entry.path,
                entry.body,
                entry.reason or "",
                entry.rule or "",
                *entry.params.values(),
            )
        )


@dataclass(frozen=True, slots=True)
class Requests:
    """One page of the journal, newest first, and what its filters offer."""

    rows: list[tuple[str, Exchange]]
    pager: Pager
    commands: list[str]
    statuses: list[str]
    journaled: int
    kept: int


def build_requests(gateway: Gateway, query: RequestsQuery) -> Requests:
    """The journal page ``query`` asks for: each row is (command, exchange)."""
    entries = list(gateway.journal.entries())
    kept = [entry for entry in reversed(entries) if query.keeps(entry)]
    pager = Pager(query.page, PAGE_SIZE, len(kept))
    rows = [(entry.command, exchange_of(entry)) for entry in kept[pager.start : pager.stop]]
    commands = sorted({entry.command for entry in entries if entry.command})
    statuses = sorted({str(entry.status or "none") for entry in entries})
    return Requests(rows, pager, commands, statuses, gateway.journal.total, len(entries))


@dataclass(frozen=True, slots=True)
class AccountRow:
    """An account as the control panel lists it."""

    label: str
    api_id: str
    user: str
    balance: str
    frozen: bool
    numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Control:
    """Rules with their counters, accounts, and a page of pushes (newest first)."""

    rules: list[dict[str, Any]]
    accounts: list[AccountRow]
    pushes: list[dict[str, Any]]
    pager: Pager
    pending: int
    scenario: str


def build_control(gateway: Gateway, page: int) -> Control:
    """The control panel's state, with page ``page`` of the pushes."""
    rules = gateway.rules.to_json()["rules"]
    accounts = [
        AccountRow(
            account_label(*account.key),
            account.api_id,
            account.user,
            format_decimal(account.balance),
            account.frozen,
            account.mo.numbers if account.mo is not None else (),
        )
        for account in gateway.accounts.all()
    ]
    everything = gateway.outbox.all()
    everything.reverse()
    pager = Pager(page, PAGE_SIZE, len(everything))
    pushes = [push.to_json() for push in everything[pager.start : pager.stop]]
    return Control(rules, accounts, pushes, pager, len(gateway.outbox), gateway.scenario.source)
