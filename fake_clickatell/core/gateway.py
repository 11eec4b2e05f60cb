"""The gateway: one fake Clickatell, its state, and the commands of the legacy HTTP API.

:meth:`Gateway.handle` takes an :class:`ApiRequest` (a command and its parameters) and returns
an :class:`Outcome` (the reply value and its rendered body). It does no I/O and is not
thread-safe: the adapter serialises calls (one lock), so each request is atomic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from . import batches, wap
from .accounts import Account, AccountBook
from .clock import VirtualClock
from .codes import (
    CALLBACK_STATUSES,
    STATUS_EXPIRED,
    STATUS_ROUTING_ERROR,
    STATUS_UNKNOWN,
    Err,
)
from .commands import (
    Credentials,
    MessageOptions,
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
from .config import (
    DEFAULT_SCENARIO,
    LOOPBACK_HOSTS,
    Fault,
    RecipientScript,
    Scenario,
    StatusStep,
)
from .grammar import (
    COVERAGE_FAIL_SENTENCE,
    Accepted,
    ApiError,
    Balance,
    Coverage,
    MessageCharge,
    MessageStatus,
    MultiRecipient,
    Ok,
    PlainError,
    RecipientAccepted,
    RecipientError,
    RecipientResult,
    Reply,
    render,
)
from .ids import IdSource
from .inbound import concat_udh, is_stop, mo_charset, split_mo
from .journal import DEFAULT_JOURNAL_LIMIT, Journal
from .lifecycle import Message, StatusChange, Timeline, stop
from .pushes import (
    CALLBACK_USER_AGENT,
    MO_USER_AGENT,
    HostPolicy,
    MoPart,
    Outbox,
    Push,
    PushResult,
    build_request,
    callback_fields,
    callback_soap,
    callback_xml,
)
from .rules import Decision, RequestFacts, RuleBook
from .sessions import SessionStore

#: Path prefix -> {path segment: command}; ``.php`` is stripped from the segment first.
PATHS: dict[str, dict[str, str]] = {
    "http": {
        name: name
        for name in (
            "auth",
            "ping",
            "sendmsg",
            "querymsg",
            "delmsg",
            "getbalance",
            "getmsgcharge",
            "token_pay",
        )
    },
    "http_batch": {name: name for name in ("startbatch", "senditem", "quicksend", "endbatch")},
    "utils": {"routeCoverage": "routeCoverage", "routecoverage": "routeCoverage"},
    "mms": {"ind_push": "ind_push", "si_push": "si_push"},
}

#: Parts an inbound message may have (its UDH numbers them in one octet).
MAX_MO_PARTS = 255

#: Distinct option sets kept for sharing between messages (a bound on the cache itself).
_SHARED_OPTIONS_LIMIT = 4096

#: The commands this gateway serves (scenario rules may name them).
COMMANDS = tuple(dict.fromkeys(command for table in PATHS.values() for command in table.values()))

#: Commands that send to recipients (a rule's recipient_error applies to these).
SENDING_COMMANDS = frozenset({"sendmsg", "senditem", "quicksend", "ind_push", "si_push"})


def resolve_command(prefix: str, segment: str) -> str:
    """The command at ``/<prefix>/<segment>``; an unknown one keeps its path (and gets 101)."""
    name = segment[:-4] if segment.endswith(".php") else segment
    return PATHS.get(prefix, {}).get(name) or f"/{prefix}/{segment}"


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


class InboundError(ValueError):
    """An inbound message the fake cannot take (no account owns the number, ...)."""


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

    def load(self, scenario: Scenario) -> None:
        """Replace the scenario and reset to its initial state."""
        self.scenario = scenario
        # Per scenario, not per reset: resets stay cheap (the pytest fixture resets every test).
        self._policy = HostPolicy((*LOOPBACK_HOSTS, *scenario.allowed_hosts, *self._extra_hosts))
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
        self.batches: dict[str, batches.Batch] = {}
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

    # -- pushes ----------------------------------------------------------------------------

    def _on_status(self, change: StatusChange) -> None:
        """A message reached a status: push it when its ``callback`` value selects it."""
        message = change.message
        if change.status == STATUS_EXPIRED and message.charge:
            # "Expired before reaching the upstream gateway; no charge" (reference B §7.1).
            account = self.accounts.get(message.account)
            if account is not None:
                account.balance += message.charge
            message.charge = Decimal(0)
        mask = message.options.callback
        if not mask or change.status not in CALLBACK_STATUSES[mask]:
            return
        account = self.accounts.get(message.account)
        if account is None or account.callback is None:
            return
        fields = callback_fields(
            api_id=account.api_id,
            apimsgid=message.apimsgid,
            climsgid=message.climsgid,
            timestamp=change.time,
            to=message.to,
            sender=message.options.sender,
            status=change.status,
            charge=message.charge,
        )
        request = build_request(
            account.callback,
            fields,
            callback_xml(fields),
            callback_soap(fields),
            user_agent=CALLBACK_USER_AGENT,
        )
        self.outbox.add(
            kind="callback",
            account=account.key,
            subject={"apimsgid": message.apimsgid, "status": f"{change.status:03d}"},
            request=request,
            target=account.callback,
            now=change.time,
        )

    def inject_mo(
        self,
        *,
        to: str,
        sender: str,
        text: str,
        api_id: str | None = None,
        user: str | None = None,
    ) -> list[str]:
        """An inbound SMS from ``sender`` to the account number ``to``: push it, part by part,
        to the account's MO URL; a STOP opts ``sender`` out. Returns the parts' moMsgIds.

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
        mo = account.mo
        if mo is not None and mo.numbers and to not in mo.numbers:
            raise InboundError(f"{to!r} is not one of the account's numbers")
        if not sender or not text:
            raise InboundError("an inbound message needs a sender (from) and a text")
        if is_stop(text):
            account.opted_out.add(sender)
        charset = mo_charset(text)
        parts = split_mo(text, charset)
        if len(parts) > MAX_MO_PARTS:  # the concatenation UDH counts parts in one octet
            raise InboundError(f"a text of {len(parts)} parts; at most {MAX_MO_PARTS} fit a UDH")
        self._mo_reference = (self._mo_reference + 1) % 256
        ids = []
        for sequence, part_text in enumerate(parts, start=1):
            udh = concat_udh(self._mo_reference, len(parts), sequence) if len(parts) > 1 else ""
            part = MoPart(
                account.api_id, self.ids.new_id(), sender, to, now, part_text, charset, udh
            )
            ids.append(part.mo_msg_id)
            self.inbound.append(part)
            if mo is not None and mo.target is not None:
                request = build_request(
                    mo.target,
                    part.http_fields(),
                    part.xml(),
                    part.soap(),
                    user_agent=MO_USER_AGENT,
                )
                self.outbox.add(
                    kind="mo",
                    account=account.key,
                    subject={"moMsgId": part.mo_msg_id, "from": sender, "to": to},
                    request=request,
                    target=mo.target,
                    now=now,
                )
        return ids

    def take_due_pushes(self) -> list[Push]:
        """Pushes due now (marked in flight): the dispatcher sends them and reports back."""
        return self.outbox.take_due(self.tick())

    def report_push(self, push_id: int, result: PushResult) -> None:
        """The dispatcher's result for a push it took (ignored if the fake was reset since)."""
        self.outbox.report(push_id, result)

    def pushes_json(self) -> dict[str, Any]:
        """Every push with its attempts, as the admin API shows it."""
        return {"pushes": [push.to_json() for push in self.outbox.all()]}

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
        decision = facts = None
        if len(self.rules) and not request.oversized:
            facts = self._facts(request, now)
            decision = self.rules.evaluate(facts)
        outcome = self._answer(request, now, decision, facts)
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

    def _answer(
        self,
        request: ApiRequest,
        now: float,
        decision: Decision | None,
        facts: RequestFacts | None,
    ) -> Outcome:
        if decision is None or facts is None:
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
        # The account the request names (even unauthenticated): for its error texts.
        account = self.accounts.get(facts.account) if facts.account is not None else None
        if action.quota is not None:
            reply = self.error(Err.MT_LIMIT, account, until=decision.quota_until)
        elif action.error is not None:
            reply = self.error(action.error, account)
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

    def error(self, code: int, account: Account | None = None, **fields: object) -> ApiError:
        """The error ``code`` with the text the account (or the scenario) gives it."""
        texts = account.error_texts if account is not None else self.scenario.error_texts
        return api_error(code, texts, **fields)

    def authenticate(self, request: ApiRequest, now: float) -> Account | ApiError:
        """Session rules when a session_id is given, else credentials (Part A §4)."""
        credentials = Credentials.from_params(request.params)
        if credentials.session_id is not None:
            return self._session_account(credentials.session_id, now, request.client_ip)
        if credentials.api_id is None and credentials.user is None and credentials.password is None:
            return self.error(Err.MISSING_SESSION)
        return self._check_credentials(credentials, request.client_ip)

    def _session_account(self, session_id: str, now: float, client_ip: str) -> Account | ApiError:
        session = self.sessions.use(session_id, now)
        account = self.accounts.get(session.account) if session is not None else None
        if account is None:
            return self.error(Err.SESSION_EXPIRED)
        return self._admit(account, client_ip)

    def _check_credentials(self, credentials: Credentials, client_ip: str) -> Account | ApiError:
        result = self.accounts.authenticate(credentials)
        if isinstance(result, Account):
            return self._admit(result, client_ip)
        account = None
        if credentials.api_id is not None and credentials.user is not None:
            account = self.accounts.get((credentials.api_id, credentials.user))
        return self.error(result, account)

    def _admit(self, account: Account, client_ip: str) -> Account | ApiError:
        """An authenticated account may still be locked to other IPs (007) or frozen (004)."""
        if not account.allows(client_ip):
            return self.error(Err.IP_LOCKDOWN, account)
        if account.frozen:
            return self.error(Err.ACCOUNT_FROZEN, account)
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
            return self.error(Err.MISSING_SESSION)
        account = self._session_account(session_id, now, request.client_ip)
        return account if isinstance(account, ApiError) else Ok("")

    def _sendmsg(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        account = self.authenticate(request, now)
        if isinstance(account, ApiError):
            return account
        options = parse_sendmsg(
            request.params, method=request.method, now=now, limits=self.scenario.recipient_limits
        )
        if isinstance(options, ApiError):
            return self.error(options.code, account)
        refused = self.check_sender(account, options.sender)
        if refused is not None:
            return refused
        results = self.send_all(account, options, now, decision)
        if len(results) == 1:
            only = results[0]
            if isinstance(only, RecipientAccepted):
                return Accepted(only.apimsgid)
            return ApiError(only.code, only.text)
        return MultiRecipient(tuple(results))

    def check_sender(self, account: Account, sender: str | None) -> ApiError | None:
        """123 when the account approves only some sender ids and ``sender`` is not one."""
        if account.senders is not None and sender is not None and sender not in account.senders:
            return self.error(Err.INVALID_SENDER_ID, account)
        return None

    @staticmethod
    def forced_errors(decision: Decision | None) -> tuple[int, frozenset[str] | None] | None:
        """A rule's recipient_error: (code, the recipients it picks, or None for all)."""
        if decision is None or decision.action.recipient_error is None:
            return None
        return (decision.action.recipient_error, decision.recipients)

    def send_all(
        self, account: Account, send: SendOptions, now: float, decision: Decision | None
    ) -> list[RecipientResult]:
        """One result per recipient, in order (a rule's recipient_error applied)."""
        forced = self.forced_errors(decision)
        # Requests with the same options share one (frozen) options object: memory per message.
        send = replace(send, options=self._shared(send.options))
        return [self.send_one(account, entry, send, now, forced) for entry in send.recipients]

    def send_one(
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
            return self.recipient_error(Err.INVALID_DESTINATION, account, to)
        if forced is not None and (forced[1] is None or entry in forced[1]):
            return self.recipient_error(forced[0], account, to)
        script = self._script_for(entry)
        if script is not None and script.error is not None:
            return self.recipient_error(script.error, account, to)
        if msisdn in account.opted_out:
            return self.recipient_error(Err.OPTED_OUT, account, to)
        route_charge = self._route_charge(msisdn)
        if route_charge is None:
            return self.recipient_error(Err.CANNOT_ROUTE, account, to)
        charge = self._charge(route_charge, options.body.parts)
        lifecycle = self.scenario.lifecycle
        if script is not None and script.lifecycle is not None:
            lifecycle = script.lifecycle
        max_credits = options.options.max_credits
        if max_credits is not None and charge > max_credits:
            # Over the cap the message is accepted but routing fails, at no charge (SPEC).
            charge, lifecycle = Decimal(0), (StatusStep(STATUS_ROUTING_ERROR),)
        elif not account.try_charge(charge):
            return self.recipient_error(Err.NO_CREDIT, account, to)
        message = Message(
            apimsgid=self.ids.new_id(self.messages),
            account=account.key,
            to=msisdn,
            body=options.body,
            options=options.options,
            charge=charge,
            accepted_at=now,
            script=lifecycle,
        )
        self.messages[message.apimsgid] = message
        if message.climsgid is not None:
            self._by_climsgid[(account.key, message.climsgid)] = message
        if message.options.callback:
            self._on_status(StatusChange(message, message.status, now))
        self.timeline.start(message)
        return RecipientAccepted(message.apimsgid, to)

    def _charge(self, route_charge: Decimal, parts: int) -> Decimal:
        # One Decimal per (route charge, parts): messages share it instead of holding a copy.
        key = (route_charge, parts)
        charge = self._charges.get(key)
        if charge is None:
            charge = self._charges[key] = route_charge * parts
        return charge

    def _shared(self, options: MessageOptions) -> MessageOptions:
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

    def _route_charge(self, msisdn: str) -> Decimal | None:
        """The charge per part to ``msisdn``; ``None`` when declared routes do not cover it."""
        if not self._routes:
            return self.scenario.default_charge
        for prefix, charge in self._routes:
            if msisdn.startswith(prefix):
                return charge
        return None

    def recipient_error(self, code: int, account: Account, to: str) -> RecipientError:
        """A per-recipient error line for ``to``."""
        error = self.error(code, account)
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
        account = self.authenticate(request, now)
        if isinstance(account, ApiError):
            return account
        ref = parse_message_ref(request.params)
        if isinstance(ref, ApiError):
            return self.error(ref.code, account)
        return account, ref, self._find(account, ref)

    def _unknown(self, account: Account, ref: MessageRef) -> ApiError:
        code = Err.UNKNOWN_APIMSGID if ref.apimsgid is not None else Err.UNKNOWN_CLIMSGID
        return self.error(code, account)

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
        if stop(message, now):
            if message.charge:
                # A message stopped before it left the router costs nothing: refund it.
                account.balance += message.charge
                message.charge = Decimal(0)
            self._on_status(StatusChange(message, message.status, now))
        return MessageStatus(message.apimsgid, message.status)

    def _getmsgcharge(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        found = self._message_command(request, now)
        if isinstance(found, ApiError):
            return found
        account, ref, message = found
        if message is None:
            return self._unknown(account, ref)
        return MessageCharge(message.apimsgid, message.charge, message.status)

    def _route_coverage(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        account = self.authenticate(request, now)
        if isinstance(account, ApiError):
            return account
        number = request.params.present("msisdn")
        if number is None:
            return self.error(Err.INVALID_PARAMETERS, account)
        msisdn = normalize_msisdn(number.strip(), account.dial_prefix)
        if msisdn is None:
            return self.error(Err.INVALID_DESTINATION, account)
        charge = self._route_charge(msisdn)
        return PlainError(COVERAGE_FAIL_SENTENCE) if charge is None else Coverage(charge)

    def _token_pay(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        account = self.authenticate(request, now)
        if isinstance(account, ApiError):
            return account
        token = request.params.present("token")
        voucher = self._vouchers.get(token or "")
        if voucher is None or voucher.token in self.vouchers_used:
            # The reference names no voucher error: an unknown or spent token is a bad parameter.
            return self.error(Err.INVALID_PARAMETERS, account)
        self.vouchers_used.add(voucher.token)
        account.balance += voucher.credit
        return Ok("605")

    def _getbalance(self, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
        account = self.authenticate(request, now)
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
            "char_limit": self.journal.char_limit,
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
    "token_pay": Gateway._token_pay,
    "routeCoverage": Gateway._route_coverage,
    "startbatch": batches.startbatch,
    "senditem": batches.senditem,
    "quicksend": batches.quicksend,
    "endbatch": batches.endbatch,
    "ind_push": wap.ind_push,
    "si_push": wap.si_push,
}
