"""An app under test that hard-codes Clickatell's URL, once per HTTP client library.

Each ``Sender`` sends an SMS (``sendmsg``) and asks a message's status (``querymsg``) at
``https://api.clickatell.com/http``, the way apps written against the real API do: no base URL
to configure. Intercept mode's tests run them unchanged.
"""

from __future__ import annotations

import asyncio
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
import requests

CLICKATELL = "https://api.clickatell.com/http"
CREDENTIALS = {"api_id": "3442105", "user": "demo", "password": "secret"}
TIMEOUT = 0.5


def _params(**extra: str) -> dict[str, str]:
    return {**CREDENTIALS, **extra}


def with_requests(command: str, params: Mapping[str, str], url: str = CLICKATELL) -> str:
    reply = requests.post(f"{url}/{command}", data=params, timeout=TIMEOUT)
    reply.raise_for_status()
    return reply.text


def with_httpx(command: str, params: Mapping[str, str], url: str = CLICKATELL) -> str:
    with httpx.Client(timeout=TIMEOUT) as client:
        reply = client.post(f"{url}/{command}", data=params)
    reply.raise_for_status()
    return reply.text


async def _with_httpx_async(command: str, params: Mapping[str, str], url: str) -> str:
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        reply = await client.get(f"{url}/{command}", params=params)
    reply.raise_for_status()
    return reply.text


def with_httpx_async(command: str, params: Mapping[str, str], url: str = CLICKATELL) -> str:
    return asyncio.run(_with_httpx_async(command, params, url))


def with_urllib(command: str, params: Mapping[str, str], url: str = CLICKATELL) -> str:
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{url}/{command}?{query}", timeout=TIMEOUT) as reply:
        text: str = reply.read().decode("utf-8")
    return text


Call = Callable[..., str]

#: Library name -> how the app calls Clickatell with it.
LIBRARIES: dict[str, Call] = {
    "requests": with_requests,
    "httpx": with_httpx,
    "httpx-async": with_httpx_async,
    "urllib": with_urllib,
}


@dataclass(frozen=True)
class Sender:
    """The app's SMS code, on one library."""

    call: Call

    def send(self, to: str, text: str) -> str:
        return self.call("sendmsg", _params(to=to, text=text))

    def status(self, api_msg_id: str) -> str:
        return self.call("querymsg", _params(apimsgid=api_msg_id))
