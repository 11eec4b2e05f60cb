"""What every HTTP benchmark sends and what the stand-ins answer: one definition, shared.

The bare route and the WireMock stub answer the same bytes the fake answers (same length, same
headers), so the comparisons measure the work behind the reply, not its size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from fake_clickatell import Scenario
from fake_clickatell.core.accounts import AccountKey, open_key
from fake_clickatell.core.grammar import Accepted, MultiRecipient, RecipientAccepted, render

#: Open mode with credit for any run: every benchmarked sendmsg must be *accepted*.
BENCH_BALANCE = Decimal(10) ** 12
BENCH_SCENARIO = Scenario(source="<benchmark>", default_balance=BENCH_BALANCE)
CREDENTIALS = {"api_id": "3442105", "user": "bench", "password": "secret"}

TEXT = "Your verification code is 274913. It expires in 10 minutes."
_ID = "0d1d7dda17d5a24edf1555dc0b679d0e"

#: Recipients per sendmsg for the two HTTP payloads.
RECIPIENT_COUNTS = (1, 10)


def recipients(count: int) -> list[str]:
    """``count`` distinct valid MSISDNs."""
    return [f"2799900{n:04d}" for n in range(1, count + 1)]


def sendmsg_query(session_id: str, count: int) -> str:
    """The query string of a sendmsg to ``count`` recipients, authenticated by session."""
    return urlencode({"session_id": session_id, "to": ",".join(recipients(count)), "text": TEXT})


def reply_body(count: int) -> str:
    """What the fake answers to that sendmsg (with a fixed id): the stand-ins' fixed body."""
    if count == 1:
        return render(Accepted(_ID))
    return render(MultiRecipient(tuple(RecipientAccepted(_ID, to) for to in recipients(count))))


def stub_path(count: int) -> str:
    """The path the bare route and the WireMock stub serve for ``count`` recipients."""
    return "/http/sendmsg" if count == 1 else f"/http/sendmsg{count}"


#: The REST API's send: one recipient, the same text; open mode makes the token's account.
REST_TOKEN = "4ZnXsl.LcQrDl4ZHWBt6_J1KLqNZVV7Tfg9KK25nd1EYaQ7SPP2mmLkODKhzJ1S"
REST_HEADERS = {
    "Authorization": f"Bearer {REST_TOKEN}",
    "X-Version": "1",
    "Content-Type": "application/json",
}
REST_ACCOUNT = open_key("rest", REST_TOKEN)
REST_SEND_PATH = "/rest/message"


def rest_send_body(count: int = 1) -> bytes:
    """The JSON body of a REST send to ``count`` recipients."""
    return json.dumps({"text": TEXT, "to": recipients(count)}).encode()


@dataclass(frozen=True, slots=True)
class JsonSend:
    """One JSON API's send of the same text to one recipient, as wrk POSTs it each time; open
    mode makes the credential's account on first use."""

    api: str
    path: str
    headers: dict[str, str]
    body: bytes
    #: The account open mode makes for the credential (its balance counts what was accepted).
    account: AccountKey

    def accepted(self, status: int, body: bytes) -> bool:
        """True when ``body`` is this API's reply accepting the one message."""
        reply = json.loads(body)
        if self.api == "rest":
            return status == 202 and reply["data"]["message"][0]["accepted"] is True
        return status == 202 and reply["messages"][0]["accepted"] is True

    def script(self) -> str:
        """A wrk Lua script that POSTs this send with its headers on every request."""
        lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(self.body.decode())}"]
        lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in self.headers.items()]
        return "\n".join(lines) + "\n"


#: Keys in the format Clickatell's portal shows (22 base64url characters and ``==``).
PLATFORM_KEY = "Vq3bN0xXSvK2cHj8e6TgRw=="
ONE_API_KEY = "pL9kT2mQRj6WfXb1nA7yCg=="

#: The JSON sends the benchmarks compare with sendmsg, by the server name's suffix.
JSON_SENDS = {
    "rest": JsonSend("rest", REST_SEND_PATH, REST_HEADERS, rest_send_body(), REST_ACCOUNT),
    "platform": JsonSend(
        "platform",
        "/messages",
        {"Authorization": PLATFORM_KEY, "Content-Type": "application/json"},
        json.dumps({"content": TEXT, "to": recipients(1)}).encode(),
        open_key("platform", PLATFORM_KEY),
    ),
    "one": JsonSend(
        "one",
        "/v1/message",
        {"Authorization": ONE_API_KEY, "Content-Type": "application/json"},
        json.dumps(
            {"messages": [{"channel": "sms", "to": recipients(1)[0], "content": TEXT}]}
        ).encode(),
        open_key("one", ONE_API_KEY),
    ),
}
