"""What every HTTP benchmark sends and what the stand-ins answer: one definition, shared.

The bare route and the WireMock stub answer the same bytes the fake answers (same length, same
headers), so the comparisons measure the work behind the reply, not its size.
"""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import urlencode

from fake_clickatell import Scenario
from fake_clickatell.core.accounts import open_key
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


def rest_send_script(count: int = 1) -> str:
    """A wrk Lua script that POSTs the REST send with its headers on every request."""
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(rest_send_body(count).decode())}"]
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in REST_HEADERS.items()]
    return "\n".join(lines) + "\n"
