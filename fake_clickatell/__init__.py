"""fake_clickatell: a faithful local fake of Clickatell's SMS APIs: the legacy HTTP/S and REST
APIs, the Platform and the One API.

The public API is what ``__all__`` lists; everything else is internal.

The names are imported on first use (PEP 562): pytest imports this package in every project
that has it installed (for the plugin), and importing Flask and yaml there would slow every
test run down, fake or no fake. Type checkers see the imports below as usual. The reference
clients need httpx (``pip install "fake-clickatell[client]"``), which they import with
themselves; nothing here imports hypothesis (``fake_clickatell.strategies`` needs it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .app import FakeServer, create_app
    from .client import (
        AsyncClickatellClient,
        AsyncOneApiClient,
        AsyncPlatformClient,
        AsyncRestClient,
        ClickatellClient,
        OneApiClient,
        PlatformClient,
        RestClient,
    )
    from .core.clock import ClockError, VirtualClock
    from .core.gateway import Gateway
    from .core.scenario_model import AccountSpec, Scenario, StatusStep
    from .interception import intercept
    from .scenario import ScenarioError, load_scenario, load_scenario_text, scenario_from_data
    from .testing import FakeClickatell, FakeServerError, SentMessage

#: Public name -> the module that defines it.
_EXPORTS = {
    "AccountSpec": ".core.scenario_model",
    "AsyncClickatellClient": ".client",
    "AsyncOneApiClient": ".client",
    "AsyncPlatformClient": ".client",
    "AsyncRestClient": ".client",
    "ClickatellClient": ".client",
    "ClockError": ".core.clock",
    "FakeClickatell": ".testing",
    "FakeServer": ".app",
    "FakeServerError": ".testing",
    "Gateway": ".core.gateway",
    "OneApiClient": ".client",
    "PlatformClient": ".client",
    "RestClient": ".client",
    "Scenario": ".core.scenario_model",
    "ScenarioError": ".scenario",
    "SentMessage": ".testing",
    "StatusStep": ".core.scenario_model",
    "VirtualClock": ".core.clock",
    "create_app": ".app",
    "intercept": ".interception",
    "load_scenario": ".scenario",
    "load_scenario_text": ".scenario",
    "scenario_from_data": ".scenario",
}

__all__ = [
    "AccountSpec",
    "AsyncClickatellClient",
    "AsyncOneApiClient",
    "AsyncPlatformClient",
    "AsyncRestClient",
    "ClickatellClient",
    "ClockError",
    "FakeClickatell",
    "FakeServer",
    "FakeServerError",
    "Gateway",
    "OneApiClient",
    "PlatformClient",
    "RestClient",
    "Scenario",
    "ScenarioError",
    "SentMessage",
    "StatusStep",
    "VirtualClock",
    "__version__",
    "create_app",
    "intercept",
    "load_scenario",
    "load_scenario_text",
    "scenario_from_data",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fake_clickatell' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
