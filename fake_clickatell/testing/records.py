"""What the test handle reads from a fake, as typed, frozen values.

Each is built from the admin API's JSON shape, so the handle reads a fake in this process and a
fake in another one the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl

from ..core.journal import JournalEntry
from .reports import short


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
    #: The API it was sent through: ``http``, ``rest``, ``platform`` or ``one``.
    api: str = "http"
    #: The Platform or One API integration that sent it (its id); ``None`` for the others.
    integration: str | None = None

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
            api=data.get("api", "http"),
            integration=data.get("integration"),
        )

    def describe(self) -> str:
        """One line for failure messages: who, what, and where it stands."""
        return (
            f"to={self.to!r} text={short(self.text)!r} from={self.sender!r} status={self.status!r}"
            f" api_id={self.api_id!r} user={self.user!r} apimsgid={self.apimsgid!r}"
            f" api={self.api!r}"
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
    #: The API of the message or integration it is about (``http`` for a legacy inbound
    #: message); the integration (its id), for the Platform's and the One API's.
    api: str = "http"
    integration: str | None = None

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
            attempts=tuple(
                PushAttempt(
                    attempt["attempt"],
                    attempt["time"],
                    attempt["ok"],
                    attempt["detail"],
                    attempt["status_code"],
                )
                for attempt in data["attempts"]
            ),
            api=data.get("api", "http"),
            integration=data.get("integration"),
        )

    @property
    def document(self) -> Any:
        """The pushed JSON document (a JSON push's body), parsed; secrets show masked."""
        return json.loads(self.body or "null")

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
        rule=data.get("rule"),
        reason=data.get("reason"),
        api=data.get("api", ""),
    )
