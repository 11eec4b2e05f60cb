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


# -- Hypothesis settings profiles ------------------------------------------------------------
# HYPOTHESIS_PROFILE selects one (default "dev"); .ci/run exports HYPOTHESIS_PROFILE=ci.
# Neither has a deadline: timing belongs in benchmarks/, and an example's wall time under
# coverage or on a busy CI machine says nothing about correctness.
# - dev: quick feedback while editing; random, remembers failures in .hypothesis/.
# - ci: Hypothesis's built-in CI profile (derandomized, so a CI failure replays locally with
#   HYPOTHESIS_PROFILE=ci; no database; prints the reproduction blob), with 8x dev's examples.
#   Tests whose examples are costly (a socket, the state machine) run a share of them; see
#   tests/client_support.py:examples.
# - mutation: what `make mutate` runs each mutant's tests with (mutation/runner.py): dev's
#   examples, derandomized so that a score is reproducible, and no database, so that no
#   mutant's failing example is replayed by a later run.
# (Imported here rather than at the top: this section is appended to a shared file.)
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("ci", settings.get_profile("ci"), max_examples=400, deadline=None)
settings.register_profile("mutation", settings.get_profile("dev"), derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
