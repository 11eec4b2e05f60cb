"""Concurrency over a real socket: atomic state, unique ids, credit never below zero."""

from __future__ import annotations

import http.client
import json
import threading
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from fake_clickatell import FakeServer, Scenario
from fake_clickatell.app import runtime_of
from fake_clickatell.core.scenario_model import AccountSpec

from .support import frozen

THREADS = 8
PER_THREAD = 200
CHARGE = Decimal("0.75")


def hammer(port: int) -> list[str]:
    """8 threads, each on its own keep-alive connection, each sending 200 messages."""
    bodies: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/http/auth?api_id=1&user=u&password=p")
            session = conn.getresponse().read().decode()[4:]
            barrier.wait()
            mine = []
            for i in range(PER_THREAD):
                params = urlencode(
                    {"session_id": session, "to": f"2799{n:03d}{i:05d}", "text": "hi"}
                )
                conn.request(
                    "POST",
                    "/http/sendmsg",
                    params,
                    {"Content-Type": "application/x-www-form-urlencoded"},
                )
                response = conn.getresponse()
                assert response.status == 200
                mine.append(response.read().decode())
            conn.close()
            with lock:
                bodies.extend(mine)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return bodies


def scenario(balance: Decimal) -> Scenario:
    return frozen(
        Scenario(accounts=(AccountSpec("1", "u", "p", balance=balance),), default_charge=CHARGE)
    )


@pytest.mark.parametrize(
    ("balance", "accepted", "final_balance"),
    [
        (Decimal(2000), 1600, "Credit: 800.00"),  # 2000 - 1600 x 0.75
        (Decimal(750), 1000, "Credit: 0.00"),  # covers exactly 1000 of the 1600
    ],
)
def test_parallel_sendmsg(balance: Decimal, accepted: int, final_balance: str):
    with FakeServer(scenario(balance)) as server:
        bodies = hammer(server.port)
        assert len(bodies) == THREADS * PER_THREAD
        ids = [body[4:] for body in bodies if body.startswith("ID: ")]
        refused = [body for body in bodies if not body.startswith("ID: ")]
        assert len(ids) == accepted
        assert len(set(ids)) == accepted
        assert refused == ["ERR: 301, No credit left"] * (THREADS * PER_THREAD - accepted)

        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/http/getbalance?api_id=1&user=u&password=p")
        assert conn.getresponse().read().decode() == final_balance
        conn.request("GET", "/__admin/messages?limit=10000")
        listing = json.loads(conn.getresponse().read())
        messages = listing["messages"]
        assert listing["page"]["next_offset"] is None  # all of them, on one page
        conn.close()
        assert sorted(m["apimsgid"] for m in messages) == sorted(ids)
        account = runtime_of(server.app).gateway.accounts.get(("1", "u"))
        assert account is not None
        assert account.balance >= 0
