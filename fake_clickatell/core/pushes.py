"""Outbound pushes: delivery-status callbacks and inbound (MO) messages, as data.

This module renders each push byte for byte (reference Part B §7.5 and §10) and keeps the
:class:`Outbox`: what is due, what was attempted when, and the retry schedule, all on the
virtual clock. It sends nothing: the adapter's dispatcher takes due pushes, performs the HTTP
request, and reports back. Attempts are stamped with the virtual time they were *due*, so a
receiver that fails twice shows attempts at T, T+2 min and T+6 min however late anyone looked.
"""

from __future__ import annotations

import base64
import enum
import ipaddress
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

from .codes import format_code
from .config import LOOPBACK_HOSTS, PushFormat, PushTarget

AccountKey = tuple[str, str]

#: Finished pushes kept for the admin API; pending ones are always kept.
PUSH_HISTORY_LIMIT = 10_000

MO_USER_AGENT = "Clickatell MO Callback"
CALLBACK_USER_AGENT = "fake-clickatell"
_FORM = "application/x-www-form-urlencoded"
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """``text`` safe inside an XML element (what ``xml.sax.saxutils.escape`` does; importing
    that module would pull in ``urllib.request`` and slow the fake's start-up)."""
    return text.translate(_XML_ESCAPES)


#: Pushes are percent-encoded leaving RFC 2396's marks as they are, like a real MO capture
#: (``...%00!`` in py-smsframework-clickatell's "real, unicode" test): only alphanumerics and
#: these stay unescaped, and a space is ``+``.
_MARKS = "-_.!~*'()"
#: The MO timestamp is local time in South Africa: GMT+2, no daylight saving (B §10).
_GMT_PLUS_2 = timezone(timedelta(hours=2))


@dataclass(frozen=True, slots=True)
class PushRequest:
    """One HTTP request to make: method, full URL, body, headers."""

    method: str
    url: str
    body: bytes | None
    headers: tuple[tuple[str, str], ...]


# -- rendering -------------------------------------------------------------------------------


def callback_fields(
    *,
    api_id: str,
    apimsgid: str,
    climsgid: str | None,
    timestamp: float,
    to: str,
    sender: str | None,
    status: int,
    charge: Decimal,
) -> list[tuple[str, str]]:
    """The HTTP GET/POST callback fields, in SPEC's order; cliMsgId and from even when empty."""
    return [
        ("api_id", api_id),
        ("apiMsgId", apimsgid),
        ("cliMsgId", climsgid or ""),
        ("timestamp", str(int(timestamp))),
        ("to", to),
        ("from", sender or ""),
        ("status", format_code(status)),
        ("charge", f"{charge:.6f}"),
    ]


def callback_xml(fields: Sequence[tuple[str, str]]) -> str:
    """The XML callback document (no api_id element; charge before status, as in SPEC)."""
    values = dict(fields)
    order = ("apiMsgId", "cliMsgId", "timestamp", "to", "from", "charge", "status")
    lines = [f" <{name}>{escape(values[name])}</{name}>" for name in order]
    return '<?xml version="1.0"?>\n<callback>\n' + "\n".join(lines) + "\n</callback>"


_SOAP_OPEN = (
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    '<SOAP-ENV:Envelope SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
    'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" '
    'xmlns:tns="{namespace}">\n<SOAP-ENV:Body>\n<tns:{element} xmlns:tns="{namespace}">\n'
)
_SOAP_CLOSE = "</tns:{element}>\n</SOAP-ENV:Body>\n</SOAP-ENV:Envelope>"


def _soap(namespace: str, element: str, children: Iterable[tuple[str, str, str]]) -> str:
    """A SOAP 1.1 rpc/encoded envelope with typed children (name, xsd type, value)."""
    body = "".join(
        f'<{name} xsi:type="xsd:{kind}">{escape(value)}</{name}>\n'
        for name, kind, value in children
    )
    return (
        _SOAP_OPEN.format(namespace=namespace, element=element)
        + body
        + _SOAP_CLOSE.format(element=element)
    )


def callback_soap(fields: Sequence[tuple[str, str]]) -> str:
    """The SOAP callback envelope: namespace mt_callback, lower-case element names."""
    v = dict(fields)
    return _soap(
        "mt_callback",
        "mt_callback",
        [
            ("api_id", "int", v["api_id"]),
            ("apimsgid", "string", v["apiMsgId"]),
            ("climsgid", "string", v["cliMsgId"]),
            ("to", "string", v["to"]),
            ("from", "string", v["from"]),
            ("timestamp", "int", v["timestamp"]),
            ("status", "int", v["status"]),
            ("charge", "float", v["charge"]),
        ],
    )


def mo_timestamp(unix_time: float) -> str:
    """The MO push timestamp: ``YYYY-MM-DD HH:MM:SS`` in GMT+2."""
    return datetime.fromtimestamp(int(unix_time), _GMT_PLUS_2).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True, slots=True)
class MoPart:
    """One inbound message part as pushed."""

    api_id: str
    mo_msg_id: str
    sender: str
    to: str
    timestamp: float
    text: str
    charset: str  # "ISO-8859-1" or "UTF-16BE"
    udh: str = ""

    def text_bytes(self) -> bytes:
        """The text in its charset: what HTTP pushes percent-encode."""
        return self.text.encode("latin-1" if self.charset == "ISO-8859-1" else "utf-16-be")

    def http_fields(self) -> list[tuple[str, str | bytes]]:
        """The HTTP GET/POST fields in TWOWAY's order; udh and charset even when empty."""
        return [
            ("api_id", self.api_id),
            ("from", self.sender),
            ("to", self.to),
            ("timestamp", mo_timestamp(self.timestamp)),
            ("text", self.text_bytes()),
            ("charset", self.charset),
            ("udh", self.udh),
            ("moMsgId", self.mo_msg_id),
        ]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view (the admin API's shape)."""
        return {
            "moMsgId": self.mo_msg_id,
            "api_id": self.api_id,
            "from": self.sender,
            "to": self.to,
            "timestamp": self.timestamp,
            "text": self.text,
            "charset": self.charset,
            "udh": self.udh,
        }

    def xml(self) -> str:
        """The XML MO document (one line, values escaped)."""
        values = [
            ("api_id", self.api_id),
            ("moMsgId", self.mo_msg_id),
            ("from", self.sender),
            ("to", self.to),
            ("timestamp", mo_timestamp(self.timestamp)),
            ("text", self.text),
            ("charset", self.charset),
            ("udh", self.udh),
        ]
        inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in values)
        return f'<?xml version="1.0"?><clickmo>{inner}</clickmo>'

    def soap(self) -> str:
        """The SOAP MO envelope: namespace clickatell_mo, element mo_callback."""
        return _soap(
            "clickatell_mo",
            "mo_callback",
            [
                ("api_id", "int", self.api_id),
                ("from", "string", self.sender),
                ("to", "string", self.to),
                ("timestamp", "string", mo_timestamp(self.timestamp)),
                ("charset", "string", self.charset),
                ("udh", "string", self.udh),
                ("text", "string", self.text),
                ("momsgid", "string", self.mo_msg_id),
            ],
        )


def build_request(
    target: PushTarget,
    fields: Sequence[tuple[str, str | bytes]],
    xml: str,
    soap: str,
    *,
    user_agent: str,
) -> PushRequest:
    """The HTTP request that delivers one push to ``target`` in its format."""
    fmt = target.format
    if fmt in (PushFormat.XML_GET, PushFormat.XML_POST):
        fields = [("data", xml.encode("utf-8"))]
    elif fmt in (PushFormat.SOAP_GET, PushFormat.SOAP_POST):
        # The envelope declares ISO-8859-1; characters outside it become character references.
        fields = [("data", soap.encode("latin-1", "xmlcharrefreplace"))]
    encoded = urlencode(list(fields), safe=_MARKS)
    headers = [("User-Agent", user_agent)]
    if target.username is not None:
        token = f"{target.username}:{target.password or ''}".encode()
        headers.append(("Authorization", "Basic " + base64.b64encode(token).decode("ascii")))
    if fmt.method == "GET":
        joiner = "&" if "?" in target.url else "?"
        return PushRequest("GET", target.url + joiner + encoded, None, tuple(headers))
    headers.append(("Content-Type", _FORM))
    return PushRequest("POST", target.url, encoded.encode("ascii"), tuple(headers))


# -- where pushes may go ---------------------------------------------------------------------


class HostPolicy:
    """Which hosts pushes may reach: names compared as written, addresses by network.

    Names are not resolved, so a name is allowed only when listed itself (a DNS answer cannot
    widen the policy).
    """

    __slots__ = ("_names", "_networks")

    def __init__(self, allowed: Iterable[str] = LOOPBACK_HOSTS) -> None:
        self._names: set[str] = set()
        self._networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allowed:
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self._names.add(entry.lower().rstrip("."))

    def allows(self, url: str) -> bool:
        """True when ``url`` is http(s) to an allowed host."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return host.lower().rstrip(".") in self._names
        return any(address in network for network in self._networks)


# -- the outbox ------------------------------------------------------------------------------


class PushState(enum.Enum):
    """Where a push stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # every retry failed
    REFUSED = "refused"  # its host is not allowed: never attempted
    DROPPED = "dropped"  # the fake was reset before it was delivered


@dataclass(frozen=True, slots=True)
class Attempt:
    """One delivery attempt: when (virtual, as scheduled), and how it went."""

    number: int
    time: float
    ok: bool
    detail: str
    status_code: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "attempt": self.number,
            "time": self.time,
            "ok": self.ok,
            "detail": self.detail,
            "status_code": self.status_code,
        }


@dataclass(eq=False, slots=True)
class Push:
    """One push (a callback or an MO part) and its attempts."""

    push_id: int
    kind: str  # "callback" or "mo"
    account: AccountKey
    subject: dict[str, str]
    request: PushRequest
    timeout: float
    retries: tuple[float, ...]
    created_at: float
    next_due: float | None
    state: PushState = PushState.PENDING
    in_flight: bool = False
    attempts: list[Attempt] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view (the admin API's shape)."""
        request = self.request
        return {
            "id": self.push_id,
            "kind": self.kind,
            "api_id": self.account[0],
            "user": self.account[1],
            **self.subject,
            "state": self.state.value,
            "method": request.method,
            "url": request.url,
            "body": None if request.body is None else request.body.decode("latin-1"),
            "created_at": self.created_at,
            "next_attempt_at": self.next_due if self.state is PushState.PENDING else None,
            "attempts": [attempt.to_json() for attempt in self.attempts],
        }


@dataclass(frozen=True, slots=True)
class PushResult:
    """What the dispatcher saw: delivered (2xx) or not, with a short reason."""

    ok: bool
    detail: str
    status_code: int | None = None


class Outbox:
    """Pushes waiting, in flight, and done; the retry schedule on the virtual clock."""

    __slots__ = ("_done", "_pending", "last_id", "policy")

    def __init__(self, policy: HostPolicy, first_id: int = 1) -> None:
        self.policy = policy
        self._pending: dict[int, Push] = {}
        self._done: deque[Push] = deque(maxlen=PUSH_HISTORY_LIMIT)
        #: The highest id handed out so far (ids keep growing across resets).
        self.last_id = first_id - 1

    def add(
        self,
        *,
        kind: str,
        account: AccountKey,
        subject: dict[str, str],
        request: PushRequest,
        target: PushTarget,
        now: float,
    ) -> Push:
        """Queue a push, due at once; one to a host not allowed is refused and journaled."""
        self.last_id += 1
        push = Push(
            self.last_id,
            kind,
            account,
            subject,
            request,
            target.timeout,
            target.retries,
            now,
            now,
        )
        if not self.policy.allows(request.url):
            push.state, push.next_due = PushState.REFUSED, None
            push.attempts.append(Attempt(0, now, False, "refused: host not allowed"))
            self._done.append(push)
        else:
            self._pending[push.push_id] = push
        return push

    def take_due(self, now: float) -> list[Push]:
        """The pushes due by ``now`` and not in flight, oldest first; marks them in flight."""
        due = [
            push
            for push in self._pending.values()
            if not push.in_flight and push.next_due is not None and push.next_due <= now
        ]
        due.sort(key=lambda push: (push.next_due or 0.0, push.push_id))
        for push in due:
            push.in_flight = True
        return due

    def next_due(self) -> float | None:
        """When the next push not in flight falls due, if any."""
        times = [
            push.next_due
            for push in self._pending.values()
            if not push.in_flight and push.next_due is not None
        ]
        return min(times) if times else None

    def busy(self, now: float) -> bool:
        """True while a push is in flight or due by ``now``."""
        return any(
            push.in_flight or (push.next_due is not None and push.next_due <= now)
            for push in self._pending.values()
        )

    def report(self, push_id: int, result: PushResult) -> Push | None:
        """Record an attempt's result; schedule the retry or finish. None if not ours."""
        push = self._pending.get(push_id)
        if push is None or not push.in_flight or push.next_due is None:
            return None
        number = len(push.attempts) + 1
        at = push.next_due
        push.attempts.append(Attempt(number, at, result.ok, result.detail, result.status_code))
        push.in_flight = False
        if result.ok:
            push.state, push.next_due = PushState.DELIVERED, None
        elif number <= len(push.retries):
            push.next_due = at + push.retries[number - 1]
        else:
            push.state, push.next_due = PushState.FAILED, None
        if push.next_due is None:
            del self._pending[push_id]
            self._done.append(push)
        return push

    def drop_all(self, now: float) -> list[Push]:
        """Drop every push not yet delivered (the fake is being reset)."""
        dropped = list(self._pending.values())
        for push in dropped:
            push.state, push.next_due, push.in_flight = PushState.DROPPED, None, False
            push.attempts.append(Attempt(0, now, False, "dropped: the fake was reset"))
        self._pending.clear()
        return dropped

    def keep(self, pushes: Iterable[Push]) -> None:
        """Carry finished pushes over (dropped ones survive a reset in the journal)."""
        self._done.extend(pushes)

    def all(self) -> list[Push]:
        """Every push known, oldest first."""
        return sorted((*self._done, *self._pending.values()), key=lambda push: push.push_id)

    def __len__(self) -> int:
        return len(self._pending)
