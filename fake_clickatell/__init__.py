"""fake_clickatell: a faithful local fake of Clickatell's legacy SMS HTTP/S API.

The public API is what ``__all__`` lists; everything else is internal.
"""

from .app import create_app
from .core.clock import ClockError, VirtualClock
from .core.config import AccountSpec, Scenario, StatusStep
from .core.gateway import Gateway
from .scenario import ScenarioError, load_scenario, load_scenario_text, scenario_from_data
from .server import FakeServer
from .testing import FakeClickatell, FakeServerError, SentMessage

__version__ = "0.1.0"

__all__ = [
    "AccountSpec",
    "ClockError",
    "FakeClickatell",
    "FakeServer",
    "FakeServerError",
    "Gateway",
    "Scenario",
    "ScenarioError",
    "SentMessage",
    "StatusStep",
    "VirtualClock",
    "__version__",
    "create_app",
    "load_scenario",
    "load_scenario_text",
    "scenario_from_data",
]
