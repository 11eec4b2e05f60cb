"""The gateway: one fake Clickatell, its state, and the commands of the legacy HTTP API.

:meth:`Gateway.handle` takes an :class:`ApiRequest` (a command and its parameters) and returns
an :class:`Outcome` (the reply value and its rendered body). It does no I/O and is not
thread-safe: the adapter serialises calls (one lock), so each request is atomic.
"""

from __future__ import annotations

import random
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
    split_recipients,
)
from .config import DEFAULT_SCENARIO, Fault, RecipientScript, Scenario, StatusStep
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
from .rules import Decision, RequestFacts, RuleBook
from .sessions import SessionStore

#: The commands this gateway serves (scenario rules may name them).
COMMANDS = ("auth", "ping", "sendmsg", "querymsg", "delmsg", "getbalance", "getmsgcharge")


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


TEXT_PLAIN = "text/plain; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to answer, and how: the adapter sleeps ``latency`` seconds first, and a ``fault``
    replaces the HTTP reply (``body`` is then the garbage to send, or the reply to truncate).

    ``reply`` is ``None`` when no API reply was made (a rule answered raw HTTP or a fault).
    """

    reply: Reply | None
    body: str
    status: int = 200
    content_type: str = TEXT_PLAIN
    latency: float = 0.0
    fault: Fault | None = None
    rule: str | None = None


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
        # A stream of its own, so adding a probabilistic rule does not change the ids.
        self.rules = RuleBook(scenario.rules, random.Random(f"rules:{seed}"))
        routes = sorted(scenario.routes, key=lambda route: len(route.prefix), reverse=True)
        self._routes = tuple((route.prefix, route.charge) for route in routes)

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
        """Answer one API request (scenario rules first) and journal it."""
        now = self.tick()
        decision = None
        if len(self.rules) and not request.oversized:
            decision = self.rules.evaluate(self._facts(request, now))
        outcome = self._answer(request, now, decision)
        self.journal.record(
            time=now,
            method=request.method,
            path=request.path,
            command=request.command,
            params=request.params.as_dict(),
            client_ip=request.client_ip,
            status=outcome.status,
            body=f"<{outcome.fault.value}>" if outcome.fault else outcome.body,
            rule=outcome.rule,
        )
        return outcome

    def _facts(self, request: ApiRequest, now: float) -> RequestFacts:
        params = request.params
        account = None
        session_id = params.present("session_id")
        if session_id is not None:
            session = self.sessions.peek(session_id)
            account = session.account if session is not None else None
        else:
            api_id, user = params.present("api_id"), params.present("user")
            account = (api_id, user) if api_id is not None and user is not None else None
        recipients = split_recipients(params.get("to") or "")
        return RequestFacts(request.command, params, account, recipients, now)

    def _dispatch(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        handler = None if request.oversized else _HANDLERS.get(request.command)
        if handler is None:
            return api_error(Err.INVALID_PARAMETERS)
        return handler(self, request, now, decision)

    def _answer(self, request: ApiRequest, now: float, decision: Decision | None) -> Outcome:
        if decision is None:
            reply = self._dispatch(request, now, None)
            return Outcome(reply, render(reply))
        action, rule = decision.action, decision.rule
        latency = action.latency
        if action.http is not None:
            http = action.http
            return Outcome(None, http.body, http.status, http.content_type, latency, rule=rule)
        if action.fault is not None:
            # A fault drops the request unless told to process it; truncating needs the reply.
            handled = None
            body = ""
            if action.process or action.fault is Fault.TRUNCATE:
                handled = self._dispatch(request, now, None)
                body = render(handled)
            if action.fault is Fault.GARBAGE:
                body = self._garbage()
            return Outcome(handled, body, latency=latency, fault=action.fault, rule=rule)
        account = self._known_account(request)
        if action.quota is not None:
            reply = self._error(Err.MT_LIMIT, account, until=decision.quota_until)
        elif action.error is not None:
            reply = self._error(action.error, account)
        else:
            if action.expire_session:
                session_id = request.params.present("session_id")
                if session_id is not None:
                    self.sessions.expire(session_id)
            reply = self._dispatch(request, now, decision)
        return Outcome(reply, render(reply), latency=latency, rule=rule)

    def _garbage(self) -> str:
        """Deterministic (seeded) bytes that are neither HTTP nor the API's grammar."""
        rng = self.rules.random
        size = rng.randint(16, 64)
        return "\x00\xff" + "".join(chr(rng.randint(0, 255)) for _ in range(size))

    def _known_account(self, request: ApiRequest) -> Account | None:
        facts = self._facts(request, self.clock.now())
        return self.accounts.get(facts.account) if facts.account is not None else None

    def _error(self, code: int, account: Account | None = None, **fields: object) -> ApiError:
        texts = account.error_texts if account is not None else self.scenario.error_texts
        return api_error(code, texts, **fields)

    def _authenticate(self, request: ApiRequest, now: float) -> Account | ApiError:
        """Session rules when a session_id is given, else credentials (Part A §4)."""
        credentials = Credentials.from_params(request.params)
        if credentials.session_id is not None:
            return self._session_account(credentials.session_id, now, request.client_ip)
        if credentials.api_id is None and credentials.user is None and credentials.password is None:
            return self._error(Err.MISSING_SESSION)
        return self._check_credentials(credentials, request.client_ip)

    def _session_account(self, session_id: str, now: float, client_ip: str) -> Account | ApiError:
        session = self.sessions.use(session_id, now)
        account = self.accounts.get(session.account) if session is not None else None
        if account is None:
            return self._error(Err.SESSION_EXPIRED)
        return self._admit(account, client_ip)

    def _check_credentials(self, credentials: Credentials, client_ip: str) -> Account | ApiError:
        result = self.accounts.authenticate(credentials)
        if isinstance(result, Account):
            return self._admit(result, client_ip)
        account = None
        if credentials.api_id is not None and credentials.user is not None:
            account = self.accounts.get((credentials.api_id, credentials.user))
        return self._error(result, account)

    def _admit(self, account: Account, client_ip: str) -> Account | ApiError:
        """An authenticated account may still be locked to other IPs (007) or frozen (004)."""
        if not account.allows(client_ip):
            return self._error(Err.IP_LOCKDOWN, account)
        if account.frozen:
            return self._error(Err.ACCOUNT_FROZEN, account)
        return account

    # -- commands ------------------------------------------------------------------------

    def _auth(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        credentials = Credentials.from_params(request.params)
        account = self._check_credentials(credentials, request.client_ip)
        if isinstance(account, ApiError):
            return account
        session = self.sessions.open(account.key, account.session_ttl, now, self.ids)
        return Ok(session.session_id)

    def _ping(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        # ping takes only a session: credentials on it do not count (ARCH ping page).
        session_id = request.params.present("session_id")
        if session_id is None:
            return self._error(Err.MISSING_SESSION)
        account = self._session_account(session_id, now, request.client_ip)
        return account if isinstance(account, ApiError) else Ok("")

    def _sendmsg(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        account = self._authenticate(request, now)
        if isinstance(account, ApiError):
            return account
        options = parse_sendmsg(
            request.params, method=request.method, now=now, limits=self.scenario.recipient_limits
        )
        if isinstance(options, ApiError):
            return self._error(options.code, account)
        senders = account.senders
        if senders is not None and options.sender is not None and options.sender not in senders:
            return self._error(Err.INVALID_SENDER_ID, account)
        forced = None
        if decision is not None and decision.action.recipient_error is not None:
            forced = (decision.action.recipient_error, decision.recipients)
        results = [
            self._send_one(account, entry, options, now, forced) for entry in options.recipients
        ]
        if len(results) == 1:
            only = results[0]
            if isinstance(only, RecipientAccepted):
                return Accepted(only.apimsgid)
            return ApiError(only.code, only.text)
        return MultiRecipient(tuple(results))

    def _send_one(
        self,
        account: Account,
        entry: str,
        options: SendOptions,
        now: float,
        forced: tuple[int, frozenset[str] | None] | None,
    ) -> RecipientResult:
        """One recipient: validity, scripted errors, route, credit; then the message."""
        to = echo_recipient(entry)
        msisdn = normalize_msisdn(entry, account.dial_prefix)
        if msisdn is None:
            return self._recipient_error(Err.INVALID_DESTINATION, account, to)
        if forced is not None and (forced[1] is None or entry in forced[1]):
            return self._recipient_error(forced[0], account, to)
        script = self._script_for(entry)
        if script is not None and script.error is not None:
            return self._recipient_error(script.error, account, to)
        route_charge = self._route_charge(msisdn)
        if route_charge is None:
            return self._recipient_error(Err.CANNOT_ROUTE, account, to)
        charge = route_charge * options.body.parts
        lifecycle = self.scenario.lifecycle
        if script is not None and script.lifecycle is not None:
            lifecycle = script.lifecycle
        if options.max_credits is not None and charge > options.max_credits:
            # Over the cap the message is accepted but routing fails, at no charge (SPEC).
            charge, lifecycle = Decimal(0), (StatusStep(STATUS_ROUTING_ERROR),)
        elif not account.try_charge(charge):
            return self._recipient_error(Err.NO_CREDIT, account, to)
        message = Message(
            apimsgid=self.ids.new_id(self.messages),
            account=account.key,
            to=msisdn,
            options=options,
            charge=charge,
            accepted_at=now,
            script=lifecycle,
        )
        self.messages[message.apimsgid] = message
        if options.climsgid is not None:
            self._by_climsgid[(account.key, options.climsgid)] = message
        self.timeline.start(message)
        return RecipientAccepted(message.apimsgid, to)

    def _script_for(self, entry: str) -> RecipientScript | None:
        for script in self.scenario.recipients:
            if script.pattern.matches(entry):
                return script
        return None

    def _route_charge(self, msisdn: str) -> Decimal | None:
        """The charge per part to ``msisdn``; ``None`` when declared routes do not cover it."""
        if not self._routes:
            return self.scenario.default_charge
        for prefix, charge in self._routes:
            if msisdn.startswith(prefix):
                return charge
        return None

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
        account = self._authenticate(request, now)
        if isinstance(account, ApiError):
            return account
        ref = parse_message_ref(request.params)
        if isinstance(ref, ApiError):
            return self._error(ref.code, account)
        return account, ref, self._find(account, ref)

    def _unknown(self, account: Account, ref: MessageRef) -> ApiError:
        code = Err.UNKNOWN_APIMSGID if ref.apimsgid is not None else Err.UNKNOWN_CLIMSGID
        return self._error(code, account)

    def _querymsg(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        found = self._message_command(request, now)
        if isinstance(found, ApiError):
            return found
        account, ref, message = found
        if message is not None:
            return MessageStatus(message.apimsgid, message.status)
        if ref.apimsgid is not None:
            return MessageStatus(ref.apimsgid, STATUS_UNKNOWN)
        return self._unknown(account, ref)

    def _delmsg(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
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

    def _getmsgcharge(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        found = self._message_command(request, now)
        if isinstance(found, ApiError):
            return found
        account, ref, message = found
        if message is None:
            return self._unknown(account, ref)
        return MessageCharge(message.apimsgid, message.charge, message.status)

    def _getbalance(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        account = self._authenticate(request, now)
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


_Handler = Callable[[Gateway, ApiRequest, float, Decision | None], Reply]
_HANDLERS: dict[str, _Handler] = {
    "auth": Gateway._auth,
    "ping": Gateway._ping,
    "sendmsg": Gateway._sendmsg,
    "querymsg": Gateway._querymsg,
    "delmsg": Gateway._delmsg,
    "getbalance": Gateway._getbalance,
    "getmsgcharge": Gateway._getmsgcharge,
}
