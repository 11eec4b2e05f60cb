"""HTTP framing cost: one keep-alive request read and its reply framed (suite ``framing``).

The server frames requests with llhttp (through ``httptools``) and this project's rules on
top (:class:`fake_clickatell.server.framing.RequestReader`). This suite keeps the measurement
that chose it: the same ``sendmsg`` request (the head a typical client sends, and a form body)
read by each candidate parser, and its reply head framed, in-process and in thread CPU time
(the fastest of ten batches, as the breakdown does):

* ``httptools``: llhttp, Node.js's parser, a compiled extension; what uvicorn uses;
* ``h11``: pure Python and sans-I/O, the model for this project's own core.

For scale, a whole ``sendmsg`` costs the fake about 80-90 µs of server CPU over a socket
(``throughput``); the framing is part of that.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from .breakdown import time_per_call
from .config import Config
from .machine import pin_self, unpin_self
from .stats import Report

SECTION = "HTTP framing"
BODY = b"api_id=3442105&user=demo&password=secret&to=27999000001&text=Your+code+is+1234"
REQUEST = (
    b"POST /http/sendmsg HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nAccept: */*\r\n"
    b"Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\nUser-Agent: python-httpx/0.28\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
)
REPLY = b"ID: 0d1d7dda17d5a24edf1555dc0b679d0e"
PARSERS = {"httptools": "llhttp via httptools (+ our rules)", "h11": "h11 (pure Python)"}


def httptools_cycle() -> Callable[[], tuple[bytes, bytes]]:
    """Read :data:`REQUEST` with the server's own reader, and frame the reply head."""
    from fake_clickatell.server.framing import RequestReader
    from fake_clickatell.server.wire import Limits

    reader = RequestReader(Limits())

    def cycle() -> tuple[bytes, bytes]:
        (request,) = reader.feed(REQUEST)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(REPLY)}\r\n\r\n"
        ).encode("latin-1")
        return request.body, head + REPLY

    return cycle


def h11_cycle() -> Callable[[], tuple[bytes, bytes]]:
    """The same with h11: events in, events out, one cycle of a keep-alive connection."""
    import h11

    conn = h11.Connection(h11.SERVER)
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(REPLY)))]

    def cycle() -> tuple[bytes, bytes]:
        conn.receive_data(REQUEST)
        body = b""
        while True:
            event = conn.next_event()
            if isinstance(event, h11.Data):
                body += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                break
        out = conn.send(h11.Response(status_code=200, headers=headers))
        out += conn.send(h11.Data(data=REPLY)) or b""
        out += conn.send(h11.EndOfMessage()) or b""
        conn.start_next_cycle()
        return body, out

    return cycle


def _key(parser: str) -> str:
    return f"framing.{parser}"


def run(report: Report, config: Config) -> None:
    """Time each parser's cycle once per round, on the server CPU."""
    report.section(SECTION, "µs per keep-alive request read + reply framed, in-process")
    callers: dict[str, Callable[[], tuple[bytes, bytes]]] = {}
    for parser, label in PARSERS.items():
        report.metric(_key(parser), label, "µs")
        if importlib.util.find_spec(parser) is None:
            report.skip(_key(parser), label, "µs", f"{parser} not installed")
            continue
        callers[_key(parser)] = httptools_cycle() if parser == "httptools" else h11_cycle()
    report.row(SECTION, _key("httptools"))
    report.row(SECTION, _key("h11"), _key("httptools"))
    for call in callers.values():
        body, _ = call()
        if body != BODY:
            raise RuntimeError("a parser read a different body")
    pin_self(config.pinning.server_cpu)
    try:
        for _ in range(config.rounds):
            for key, call in callers.items():
                report.metrics[key].samples.append(time_per_call(call, config.breakdown_time) * 1e6)
    finally:
        unpin_self()
