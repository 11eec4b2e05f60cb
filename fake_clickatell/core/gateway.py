"""The gateway: one fake Clickatell's state, and the steps its commands share.

:meth:`Gateway.handle` takes an :class:`~.request.ApiRequest` (a command and its parameters),
lets the API's :class:`~.protocol.Protocol` read it, lets the scenario's rules decide first,
runs the command's handler (the HTTP API's :mod:`.handlers`, the REST API's :mod:`.rest`),
journals the request and returns an :class:`~.request.Outcome` (the reply value, its HTTP
status and rendered body). Every API shares the same accounts, credit, messages and clock: a
message sent through one is read and stopped through another. It does no I/O and is not
thread-safe: the app serialises calls (one lock), so each request is atomic.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from .accounts import Account, AccountBook
from .batches import BatchStore
from .clock import VirtualClock, iso_time
from .codes import STATUS_EXPIRED, STATUS_ROUTING_ERROR, Err
from .commands import (
    Credentials,
    MessageOptions,
    MessageRef,
    SendPlan,
    api_error,
    destination_reason,
    echo_recipient,
    normalize_msisdn,
)
from .grammar import (
    ApiError,
    RecipientAccepted,
    RecipientError,
    RecipientResult,
    format_decimal,
    reason_of,
)
from .http_api import PROTOCOL as HTTP_PROTOCOL
from .http_api import unknown_command
from .ids import IdSource
from .inbound import concat_udh, is_stop, mo_charset, split_mo
from .journal import DEFAULT_JOURNAL_LIMIT, Journal
from .lifecycle import Message, StatusEvent, Timeline, stop
from .one_api import PROTOCOL as ONE_API_PROTOCOL
from .outbox import HostPolicy, Outbox, Push, PushResult
from .platform import PROTOCOL as PLATFORM_PROTOCOL
from .protocol import HTTP, Protocol
from .push_payloads import MoPart, mo_request
from .push_plans import PushPlan
from .request import ApiRequest, Outcome
from .rest import PROTOCOL as REST_PROTOCOL
from .rules import Decision, RequestFacts, RuleBook
from .scenario_model import (
    DEFAULT_SCENARIO,
    LOOPBACK_HOSTS,
    Fault,
    Integration,
    RecipientLimits,
    RecipientScript,
    Scenario,
    StatusStep,
)
from .sessions import SessionStore

#: Parts an inbound message may have (its UDH numbers them in one octet).
MAX_MO_PARTS = 255
#: How far back an inbound message to an integration looks for the message it answers.
REPLY_WINDOW = 7 * 24 * 3600.0

#: Distinct option sets kept for sharing between messages (a bound on the cache itself).
_SHARED_OPTIONS_LIMIT = 4096

#: What the journal shows as the body of a reply a fault replaced by nothing at all.
_NO_REPLY = {
    Fault.RESET: "<reset: the connection was reset, no reply>",
    Fault.EMPTY: "<empty: the connection closed without a byte>",
    Fault.HANG: "<hang: no reply; the connection was held until the client gave up>",
}


#: Every API the gateway serves, by name (:attr:`.request.ApiRequest.api`).
PROTOCOLS: dict[str, Protocol] = {
    p.api: p for p in (HTTP_PROTOCOL, REST_PROTOCOL, PLATFORM_PROTOCOL, ONE_API_PROTOCOL)
}

__all__ = [
    "PROTOCOLS",
    "Gateway",
    "InboundError",
    "as_received",
    "reason_of",
    "unknown_command",
]


def as_received(outcome: Outcome) -> tuple[int | None, str]:
    """The HTTP status and body the client really gets (status ``None``: no reply at all):
    what the journal and the log show."""
    fault = outcome.fault
    if fault is None or fault is Fault.GARBAGE:
        return outcome.status, outcome.body
    if fault is Fault.TRUNCATE:
        sent = outcome.body.encode("utf-8")[: outcome.cut_at]
        return outcome.status, sent.decode("utf-8", "replace")
    return None, _NO_REPLY[fault]


def _refund_if_expired(account: Account, message: Message, status: int) -> None:
    """A message that expired before it reached the upstream gateway costs nothing."""
    if status == STATUS_EXPIRED and message.charge:
        account.balance += message.charge
        message.charge = Decimal(0)


def _may_push(account: Account, options: MessageOptions) -> bool:
    """Whether a message sent with ``options`` may push its status at all: a legacy callback
    level, or an integration with a status hook (no need to ask its protocol otherwise)."""
    if options.callback:
        return True
    if options.integration is None:
        return False
    integration = account.integrations.get(options.integration)
    return integration is not None and integration.status_callback is not None


class InboundError(ValueError):
    """An inbound message the fake cannot take (no account owns the number, ...)."""


class _Taken(Container[str]):
    """Ids in use by messages or open batches (a new one must be neither)."""

    __slots__ = ("_batches", "_messages")

    def __init__(self, messages: Container[str], batches: Container[str]) -> None:
        self._messages = messages
        self._batches = batches

    def __contains__(self, value: object) -> bool:
        return value in self._messages or value in self._batches


class Gateway:
    """A fake Clickatell gateway. Build it from a :class:`Scenario`; ``reset()`` restarts it."""

    def __init__(
        self,
        scenario: Scenario = DEFAULT_SCENARIO,
        *,
        time_source: Callable[[], float],
        seed: int | None = None,
        journal_limit: int = DEFAULT_JOURNAL_LIMIT,
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        self._time_source = time_source
        self._fallback_seed = seed
        self._journal_limit = journal_limit
        self._extra_hosts = tuple(allowed_hosts)
        self.clock = VirtualClock(time_source)
        self.outbox = Outbox(HostPolicy())
        self.load(scenario)

    # -- state ---------------------------------------------------------------------------

    def load(self, scenario: Scenario, *, trusted: bool = True) -> None:
        """Replace the scenario and reset to its initial state.

        A ``trusted`` scenario comes from whoever runs the fake (its command line, the test's
        own code): its ``allowed_hosts`` widen where pushes may go. An untrusted one (put
        through the admin API) can only narrow that set, never widen it.
        """
        self.scenario = scenario
        # Per scenario, not per reset: resets stay cheap (the pytest fixture resets every test).
        listed = HostPolicy((*LOOPBACK_HOSTS, *scenario.allowed_hosts, *self._extra_hosts))
        if trusted:
            self._operator_policy = self._policy = listed
        elif scenario.allowed_hosts:
            self._policy = self._operator_policy.within(listed)
        else:
            self._policy = self._operator_policy
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
        self.rules = RuleBook(scenario.rules, f"rules:{seed}" if seed is not None else None)
        routes = sorted(scenario.routes, key=lambda route: len(route.prefix), reverse=True)
        self._routes = tuple((route.prefix, route.charge) for route in routes)
        self._charges: dict[tuple[Decimal, int], Decimal] = {}
        self._options: dict[MessageOptions, MessageOptions] = {}
        self.batches = BatchStore()
        self._taken = _Taken(self.messages, self.batches)
        self._vouchers = {voucher.token: voucher for voucher in scenario.vouchers}
        self.vouchers_used: set[str] = set()
        self._mo_reference = 0
        #: Every inbound message part injected, oldest first.
        self.inbound: list[MoPart] = []
        # Pushes not yet delivered are dropped, and stay visible as dropped (nothing is lost).
        old = self.outbox
        dropped = old.drop_all(self.clock.now())
        self.outbox = Outbox(self._policy, first_id=old.last_id + 1)
        self.outbox.keep(dropped)

    def now(self) -> float:
        """The virtual time."""
        return self.clock.now()

    def tick(self) -> float:
        """Bring every time-driven state up to the virtual clock; returns the time."""
        now = self.clock.now()
        self.timeline.run_due(now, self._on_status)
        return now

    @property
    def recipient_limits(self) -> RecipientLimits:
        """Most recipients one request may carry, by method."""
        return self.scenario.recipient_limits

    def new_id(self) -> str:
        """A fresh 32-hex id for a message or a batch."""
        return self.ids.new_id(self._taken)

    # -- pushes ----------------------------------------------------------------------------

    def _on_status(self, change: StatusEvent) -> None:
        """A message reached a status: settle its charge, and push the status when the API it
        came through says so."""
        account = self.accounts.get(change.message.account)
        if account is None:
            return
        _refund_if_expired(account, change.message, change.status)
        self._push_status(account, change)

    def _push_status(self, account: Account, change: StatusEvent) -> None:
        plan = PROTOCOLS[change.message.options.api].status_push(account, change)
        if plan is not None:
            self._push(plan, account, change.time)

    def _push(self, plan: PushPlan, account: Account, now: float) -> None:
        self.outbox.add(
            kind=plan.kind,
            account=account.key,
            subject=plan.subject,
            request=plan.request,
            target=plan.target,
            now=now,
            secret=plan.secret,
        )

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
        """An inbound SMS from ``sender`` to the account number ``to``: push it, part by part,
        to the account's MO URL (from ``network``, for the reply callbacks that name it); a STOP
        opts ``sender`` out. Returns the parts' moMsgIds.

        Raises :class:`InboundError` when no account owns ``to`` or it has nowhere to push.
        """
        now = self.tick()
        if api_id is not None:
            account = self.accounts.get_or_open(api_id, user)
            if account is None:
                raise InboundError(f"no account with api_id {api_id!r}")
        else:
            account = self.accounts.owning_number(to)
            if account is None:
                raise InboundError(f"no account has the number {to!r}; name its api_id")
        if account.lists_numbers and not account.owns(to):
            raise InboundError(f"{to!r} is not one of the account's numbers")
        if not sender or not text:
            raise InboundError("an inbound message needs a sender (from) and a text")
        charset = mo_charset(text)
        parts = split_mo(text, charset)
        if len(parts) > MAX_MO_PARTS:  # the concatenation UDH counts parts in one octet
            raise InboundError(f"a text of {len(parts)} parts; at most {MAX_MO_PARTS} fit a UDH")
        if is_stop(text):
            account.opted_out.add(sender)
        # An integration's number pushes to its reply URL, in its API's format; any other goes
        # to the account's legacy MO URL.
        integration = account.integration_with_number(to)
        related = None if integration is None else self._answered(integration, sender, now)
        mo = account.mo
        self._mo_reference = (self._mo_reference + 1) % 256
        ids = []
        for sequence, part_text in enumerate(parts, start=1):
            udh = concat_udh(self._mo_reference, len(parts), sequence) if len(parts) > 1 else ""
            part = MoPart(
                account.api_id,
                self.ids.new_id(),
                sender,
                to,
                now,
                part_text,
                charset,
                udh,
                network,
            )
            ids.append(part.mo_msg_id)
            self.inbound.append(part)
            if integration is not None:
                self._reply(account, integration, part, related)
            elif mo is not None and mo.target is not None:
                self.outbox.add(
                    kind="mo",
                    account=account.key,
                    subject={"api": HTTP, "moMsgId": part.mo_msg_id, "from": sender, "to": to},
                    request=mo_request(mo.target, part),
                    target=mo.target,
                    now=now,
                )
        return ids

    def _reply(
        self, account: Account, integration: Integration, part: MoPart, related: Message | None
    ) -> None:
        """Push an inbound part to the integration's reply URL, in its API's format."""
        reply_push = PROTOCOLS[integration.api].reply_push
        plan = None if reply_push is None else reply_push(account, integration, part, related)
        if plan is not None:
            self._push(plan, account, part.timestamp)

    def _answered(self, integration: Integration, handset: str, now: float) -> Message | None:
        """The message an inbound one from ``handset`` answers: the newest the integration
        sent to it within the last 7 days, if any."""
        since = now - REPLY_WINDOW
        for message in reversed(self.messages.values()):
            if message.accepted_at < since:
                break
            if message.options.integration == integration.integration_id and message.to == handset:
                return message
        return None

    def take_due_pushes(self) -> list[Push]:
        """Pushes due now (marked in flight): the push sender sends them and reports back."""
        return self.outbox.take_due(self.tick())

    def report_push(self, push_id: int, result: PushResult) -> Push | None:
        """The push sender's result for a push it took; the push (``None`` if the fake was
        reset since)."""
        return self.outbox.report(push_id, result)

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
        protocol = PROTOCOLS[request.api]
        request = protocol.prepare(request)
        decision = facts = None
        if len(self.rules) and not request.oversized:
            facts = protocol.facts(self, request, now)
            decision = self.rules.evaluate(facts)
        outcome = self._answer(protocol, request, now, decision, facts)
        status, body = as_received(outcome)
        self.journal.record(
            time=now,
            method=request.method,
            path=request.path,
            command=request.command,
            params=request.params.as_dict(),
            client_ip=request.client_ip,
            status=status,
            body=body,
            rule=outcome.rule,
            reason=outcome.reason,
            api=request.api,
        )
        return outcome

    def _dispatch(
        self, protocol: Protocol, request: ApiRequest, now: float, decision: Decision | None
    ) -> object:
        if request.oversized:
            reason = "the body is over 1 MiB: not read"
            return self.error(Err.INVALID_PARAMETERS, reason=reason, api=protocol.api)
        handler = protocol.handlers.get(request.command)
        if handler is None:
            return protocol.unrouted(self, request)
        return handler(self, request, now, decision)

    @staticmethod
    def _outcome(protocol: Protocol, reply: object, **how: Any) -> Outcome:
        """The outcome of an API reply: rendered by its protocol, with its HTTP status."""
        status, body = protocol.render(reply)
        return Outcome(reply, body, status, protocol.content_type, **how)

    def _answer(
        self,
        protocol: Protocol,
        request: ApiRequest,
        now: float,
        decision: Decision | None,
        facts: RequestFacts | None,
    ) -> Outcome:
        if decision is None or facts is None:
            reply = self._dispatch(protocol, request, now, None)
            return self._outcome(protocol, reply, reason=protocol.reason(reply))
        action, rule = decision.action, decision.rule
        by = f"scenario rule {rule!r} ({decision.why})"
        latency = action.latency
        if action.http is not None:
            http = action.http
            return Outcome(
                None,
                http.body,
                http.status,
                http.content_type,
                latency,
                rule=rule,
                reason=f"{by} answered HTTP {http.status}",
            )
        if action.fault is not None:
            # A fault drops the request unless told to process it; truncating needs the reply.
            handled = None
            body = ""
            status = 200
            cut_at = None
            processed = ""
            if action.process or action.fault is Fault.TRUNCATE:
                handled = self._dispatch(protocol, request, now, None)
                status, body = protocol.render(handled)
                processed = ", after processing the request"
            if action.fault is Fault.GARBAGE:
                body = self._garbage()
            elif action.fault is Fault.TRUNCATE:
                size = len(body.encode("utf-8"))
                cut_at = size // 2
                processed += f": {cut_at} of {size} bytes sent"
            return Outcome(
                handled,
                body,
                status,
                protocol.content_type,
                latency=latency,
                fault=action.fault,
                rule=rule,
                reason=f"{by} scripted a {action.fault.value} fault{processed}",
                cut_at=cut_at,
            )
        # The account the request names (even unauthenticated): for its error texts.
        account = self.accounts.get(facts.account) if facts.account is not None else None
        if action.quota is not None:
            reply = self.error(Err.MT_LIMIT, account, api=protocol.api, until=decision.quota_until)
            reason = f"{by} answered 130"
        elif action.error is not None:
            reply = self._rule_error(action.error, account, protocol)
            reason = f"{by} answered {action.error:03d}"
        else:
            notes = []
            if action.expire_session:
                session_id = request.params.present("session_id")
                if session_id is not None:
                    self.sessions.expire(session_id)
                    notes.append("expired the session first")
                else:  # credentials, or an API without sessions: nothing to end
                    notes.append("found no session_id to expire")
            if action.latency:
                notes.append(f"delayed the reply {action.latency:g} s")
            reply = self._dispatch(protocol, request, now, decision)
            reason = "; ".join(
                note
                for note in (f"{by} {' and '.join(notes)}" if notes else "", protocol.reason(reply))
                if note
            )
        return self._outcome(protocol, reply, latency=latency, rule=rule, reason=reason or None)

    def _garbage(self) -> str:
        """Deterministic (seeded) bytes that are neither HTTP nor the API's grammar."""
        rng = self.rules.random
        size = rng.randint(16, 64)
        return "\x00\xff" + "".join(chr(rng.randint(0, 255)) for _ in range(size))

    # -- steps the commands share (handlers.Context) -------------------------------------

    def error(
        self,
        code: int,
        account: Account | None = None,
        *,
        reason: str | None = None,
        api: str = HTTP,
        **fields: object,
    ) -> ApiError:
        """The error ``code`` as ``api`` numbers it, with the text the account (or the
        scenario, or the API) gives it, and the ``reason`` the fake gives its user."""
        protocol = PROTOCOLS[api]
        code = protocol.codes.get(code, code)
        texts = protocol.custom_texts(self.scenario, account)
        return api_error(code, texts, reason=reason, defaults=protocol.texts, **fields)

    def _rule_error(self, code: int, account: Account | None, protocol: Protocol) -> ApiError:
        """A rule's ``error``: a code of the API's own (Platform's 101 is its 101), else a
        legacy one as the API numbers it (901 is the One API's 19)."""
        if code in protocol.texts:
            texts = protocol.custom_texts(self.scenario, account)
            return api_error(code, texts, defaults=protocol.texts)
        return self.error(code, account, api=protocol.api)

    def authenticate(self, request: ApiRequest, now: float) -> Account | ApiError:
        """Session rules when a session_id is given, else credentials."""
        credentials = Credentials.from_params(request.params)
        if credentials.session_id is not None:
            return self.session_account(credentials.session_id, now, request.client_ip)
        if credentials.api_id is None and credentials.user is None and credentials.password is None:
            reason = "no session_id, and no api_id, user or password"
            return self.error(Err.MISSING_SESSION, reason=reason)
        return self.check_credentials(credentials, request.client_ip)

    def session_account(self, session_id: str, now: float, client_ip: str) -> Account | ApiError:
        """The account of a live session (renewing it), or 003."""
        known = self.sessions.peek(session_id)
        session = self.sessions.use(session_id, now)
        account = self.accounts.get(session.account) if session is not None else None
        if account is None:
            shown = session_id if len(session_id) <= 40 else session_id[:37] + "..."
            if known is not None:
                reason = f"session {shown!r} idle for over {known.ttl:g} s: it expired"
            else:
                reason = f"no session {shown!r} (never opened, long expired, or the fake was reset)"
            return self.error(Err.SESSION_EXPIRED, reason=reason)
        return self._admit(account, client_ip)

    def check_credentials(self, credentials: Credentials, client_ip: str) -> Account | ApiError:
        """The account api_id + user + password open (108, 001, then 007 or 004)."""
        result = self.accounts.authenticate(credentials)
        if isinstance(result, Account):
            return self._admit(result, client_ip)
        account = None
        if credentials.api_id is not None and credentials.user is not None:
            account = self.accounts.get((credentials.api_id, credentials.user))
        return self.error(result.code, account, reason=result.reason)

    def authenticate_key(self, api: str, key: str, client_ip: str) -> Account | ApiError:
        """The account a credential of ``api`` (a bearer token, an API key) opens, or the
        error (then IP lockdown and a frozen account, as ``api`` answers them)."""
        result = self.accounts.by_credential(api, key, integration=PROTOCOLS[api].integrations)
        if isinstance(result, Account):
            return self._admit(result, client_ip, api)
        return self.error(result.code, reason=result.reason, api=api)

    def _admit(self, account: Account, client_ip: str, api: str = HTTP) -> Account | ApiError:
        """An authenticated account may still be locked to other IPs (007) or frozen (004)."""
        if not account.allows(client_ip):
            reason = f"client {client_ip} is not in the account's allowed_ips"
            return self.error(Err.IP_LOCKDOWN, account, reason=reason, api=api)
        if account.frozen:
            return self.error(Err.ACCOUNT_FROZEN, account, reason="the account is frozen", api=api)
        return account

    def open_session(self, account: Account, now: float) -> str:
        """Open a session for ``account``; its id."""
        return self.sessions.open(account.key, account.session_ttl, now, self.ids).session_id

    def check_sender(self, account: Account, sender: str | None) -> ApiError | None:
        """123 when the account approves only some sender ids and ``sender`` is not one."""
        if account.senders is not None and sender is not None and sender not in account.senders:
            reason = f"from: {sender!r} is not one of the account's approved senders"
            return self.error(Err.INVALID_SENDER_ID, account, reason=reason)
        return None

    def send_all(
        self, account: Account, plan: SendPlan, now: float, decision: Decision | None
    ) -> list[RecipientResult]:
        """One result per recipient, in order (a rule's recipient_error applied)."""
        forced = None
        if decision is not None and decision.action.recipient_error is not None:
            forced = (decision.action.recipient_error, decision.recipients, decision.rule)
        # Requests with the same options share one (frozen) options object: memory per message.
        # (Built directly: dataclasses.replace costs several times as much.)
        plan = SendPlan(
            plan.recipients,
            plan.body,
            self._shared(plan.options),
            plan.echo,
            plan.accepted_as_digits,
            plan.clean,
        )
        return [self._send_one(account, entry, plan, now, forced) for entry in plan.recipients]

    def _send_one(
        self,
        account: Account,
        entry: str,
        plan: SendPlan,
        now: float,
        forced: tuple[int, frozenset[str] | None, str] | None,
    ) -> RecipientResult:
        """One recipient: validity, scripted errors, route, credit; then the message."""
        to = echo_recipient(entry) if plan.echo is None else plan.echo(entry)
        api = plan.options.api
        if plan.clean is not None:
            entry = plan.clean(entry)
        msisdn = normalize_msisdn(entry, account.dial_prefix)
        if msisdn is None:
            reason = destination_reason(entry)
            return self._recipient_error(Err.INVALID_DESTINATION, account, to, reason, api)
        if forced is not None and (forced[1] is None or entry in forced[1]):
            reason = f"scenario rule {forced[2]!r} answers {forced[0]:03d} for this recipient"
            return self._recipient_error(forced[0], account, to, reason, api)
        script = self._script_for(entry)
        if script is not None and script.error is not None:
            reason = f"the scenario's recipients ({script.pattern.describe()}) answer this"
            return self._recipient_error(script.error, account, to, reason, api)
        if msisdn in account.opted_out:
            reason = f"{msisdn} opted out (an inbound STOP)"
            return self._recipient_error(Err.OPTED_OUT, account, to, reason, api)
        route_charge = self.route_charge(msisdn)
        if route_charge is None:
            prefixes = ", ".join(prefix for prefix, _ in self._routes)
            reason = f"no route covers {msisdn} (the scenario routes {prefixes})"
            return self._recipient_error(Err.CANNOT_ROUTE, account, to, reason, api)
        charge = self._charge(route_charge, plan.body.parts)
        lifecycle = self.scenario.lifecycle
        if script is not None and script.lifecycle is not None:
            lifecycle = script.lifecycle
        max_credits = plan.options.max_credits
        if max_credits is not None and charge > max_credits:
            # Over the cap the message is accepted but routing fails, at no charge.
            charge, lifecycle = Decimal(0), (StatusStep(STATUS_ROUTING_ERROR),)
        elif not account.try_charge(charge):
            reason = (
                f"the balance {format_decimal(account.balance)} does not cover"
                f" {format_decimal(charge)} ({plan.body.parts} part(s) x"
                f" {format_decimal(route_charge)})"
            )
            return self._recipient_error(Err.NO_CREDIT, account, to, reason, api)
        message = Message(
            apimsgid=self.ids.new_message_id(self._taken),
            account=account.key,
            to=msisdn,
            body=plan.body,
            options=plan.options,
            charge=charge,
            accepted_at=now,
            script=lifecycle,
        )
        self.messages[message.apimsgid] = message
        if message.climsgid is not None:
            self._by_climsgid[(account.key, message.climsgid)] = message
        # The scenario's lifecycle may expire it at once; otherwise nothing to settle yet.
        _refund_if_expired(account, message, message.status)
        if _may_push(account, message.options):
            self._push_status(account, StatusEvent(message, message.status, now))
        self.timeline.start(message)
        return RecipientAccepted(message.apimsgid, msisdn if plan.accepted_as_digits else to)

    def _charge(self, route_charge: Decimal, parts: int) -> Decimal:
        # One Decimal per (route charge, parts): messages share it instead of holding a copy.
        key = (route_charge, parts)
        charge = self._charges.get(key)
        if charge is None:
            charge = self._charges[key] = route_charge * parts
        return charge

    def _shared(self, options: MessageOptions) -> MessageOptions:
        if options.request_id is not None:
            return options  # options that name their request are that request's alone
        shared = self._options.get(options)
        if shared is None:
            shared = options
            if len(self._options) < _SHARED_OPTIONS_LIMIT:
                self._options[options] = options
        return shared

    def _script_for(self, entry: str) -> RecipientScript | None:
        for script in self.scenario.recipients:
            if script.pattern.matches(entry):
                return script
        return None

    def route_charge(self, msisdn: str) -> Decimal | None:
        """The charge per part to ``msisdn``; ``None`` when declared routes do not cover it."""
        if not self._routes:
            return self.scenario.default_charge
        for prefix, charge in self._routes:
            if msisdn.startswith(prefix):
                return charge
        return None

    def _recipient_error(
        self, code: int, account: Account, to: str, reason: str, api: str
    ) -> RecipientError:
        """A per-recipient error for ``to``, as ``api`` tells it."""
        error = self.error(code, account, api=api, to=to)
        return RecipientError(error.code, error.text, to, reason)

    def find_message(self, account: Account, ref: MessageRef) -> Message | None:
        """The account's message ``ref`` names; another account's message is unknown to it."""
        if ref.apimsgid is not None:
            message = self.messages.get(ref.apimsgid.lower())
        else:
            message = self._by_climsgid.get((account.key, ref.climsgid or ""))
        if message is None or message.account != account.key:
            return None
        return message

    def cancel(self, account: Account, message: Message, now: float) -> None:
        """``delmsg``: a message still inside the router is stopped (006) and refunded."""
        if not stop(message, now):
            return
        if message.charge:
            account.balance += message.charge
            message.charge = Decimal(0)
        self._on_status(StatusEvent(message, message.status, now))

    def redeem(self, account: Account, token: str | None) -> str | None:
        """Add a voucher's credit to ``account`` once; why not, for an unknown or spent token."""
        if not token:
            return "token: missing"
        voucher = self._vouchers.get(token)
        if voucher is None:
            return "token: not a voucher the scenario lists"
        if voucher.token in self.vouchers_used:
            return "token: this voucher was used already"
        self.vouchers_used.add(voucher.token)
        account.balance += voucher.credit
        return None

    # -- the admin API's listings live in .views; the clock's is small ---------------------

    def clock_json(self) -> dict[str, Any]:
        """The clock as the admin API shows it."""
        now = self.clock.now()
        return {"now": now, "now_iso": iso_time(now), "frozen": self.clock.frozen}

    def journal_outside(
        self,
        method: str,
        path: str,
        query: str,
        client_ip: str,
        status: int,
        body: str,
        reason: str,
        api: str = "",
    ) -> None:
        """Journal a request that never reached a command: a path outside the API, an admin
        call refused at the door, a request the fake failed on (``api``: the API it came to).
        Its ``command`` is empty."""
        params = dict(parse_qsl(query, keep_blank_values=True, encoding="latin-1"))
        self.journal.record(
            time=self.tick(),
            method=method,
            path=path,
            command="",
            params=params,
            client_ip=client_ip,
            status=status,
            body=body,
            reason=reason,
            api=api,
        )
