"""Outbound pushes rendered byte for byte: delivery-status callbacks and inbound (MO) messages.

Each function here turns the facts of one push (a message reaching a status, an inbound message
part) into the fields, XML or SOAP body Clickatell documents, and :func:`build_request` into
the HTTP request for an account's push target. Nothing is sent here; :mod:`.outbox` keeps the
pushes and their retries.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from .clock import iso_time
from .codes import STATUSES, format_code
from .grammar import format_decimal
from .scenario_model import PushFormat, PushTarget

MO_USER_AGENT = "Clickatell MO Callback"
CALLBACK_USER_AGENT = "fake-clickatell"
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """``text`` safe inside an XML element (what ``xml.sax.saxutils.escape`` does; importing
    that module would pull in ``urllib.request`` and slow the fake's start-up)."""
    return text.translate(_XML_ESCAPES)


#: Pushes are percent-encoded leaving RFC 2396's marks as they are, like a real MO capture
#: (``...%00!`` in py-smsframework-clickatell's "real, unicode" test): only alphanumerics and
#: these stay unescaped, and a space is ``+``.
_MARKS = "-_.!~*'()"
#: The MO timestamp is local time in South Africa: GMT+2, no daylight saving.
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
    """The HTTP GET/POST callback fields, in the documented order (cliMsgId, from: even empty)."""
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
    """The XML callback document (no api_id element; charge before status, as documented)."""
    values = dict(fields)
    order = ("apiMsgId", "cliMsgId", "timestamp", "to", "from", "charge", "status")
    lines = [f" <{name}>{escape(values[name])}</{name}>" for name in order]
    return '<?xml version="1.0"?>\n<callback>\n' + "\n".join(lines) + "\n</callback>"


def callback_json(fields: Sequence[tuple[str, str]]) -> str:
    """The "JSON RAW HTTP POST" callback document, in the REST API's names: the charge a JSON
    number in its shortest form, the timestamp unix seconds, the status with its description.
    (No capture of it survives; this follows the REST API's own shapes.)"""
    v = dict(fields)
    status = int(v["status"])
    document = {
        "apiId": v["api_id"],
        "apiMessageId": v["apiMsgId"],
        "clientMessageId": v["cliMsgId"],
        "timestamp": int(v["timestamp"]),
        "to": v["to"],
        "from": v["from"],
        "charge": "@charge@",
        "messageStatus": v["status"],
        "description": STATUSES[status][0] if status in STATUSES else "",
    }
    text = json.dumps({"data": document}, separators=(",", ":"), ensure_ascii=False)
    return text.replace('"@charge@"', format_decimal(Decimal(v["charge"])), 1)


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
    #: The id of the handset's network, as the Platform's and the One API's reply callbacks
    #: carry it (``""``: not given).
    network: str = ""

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
            "timestamp_iso": iso_time(self.timestamp),
            "text": self.text,
            "charset": self.charset,
            "udh": self.udh,
            "network": self.network,
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
    json_text: str | None = None,
) -> PushRequest:
    """The HTTP request that delivers one push to ``target`` in its format (``json_text``:
    the document a JSON push sends, for the pushes that have one)."""
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
    if fmt is PushFormat.JSON_POST and json_text is not None:
        headers.append(("Content-Type", _JSON))
        return PushRequest("POST", target.url, json_text.encode("utf-8"), tuple(headers))
    headers.append(("Content-Type", _FORM))
    return PushRequest("POST", target.url, encoded.encode("ascii"), tuple(headers))


def callback_request(target: PushTarget, fields: Sequence[tuple[str, str]]) -> PushRequest:
    """The request that pushes one status callback (:func:`callback_fields`) to ``target``."""
    return build_request(
        target,
        fields,
        callback_xml(fields),
        callback_soap(fields),
        user_agent=CALLBACK_USER_AGENT,
        json_text=callback_json(fields) if target.format is PushFormat.JSON_POST else None,
    )


def mo_request(target: PushTarget, part: MoPart) -> PushRequest:
    """The request that pushes one inbound message part to ``target``."""
    return build_request(
        target, part.http_fields(), part.xml(), part.soap(), user_agent=MO_USER_AGENT
    )


def secret_forms(secret: str) -> tuple[str, ...]:
    """Every form a secret takes in a push: as written, percent-encoded in a query or a form
    (as :func:`build_request` encodes it), and escaped inside a JSON string."""
    encoded = urlencode([("", secret)], safe=_MARKS)[1:]
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    return tuple(dict.fromkeys(form for form in (secret, encoded, escaped) if form))


def mask_url(url: str) -> str:
    """``url`` with a password in its user info masked (``http://hook:****@host/cb``), as the
    log and the admin API show push targets."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:****@{host}"))
