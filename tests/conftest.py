"""Shared fixtures: one fake per test, driven through Flask's test client or a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_clickatell import FakeServer, Scenario, create_app

from .support import STRICT, TRANSPORTS, Harness, MakeFake, frozen


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    """Each test using it runs twice: through Flask's test client and over a real socket."""
    value: str = request.param
    return value


@pytest.fixture
def make_fake(transport: str) -> Iterator[MakeFake]:
    """Build a fresh fake (frozen clock at T0 unless the scenario says otherwise)."""
    made: list[Harness] = []

    def make(scenario: Scenario | None = None) -> Harness:
        app = create_app(scenario if scenario is not None else frozen())
        server = FakeServer(app=app).start() if transport == "socket" else None
        harness = Harness(app, transport, server)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()
        if harness.server is not None:
            harness.server.stop()


@pytest.fixture
def fake(make_fake: MakeFake) -> Harness:
    """An open-mode fake with a frozen clock."""
    return make_fake()


@pytest.fixture
def strict(make_fake: MakeFake) -> Harness:
    """A fake with declared accounts (strict authentication)."""
    return make_fake(STRICT)


# The pytest plugin's own tests run pytest inside pytest.
pytest_plugins = ["pytester"]
