"""Test helpers: the handle the ``clickatell`` pytest fixture gives a test, and its value types.

:class:`FakeClickatell` drives one fake through a small :class:`Backend` interface with three
implementations: :class:`LocalBackend` (a :class:`~fake_clickatell.FakeServer` in a background
thread of the test process, driven through its runtime), :class:`InProcessBackend` (the same
fake with no server: intercept mode hands it the app's requests) and :class:`RemoteBackend`
(an already running ``fake-clickatell serve``, driven over the JSON admin API). The handle
reads the same JSON shapes from all three, so a test cannot tell them apart.

This package imports neither pytest nor a third-party HTTP client: it works in any test runner.

Exceptions::

    AssertionError
     +-- (raised by assert_sent, assert_not_sent, assert_requested, wait_for_messages)
    Exception
     +-- FakeServerError      the fake raised while handling a request (check(), fixture teardown)
     +-- RemoteBackendError   a remote fake could not be reached or refused an admin call
    ValueError
     +-- ScenarioError        (fake_clickatell.scenario) a scenario that cannot be loaded
     +-- ClockError           (fake_clickatell.core.clock) a clock move that makes no sense
"""

from __future__ import annotations

from ..app.errors import RecordedError
from ..core.journal import JournalEntry
from .backend import Backend
from .handle import DEFAULT_CREDENTIALS, Clock, FakeClickatell
from .local import CLICKATELL_URL, InProcessBackend, LocalBackend
from .records import AccountState, PushAttempt, PushRecord, RuleState, SentMessage, StatusChange
from .remote import RemoteBackend, RemoteBackendError
from .reports import FakeServerError
from .scenarios import LoadedScenario, read_scenario

__all__ = [
    "CLICKATELL_URL",
    "DEFAULT_CREDENTIALS",
    "AccountState",
    "Backend",
    "Clock",
    "FakeClickatell",
    "FakeServerError",
    "InProcessBackend",
    "JournalEntry",
    "LoadedScenario",
    "LocalBackend",
    "PushAttempt",
    "PushRecord",
    "RecordedError",
    "RemoteBackend",
    "RemoteBackendError",
    "RuleState",
    "SentMessage",
    "StatusChange",
    "read_scenario",
]
