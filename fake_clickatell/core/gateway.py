"""The gateway: one fake Clickatell, its state, and the commands of the legacy HTTP API.

:meth:`Gateway.handle` takes an :class:`ApiRequest` (a command and its parameters) and returns
an :class:`Outcome` (the reply value and its rendered body). It does no I/O and is not
thread-safe: the adapter serialises calls (one lock), so each request is atomic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .accounts import Account, AccountBook
from .clock import VirtualClock
from .codes import STATUS_ROUTING_ERROR, STATUS_UNKNOWN, Err
from .commands import (
    Credentials,
    MessageRef,
    Params,
    SendOptions,
    api_error,
    echo_recipient,
    normalize_msisdn,
    parse_message_ref,
    parse_sendmsg,
)
from .config import DEFAULT_SCENARIO, Scenario, StatusStep
from .grammar import (
    Accepted,
    ApiError,
    Balance,
    MessageCharge,
    MessageStatus,
    MultiRecipient,
    Ok,
    RecipientAccepted,
    RecipientError,
    RecipientResult,
    Reply,
    render,
)
from .ids import IdSource
from .journal import DEFAULT_JOURNAL_LIMIT, Journal
from .lifecycle import Message, Timeline, stop
from .sessions import SessionStore

#: The commands of ``/http/<command>`` this gateway serves.
HTTP_COMMANDS = ("auth", "ping", "sendmsg", "querymsg", "delmsg", "getbalance", "getmsgcharge")


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One API call as the adapter hands it over."""

    command: str
    params: Params
    method: str = "GET"
    path: str = ""
    client_ip: str = "127.0.0.1"
    #: The body was too large to read; the request is answered 101 without its parameters.
    oversized: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to answer: the reply value and the exact body."""

    reply: Reply
    body: str
    status: int = 200


class Gateway:
    """A fake Clickatell gateway. Build it from a :class:`Scenario`; ``reset()`` restarts it."""

    def __init__(
        self,
        scenario: Scenario = DEFAULT_SCENARIO,
        *,
        time_source: Callable[[], float],
        seed: int | None = None,
        journal_limit: int = DEFAULT_JOURNAL_LIMIT,
    ) -> None:
        self._time_source = time_source
        self._fallback_seed = seed
        self._journal_limit = journal_limit
        self.clock = VirtualClock(time_source)
        self.load(scenario)

    # -- state ---------------------------------------------------------------------------

    def load(self, scenario: Scenario) -> None:
        """Replace the scenario and reset to its initial state."""
        self.scenario = scenario
        self.reset()

    def reset(self) -> None:
        """Back to the scenario's initial state: accounts, clock, ids, no sessions or messages."""
        scenario = self.scenario
        seed = scenario.seed if scenario.seed is not None else self._fallback_seed
        self.ids = IdSource(seed)
        self.accounts = AccountBook(scenario)
        self.sessions = SessionStore()
        self.messages: dict[str, Message] = {}
        self._by_climsgid: dict[tuple[tuple[str, str], str], Message] = {}
        self.timeline = Timeline()
        self.journal = Journal(self._journal_limit)
        self.clock = VirtualClock(
            self._time_source, start=scenario.clock.start, frozen=scenario.clock.frozen
        )

    def now(self) -> float:
        """The virtual time."""
        return self.clock.now()

    def tick(self) -> float:
        """Bring every time-driven state up to the virtual clock; returns the time."""
        now = self.clock.now()
        self.timeline.run_due(now)
        return now

    # Clock control goes through the gateway so that whatever became due on the way is applied
    # at its own time, and nothing that already ended comes back when the clock is set back.

    def advance_clock(self, seconds: float) -> None:
        """Move the virtual clock forward (``ClockError`` if ``seconds`` < 0)."""
        self.tick()
        self.clock.advance(seconds)
        self.tick()

    def set_clock(self, unix_time: float) -> None:
        """Jump the virtual clock to ``unix_time``, forwards or backwards."""
        self.sessions.sweep(self.tick())
        self.clock.set(unix_time)
        self.tick()

    def freeze_clock(self, frozen: bool = True) -> None:
        """Stop the virtual clock (``frozen``) or let it follow the wall clock again."""
        self.tick()
        if frozen:
            self.clock.freeze()
        else:
            self.clock.unfreeze()

    # -- requests ------------------------------------------------------------------------

    def handle(self, request: ApiRequest) -> Outcome:
        """Answer one API request and journal it."""
        now = self.tick()
        handler = None if request.oversized else _HANDLERS.get(request.command)
        reply = handler(self, request, now) if handler else api_error(Err.INVALID_PARAMETERS)
        outcome = Outcome(reply, render(reply))
        self.journal.record(
            time=now,
            method=request.method,
            path=request.path,
            command=request.command,
            params=request.params.as_dict(),
            client_ip=request.client_ip,
            status=outcome.status,
            body=outcome.body,
        )
        return outcome

    def _error(self, code: int, account: Account | None = None, **fields: object) -> ApiError:
        texts = account.error_texts if account is not None else self.scenario.error_texts
        return api_error(code, texts, **fields)

    def _authenticate(self, params: Params, now: float) -> Account | ApiError:
        """Session rules when a session_id is given, else credentials (Part A §4)."""
        credentials = Credentials.from_params(params)
        if credentials.session_id is not None:
            session = self.sessions.use(credentials.session_id, now)
            if session is None:
                return self._error(Err.SESSION_EXPIRED)
            account = self.accounts.get(session.account)
            if account is None:  # pragma: no cover - sessions only name existing accounts
                return self._error(Err.SESSION_EXPIRED)
            if account.frozen:
                return self._error(Err.ACCOUNT_FROZEN, account)
            return account
        if credentials.api_id is None and credentials.user is None and credentials.password is None:
            return self._error(Err.MISSING_SESSION)
        return self._check_credentials(credentials)

    def _check_credentials(self, credentials: Credentials) -> Account | ApiError:
        result = self.accounts.authenticate(credentials)
        if isinstance(result, Account):
            return result
        account = None
        if credentials.api_id is not None and credentials.user is not None:
            account = self.accounts.get((credentials.api_id, credentials.user))
        return self._error(result, account)

    # -- commands ------------------------------------------------------------------------

    def _auth(self, request: ApiRequest, now: float) -> Reply:
        account = self._check_credentials(Credentials.from_params(request.params))
        if isinstance(account, ApiError):
            return account
        session = self.sessions.open(account.key, account.session_ttl, now, self.ids)
        return Ok(session.session_id)

    def _ping(self, request: ApiRequest, now: float) -> Reply:
        session_id = request.params.present("session_id")
        if session_id is None:
            return self._error(Err.MISSING_SESSION)
        session = self.sessions.use(session_id, now)
        if session is None:
            return self._error(Err.SESSION_EXPIRED)
        account = self.accounts.get(session.account)
        if account is not None and account.frozen:
            return self._error(Err.ACCOUNT_FROZEN, account)
        return Ok("")

    def _sendmsg(self, request: ApiRequest, now: float) -> Reply:
        account = self._authenticate(request.params, now)
        if isinstance(account, ApiError):
            return account
        options = parse_sendmsg(
            request.params, method=request.method, now=now, limits=self.scenario.recipient_limits
        )
        if isinstance(options, ApiError):
            return self._error(options.code, account)
        results = [self._send_one(account, entry, options, now) for entry in options.recipients]
        if len(results) == 1:
            only = results[0]
            if isinstance(only, RecipientAccepted):
                return Accepted(only.apimsgid)
            return ApiError(only.code, only.text)
        return MultiRecipient(tuple(results))

    def _send_one(
        self, account: Account, entry: str, options: SendOptions, now: float
    ) -> RecipientResult:
        to = echo_recipient(entry)
        msisdn = normalize_msisdn(entry, account.dial_prefix)
        if msisdn is None:
            return self._recipient_error(Err.INVALID_DESTINATION, account, to)
        charge = self.scenario.default_charge * options.body.parts
        script: tuple[StatusStep, ...] = self.scenario.lifecycle
        if options.max_credits is not None and charge > options.max_credits:
            # Over the cap the message is accepted but routing fails, at no charge (SPEC).
            charge, script = Decimal(0), (StatusStep(STATUS_ROUTING_ERROR),)
        elif not account.try_charge(charge):
            return self._recipient_error(Err.NO_CREDIT, account, to)
        message = Message(
            apimsgid=self.ids.new_id(self.messages),
            account=account.key,
            to=msisdn,
            options=options,
            charge=charge,
            accepted_at=now,
            script=script,
        )
        self.messages[message.apimsgid] = message
        if options.climsgid is not None:
            self._by_climsgid[(account.key, options.climsgid)] = message
        self.timeline.start(message)
        return RecipientAccepted(message.apimsgid, to)

    def _recipient_error(self, code: int, account: Account, to: str) -> RecipientError:
        error = self._error(code, account)
        return RecipientError(error.code, error.text, to)

    def _find(self, account: Account, ref: MessageRef) -> Message | None:
        if ref.apimsgid is not None:
            message = self.messages.get(ref.apimsgid.lower())
        else:
            message = self._by_climsgid.get((account.key, ref.climsgid or ""))
        if message is None or message.account != account.key:
            return None  # another account's message is unknown to this one (Part A §16)
        return message

    def _message_command(
        self, request: ApiRequest, now: float
    ) -> tuple[Account, MessageRef, Message | None] | ApiError:
        account = self._authenticate(request.params, now)
        if isinstance(account, ApiError):
            return account
        ref = parse_message_ref(request.params)
        if isinstance(ref, ApiError):
            return self._error(ref.code, account)
        return account, ref, self._find(account, ref)

    def _unknown(self, account: Account, ref: MessageRef) -> ApiError:
        code = Err.UNKNOWN_APIMSGID if ref.apimsgid is not None else Err.UNKNOWN_CLIMSGID
        return self._error(code, account)

    def _querymsg(self, request: ApiRequest, now: float) -> Reply:
        found = self._message_command(request, now)
        if isinstance(found, ApiError):
            return found
        account, ref, message = found
        if message is not None:
            return MessageStatus(message.apimsgid, message.status)
        if ref.apimsgid is not None:
            return MessageStatus(ref.apimsgid, STATUS_UNKNOWN)
        return self._unknown(account, ref)

    def _delmsg(self, request: ApiRequest, now: float) -> Reply:
        found = self._message_command(request, now)
        if isinstance(found, ApiError):
            return found
        account, ref, message = found
        if message is None:
            return self._unknown(account, ref)
        if stop(message, now) and message.charge:
            # A message stopped before it left the router costs nothing: refund it.
            account.balance += message.charge
            message.charge = Decimal(0)
        return MessageStatus(message.apimsgid, message.status)

    def _getmsgcharge(self, request: ApiRequest, now: float) -> Reply:
        found = self._message_command(request, now)
        if isinstance(found, ApiError):
            return found
        account, ref, message = found
        if message is None:
            return self._unknown(account, ref)
        return MessageCharge(message.apimsgid, message.charge, message.status)

    def _getbalance(self, request: ApiRequest, now: float) -> Reply:
        account = self._authenticate(request.params, now)
        if isinstance(account, ApiError):
            return account
        return Balance(account.balance)

    # -- admin views ---------------------------------------------------------------------

    def message_list(self) -> list[Message]:
        """Every accepted message, in acceptance order (after bringing statuses up to date)."""
        self.tick()
        return list(self.messages.values())

    def messages_json(self) -> list[dict[str, Any]]:
        """Every accepted message as the admin API shows it."""
        return [message.to_json() for message in self.message_list()]

    def accounts_json(self) -> list[dict[str, Any]]:
        """Every account as the admin API shows it."""
        return [account.to_json() for account in self.accounts.all()]

    def clock_json(self) -> dict[str, Any]:
        """The clock as the admin API shows it."""
        return {"now": self.clock.now(), "frozen": self.clock.frozen}

    def journal_json(self) -> dict[str, Any]:
        """The request journal as the admin API shows it."""
        entries: Iterable[Any] = self.journal.entries()
        return {
            "limit": self.journal.limit,
            "total": self.journal.total,
            "requests": [entry.to_json() for entry in entries],
        }


_Handler = Callable[[Gateway, ApiRequest, float], Reply]
_HANDLERS: dict[str, _Handler] = {
    "auth": Gateway._auth,
    "ping": Gateway._ping,
    "sendmsg": Gateway._sendmsg,
    "querymsg": Gateway._querymsg,
    "delmsg": Gateway._delmsg,
    "getbalance": Gateway._getbalance,
    "getmsgcharge": Gateway._getmsgcharge,
}
