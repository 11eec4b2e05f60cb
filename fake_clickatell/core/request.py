"""One API call in, one answer out: the values the adapter and the gateway exchange."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .commands import Params
from .scenario_model import Fault

TEXT_PLAIN = "text/plain; charset=utf-8"
APPLICATION_JSON = "application/json"

_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


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
    #: The API it came to (:mod:`.protocol`): ``http`` (the default), ``rest``, ...
    api: str = "http"
    #: Request headers, names in lower case (the JSON APIs' adapters pass them; the HTTP API
    #: reads none).
    headers: Mapping[str, str] = field(default_factory=lambda: _NO_HEADERS)
    #: The raw body, for the APIs that read one whatever its content type (JSON).
    body: bytes = b""
    #: The raw query string, for the APIs that read it themselves (repeated names, UTF-8).
    query: str = ""
    #: What the API's ``prepare`` made of the request (its own type), for its handlers.
    data: object = None

    def routed(self, command: str, params: Params, data: object) -> ApiRequest:
        """This request as a JSON API's ``prepare`` read it: the resource's command, the
        parameters it journals and rules match, and what its handlers read."""
        # Built directly: dataclasses.replace costs more than the rest of a prepare.
        return ApiRequest(
            command=command,
            params=params,
            method=self.method,
            path=self.path,
            client_ip=self.client_ip,
            oversized=self.oversized,
            api=self.api,
            headers=self.headers,
            body=self.body,
            query=self.query,
            data=data,
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to answer, and how: the adapter sleeps ``latency`` seconds first, and a ``fault``
    replaces the HTTP reply (``body`` is then the garbage to send, or the reply to truncate
    after ``cut_at`` bytes).

    ``reply`` is the API's reply value (a :data:`.grammar.Reply` for the HTTP API), ``None``
    when no API reply was made (a rule answered raw HTTP or a fault).
    """

    reply: object
    body: str
    status: int = 200
    content_type: str = TEXT_PLAIN
    latency: float = 0.0
    fault: Fault | None = None
    rule: str | None = None
    #: Why the fake answered so, for its user (never on the wire); ``None``: as asked.
    reason: str | None = None
    #: For ``truncate``: how many bytes of the reply are sent before the connection closes.
    cut_at: int | None = None
