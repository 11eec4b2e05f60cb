"""What the web UI shows of messages: the inbox, conversations, threads and one message.

Each ``build_*`` function runs under the runtime's lock (:meth:`Runtime.read`): it filters
what the fake holds and copies out only the page it shows, as plain frozen values; the
templates render them outside the lock. Nothing here is HTML: escaping is Jinja's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from ...core.clock import iso_time
from ...core.codes import STATUSES, is_final
from ...core.encoding import CAPACITY, Coding, split_text, text_units
from ...core.gateway import Gateway
from ...core.grammar import format_decimal
from ...core.journal import JournalEntry
from ...core.lifecycle import Message
from ...core.protocol import HTTP, ONE, PLATFORM, REST
from ...core.push_payloads import MoPart
from .paging import Pager

#: Lines per page of the inbox, and messages per page of a thread.
PAGE_SIZE = 50
THREAD_PAGE = 100
#: Characters of a text shown in a list (the detail view shows all of it).
PREVIEW = 160
#: How each coding is named on the page.
CODING_NAMES = {Coding.GSM7: "GSM-7", Coding.UCS2: "UCS-2", Coding.BINARY: "8-bit"}
_UNIT_NAMES = {Coding.GSM7: "septets", Coding.UCS2: "UCS-2 units", Coding.BINARY: "octets"}
#: Statuses that end well or badly (the badge's colour); the rest are on their way.
_DELIVERED = frozenset({4})
_CANCELLED = frozenset({6})
#: How each API is named on the page (and offered in the inbox's API filter), in this order.
API_NAMES = {HTTP: "HTTP", REST: "REST", PLATFORM: "Platform", ONE: "One API"}


def api_name(api: str) -> str:
    """``one`` -> ``One API``; an API the page does not know keeps its own name."""
    return API_NAMES.get(api, api)


def status_text(code: int) -> str:
    """``004`` -> ``Received by recipient``."""
    entry = STATUSES.get(code)
    return entry[0] if entry else "unknown"


def status_tone(code: int) -> str:
    """The badge's tone: ``ok``, ``error``, ``muted`` (cancelled) or ``pending``."""
    if code in _DELIVERED:
        return "ok"
    if code in _CANCELLED:
        return "muted"
    return "error" if is_final(code) else "pending"


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


def account_label(api_id: str, user: str | None = None) -> str:
    """How an account is named on the page and in the account filter: ``api_id/user``."""
    return api_id if user is None else f"{api_id}/{user}"


# -- inbound messages, joined from their parts ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inbound:
    """An inbound message: one part, or the parts of one concatenated message joined."""

    ids: tuple[str, ...]
    api_id: str
    sender: str
    to: str
    time: float
    text: str
    charset: str
    #: The API whose format it is pushed in: an integration's number answers in its API's,
    #: any other number in the HTTP API's two-way format.
    api: str = HTTP


def _concat_key(part: MoPart) -> tuple[str, str, str, int, int] | None:
    """(sender, to, reference, total, sequence) of a part with a concatenation UDH."""
    udh = part.udh
    if len(udh) != 12 or not udh.startswith("050003"):
        return None
    return part.sender, part.to, udh[6:8], int(udh[8:10], 16), int(udh[10:12], 16)


def join_parts(parts: Iterable[MoPart]) -> list[Inbound]:
    """Inbound messages from their parts, oldest first (the parts of one message are injected
    together, in order)."""
    joined: list[Inbound] = []
    group: list[MoPart] = []
    for part in parts:
        key = _concat_key(part)
        if group:
            last = _concat_key(group[-1])
            if key is None or last is None or key[:4] != last[:4] or key[4] != last[4] + 1:
                joined.append(_inbound(group))
                group = []
        group.append(part)
        if key is None or key[4] == key[3]:
            joined.append(_inbound(group))
            group = []
    if group:
        joined.append(_inbound(group))
    return joined


def _inbound(parts: list[MoPart]) -> Inbound:
    first = parts[0]
    return Inbound(
        tuple(part.mo_msg_id for part in parts),
        first.api_id,
        first.sender,
        first.to,
        first.timestamp,
        "".join(part.text for part in parts),
        first.charset,
    )


def inbound_messages(gateway: Gateway) -> list[Inbound]:
    """Every inbound message, oldest first, each with the API it is pushed through."""
    apis: dict[tuple[str, str], str] = {}  # (api_id, an integration's number) -> its API
    for account in gateway.accounts.all():
        for integration in account.integrations.values():
            for number in integration.numbers:
                apis.setdefault((account.api_id, number), integration.api)
    joined = join_parts(gateway.inbound)
    if not apis:
        return joined
    return [
        replace(inbound, api=apis[key])
        if (key := (inbound.api_id, inbound.to)) in apis
        else inbound
        for inbound in joined
    ]


# -- lines of the inbox and of a thread -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One message in a list: outbound (``out``, to ``handset``) or inbound (``in``)."""

    direction: str
    id: str
    time_iso: str
    handset: str
    #: The other end: the sender id of an outbound message, the number an inbound one went to.
    ours: str
    account: str
    text: str
    parts: int
    #: The API it came through (``http``, ``rest``, ``platform``, ``one``), and its name.
    api: str
    api_name: str
    status: str = ""
    status_text: str = ""
    tone: str = ""
    charge: str = ""


def _out_line(message: Message, full: bool = False) -> Line:
    status = message.status
    body = message.body
    text = body.text or (f"8-bit: {(body.udh or '') + (body.data or '')}" if body.data else "")
    return Line(
        "out",
        message.apimsgid,
        iso_time(message.accepted_at),
        message.to,
        message.options.sender or "",
        account_label(*message.account),
        text if full else _preview(text),
        body.parts,
        message.options.api,
        api_name(message.options.api),
        f"{status:03d}",
        status_text(status),
        status_tone(status),
        format_decimal(message.charge),
    )


def _in_line(inbound: Inbound, full: bool = False) -> Line:
    return Line(
        "in",
        inbound.ids[0],
        iso_time(inbound.time),
        inbound.sender,
        inbound.to,
        inbound.api_id,
        inbound.text if full else _preview(inbound.text),
        len(inbound.ids),
        inbound.api,
        api_name(inbound.api),
    )


# -- the inbox --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboxQuery:
    """The inbox's search and filters, as the page's form gives them."""

    q: str = ""
    status: int | None = None
    account: str = ""
    #: An API (``""``: any): messages sent through it, and inbound ones pushed through it.
    api: str = ""
    page: int = 1

    def keeps_out(self, message: Message) -> bool:
        """True when an outbound message passes every filter."""
        if self.status is not None and message.status != self.status:
            return False
        if self.api and message.options.api != self.api:
            return False
        if self.account and account_label(*message.account) != self.account:
            return False
        q = self.q.lower()
        return not q or (
            q in message.to
            or q in message.apimsgid
            or q in (message.options.sender or "").lower()
            or q in (message.climsgid or "").lower()
            or q in message.body.text.lower()
        )

    def keeps_in(self, inbound: Inbound) -> bool:
        """True when an inbound message passes every filter (it has no status)."""
        if self.status is not None:
            return False
        if self.api and inbound.api != self.api:
            return False
        if self.account and inbound.api_id != self.account.partition("/")[0]:
            return False
        q = self.q.lower()
        return not q or (
            q in inbound.sender
            or q in inbound.to
            or any(q in mo_id for mo_id in inbound.ids)
            or q in inbound.text.lower()
        )


@dataclass(frozen=True, slots=True)
class Inbox:
    """One page of the inbox, newest first, and what its filters offer."""

    lines: list[Line]
    pager: Pager
    accounts: list[str]
    held: int


Marks = Mapping[str, int]
Sortable = tuple[float, int, int, "Message | Inbound"]


def _newest_first(
    gateway: Gateway,
    marks: Marks,
    keep_out: Callable[[Message], bool],
    keep_in: Callable[[Inbound], bool],
) -> list[Sortable]:
    """The outbound and inbound messages kept, newest first: by virtual time, then in the
    order they happened (an inbound message comes after the messages accepted before it was
    injected; ``marks`` says how many that was)."""
    held = len(gateway.messages)
    items: list[Sortable] = [
        (m.accepted_at, 2 * i + 1, 0, m)
        for i, m in enumerate(gateway.messages.values())
        if keep_out(m)
    ]
    items += [
        (mo.time, 2 * marks.get(mo.ids[0], held), j, mo)
        for j, mo in enumerate(inbound_messages(gateway))
        if keep_in(mo)
    ]
    items.sort(key=lambda item: item[:3], reverse=True)
    return items


def _line(item: Message | Inbound, full: bool = False) -> Line:
    return _out_line(item, full) if isinstance(item, Message) else _in_line(item, full)


def build_inbox(gateway: Gateway, query: InboxQuery, marks: Marks) -> Inbox:
    """The inbox page ``query`` asks for."""
    items = _newest_first(gateway, marks, query.keeps_out, query.keeps_in)
    pager = Pager(query.page, PAGE_SIZE, len(items))
    lines = [_line(item[3]) for item in items[pager.start : pager.stop]]
    accounts = sorted({account_label(*account.key) for account in gateway.accounts.all()})
    held = len(gateway.messages) + len(join_parts(gateway.inbound))
    return Inbox(lines, pager, accounts, held)


# -- conversations ----------------------------------------------------------------------------


@dataclass(slots=True)
class Conversation:
    """One handset number: how many messages each way, and the latest one."""

    number: str
    sent: int = 0
    received: int = 0
    last: Line | None = None


@dataclass(frozen=True, slots=True)
class Conversations:
    """One page of conversations, most recent activity first."""

    conversations: list[Conversation]
    pager: Pager
    q: str


def build_conversations(gateway: Gateway, q: str, page: int, marks: Marks) -> Conversations:
    """Every handset number messages went to or came from, newest activity first."""
    by_number: dict[str, Conversation] = {}
    latest: dict[str, Message | Inbound] = {}
    everything = _newest_first(gateway, marks, lambda m: q in m.to, lambda mo: q in mo.sender)
    for _, _, _, item in everything:
        number = item.to if isinstance(item, Message) else item.sender
        conversation = by_number.get(number)
        if conversation is None:
            conversation = by_number[number] = Conversation(number)
            latest[number] = item  # the first seen is the newest
        if isinstance(item, Message):
            conversation.sent += 1
        else:
            conversation.received += 1
    wanted = list(by_number.values())  # in order of their newest message
    pager = Pager(page, PAGE_SIZE, len(wanted))
    shown = wanted[pager.start : pager.stop]
    for conversation in shown:
        conversation.last = _line(latest[conversation.number])
    return Conversations(shown, pager, q)


@dataclass(frozen=True, slots=True)
class Thread:
    """The messages to and from one handset, oldest first, and where a reply goes."""

    number: str
    lines: list[Line]
    pager: Pager
    #: The reply form's defaults: the number the handset answers, and the account.
    reply_to: str
    reply_api_id: str
    reply_user: str
    accounts: list[tuple[str, str]] = field(default_factory=list)


def build_thread(gateway: Gateway, number: str, page: int, marks: Marks) -> Thread:
    """The conversation with ``number``: a page counted from the newest end."""
    items = _newest_first(gateway, marks, lambda m: m.to == number, lambda mo: mo.sender == number)
    pager = Pager(page, THREAD_PAGE, len(items))
    lines = [_line(item[3], True) for item in reversed(items[pager.start : pager.stop])]
    outs = [item[3] for item in items if isinstance(item[3], Message)]
    ins = [item[3] for item in items if isinstance(item[3], Inbound)]
    reply_to, api_id, user = _reply_defaults(gateway, outs, ins)
    accounts = [account.key for account in gateway.accounts.all()]
    return Thread(number, lines, pager, reply_to, api_id, user, accounts)


def _reply_defaults(
    gateway: Gateway, outs: list[Message], ins: list[Inbound]
) -> tuple[str, str, str]:
    """Where a reply from the handset goes: the account that last wrote to it (or that it
    last wrote to), to that account's two-way number the conversation used."""
    api_id = user = to = ""
    if outs:  # newest first
        last = outs[0]
        api_id, user = last.account
        to = last.options.sender or ""
    elif ins:
        api_id, to = ins[0].api_id, ins[0].to
    account = next(
        (a for a in gateway.accounts.all() if a.api_id == api_id and (not user or a.user == user)),
        None,
    )
    if account is not None:
        user = account.user
        numbers = account.mo.numbers if account.mo is not None else ()
        if numbers and to not in numbers:
            to = numbers[0]
    return to, api_id, user


# -- one message ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a message as it travels: its content, its UDH, the units it takes."""

    number: int
    content: str
    udh: str
    units: int
    capacity: int


@dataclass(frozen=True, slots=True)
class Exchange:
    """The request that sent a message, as journaled (secrets masked), and its reply."""

    seq: int
    time_iso: str
    method: str
    path: str
    query: str
    params: list[tuple[str, str]]
    client_ip: str
    status: int | None
    body: str
    reason: str | None
    rule: str | None
    #: The API it came to and its name (both ``""`` for a request outside every API).
    api: str
    api_name: str


@dataclass(frozen=True, slots=True)
class Detail:
    """Everything about one message."""

    line: Line
    message: dict[str, Any]
    coding: str
    unit_name: str
    parts: list[Part]
    timeline: list[tuple[str, str, str, str]]
    exchange: Exchange | None
    callbacks: list[dict[str, Any]]
    #: The name of the Platform or One API integration that sent it (``None``: none, or one
    #: the account no longer has).
    integration_name: str | None = None


def build_detail(gateway: Gateway, apimsgid: str) -> Detail | None:
    """The message ``apimsgid`` names (``None``: no such message)."""
    message = gateway.messages.get(apimsgid.lower())
    if message is None:
        return None
    shown = message.to_json()
    timeline = [
        (f"{status:03d}", status_text(status), status_tone(status), iso_time(at))
        for at, status in message.history
    ]
    callbacks = [
        push.to_json()
        for push in gateway.outbox.all()
        if push.kind == "callback" and push.subject.get("apimsgid") == message.apimsgid
    ]
    entry = _request_of(gateway.journal.entries(), message.apimsgid)
    account = gateway.accounts.get(message.account)
    integration = (
        None
        if account is None or message.options.integration is None
        else account.integrations.get(message.options.integration)
    )
    return Detail(
        _out_line(message, True),
        shown,
        CODING_NAMES[message.body.coding],
        _UNIT_NAMES[message.body.coding],
        parts_of(message),
        timeline,
        None if entry is None else exchange_of(entry),
        callbacks,
        None if integration is None else integration.name,
    )


def parts_of(message: Message) -> list[Part]:
    """The parts a message travels in: text split without breaking a character, 8-bit
    payloads (UDH then data) in octets; a concatenated message's parts each carry a
    concatenation UDH (its reference is the first octet of the apiMsgId: the fake's choice)."""
    body = message.body
    capacity = CAPACITY[body.coding]
    size = capacity.single if body.parts <= 1 else capacity.per_part
    if body.coding is Coding.BINARY:
        payload = (body.udh or "") + (body.data or "")
        pieces = [payload[i : i + 2 * size] for i in range(0, len(payload), 2 * size)]
        own = len(body.udh or "")
        return [
            Part(
                n + 1,
                piece[max(own - 2 * size * n, 0) :],
                piece[: max(own - 2 * size * n, 0)],
                len(piece) // 2,
                size,
            )
            for n, piece in enumerate(pieces)
        ]
    texts = split_text(body.text, body.coding)
    total = len(texts)
    try:
        reference = int(message.apimsgid[:2], 16)
    except ValueError:  # ids are hex; anything else gets reference 0
        reference = 0
    return [
        Part(
            n + 1,
            text,
            f"050003{reference:02X}{total:02X}{n + 1:02X}" if total > 1 else "",
            text_units(text, body.coding),
            size,
        )
        for n, text in enumerate(texts)
    ]


def _request_of(entries: Iterable[JournalEntry], apimsgid: str) -> JournalEntry | None:
    """The newest journaled request whose reply handed out ``apimsgid``."""
    for entry in reversed(list(entries)):
        if entry.command and apimsgid in entry.body:
            return entry
    return None


def exchange_of(entry: JournalEntry) -> Exchange:
    """A journal entry as the page shows it: the request line's query rebuilt from the
    (masked) parameters, byte for byte as sent (values are kept as ISO-8859-1)."""
    params = list(entry.params.items())
    query = urlencode(params, safe="*", encoding="latin-1", errors="replace")
    return Exchange(
        entry.seq,
        iso_time(entry.time),
        entry.method,
        entry.path,
        query,
        params,
        entry.client_ip,
        entry.status,
        entry.body,
        entry.reason,
        entry.rule,
        entry.api,
        api_name(entry.api),
    )
