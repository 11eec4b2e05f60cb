"""What a command handler may ask of the gateway: the steps commands share.

Handlers are typed against this protocol, not against the gateway class, so the gateway can
hold the table of handlers without the handlers importing it back.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Protocol

from ..accounts import Account, AccountBook
from ..batches import BatchStore
from ..commands import Credentials, MessageRef, SendPlan
from ..grammar import ApiError, RecipientResult, Reply
from ..lifecycle import Message
from ..request import ApiRequest
from ..rules import Decision
from ..scenario_model import RecipientLimits, Scenario
from ..sessions import SessionStore


class Context(Protocol):
    """The gateway as its command handlers see it."""

    #: Batches opened by ``startbatch`` and not yet ended.
    batches: BatchStore
    #: The accounts and their credentials.
    accounts: AccountBook
    #: The HTTP API's open sessions.
    sessions: SessionStore
    #: The scenario the gateway runs.
    scenario: Scenario

    @property
    def recipient_limits(self) -> RecipientLimits:
        """Most recipients one request may carry, by method."""
        ...

    def new_id(self) -> str:
        """A fresh 32-hex id for a message or a batch."""
        ...

    def error(
        self,
        code: int,
        account: Account | None = None,
        *,
        reason: str | None = None,
        api: str = "http",
        **fields: object,
    ) -> ApiError:
        """The error ``code`` as ``api`` numbers it, with the text the account (or the
        scenario, or the API) gives it, and the ``reason`` the fake gives its user."""
        ...

    def authenticate_key(self, api: str, key: str, client_ip: str) -> Account | ApiError:
        """The account a credential of ``api`` (a bearer token, an API key) opens, or the
        error (then IP lockdown and a frozen account, as ``api`` answers them)."""
        ...

    def authenticate(self, request: ApiRequest, now: float) -> Account | ApiError:
        """The account a request acts for: by session when it names one, else credentials."""
        ...

    def check_credentials(self, credentials: Credentials, client_ip: str) -> Account | ApiError:
        """The account api_id + user + password open (no session)."""
        ...

    def session_account(self, session_id: str, now: float, client_ip: str) -> Account | ApiError:
        """The account of a live session (renewing it), or 003."""
        ...

    def open_session(self, account: Account, now: float) -> str:
        """Open a session for ``account``; its id."""
        ...

    def check_sender(self, account: Account, sender: str | None) -> ApiError | None:
        """123 when the account approves only some sender ids and ``sender`` is not one."""
        ...

    def send_all(
        self, account: Account, plan: SendPlan, now: float, decision: Decision | None
    ) -> list[RecipientResult]:
        """Send ``plan`` to each recipient: one result per recipient, in order."""
        ...

    def find_message(self, account: Account, ref: MessageRef) -> Message | None:
        """The account's message ``ref`` names (another account's is not found)."""
        ...

    def cancel(self, account: Account, message: Message, now: float) -> None:
        """``delmsg``: stop a message still inside the router (refunded), else nothing."""
        ...

    def route_charge(self, msisdn: str) -> Decimal | None:
        """Credits per part to ``msisdn``; ``None`` when no route covers it."""
        ...

    def redeem(self, account: Account, token: str | None) -> str | None:
        """Add a voucher's credit to ``account`` once; why not, for an unknown or spent token."""
        ...


#: Every command handler has this shape: the gateway, the request, the virtual time, and the
#: scenario rule's decision when one fired without answering for the command.
Handler = Callable[[Context, ApiRequest, float, "Decision | None"], Reply]
